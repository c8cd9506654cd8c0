# SPDX-License-Identifier: Apache-2.0
"""The command line: exit codes, formats, and never a traceback."""

import json

import pytest

from conftest import run_cli


@pytest.mark.req("SRS-GEN-011")
def test_errors_exit_1_and_print_gcc_format_with_notes():
    r = run_cli("check", "tests/generator/invalid/memory_overlap_partitions.yaml")
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert lines[0] == ("tests/generator/invalid/memory_overlap_partitions.yaml:16:9: error[E0203]: "
                        "partition 'ivi': memory [0x50000000..0x70000000) overlaps partition 'cluster' "
                        "[0x48000000..0x54000000)")
    assert lines[1] == "tests/generator/invalid/memory_overlap_partitions.yaml:11:9: note: 'cluster' memory defined here"


@pytest.mark.req("SRS-GEN-011")
def test_all_errors_of_a_run_are_reported(tmp_path):
    f = tmp_path / "many.yaml"
    f.write_text("septum: 1\nboard: qemu-virt\nhypervisor:\n  console: uart0\npartitions:\n"
                 "  a:\n    cpus: [0, 9]\n    memory:\n      - { name: ram, base: 0x48000800, size: 64M }\n"
                 "    image: { kind: baremetal, program: nowhere }\n"
                 "  b:\n    cpus: [0]\n    memory:\n      - { name: ram, base: 0x48000000, size: 64M }\n"
                 "    image: { kind: baremetal, program: nowhere }\n")
    r = run_cli("check", f, "--format", "json")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    codes = sorted(d["code"] for d in doc["diagnostics"])
    assert codes == ["E0202", "E0203", "E0301", "E0302", "E0601", "E0601"]
    assert doc["errors"] == 6
    d = next(d for d in doc["diagnostics"] if d["code"] == "E0301")
    assert (d["line"], d["column"]) == (12, 12) and d["notes"][0]["line"] == 7


@pytest.mark.req("SRS-GEN-011")
def test_json_format_of_a_clean_description():
    r = run_cli("check", "system.yaml", "--format", "json")
    assert r.returncode == 0
    assert json.loads(r.stdout) == {"diagnostics": [], "errors": 0, "warnings": 0}


@pytest.mark.req("SRS-GEN-012")
@pytest.mark.parametrize("content", [
    b"", b"\x00\x01\x02\xff\xfe", b"- a\n- b\n", b"septum: [\n", b"{{{{", b"a: &x [*x]\n",
    b"septum: 1\nboard: 7\n", b"septum: 1\nboard: qemu-virt\nhypervisor: 3\npartitions: []\n",
    b"septum: 1\nboard: qemu-virt\nhypervisor: {console: 1}\npartitions: {a: {cpus: 1, memory: 2, image: 3}}\n",
    b"septum: 1.5\n", b"septum: true\n", b"? [a]\n: b\n", b"\t\tfoo: bar\n", b"x: 2001-01-01\n",
])
def test_garbage_never_gives_a_traceback(tmp_path, content):
    f = tmp_path / "garbage.yaml"
    f.write_bytes(content)
    r = run_cli("check", f)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert "error[E01" in r.stderr


@pytest.mark.req("SRS-GEN-012")
def test_missing_file_is_an_error_not_a_traceback(tmp_path):
    r = run_cli("check", tmp_path / "nope.yaml")
    assert r.returncode == 1 and "E0100" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.req("SRS-GEN-012")
def test_internal_error_is_one_line_exit_2(monkeypatch, capsys):
    from generator import cli

    def boom(_):
        raise RuntimeError("simulated")
    monkeypatch.setattr(cli, "compile_description", boom)
    assert cli.main(["check", "system.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" in err and "simulated" in err


def test_usage_error_exits_2():
    r = run_cli("frobnicate")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_codes_lists_every_rule():
    r = run_cli("codes")
    assert r.returncode == 0
    for code in ("E0101", "E0203", "E0301", "E0601"):
        assert code in r.stdout
