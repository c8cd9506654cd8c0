#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Requirement -> test traceability: collect tags and results, write the matrix, gate.

Tags:
  C (tests/unit/test_*.c)  a comment `/* @req SRS-XXX-NNN */` (several ids may be
                           listed, separated by spaces or commas; several such
                           comments may stack) directly before the test function
                           `static void test_name(void **state)`.
  pytest                   @pytest.mark.req("SRS-XXX-NNN") on the test or its
                           parameters; verification/pytest_req.py records them.
Results:
  C                        RESULTS/unit/<program>.txt, the cmocka output of each
                           program (`[       OK ] name`, `[  FAILED  ] name`).
  pytest                   RESULTS/*.xml, JUnit XML with the "req" property.

Full mode (make trace / make evidence) writes OUT/matrix.md, OUT/matrix.html and
OUT/trace.json and fails when a test names an unknown id, a requirement has no
passing test, a tagged test failed, or a tag is malformed.
Quick mode (--quick PYTEST_COLLECT_JSON; make test-evidence-quick) needs no results:
it fails on unknown or malformed ids and only warns about requirements no test names.
"""
import argparse
import html
import json
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
REQS = ROOT / "verification" / "requirements.yaml"
ID_RE = re.compile(r"^SRS-[A-Z]+-\d{3}$")
C_TAG = re.compile(r"@req\b([^*]*)")
C_TEST = re.compile(r"^\s*(?:static\s+)?void\s+(\w+)\s*\(\s*void\s*\*\*\s*\w*\s*\)")
C_FUNC = re.compile(r"^(?:static\s+)?(?:inline\s+)?[A-Za-z_][\w\s\*]*\b(\w+)\s*\([^;]*$")
CMOCKA = re.compile(r"^\[\s*(OK|FAILED|SKIPPED|ERROR)\s*\]\s+(\w+)\s*$")


def load_requirements():
    doc = yaml.safe_load(REQS.read_text())
    reqs, errors = {}, []
    for r in doc.get("requirements", []):
        rid = r.get("id", "")
        if not ID_RE.match(rid):
            errors.append(f"{REQS.name}: malformed requirement id {rid!r}")
            continue
        if rid in reqs:
            errors.append(f"{REQS.name}: {rid} listed twice")
        for key in ("area", "text", "asil", "method"):
            if key not in r:
                errors.append(f"{REQS.name}: {rid} has no {key}")
        if r.get("asil") not in ("QM", "A", "B", "C", "D"):
            errors.append(f"{REQS.name}: {rid} has ASIL {r.get('asil')!r} (QM, A-D)")
        reqs[rid] = r
    return reqs, errors


def c_tags():
    """[(program, function, [ids], 'file:line')], errors"""
    tests, errors = [], []
    for path in sorted((ROOT / "tests" / "unit").glob("test_*.c")):
        rel = path.relative_to(ROOT).as_posix()
        pending, where = [], None
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for m in C_TAG.finditer(line):
                ids = [t for t in re.split(r"[\s,]+", m.group(1).strip()) if t]
                if not ids:
                    errors.append(f"{rel}:{n}: @req without an id")
                pending += ids
                where = where or f"{rel}:{n}"
            mt = C_TEST.match(line)
            if mt:
                if pending:
                    tests.append((path.stem, mt.group(1), pending, where))
                pending, where = [], None
                continue
            if pending and C_FUNC.match(line) and "@req" not in line:
                errors.append(f"{where}: @req {' '.join(pending)} is not followed by a test function "
                              f"`static void test_x(void **state)`")
                pending, where = [], None
        if pending:
            errors.append(f"{where}: @req {' '.join(pending)} at the end of the file")
    return tests, errors


def c_results(results):
    out = {}
    for f in sorted((results / "unit").glob("*.txt")):
        for line in f.read_text(errors="replace").splitlines():
            m = CMOCKA.match(line.strip())
            if m:
                out[(f.stem, m.group(2))] = "pass" if m.group(1) == "OK" else m.group(1).lower()
    return out


def junit_results(results):
    """[(test name, [ids], outcome, suite)]"""
    out = []
    for f in sorted(results.glob("*.xml")):
        root = ET.parse(f).getroot()
        for tc in root.iter("testcase"):
            cls = tc.get("classname", "")
            parts = cls.split(".")
            name = "/".join(parts) + ".py::" + tc.get("name", "") if parts else tc.get("name", "")
            ids = []
            for p in tc.iter("property"):
                if p.get("name") == "req":
                    ids += p.get("value", "").split()
            if tc.find("failure") is not None or tc.find("error") is not None:
                outcome = "failed"
            elif tc.find("skipped") is not None:
                outcome = "skipped"
            else:
                outcome = "pass"
            out.append((name, ids, outcome, f.stem))
    return out


def check_ids(ids, where, reqs, errors):
    for i in ids:
        if not ID_RE.match(i):
            errors.append(f"{where}: malformed requirement id {i!r}")
        elif i not in reqs:
            errors.append(f"{where}: names {i}, which is not in verification/requirements.yaml")


def quick(collect_json):
    reqs, errors = load_requirements()
    ctests, cerr = c_tags()
    errors += cerr
    named = set()
    for prog, fn, ids, where in ctests:
        check_ids(ids, f"{where} ({fn})", reqs, errors)
        named.update(ids)
    collected = json.loads(pathlib.Path(collect_json).read_text())
    for nodeid, ids in sorted(collected.items()):
        check_ids(ids, nodeid, reqs, errors)
        named.update(ids)
    untested = sorted(set(reqs) - named)
    ntests = len(ctests) + sum(1 for v in collected.values() if v)
    for r in untested:
        print(f"trace: warning: {r} is named by no test yet (make evidence fails on it)")
    if errors:
        for e in errors:
            print(f"trace: error: {e}", file=sys.stderr)
        sys.exit(1)
    print(f"trace: {len(reqs)} requirements, {ntests} tagged tests, every id known")


def full(results, out):
    reqs, errors = load_requirements()
    ctests, cerr = c_tags()
    errors += cerr
    cres = c_results(results)
    rows = []  # (req id, test name, level, outcome)
    all_tests = []
    for prog, fn, ids, where in ctests:
        check_ids(ids, f"{where} ({fn})", reqs, errors)
        outcome = cres.get((prog, fn), "not run")
        name = f"tests/unit/{prog}.c::{fn}"
        all_tests.append((name, ids, outcome, "unit"))
    for name, ids, outcome, suite in junit_results(results):
        check_ids(ids, name, reqs, errors)
        all_tests.append((name, ids, outcome, suite))
    for name, ids, outcome, suite in all_tests:
        for i in ids:
            if i in reqs:
                rows.append((i, name, suite, outcome))
    # Failing tests fail the evidence whether or not they are traced.
    failed = [(n, o, s) for n, ids, o, s in all_tests if o not in ("pass", "skipped")]
    untraced = [n for n, ids, o, s in all_tests if not ids]
    status = {}
    for rid in reqs:
        mine = [r for r in rows if r[0] == rid]
        if not mine:
            status[rid] = "NO TEST"
        elif any(r[3] not in ("pass", "skipped") for r in mine):
            status[rid] = "FAIL"
        elif not any(r[3] == "pass" for r in mine):
            status[rid] = "NO PASSING TEST"
        else:
            status[rid] = "PASS"
    for rid, st in status.items():
        if st != "PASS":
            errors.append(f"{rid}: {st}")
    for n, o, s in failed:
        if not any(r[1] == n for r in rows):
            errors.append(f"{n} ({s}): {o}")
    # C tests tagged but never run (e.g. not in the cmocka group) count as not run above.
    write_reports(out, reqs, rows, status, all_tests, untraced, errors)
    npass = sum(1 for s in status.values() if s == "PASS")
    print(f"trace: {npass}/{len(reqs)} requirements with passing tests; {len(all_tests)} tests "
          f"({len(untraced)} without a requirement); matrix in {out}/matrix.html")
    if errors:
        for e in errors:
            print(f"trace: FAIL: {e}", file=sys.stderr)
        sys.exit(1)


def write_reports(out, reqs, rows, status, all_tests, untraced, errors):
    out.mkdir(parents=True, exist_ok=True)
    (out / "trace.json").write_text(json.dumps({
        "requirements": {rid: dict(reqs[rid], status=status[rid],
                                   tests=[{"test": r[1], "suite": r[2], "result": r[3]} for r in rows if r[0] == rid])
                         for rid in reqs},
        "untraced_tests": untraced, "errors": errors}, indent=1, sort_keys=True))
    md = ["# Traceability matrix", "",
          f"{sum(1 for s in status.values() if s == 'PASS')} of {len(reqs)} requirements have passing tests "
          f"and no failing one. {len(all_tests)} tests ran; {len(untraced)} name no requirement.", ""]
    if errors:
        md += ["## Problems", ""] + [f"- {e}" for e in errors] + [""]
    md += ["| requirement | ASIL | area | status | tests (suite: result) |", "|---|---|---|---|---|"]
    for rid, r in reqs.items():
        tests = "<br>".join(f"`{t}` ({s}: {o})" for i, t, s, o in rows if i == rid) or "—"
        md.append(f"| {rid} | {r['asil']} | {r['area']} | {status[rid]} | {tests} |")
    md += ["", "## Requirements", ""]
    for rid, r in reqs.items():
        md += [f"- **{rid}** ({r['asil']}, {', '.join(r['method'])}; {r.get('source', '')}): {r['text']}"]
    if untraced:
        md += ["", "## Tests that name no requirement", ""] + [f"- `{t}`" for t in untraced]
    (out / "matrix.md").write_text("\n".join(md) + "\n")

    e = html.escape
    colour = {"PASS": "#d4f4d4", "FAIL": "#f8c8c8", "NO TEST": "#f8c8c8", "NO PASSING TEST": "#f8c8c8"}
    h = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>Septum traceability matrix</title>",
         "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
         "td,th{border:1px solid #999;padding:4px 8px;vertical-align:top;text-align:left}"
         "code{font-size:90%}.p{color:#070}.f{color:#a00}</style></head><body>",
         "<h1>Septum traceability matrix</h1>",
         f"<p>{sum(1 for s in status.values() if s == 'PASS')} of {len(reqs)} requirements have passing tests "
         f"and no failing one. {len(all_tests)} tests ran; {len(untraced)} name no requirement.</p>"]
    if errors:
        h += ["<h2>Problems</h2><ul>"] + [f"<li class='f'>{e(x)}</li>" for x in errors] + ["</ul>"]
    h += ["<table><tr><th>requirement</th><th>ASIL</th><th>text</th><th>status</th><th>tests</th></tr>"]
    for rid, r in reqs.items():
        tests = "<br>".join(
            f"<code>{e(t)}</code> <span class='{'p' if o == 'pass' else 'f'}'>({e(s)}: {e(o)})</span>"
            for i, t, s, o in rows if i == rid) or "—"
        h.append(f"<tr><td id='{rid}'><b>{rid}</b><br>{e(r['area'])}</td><td>{e(r['asil'])}</td>"
                 f"<td>{e(r['text'])}<br><small>{e(', '.join(r['method']))}; {e(str(r.get('source', '')))}</small></td>"
                 f"<td style='background:{colour.get(status[rid], '#fff')}'>{status[rid]}</td><td>{tests}</td></tr>")
    h.append("</table>")
    if untraced:
        h += ["<h2>Tests that name no requirement</h2><ul>"] + [f"<li><code>{e(t)}</code></li>" for t in untraced] + ["</ul>"]
    h.append("</body></html>")
    (out / "matrix.html").write_text("\n".join(h) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--results", help="directory with unit/*.txt and *.xml")
    p.add_argument("--out", help="where the matrix goes")
    p.add_argument("--quick", metavar="PYTEST_COLLECT_JSON")
    a = p.parse_args()
    if a.quick:
        quick(a.quick)
    else:
        full(pathlib.Path(a.results), pathlib.Path(a.out))


if __name__ == "__main__":
    main()
