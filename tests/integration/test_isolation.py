# SPDX-License-Identifier: Apache-2.0
"""A partition that reaches outside its memory is halted; the others keep running."""
import os
import re
import struct

import pytest

from conftest import build


@pytest.mark.req("SRS-ISO-001")
@pytest.mark.req("SRS-ISO-004")
@pytest.mark.req("SRS-HVC-003")
def test_probe_reading_outside_its_memory_is_halted_and_cluster_keeps_running(boot):
    image, _ = build("tests/integration/systems/isolation.yaml", "isolation")
    c = boot(image)
    c.expect(r"^\[probe\] probe: console_write outside memory -> -3$", timeout=60)
    c.expect(r"^\[probe\] probe: console_write straddling the end -> -3$", timeout=30)
    c.expect(r"^\[probe\] probe: unknown hypercall -> -1$", timeout=30)
    i, m = c.expect(r"^\[septum\] partition 'probe' fault: data abort, translation fault level \d, read "
                    r"at IPA 0x(4c200000) \(ESR 0x[0-9a-f]+\) \u2014 halted$", timeout=60)
    # The cluster goes on: ten more frames after the fault, numbered without a gap.
    first, m0 = c.expect(r"^\[cluster\] frame (\d+) ", timeout=30, start=i + 1)
    n0 = int(m0.group(1))
    c.expect(r"^\[cluster\] frame %d " % (n0 + 10), timeout=60, start=first)
    after = [int(mm.group(1)) for _, mm in c.matching(r"^\[cluster\] frame (\d+) ", first)]
    assert after[:11] == list(range(n0, n0 + 11)), c.tail()
    assert not c.matching(r"ISOLATION BROKEN"), c.tail()
    # Nothing more from the halted probe after its fault line.
    assert not c.matching(r"^\[probe\] ", i + 1), c.tail()


def _elf_reader(path):
    """(read(va, n) -> bytes, symbols {name: address}) of a linked 64-bit little-endian ELF, from its bytes."""
    data = open(path, "rb").read()
    assert data[:5] == b"\x7fELF\x02"
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    secs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    syms = {}
    for _, typ, _, _, off, size, link, _, _, entsize in secs:
        if typ == 2:  # SHT_SYMTAB
            stroff = secs[link][4]
            for k in range(size // entsize):
                name, _, _, _, value, _ = struct.unpack_from("<IBBHQQ", data, off + k * entsize)
                end = data.index(b"\0", stroff + name)
                syms[data[stroff + name:end].decode()] = value
    progbits = [(addr, off, size) for _, typ, _, addr, off, size, *_ in secs if typ == 1 and addr]

    def read(va, n):
        for addr, off, size in progbits:
            if addr <= va and va + n <= addr + size:
                return data[off + va - addr:off + va - addr + n]
        raise AssertionError(f"{va:#x} is in no loaded section")
    return read, syms


def _el2_leaves(read, root):
    """Leaves (va, size, writable) of the EL2 stage-1 tree at root (4 KiB granule, walk from level 1)."""
    out, pending = [], [(root, 1, 0)]
    while pending:
        table, level, base = pending.pop()
        span = 1 << (39 - 9 * level)
        for i in range(512):
            d, = struct.unpack("<Q", read(table + 8 * i, 8))
            if d & 1 == 0:
                continue
            if level < 3 and d & 2:
                pending.append((d & 0xFFFFFFFFF000, level + 1, base + i * span))
            else:
                out.append((base + i * span, span, not (d >> 7) & 1))
    return out


def _maps(leaves, pa):
    return any(va <= pa < va + size for va, size, _ in leaves)


@pytest.mark.req("SRS-ISO-020")
def test_linked_image_each_cpu_el2_map_excludes_the_other_partitions_ram(boot):
    """Read the EL2 tables the image really loads into TTBR0_EL2 (cfg_cpus[i].el2_root, cfg_hyp.el2_root),
    from the linked ELF: CPU 0 (cluster) cannot reach the probe's RAM even speculatively, nor CPU 1
    (probe) the cluster's; the boot map reaches neither; the tables lie in memory mapped read-only. Then the
    same image boots and runs both partitions with those maps."""
    image, bdir = build("tests/integration/systems/isolation.yaml", "isolation")
    defs = dict(re.findall(r"#define (CFG_\w+) (\d+)", open(os.path.join(bdir, "kernel", "asm_defs.h")).read()))
    read, syms = _elf_reader(os.path.join(bdir, "septum.elf"))

    def ptr(va):
        return struct.unpack("<Q", read(va, 8))[0]
    cpu_root = [ptr(syms["cfg_cpus"] + c * int(defs["CFG_CPU_SIZE"]) + int(defs["CFG_CPU_EL2_ROOT"])) for c in (0, 1)]
    boot_root = ptr(syms["cfg_hyp"] + int(defs["CFG_HYP_EL2_ROOT"]))
    cluster, probe = 0x48000000, 0x4c000000
    m0, m1, mb = (_el2_leaves(read, r) for r in (cpu_root[0], cpu_root[1], boot_root))
    assert _maps(m0, cluster) and _maps(m0, cluster + 64 * 2**20 - 1) and not _maps(m0, probe)
    assert _maps(m1, probe) and not _maps(m1, cluster) and not _maps(m1, cluster + 64 * 2**20 - 1)
    assert not _maps(mb, cluster) and not _maps(mb, probe)
    for root in {cpu_root[0], cpu_root[1], boot_root}:
        assert any(va <= root < va + size and not w for va, size, w in m0), f"table {root:#x} writable at EL2"
    c = boot(image)
    c.expect(r"CPU 0: partition 'cluster' vCPU 0 starts", timeout=120)
    c.expect(r"CPU 1: partition 'probe' vCPU 0 starts", timeout=120)
    # Hypercall buffers are read through CPU 1's map (the probe's own RAM); the cluster computes on CPU 0's.
    c.expect(r"^\[probe\] probe: console_write outside memory -> -3$", timeout=60)
    c.expect(r"^\[cluster\] frame \d+ ", timeout=60)


@pytest.mark.req("SRS-ISO-021")
def test_linked_image_boot_images_are_read_only_in_every_el2_map():
    """Read the EL2 tables the image loads (every CPU's and the boot map) from the linked ELF: every page of
    the partitions' boot images (.images, from __images_start to __images_end, the copies each restart
    reloads from) is mapped and not writable, while .bss and the stacks are mapped writable."""
    image, bdir = build("tests/integration/systems/isolation.yaml", "isolation")
    defs = dict(re.findall(r"#define (CFG_\w+) (\d+)", open(os.path.join(bdir, "kernel", "asm_defs.h")).read()))
    read, syms = _elf_reader(os.path.join(bdir, "septum.elf"))

    def ptr(va):
        return struct.unpack("<Q", read(va, 8))[0]
    import json
    ncpus = len(json.load(open(os.path.join(bdir, "gen", "plan.json")))["cpus"])
    roots = {ptr(syms["cfg_cpus"] + c * int(defs["CFG_CPU_SIZE"]) + int(defs["CFG_CPU_EL2_ROOT"]))
             for c in range(ncpus)} | {ptr(syms["cfg_hyp"] + int(defs["CFG_HYP_EL2_ROOT"]))}
    lo, hi = syms["__images_start"], syms["__images_end"]
    assert hi - lo > 4096 and syms["cfg_image_cluster"] >= lo and syms["cfg_image_probe"] < hi
    for root in roots:
        leaves = _el2_leaves(read, root)
        for page in range(lo & ~0xFFF, hi, 4096):
            hit = [w for va, size, w in leaves if va <= page < va + size]
            assert hit == [False], f"image page {page:#x} is {'writable' if hit else 'unmapped'} at EL2 (root {root:#x})"
        for sym in ("__bss_start", "__bss_end", "arch_stacks"):
            assert [w for va, size, w in leaves if va <= syms[sym] - (sym == "__bss_end") < va + size] == [True], sym


@pytest.mark.req("SRS-ISO-020")
def test_linked_default_image_no_cpu_maps_the_ram_of_a_partition_it_does_not_host():
    """The default system's cluster and IVI share the link 'media'; a link's frames pass through
    hypervisor memory, so in the linked image each CPU's EL2 map (what TTBR0_EL2 loads) holds the RAM of
    the partition it hosts and not one page of the other's, and a CPU that hosts nothing holds neither."""
    import json
    image, bdir = build()
    plan = json.load(open(os.path.join(bdir, "..", "gen", "plan.json")))
    assert plan["netdevs"], "the default system has a link"
    defs = dict(re.findall(r"#define (CFG_\w+) (\d+)", open(os.path.join(bdir, "kernel", "asm_defs.h")).read()))
    read, syms = _elf_reader(os.path.join(bdir, "septum.elf"))
    hosts = {}
    for v in plan["vcpus"]:
        hosts.setdefault(v["pcpu"], set()).add(v["partition_name"])
    for c in plan["cpus"]:
        root = struct.unpack("<Q", read(syms["cfg_cpus"] + c["index"] * int(defs["CFG_CPU_SIZE"]) +
                                        int(defs["CFG_CPU_EL2_ROOT"]), 8))[0]
        leaves = _el2_leaves(read, root)
        for r in plan["regions"]:
            base, size = int(r["pa"], 16), int(r["size"], 16)
            mapped = [p for p in range(base, base + size, 2 << 20) if _maps(leaves, p)] + \
                [p for p in (base + size - 1,) if _maps(leaves, p)]
            if r["partition"] in hosts.get(c["index"], set()):
                assert len(mapped) == len(range(base, base + size, 2 << 20)) + 1, (c["index"], r["name"])
            else:
                assert not mapped, f"CPU {c['index']} maps {r['partition']}.{r['name']} at {mapped[0]:#x}"
