# SPDX-License-Identifier: Apache-2.0
"""Property tests (hypothesis): random valid descriptions map exactly what they say;
random mutations never raise an uncaught exception.

Example counts: 700 valid + 1300 mutated + 300 byte-edited descriptions
(HYPOTHESIS_EXAMPLES scales them), i.e. >= 2000 in CI.
"""

import copy
import os
import pathlib

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pagetable_decoder as dec
from conftest import REPO
from generator import emit
from generator.cli import compile_description

SCALE = float(os.environ.get("HYPOTHESIS_EXAMPLES", "1"))
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
PAGE = 0x1000
MIB = 1 << 20
RAM_BASE, RAM_END = 0x40000000, 0x80000000
HYP = (0x40000000, 32 * MIB)
PROGRAM = str(REPO / "partitions" / "cluster")
NAMES = ["alpha", "bravo", "cluster", "diag", "echo", "ivi"]
SIZES = [PAGE, 3 * PAGE, 64 * 1024, MIB, 2 * MIB, 2 * MIB + PAGE, 6 * MIB, 16 * MIB, 64 * MIB]


@st.composite
def descriptions(draw):
    """A valid description on qemu-virt: disjoint CPUs, disjoint regions, some placed automatically."""
    nparts = draw(st.integers(1, 4))
    cpus = draw(st.permutations(range(4)))
    cuts = sorted(draw(st.lists(st.integers(1, 3), min_size=nparts - 1, max_size=nparts - 1, unique=True))) \
        if nparts > 1 else []
    groups, start = [], 0
    for c in cuts + [4]:
        groups.append(cpus[start:c])
        start = c
    groups = [g for g in groups if g][:nparts]
    names = sorted(draw(st.lists(st.sampled_from(NAMES), min_size=len(groups), max_size=len(groups), unique=True)))
    cursor = HYP[0] + HYP[1]
    parts = {}
    for k, (name, g) in enumerate(zip(names, groups)):
        regions = []
        ipa_next = 0x100000000 + NAMES.index(name) * 0x1000000000 // 16
        for i in range(draw(st.integers(1, 3))):
            size = draw(st.sampled_from(SIZES))
            r = {"name": f"r{i}", "size": size}
            if draw(st.booleans()) or i == 0:
                cursor += draw(st.sampled_from([0, PAGE, 2 * MIB, 5 * PAGE]))
                if cursor + size > RAM_END - 256 * MIB:  # leave room for automatic placement
                    break
                r["base"] = cursor
                cursor += size
            r["perm"] = draw(st.sampled_from(["r", "rw", "rx", "rwx"]))
            if draw(st.booleans()):
                r["ipa"] = ipa_next
                ipa_next += size + draw(st.sampled_from([0, PAGE, 2 * MIB]))
            regions.append(r)
        if not regions:
            regions = [{"name": "r0", "size": PAGE}]
        parts[name] = {"cpus": list(g), "memory": regions,
                       "image": {"kind": "baremetal", "program": PROGRAM},
                       "console": draw(st.sampled_from(["vuart", "none"]))}
        if not any("ipa" in r for r in regions) and draw(st.booleans()):
            # DMA-capable, so only in identity-mapped partitions trusted for DMA (E0407);
            # virtio transports 8k..8k+7 share one 4 KiB page: give each partition its own page
            parts[name]["devices"] = sorted({f"virtio{8 * k + j}" for j in draw(
                st.lists(st.integers(0, 7), min_size=1, max_size=3))})
            parts[name]["dma"] = "trusted"
    doc = {"septum": 1, "board": "qemu-virt",
           "hypervisor": {"console": "uart0", "memory": {"base": HYP[0], "size": HYP[1]}},
           "partitions": parts, "warnings": {"allow": ["W0201"]}}
    if len(parts) >= 2 and draw(st.booleans()):
        chans = {}
        for k in range(draw(st.integers(1, 2))):
            peers = draw(st.lists(st.sampled_from(sorted(parts)), min_size=2, max_size=len(parts), unique=True))
            perms = {p: draw(st.sampled_from(["ro", "rw"])) for p in peers}
            perms[peers[0]] = "rw"
            chans[f"ch{k}"] = {"size": draw(st.sampled_from([PAGE, 16 * 1024, 64 * 1024])), "peers": perms}
        doc["channels"] = chans
    if len(parts) >= 2 and draw(st.booleans()):
        # Links (virtio-net cables): their frames pass through hypervisor memory, never a peer's map.
        links = {}
        for k in range(draw(st.integers(1, 2))):
            ends = draw(st.lists(st.sampled_from(sorted(parts)), min_size=2, max_size=2, unique=True))
            links[f"net{k}"] = {"peers": ends, "mtu": draw(st.sampled_from([68, 1500, 9000]))}
        doc["links"] = links
    return doc


def _compile(doc, tmp_path: pathlib.Path, name="s.yaml"):
    f = tmp_path / name
    f.write_text(yaml.safe_dump(doc, sort_keys=False))
    return compile_description(str(f))


def _check_plan_tables(plan):
    """Decode pagetables.c; compare run by run (pages would be too slow for 1 GiB regions)."""
    files = emit.render(plan)
    tables = dec.parse(files["pagetables.c"].decode())
    normal = lambda perm: dict(memtype="normal", perm=perm, sh=3, af=1)  # noqa: E731
    exclusive = []
    for p in plan["partitions"]:
        got = dec.merged(dec.walk(tables, f"cfg_s2_{p['name']}_l1", "s2"))
        want = [(r["ipa"], r["pa"], r["size"], normal(r["perm"])) for r in p["regions"]]
        want += [(c["ipa"], c["pa"], c["size"], normal(c["perm"])) for c in p["channels"]]
        pages = sorted({(w["ipa"] + off, w["pa"] + off) for d in p["devices"] for w in d["windows"]
                        for off in range(0, w["size"], PAGE)})
        want += [(ipa, pa, PAGE, dict(memtype="device", perm="rw", sh=0, af=1)) for ipa, pa in pages]
        assert got == dec.merged(sorted(want, key=lambda t: t[0])), p["name"]
        for w in p["emulated"]:
            assert not any(va < w["ipa"] + w["size"] and w["ipa"] < va + size for va, _, size, _ in got), w
        hyp = plan["hypervisor"]
        assert not any(pa < hyp["base"] + hyp["size"] and hyp["base"] < pa + size for _, pa, size, _ in got)
        exclusive += [(r["pa"], r["size"], p["name"]) for r in p["regions"]]
    exclusive.sort()
    for (a, asz, an), (b, _, bn) in zip(exclusive, exclusive[1:]):
        assert a + asz <= b, f"{an} and {bn} map the same physical page {b:#x}"
    # EL2 W^X: no EL2 mapping is both writable and executable, and only the hypervisor's .text window executes.
    hyp = plan["hypervisor"]
    text = (int(hyp["link_base"]), int(hyp["link_base"]) + int(hyp["text_window"]))
    roots = [(None, hyp["el2_root"])] + [(c["index"], c["el2_root"]) for c in plan["cpus"]]
    for cpu, root in roots:
        leaves = dec.walk(tables, root, "el2")
        for va, _, size, attrs in leaves:
            assert not ("w" in attrs["perm"] and "x" in attrs["perm"]), (hex(va), attrs)
            assert "x" not in attrs["perm"] or (text[0] <= va and va + size <= text[1]), (hex(va), attrs)
        # Per-CPU EL2 maps: a CPU maps the RAM of the partitions it hosts, all of it, and no other
        # partition's, linked or not (a link's frames pass through hypervisor memory); the boot map none.
        served = {v["partition_name"] for v in plan["vcpus"] if v["pcpu"] == cpu}
        for r in plan["regions"]:
            inside = [(va, size) for va, _, size, _ in leaves if va < r["pa"] + r["size"] and r["pa"] < va + size]
            if r["partition"] in served:
                assert sum(size for _, size in inside) == r["size"], (cpu, r)
            else:
                assert not inside, f"CPU {cpu} maps {r['partition']}.{r['name']} but does not host it"


@pytest.mark.req("SRS-GEN-033")
@pytest.mark.req("SRS-GEN-160")
@settings(max_examples=int(700 * SCALE), **SETTINGS)
@given(doc=descriptions())
def test_random_valid_descriptions_map_exactly_their_regions(doc, tmp_path_factory):
    tmp = tmp_path_factory.getbasetemp()
    res = _compile(doc, tmp)
    assert not res.diags.has_errors(), res.diags.render_text()
    _check_plan_tables(res.plan)


def _mutate(draw, node, depth=0):
    """Return a mutated copy of node: drop, retype or replace one thing somewhere."""
    junk = st.one_of(st.none(), st.booleans(), st.integers(-2**65, 2**65), st.text(max_size=12),
                     st.sampled_from(["64M", "0x1000", "-1", "rwx", "uart0", "/", "vuart", "linux",
                                      "baremetal", "0x7fffffffff000", "4G", "\x00", "..", "ivi"]),
                     st.lists(st.integers(-1, 300), max_size=3), st.dictionaries(st.text(max_size=5),
                                                                                  st.integers(), max_size=2))
    if isinstance(node, dict) and node and depth < 6:
        key = draw(st.sampled_from(sorted(node, key=str)))
        action = draw(st.sampled_from(["descend", "descend", "drop", "replace", "rename"]))
        out = dict(node)
        if action == "descend":
            out[key] = _mutate(draw, node[key], depth + 1)
        elif action == "drop":
            del out[key]
        elif action == "replace":
            out[key] = draw(junk)
        else:
            out[draw(st.text(min_size=1, max_size=8))] = out.pop(key)
        return out
    if isinstance(node, list) and node and depth < 6:
        i = draw(st.integers(0, len(node) - 1))
        out = list(node)
        action = draw(st.sampled_from(["descend", "drop", "dup", "replace"]))
        if action == "descend":
            out[i] = _mutate(draw, node[i], depth + 1)
        elif action == "drop":
            del out[i]
        elif action == "dup":
            out.append(copy.deepcopy(node[i]))
        else:
            out[i] = draw(junk)
        return out
    return draw(junk)


@pytest.mark.req("SRS-GEN-012")
@pytest.mark.req("SRS-GEN-033")
@settings(max_examples=int(1300 * SCALE), **SETTINGS)
@given(data=st.data())
def test_random_mutations_never_raise(data, tmp_path_factory):
    tmp = tmp_path_factory.getbasetemp()
    doc = data.draw(descriptions())
    for _ in range(data.draw(st.integers(1, 3))):
        doc = _mutate(data.draw, doc)
    try:
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    except yaml.YAMLError:
        return
    f = tmp / "m.yaml"
    f.write_text(text)
    res = compile_description(str(f))  # must not raise
    assert res.plan is not None or res.diags.has_errors()
    if res.plan is not None:
        _check_plan_tables(res.plan)
    for d in res.diags.items:
        assert d.loc.file == str(f) and d.code[0] in "EW"


@pytest.mark.req("SRS-GEN-012")
@settings(max_examples=int(300 * SCALE), **SETTINGS)
@given(data=st.data())
def test_random_byte_edits_never_raise(data, tmp_path_factory):
    src = bytearray((REPO / "tests/generator/valid/linux.yaml").read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(src) - 1))
        src[pos:pos + data.draw(st.integers(0, 3))] = data.draw(st.binary(max_size=3))
    f = REPO / "tests/generator/valid" / "_fuzz_tmp.yaml"  # beside linux.yaml so relative paths resolve
    try:
        f.write_bytes(bytes(src))
        res = compile_description(str(f.relative_to(REPO)))
        assert res.plan is not None or res.diags.has_errors()
    finally:
        f.unlink()
