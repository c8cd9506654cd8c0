# SPDX-License-Identifier: Apache-2.0
"""The septum,channel binding (docs/bindings) is a valid dt-schema document, and the
device trees the generator writes for Linux partitions validate against it and
dt-schema's core schemas (Debian's dt-schema: dt-doc-validate, dt-mk-schema, dt-validate).

dt-validate reports problems on its output but exits 0 (dt-schema 2022.08), so
these tests require its output to be empty; the negative cases show that it
does report a broken channel node."""

import pathlib
import subprocess

import pytest

from conftest import REPO, run_cli

BINDINGS = REPO / "docs" / "bindings"
HERE = pathlib.Path(__file__).resolve().parent
VALID = sorted((HERE / "valid").glob("*.yaml"))


def _run(*cmd):
    r = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    return r.returncode, (r.stdout + r.stderr).strip()


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    """dt-schema's core schemas plus ours, processed once."""
    out = tmp_path_factory.mktemp("schema") / "processed.json"
    rc, msg = _run("dt-mk-schema", "-j", "-o", str(out), str(BINDINGS))
    assert rc == 0, msg
    return out


def _dtb(dts_text, path):
    path.with_suffix(".dts").write_text(dts_text)
    rc, msg = _run("dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(path), str(path.with_suffix(".dts")))
    assert rc == 0, msg
    return path


def _validate(schema, dtb):
    rc, msg = _run("dt-validate", "-s", str(schema), str(dtb))
    assert rc == 0, msg
    return msg


def _partition_trees(tmp_path):
    """(name, DTS text) of every Linux partition: the committed gen/ and each valid description."""
    trees = [(f"gen/{p.name}", p.read_text()) for p in sorted((REPO / "gen").glob("*.dts"))]
    for desc in VALID:
        out = tmp_path / desc.stem
        r = run_cli("build", desc.relative_to(REPO), "-o", out)
        assert r.returncode == 0, r.stderr
        trees += [(f"{desc.name}:{p.name}", p.read_text()) for p in sorted(out.glob("*.dts"))]
    return trees


@pytest.mark.req("SRS-DT-001")
def test_channel_binding_is_a_valid_dt_schema():
    for doc in sorted(BINDINGS.glob("*.yaml")):
        rc, msg = _run("dt-doc-validate", "-u", str(BINDINGS), str(doc))
        assert rc == 0 and msg == "", f"{doc.name}: {msg}"


@pytest.mark.req("SRS-DT-001")
def test_generated_partition_device_trees_validate(schema, tmp_path):
    trees = _partition_trees(tmp_path)
    assert any("septum,channel" in text for _, text in trees)
    for i, (name, text) in enumerate(trees):
        msg = _validate(schema, _dtb(text, tmp_path / f"t{i}.dtb"))
        assert msg == "", f"{name}:\n{msg}"


@pytest.mark.req("SRS-DT-001")
@pytest.mark.parametrize("edit,expect", [
    (('septum,name = "nav";', ""), "'septum,name' is a required property"),
    (("septum,peer-index = <1>;", "septum,peer-index = <40>;"), "40 is greater than the maximum of 30"),
    (('reg-names = "shm", "ctl";', 'reg-names = "ctl", "shm";'), "reg-names"),
    (('septum,peers = "cluster", "ivi";', 'septum,peers = "ivi";'), "is too short"),
    (("read-only;", "read-only = <1>;"), "read-only"),
], ids=["no-name", "peer-index-too-big", "reg-names-order", "one-peer", "read-only-valued"])
def test_a_broken_channel_node_fails_validation(schema, tmp_path, edit, expect):
    text = (REPO / "gen" / "ivi.dts").read_text()
    if edit[0] == "read-only;":
        text = text.replace('septum,name = "nav";', 'septum,name = "nav";\n\t\tread-only;')
    old, new = (edit if edit[0] != "read-only;" else ('\t\tread-only;', "\t\tread-only = <1>;"))
    assert old in text
    msg = _validate(schema, _dtb(text.replace(old, new), tmp_path / "bad.dtb"))
    assert expect in msg, msg
