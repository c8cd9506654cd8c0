# SPDX-License-Identifier: Apache-2.0
"""Issue 14: the generator never stops without a location and stays fast at any size.

Limits that cannot be a committed file (a 1 MiB description, 5,000 levels of
nesting, a directory as the description), internal errors under --format json,
escaping of device-tree strings, and the speed of automatic placement.
"""

import json
import pathlib
import resource
import subprocess
import sys
import time

import pytest

from conftest import REPO, run_cli
from generator import dts
from generator.cli import compile_description

sys.path.insert(0, str(REPO / "tests" / "bench"))
import gen_bench  # noqa: E402


def _json(r):
    doc = json.loads(r.stdout)
    return [(d["code"], d["line"], d["column"]) for d in doc["diagnostics"]], doc


@pytest.mark.req("SRS-GEN-141")
def test_a_description_larger_than_1_mib_is_e0112(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_bytes(b"septum: 1\n" + b"# padding\n" * 110_000)
    r = run_cli("check", f, "--format", "json")
    assert r.returncode == 1
    assert _json(r)[0] == [("E0112", 1, 1)]


@pytest.mark.req("SRS-GEN-141")
def test_5000_levels_of_flow_nesting_are_e0114_not_a_crash(tmp_path):
    f = tmp_path / "deep.yaml"
    f.write_text("septum: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n")
    r = run_cli("check", f, "--format", "json")
    assert r.returncode == 1, r.stderr
    assert _json(r)[0] == [("E0114", 2, 35)]


@pytest.mark.req("SRS-GEN-141")
def test_an_alias_bomb_is_refused_before_expansion_and_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    f = tmp_path / "bomb.yaml"
    f.write_text("\n".join(lines) + "\n")
    t = time.process_time()
    res = compile_description(str(f))
    assert time.process_time() - t < 2.0
    assert [d.code for d in res.diags.items] == ["E0113"]


@pytest.mark.req("SRS-GEN-141")
@pytest.mark.parametrize("path,what", [("tests/generator", "is a directory"), ("/dev/null", "is not a regular file"),
                                       ("tests/nowhere.yaml", "does not exist")])
def test_the_description_path_says_what_it_is(path, what):
    res = compile_description(path)
    assert [(d.code, d.message) for d in res.diags.items] == [
        ("E0100", f"cannot read the description: {path} {what}")]


@pytest.mark.req("SRS-GEN-141")
@pytest.mark.parametrize("kernel,what", [("..", "is a directory"), ("/dev/null", "is not a regular file")])
def test_a_kernel_path_says_what_it_is(tmp_path, kernel, what):
    f = tmp_path / "k.yaml"
    f.write_text("septum: 1\nboard: qemu-virt\nhypervisor: { console: uart0 }\npartitions:\n  ivi:\n"
                 "    cpus: [1]\n    memory: [ { name: ram, base: 0x50000000, size: 64M } ]\n"
                 f"    image: {{ kind: linux, kernel: {kernel} }}\n")
    res = compile_description(str(f))
    msgs = [d.message for d in res.diags.items if d.code == "E0602"]
    assert msgs and msgs[0].startswith(f"partition 'ivi': kernel file '{kernel}' {what}")


@pytest.mark.req("SRS-GEN-141")
def test_an_internal_error_still_gives_one_located_json_diagnostic(tmp_path):
    # Make the board loader raise an unexpected exception inside a fresh interpreter.
    code = ("import sys, generator.board as b\n"
            "def boom(name): raise RuntimeError('injected')\n"
            "b.load_board = boom\n"
            "from generator.cli import main\n"
            "sys.exit(main(['check', 'system.yaml', '--format', 'json']))\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    diags, doc = _json(r)
    assert diags == [("E0001", 1, 1)] and doc["errors"] == 1
    assert "injected" in doc["diagnostics"][0]["message"] and doc["diagnostics"][0]["file"] == "system.yaml"
    assert "Traceback" not in r.stderr


@pytest.mark.req("SRS-GEN-145")
@pytest.mark.parametrize("text", ['a"; }; memory@40000000 { reg = <0 0 1 0>; }; / { x = "',
                                  "back\\slash\nnew line\ttab", "unicode \u00e9\u4e2d \x7f", ""])
def test_dts_strings_are_escaped_and_round_trip(text):
    import libfdt
    dtb = dts.compile_dtb(f"/dts-v1/;\n/ {{\n\tchosen {{\n\t\tbootargs = {dts.dts_string(text)};\n\t}};\n}};\n")
    assert dtb, "did not compile"
    fdt = libfdt.Fdt(dtb)
    node = fdt.path_offset("/chosen")
    assert bytes(fdt.getprop(node, "bootargs")) == text.encode() + b"\0"
    assert fdt.path_offset("/memory@40000000", (libfdt.NOTFOUND,)) < 0


@pytest.mark.req("SRS-GEN-145")
def test_crafted_bootargs_add_no_node_to_the_guest_tree(tmp_path):
    evil = 'x"; }; memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x40000000>; }; chosen2 { a = "'
    f = tmp_path / "boot.yaml"
    f.write_text("septum: 1\nboard: qemu-virt\nhypervisor: { console: uart0 }\npartitions:\n  ivi:\n"
                 "    cpus: [1]\n    memory: [ { name: ram, base: 0x50000000, size: 64M } ]\n"
                 f"    image: {{ kind: linux, kernel: {REPO}/tests/generator/files/Image, "
                 f"bootargs: '{evil}' }}\n")
    res = compile_description(str(f))
    assert not res.diags.has_errors(), res.diags.render_text()
    text = res.plan["dts"]["ivi"]
    import libfdt
    fdt = libfdt.Fdt(dts.compile_dtb(text))
    assert bytes(fdt.getprop(fdt.path_offset("/chosen"), "bootargs")) == evil.encode() + b"\0"
    assert fdt.path_offset("/memory@40000000", (libfdt.NOTFOUND,)) < 0


def _cpu_seconds(path) -> float:
    """CPU time of `generator check path` in a child (wall time would depend on the machine's load)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = run_cli("check", path)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert r.returncode == 0, r.stderr
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


@pytest.mark.req("SRS-GEN-146")
@pytest.mark.parametrize("make", [gen_bench.many_channels, gen_bench.many_regions], ids=["channels", "regions"])
def test_1000_channels_or_regions_check_in_under_2_s(tmp_path, make):
    f = tmp_path / "many.yaml"
    f.write_text(make(1000))
    assert _cpu_seconds(f) < 2.0
