# SPDX-License-Identifier: Apache-2.0
"""Decode the emitted tables (pagetables.c) independently and compare with the description."""

import json

import pytest

import pagetable_decoder as dec
from conftest import REPO, run_cli


@pytest.fixture(scope="module")
def default_gen(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen")
    r = run_cli("build", REPO / "system.yaml", "-o", out)
    assert r.returncode == 0, r.stderr
    return dec.parse((out / "pagetables.c").read_text()), json.loads((out / "plan.json").read_text())


def _h(x):
    return int(x, 16)


def _channel_runs(p):
    """The shared regions of p's channels as (ipa, pa, size, attrs), never executable."""
    return [(_h(c["ipa"]), _h(c["pa"]), _h(c["size"]),
             dict(memtype="normal", perm=c["perm"], sh=3, af=1)) for c in p["channels"]]


@pytest.mark.req("SRS-GEN-015")
def test_stage2_maps_exactly_each_partitions_regions_and_channels(default_gen):
    tables, plan = default_gen
    for p in plan["partitions"]:
        runs = dec.merged(dec.walk(tables, f"cfg_s2_{p['name']}_l1", "s2"))
        want = sorted([(_h(r["ipa"]), _h(r["pa"]), _h(r["size"]),
                        dict(memtype="normal", perm=r["perm"], sh=3, af=1)) for r in p["regions"]] +
                      _channel_runs(p))
        assert runs == want


@pytest.mark.req("SRS-GEN-015")
def test_stage2_uses_2mib_blocks_for_aligned_ram(default_gen):
    tables, plan = default_gen
    leaves = dec.walk(tables, "cfg_s2_cluster_l1", "s2")
    ram = [size for va, _, size, _ in leaves if 0x48000000 <= va < 0x4c000000]
    assert set(ram) == {1 << 21} and len(ram) == 32
    assert tables["cfg_s2_cluster_l2_0"][64] == 0x480007FD  # rw normal block, as the ARM ARM encodes it


@pytest.mark.req("SRS-GEN-015")
def test_no_two_partitions_map_the_same_physical_page_except_a_channel(default_gen):
    tables, plan = default_gen
    shared = {page for p in plan["partitions"] for _, pa, size, _ in _channel_runs(p)
              for page in range(pa, pa + size, 4096)}
    assert shared, "the default system has a channel"
    owner = {}
    for p in plan["partitions"]:
        for va, pa, size, _ in dec.walk(tables, f"cfg_s2_{p['name']}_l1", "s2"):
            for page in range(pa, pa + size, 4096):
                if page not in shared:
                    assert owner.setdefault(page, p["name"]) == p["name"]


def _el2_served(plan, cpu):
    """Partitions whose RAM CPU cpu's EL2 map must hold, from plan.json's vCPUs alone: those it hosts
    (a link's peer is not among them: its frames pass through hypervisor memory)."""
    return {v["partition_name"] for v in plan["vcpus"] if v["pcpu"] == cpu}


def _el2_expected(plan, served):
    """{page: attrs} of an EL2 map holding the hypervisor, its devices and the RAM of served."""
    want = {}

    def expect(base, size, attrs):
        for page in range(base, base + size, 4096):
            want[page] = attrs
    hyp = plan["hypervisor"]
    # W^X: .text read-only and executable, tables and .rodata read-only, .data read/write, the boot
    # images read-only up to the read/write window of .bss and stacks at the top; nothing else executable.
    link, text, ro = _h(hyp["link_base"]), _h(hyp["text_window"]), _h(hyp["rodata_window"])
    data, top = _h(hyp["data_window"]), _h(hyp["rw_top"])
    end = _h(hyp["base"]) + _h(hyp["size"])
    expect(_h(hyp["base"]), _h(hyp["size"]), dict(memtype="normal", perm="rw", sh=3, af=1))
    expect(link, text, dict(memtype="normal", perm="rx", sh=3, af=1))
    expect(link + text, ro, dict(memtype="normal", perm="r", sh=3, af=1))
    images = link + text + ro + data
    expect(images, end - top - images, dict(memtype="normal", perm="r", sh=3, af=1))
    for r in plan["regions"]:
        if r["partition"] in served:
            perm = "rw" if "w" in r["perm"] else "r"
            expect(_h(r["pa"]), _h(r["size"]), dict(memtype="normal", perm=perm, sh=3, af=1))
    dev = dict(memtype="device", perm="rw", sh=0, af=1)
    expect(_h(hyp["console"]["pa"]), 0x1000, dev)
    expect(_h(hyp["gicd"]), 0x10000, dev)
    expect(_h(hyp["gicr"]), _h(hyp["gicr_stride"]) * len(plan["cpus"]), dev)
    return want


def _el2_pages(tables, root):
    leaves = dec.walk(tables, root, "el2")
    assert all(va == pa for va, pa, _, _ in leaves), "EL2 map must be identity"
    got = {}
    for va, _, size, attrs in leaves:
        for page in range(va, va + size, 4096):
            got[page] = attrs
    return got


@pytest.mark.req("SRS-GEN-016")
@pytest.mark.req("SRS-GEN-160")
def test_el2_maps_hypervisor_devices_and_only_served_partitions_xn(default_gen):
    tables, plan = default_gen
    # The boot map (the boot CPU until it knows its index) holds no partition memory at all.
    assert _el2_pages(tables, plan["hypervisor"]["el2_root"]) == _el2_expected(plan, set())
    for c in plan["cpus"]:
        served = _el2_served(plan, c["index"])
        assert set(c["el2_serves"]["hosts"]) == served
        assert _el2_pages(tables, c["el2_root"]) == _el2_expected(plan, served), c["index"]
    # Channel memory is never touched by the hypervisor: no EL2 map holds it.
    for c in plan["channels"]:
        for root in [plan["hypervisor"]["el2_root"]] + [x["el2_root"] for x in plan["cpus"]]:
            assert _h(c["pa"]) not in _el2_pages(tables, root)


@pytest.mark.req("SRS-GEN-160")
def test_el2_map_of_a_cpu_holds_no_ram_of_a_partition_it_neither_hosts_nor_serves(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(f"""septum: 1
board: qemu-virt
hypervisor: {{ console: uart0, memory: {{ base: 0x40000000, size: 64M }} }}
partitions:
  a:
    cpus: [0]
    memory:
      - {{ name: ram, base: 0x48000000, size: 16M }}
      - {{ name: rom, base: 0x49000000, size: 64K, perm: r, ipa: 0x10000000 }}
    image: {{ kind: baremetal, program: {REPO}/partitions/cluster }}
  b:
    cpus: [1, 2]
    memory: [{{ name: ram, base: 0x4a000000, size: 16M }}]
    image: {{ kind: baremetal, program: {REPO}/partitions/cluster }}
channels:
  c: {{ base: 0x4c000000, size: 64K, peers: {{ a: rw, b: ro }} }}
""")
    r = run_cli("build", f, "-o", tmp_path / "o")
    assert r.returncode == 0, r.stderr
    tables = dec.parse((tmp_path / "o" / "pagetables.c").read_text())
    plan = json.loads((tmp_path / "o" / "plan.json").read_text())
    roots = {c["index"]: c["el2_root"] for c in plan["cpus"]}
    a0, b1 = _el2_pages(tables, roots[0]), _el2_pages(tables, roots[1])
    assert 0x48000000 in a0 and 0x48000000 + 16 * 2**20 - 4096 in a0 and 0x4a000000 not in a0
    assert 0x4a000000 in b1 and 0x48000000 not in b1 and 0x49000000 not in b1
    assert a0[0x49000000]["perm"] == "r", "a read-only region is read-only at EL2 too"
    assert roots[1] == roots[2], "identical maps are one table"
    for cpu in (0, 1, 3):
        assert _el2_pages(tables, roots[cpu]) == _el2_expected(plan, _el2_served(plan, cpu))
    assert not any(0x48000000 <= p < 0x4b000000 for p in _el2_pages(tables, roots[3])), "CPU 3 hosts nothing"


@pytest.mark.req("SRS-GEN-015")
def test_unaligned_region_uses_pages_and_read_only_is_encoded(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(f"""septum: 1
board: qemu-virt
hypervisor: {{ console: uart0, memory: {{ base: 0x40000000, size: 32M }} }}
partitions:
  a:
    cpus: [0]
    memory:
      - {{ name: ram, base: 0x48000000, size: 0x201000 }}
      - {{ name: rom, base: 0x4a001000, size: 12K, perm: r, ipa: 0x10000000 }}
      - {{ name: big, base: 0x80000000, size: 1G, ipa: 0xc0000000 }}
    image: {{ kind: baremetal, program: {REPO}/partitions/cluster }}
""")
    f.write_text(f.read_text().replace("0x80000000, size: 1G", "0x40000000, size: 1G"))
    r = run_cli("build", f, "-o", tmp_path / "o")
    assert r.returncode == 1  # 1G at RAM base overlaps the hypervisor: that is the check
    f.write_text(f.read_text().replace("      - { name: big, base: 0x40000000, size: 1G, ipa: 0xc0000000 }\n", ""))
    r = run_cli("build", f, "-o", tmp_path / "o")
    assert r.returncode == 0, r.stderr
    tables = dec.parse((tmp_path / "o" / "pagetables.c").read_text())
    runs = dec.merged(dec.walk(tables, "cfg_s2_a_l1", "s2"))
    assert runs == [
        (0x10000000, 0x4a001000, 0x3000, dict(memtype="normal", perm="r", sh=3, af=1)),
        (0x48000000, 0x48000000, 0x201000, dict(memtype="normal", perm="rwx", sh=3, af=1)),
    ]
    sizes = sorted({s for _, _, s, _ in dec.walk(tables, "cfg_s2_a_l1", "s2")})
    assert sizes == [0x1000, 0x200000]


@pytest.fixture(scope="module")
def linux_gen(tmp_path_factory):
    out = tmp_path_factory.mktemp("lgen")
    r = run_cli("build", REPO / "tests/generator/valid/linux.yaml", "-o", out)
    assert r.returncode == 0, r.stderr
    return dec.parse((out / "pagetables.c").read_text()), json.loads((out / "plan.json").read_text())


@pytest.mark.req("SRS-GEN-031")
def test_emulated_windows_unmapped_devices_nGnRE_channels_with_peer_permission(linux_gen):
    tables, plan = linux_gen
    checked = dict(emulated=0, devices=0, channels=0)
    for p in plan["partitions"]:
        checked["emulated"] += len(p["emulated"])
        checked["devices"] += len(p["devices"])
        checked["channels"] += len(p["channels"])
        pages = {}
        for va, pa, size, attrs in dec.walk(tables, f"cfg_s2_{p['name']}_l1", "s2"):
            for off in range(0, size, 4096):
                pages[va + off] = (pa + off, attrs)
        for w in p["emulated"]:
            for page in range(_h(w["ipa"]) & ~0xfff, _h(w["ipa"]) + _h(w["size"]), 4096):
                assert page not in pages, f"{p['name']}: emulated {w['kind']} page {page:#x} is mapped"
        for d in p["devices"]:
            for w in d["windows"]:
                ipa, attrs = _h(w["ipa"]), pages[_h(w["ipa"])][1]
                assert attrs["memtype"] == "device", (p["name"], d["path"], attrs)
                assert "x" not in attrs["perm"], (p["name"], d["path"], attrs)
        for c in p["channels"]:
            ipa = _h(c["ipa"])
            attrs = pages[ipa][1]
            assert attrs["memtype"] == "normal"
            assert attrs["perm"] == {"ro": "r", "rw": "rw"}.get(c["perm"], c["perm"]), (p["name"], c, attrs)
    assert min(checked.values()) > 0, checked
