# SPDX-License-Identifier: Apache-2.0
"""The evidence bundle's links: build a small bundle from fixture results (one cmocka
test, one JUnit case, a hand-made coverage export with one justified and one open
gap) with the real verification/ scripts, then follow every link of it
(verification/linkcheck.py). Also checks that the checker itself catches a broken
link, a missing anchor and an absolute path. Fast: no build, no QEMU."""
import json
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "verification"))
import linkcheck  # noqa: E402

PY = sys.executable
CMOCKA = """[==========] Running 1 test(s).
[ RUN      ] test_range_inside_region_translates
[       OK ] test_range_inside_region_translates
[==========] 1 test(s) run.
[  PASSED  ] 1 test(s).
exit status 0
"""
JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" tests="1">
<testcase classname="tests.generator.test_cli" name="test_errors_exit_1_and_print_gcc_format_with_notes" time="0.1">
<properties><property name="req" value="SRS-GEN-011"/><property name="source" value="tests/generator/test_cli.py:12"/></properties>
<system-out>generator output</system-out></testcase></testsuite></testsuites>
"""
# kernel/lib/string.c line 18: `if ((((uintptr_t)d | (uintptr_t)s) & 7u) == 0u) {` as a
# one-condition decision whose condition lacks its pair, and line 47 likewise.
EXPORT = {"version": "2.0.1", "type": "llvm.coverage.json.export", "data": [{
    "files": [{"filename": "kernel/lib/string.c", "segments": [], "expansions": [], "summary": {},
               "mcdc_records": [[18, 9, 18, 53, 0, 5, [False]], [47, 13, 47, 26, 0, 5, [False]]],
               "branches": [[18, 9, 18, 53, 3, 0, 0, 0, 6], [47, 13, 47, 26, 4, 0, 0, 0, 6]]}],
    "functions": [{"name": "memcpy", "filenames": ["kernel/lib/string.c"], "regions": [[15, 1, 40, 2, 3, 0, 0, 0]]},
                  {"name": "memcmp", "filenames": ["kernel/lib/string.c"], "regions": [[42, 1, 55, 2, 3, 0, 0, 0]]}],
    "totals": {}}]}
LCOV = "SF:kernel/lib/string.c\nDA:18,3\nDA:19,0\nDA:47,4\nend_of_record\n"


def run(*args):
    return subprocess.run([PY, *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("evidence")
    out, results, status = tmp / "out", tmp / "results", tmp / "status"
    (results / "unit").mkdir(parents=True)
    (results / "unit" / "test_part.txt").write_text(CMOCKA)
    (results / "generator.xml").write_text(JUNIT)
    status.mkdir()
    (status / "trace").write_text("1 3\n")
    host = out / "coverage-host"
    host.mkdir(parents=True)
    (host / "export.json").write_text(json.dumps(EXPORT))
    (host / "lcov.info").write_text(LCOV)
    just = tmp / "justifications.yaml"
    line18 = (ROOT / "kernel/lib/string.c").read_text().splitlines()[17]
    decision = line18[8:52]
    just.write_text("justifications:\n  - file: kernel/lib/string.c\n    function: memcpy\n    kind: mcdc\n"
                    f"    decision: {json.dumps(decision)}\n    condition: 1\n    why: fixture\n"
                    "    requirement: SRS-ISO-002\n")
    # trace and the gaps gate fail on this partial data (requirements without tests,
    # an open gap) but write their reports, which is what the links need
    t = run("verification/trace.py", "--results", results, "--out", out / "trace")
    assert (out / "trace" / "matrix.html").exists(), t.stdout
    g = run("verification/coverage_gaps.py", "--host", host, "--justifications", just, "--out", out / "coverage")
    assert g.returncode == 1 and "memcmp" in g.stdout, g.stdout
    b = run("verification/bundle.py", "--out", out, "--status", status, "--gen", "gen", "--system", "system.yaml")
    assert b.returncode == 0, b.stdout
    return out


def test_every_link_of_the_bundle_resolves_and_no_absolute_path_leaks(bundle):
    problems, n = linkcheck.check(bundle)
    assert problems == []
    assert n > 200  # matrix, results, goals, gaps, assembly, source pages


def test_the_matrix_links_requirement_parent_code_test_and_result(bundle):
    m = (bundle / "trace" / "matrix.html").read_text()
    row = m[m.index("id='SRS-ISO-002'"):]
    row = row[:row.index("</tr>")]
    assert "goals.html#TSR-MEM" in row
    assert "../src/kernel/core/part.c.html#L" in row  # part_ipa_range_to_pa, named in source:
    assert "../src/tests/unit/test_part.c.html#L24" in row  # the test function's line
    assert "results/unit.html#test_part.test_range_inside_region_translates" in row
    gen = m[m.index("id='SRS-GEN-011'"):]
    assert "results/generator.html#tests_generator_test_cli.py__test_errors" in gen[:gen.index("</tr>")]


def test_the_gaps_report_shows_justified_and_open_items(bundle):
    g = json.loads((bundle / "coverage" / "gaps.json").read_text())
    assert g["figures"]["mcdc"] == {"count": 2, "host": 0, "target": 0, "covered": 0, "justified": 1, "unjustified": 1}
    assert [x["function"] for x in g["gaps"]["mcdc"]] == ["memcpy", "memcmp"]
    assert g["figures"]["line"]["unjustified"] == 1


def test_front_page_records_commit_tree_state_system_and_assembly(bundle):
    page = (bundle / "index.html").read_text()
    for text in ("working tree", "configuration fingerprint", "kernel/arch/aarch64/start.S", "secondary_entry",
                 "src/system.yaml.html", "MISRA C:2012"):
        assert text in page


@pytest.mark.parametrize("bad, expect", [
    ("<a href='nowhere.html'>x</a>", "broken link nowhere.html"),
    ("<a href='trace/matrix.html#SRS-NONE-999'>x</a>", "no id 'SRS-NONE-999'"),
    ("<a href='/etc/passwd'>x</a>", "absolute link"),
    ("<p>{root}/build/x</p>", "contains the absolute path"),
], ids=["missing-file", "missing-anchor", "absolute-link", "absolute-path"])
def test_the_link_checker_catches_what_it_must(bundle, tmp_path, bad, expect):
    copy = tmp_path / "b"
    shutil.copytree(bundle / "trace", copy / "trace")
    (copy / "index.html").write_text("<html><body>" + bad.replace("{root}", str(ROOT)) + "</body></html>")
    problems, _ = linkcheck.check(copy)
    assert any(expect in p for p in problems), problems
