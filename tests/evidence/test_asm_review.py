# SPDX-License-Identifier: Apache-2.0
"""verification/asm-review.yaml stays true to the code: every assembly file of the
kernel and the partition runtime is listed, every entry names a label of its file,
every test it names exists, and an entry no test runs says why."""
import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOC = yaml.safe_load((ROOT / "verification" / "asm-review.yaml").read_text())


def test_every_assembly_file_is_listed():
    listed = {f["path"] for f in DOC["files"]}
    present = {p.relative_to(ROOT).as_posix() for d in ("kernel", "partitions/lib") for p in (ROOT / d).rglob("*.S")}
    assert present - listed == set()
    assert listed - present == set()


def test_every_entry_is_a_label_of_its_file_and_every_global_label_is_an_entry():
    for f in DOC["files"]:
        text = (ROOT / f["path"]).read_text()
        labels = set(re.findall(r"^([A-Za-z_]\w*):", text, re.M))
        # Labels a macro defines from its first argument (`.macro exit_handler name, ...` with `\name:`).
        for macro in re.findall(r"^\.macro\s+(\w+)\s+(\w+)[^\n]*\n(?:(?!\.endm).*\n)*?\\\2:", text, re.M):
            labels |= set(re.findall(rf"^\s*{macro[0]}\s+(\w+)", text, re.M))
        names = {e["label"] for e in f["entries"]}
        assert names - labels == set(), f["path"]
        globl = set(re.findall(r"^\s*\.glob(?:a)?l\s+(\w+)", text, re.M)) & labels
        assert globl - names == set(), f"{f['path']}: global labels without a review entry"
        assert f.get("review"), f["path"]


def test_every_named_test_exists_and_untested_entries_say_why():
    for f in DOC["files"]:
        for e in f["entries"]:
            for t in e.get("tests") or []:
                file, _, fn = t.partition("::")
                src = (ROOT / "tests" / "integration" / file).read_text()
                assert re.search(rf"^def {re.escape(fn)}\(", src, re.M), t
            if not e.get("tests"):
                assert e.get("not_run"), f"{f['path']}: {e['label']} has no test and no reason"
