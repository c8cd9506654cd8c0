# SPDX-License-Identifier: Apache-2.0
"""Valid descriptions beyond the default: a Linux partition, the J721E board."""

import json
import pathlib
import subprocess
import xml.etree.ElementTree as ET

import pytest

import pagetable_decoder as dec
from conftest import REPO, run_cli

HERE = pathlib.Path(__file__).resolve().parent
VALID = sorted((HERE / "valid").glob("*.yaml")) + sorted((HERE / "boards").glob("*.yaml"))


def _build(path, out):
    r = run_cli("build", path.relative_to(REPO), "-o", out)
    assert r.returncode == 0, r.stderr
    return json.loads((out / "plan.json").read_text())


@pytest.mark.req("SRS-GEN-032")
@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_description_generates_and_tables_decode(path, tmp_path):
    plan = _build(path, tmp_path)
    tables = dec.parse((tmp_path / "pagetables.c").read_text())
    h = lambda x: int(x, 16)  # noqa: E731
    for p in plan["partitions"]:
        got = {}
        for va, pa, size, attrs in dec.walk(tables, f"cfg_s2_{p['name']}_l1", "s2"):
            for off in range(0, size, 4096):
                got[va + off] = (pa + off, attrs["memtype"], attrs["perm"])
        want = {}
        for r in p["regions"]:
            for off in range(0, h(r["size"]), 4096):
                want[h(r["ipa"]) + off] = (h(r["pa"]) + off, "normal", r["perm"])
        for c in p["channels"]:
            for off in range(0, h(c["size"]), 4096):
                want[h(c["ipa"]) + off] = (h(c["pa"]) + off, "normal", c["perm"])
        for d in p["devices"]:
            for w in d["windows"]:
                for off in range(0, h(w["size"]), 4096):
                    want[h(w["ipa"]) + off] = (h(w["pa"]) + off, "device", "rw")
        assert got == want, p["name"]
        for w in p["emulated"]:
            assert not any(h(w["ipa"]) <= a < h(w["ipa"]) + h(w["size"]) for a in got), \
                f"{p['name']}: emulated window {w['what']} is mapped"
    ET.fromstring((tmp_path / "memory-map.svg").read_text())


@pytest.mark.req("SRS-GEN-029")
def test_linux_partition_device_tree(tmp_path):
    plan = _build(HERE / "valid" / "linux.yaml", tmp_path)
    dts = tmp_path / "ivi.dts"
    r = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(tmp_path / "ivi.dtb"), str(dts)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    import libfdt
    fdt = libfdt.Fdt((tmp_path / "ivi.dtb").read_bytes())
    root = fdt.path_offset("/")
    assert fdt.getprop(root, "interrupt-parent") is not None
    gic = fdt.path_offset("/interrupt-controller@8000000")
    assert fdt.getprop(gic, "compatible").as_str() == "arm,gic-v3"
    reg = fdt.getprop(gic, "reg")
    ivi = next(p for p in plan["partitions"] if p["name"] == "ivi")
    assert len(reg) == 32 and int.from_bytes(reg[24:32], "big") == 0x20000 * 3 == int(ivi["vgic"]["gicr_size"], 16)
    assert fdt.getprop(fdt.path_offset("/psci"), "method").as_str() == "hvc"
    assert len(fdt.getprop(fdt.path_offset("/timer"), "interrupts")) == 4 * 12
    cpus = fdt.path_offset("/cpus")
    n = 0
    off = fdt.first_subnode(cpus, quiet=(libfdt.NOTFOUND,))
    while off >= 0:
        assert fdt.getprop(off, "enable-method").as_str() == "psci"
        n += 1
        off = fdt.next_subnode(off, quiet=(libfdt.NOTFOUND,))
    assert n == 3
    uart = fdt.path_offset("/pl011@9000000")
    assert b"apb_pclk" in bytes(fdt.getprop(uart, "clock-names")).split(b"\0")
    chosen = fdt.path_offset("/chosen")
    assert fdt.getprop(chosen, "bootargs").as_str() == "console=ttyAMA0 earlycon"
    start = int.from_bytes(fdt.getprop(chosen, "linux,initrd-start"), "big")
    assert start == int(ivi["linux"]["initrd_ipa"], 16)
    assert fdt.path_offset("/virtio_mmio@a003e00") >= 0
    assert fdt.path_offset("/septum-channel@42000000") >= 0
    assert fdt.path_offset("/aliases") >= 0  # merged from the fragment
    assert fdt.path_offset("/virtio_mmio@a003c00") >= 0  # virtio30 shares virtio31's page
    for absent in ("/virtio_mmio@a003a00", "/pl031@9010000", "/fw-cfg@9020000"):
        with pytest.raises(libfdt.FdtException):
            fdt.path_offset(absent)
    assert ivi["load_ipa"] == ivi["linux"]["kernel_ipa"]
    assert int(ivi["linux"]["kernel_ipa"], 16) % 0x200000 == 0


@pytest.mark.req("SRS-GEN-023")
def test_automatic_placement_is_deterministic_and_clear(tmp_path):
    a = _build(HERE / "valid" / "linux.yaml", tmp_path / "a")
    b = _build(HERE / "valid" / "linux.yaml", tmp_path / "b")
    assert a == b
    ivi = next(p for p in a["partitions"] if p["name"] == "ivi")
    assert ivi["regions"][0]["pa"] == "0x4c000000"
    assert a["channels"][0]["pa"] == "0x42000000"


@pytest.mark.req("SRS-GEN-022")
def test_allowed_warning_passes_and_is_reported(tmp_path):
    src = (HERE / "invalid" / "memory_not_2m_aligned_warning.yaml").read_text()
    f = HERE / "invalid" / "_allowed_tmp.yaml"
    try:
        f.write_text(src.split("# expect")[0] + "warnings: { allow: [W0201] }\n")
        r = run_cli("check", f.relative_to(REPO))
        assert r.returncode == 0, r.stderr
        assert "warning[W0201]" in r.stderr
    finally:
        f.unlink()


@pytest.mark.req("SRS-GEN-007")
def test_broken_board_is_e0109(monkeypatch, tmp_path):
    from generator import board as boardmod
    from generator.cli import compile_description
    bad = tmp_path / "board.dts"
    bad.write_text("/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>; };\n")
    monkeypatch.setattr(boardmod, "board_dts_path", lambda name: bad)
    res = compile_description("system.yaml")
    assert [(d.code, d.loc.line) for d in res.diags.items] == [("E0109", 4)]
    assert "no memory node" in res.diags.items[0].message
