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

Links: each requirement -> its parent (verification/safety-goals.yaml), -> the code
that implements it (functions named in its `source:` or text, functions whose
definition is preceded by a `@req ID` comment, the generator lines that emit the
diagnostic codes it names), -> its tests (source file:line) -> their results (the
JUnit case or cmocka test, with its output). Source links point at the bundle's
source pages (../src/<path>.html#L<n>, written by verification/bundle.py); results
pages are written here (OUT/results/).

Full mode (make trace / make evidence) writes OUT/matrix.md, OUT/matrix.html,
OUT/goals.html, OUT/results/ and OUT/trace.json and fails when a test names an
unknown id, a requirement has no passing test or no known parent, a tagged test
failed, or a tag is malformed.
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
GOALS = ROOT / "verification" / "safety-goals.yaml"
ID_RE = re.compile(r"^SRS-[A-Z]+-\d{3}$")
C_TAG = re.compile(r"@req\b([^*]*)")
C_TEST = re.compile(r"^\s*(?:static\s+)?void\s+(\w+)\s*\(\s*void\s*\*\*\s*\w*\s*\)")
C_FUNC = re.compile(r"^(?:static\s+)?(?:inline\s+)?[A-Za-z_][\w\s\*]*\b(\w+)\s*\([^;]*$")
CMOCKA = re.compile(r"^\[\s*(OK|FAILED|SKIPPED|ERROR)\s*\]\s+(\w+)\s*$")


def load_goals():
    doc = yaml.safe_load(GOALS.read_text()) or {}
    return {g["id"]: g for g in doc.get("goals", [])}


def load_requirements(strict_parent=True):
    doc = yaml.safe_load(REQS.read_text())
    reqs, errors = {}, []
    goals = load_goals()
    for g in goals.values():
        if g.get("parent") and g["parent"] not in goals:
            errors.append(f"{GOALS.name}: {g['id']} names parent {g['parent']}, which is not listed")
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
        parent = r.get("parent")
        if parent is None:
            msg = f"{REQS.name}: {rid} has no parent (a TSR of {GOALS.name})"
            if strict_parent:
                errors.append(msg)
            else:
                print(f"trace: warning: {msg} (make evidence fails on it)")
        elif parent not in goals:
            errors.append(f"{REQS.name}: {rid} names parent {parent}, which is not in {GOALS.name}")
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
                    tests.append((path.stem, mt.group(1), pending, f"{rel}:{n}"))
                pending, where = [], None
                continue
            if pending and C_FUNC.match(line) and "@req" not in line:
                errors.append(f"{where}: @req {' '.join(pending)} is not followed by a test function "
                              f"`static void test_x(void **state)`")
                pending, where = [], None
        if pending:
            errors.append(f"{where}: @req {' '.join(pending)} at the end of the file")
    return tests, errors


def scrub(text):
    """The repository's absolute path out of recorded output (the bundle has none)."""
    return text.replace(str(ROOT) + "/", "").replace(str(ROOT), ".")


def c_results(results):
    """{(program, test): (outcome, output lines)}"""
    out = {}
    for f in sorted((results / "unit").glob("*.txt")):
        log, cur = [], None
        for line in f.read_text(errors="replace").splitlines():
            m = CMOCKA.match(line.strip())
            if line.strip().startswith("[ RUN"):
                log = [line]
                continue
            log.append(line)
            if m:
                out[(f.stem, m.group(2))] = ("pass" if m.group(1) == "OK" else m.group(1).lower(), scrub("\n".join(log)))
                log = []
    return out


def junit_results(results):
    """[(test name, [ids], outcome, suite, source file:line, output)]"""
    out = []
    for f in sorted(results.glob("*.xml")):
        root = ET.parse(f).getroot()
        for tc in root.iter("testcase"):
            cls = tc.get("classname", "")
            parts = cls.split(".")
            name = scrub("/".join(parts) + ".py::" + tc.get("name", "") if parts else tc.get("name", ""))
            ids, source = [], None
            for p in tc.iter("property"):
                if p.get("name") == "req":
                    ids += p.get("value", "").split()
                elif p.get("name") == "source":
                    source = p.get("value")
            if tc.find("failure") is not None or tc.find("error") is not None:
                outcome = "failed"
            elif tc.find("skipped") is not None:
                outcome = "skipped"
            else:
                outcome = "pass"
            text = []
            for tag in ("failure", "error", "skipped", "system-out", "system-err"):
                for el in tc.findall(tag):
                    body = ((el.get("message") or "") + "\n" + (el.text or "")).strip()
                    if body:
                        text.append(f"--- {tag} ---\n{body}")
            out.append((name, ids, outcome, f.stem, source, scrub("\n".join(text))))
    return out


def check_ids(ids, where, reqs, errors):
    for i in ids:
        if not ID_RE.match(i):
            errors.append(f"{where}: malformed requirement id {i!r}")
        elif i not in reqs:
            errors.append(f"{where}: names {i}, which is not in verification/requirements.yaml")


def quick(collect_json):
    reqs, errors = load_requirements(strict_parent=False)
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


# ---------------------------------------------------------------- implementing code
C_DEF = re.compile(r"^(?!static_assert|typedef|return|if|for|while|switch|else)[A-Za-z_][\w\s\*]*?\b(\w+)\s*\(")
PY_DEF = re.compile(r"^\s*def\s+(\w+)\s*\(")
SRC_FILE = re.compile(r"\b((?:kernel|vdev|generator|partitions|gen)/[\w/.-]+\.(?:c|h|S|py))\b")
IDENT = re.compile(r"\b([a-z][a-z0-9]*_[a-z0-9_]+)\b")
ECODE = re.compile(r"\b(E\d{4})\b")


def code_index():
    """({function name: [(file, line)]}, {req id: [(file, line, function)]} from @req
    comments in the code, {diagnostic code: (file, line)} of the generator)."""
    defs, tagged, codes = {}, {}, {}
    files = sorted(p for d in ("kernel", "vdev", "partitions/lib") for p in (ROOT / d).rglob("*.c"))
    files += sorted((ROOT / "generator").rglob("*.py"))
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        pending = []
        lines = path.read_text(errors="replace").splitlines()
        for n, line in enumerate(lines, 1):
            for m in C_TAG.finditer(line):
                pending += re.findall(r"SRS-[A-Z]+-\d{3}", m.group(1))
            if path.suffix == ".py":
                m = PY_DEF.match(line)
                for c in ECODE.findall(line):
                    codes.setdefault(c, (rel, n))
            else:
                m = C_DEF.match(line) if not line.rstrip().endswith(";") else None
                if m and not (line.rstrip().endswith("{") or (n < len(lines) and lines[n].startswith("{"))):
                    m = None
            if m:
                defs.setdefault(m.group(1), []).append((rel, n))
                for rid in pending:
                    tagged.setdefault(rid, []).append((rel, n, m.group(1)))
                pending = []
    return defs, tagged, codes


def implementation(rid, r, defs, tagged, codes):
    """[(label, file, line)] of the code that implements requirement r."""
    src = str(r.get("source", ""))
    files = SRC_FILE.findall(src)
    words = set(IDENT.findall(src + " " + str(r.get("text", ""))))
    out = []
    for w in sorted(words):
        for f, n in defs.get(w, []):
            if not files or f in files:
                out.append((f"{w}()", f, n))
    for f, n, fn in tagged.get(rid, []):
        if not any(o[1] == f and o[2] == n for o in out):
            out.append((f"{fn}() @req", f, n))
    for c in ECODE.findall(str(r.get("text", ""))):
        if c in codes:
            out.append((c, *codes[c]))
    named = {o[1] for o in out}
    for f in files:
        if f not in named and (ROOT / f).exists():
            out.append((f, f, 1))
    return out


def anchor(name):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def full(results, out):
    reqs, errors = load_requirements()
    goals = load_goals()
    ctests, cerr = c_tags()
    errors += cerr
    cres = c_results(results)
    rows = []  # (req id, test record)
    all_tests = []  # {name, ids, outcome, suite, source, output, page}
    for prog, fn, ids, where in ctests:
        check_ids(ids, f"{where} ({fn})", reqs, errors)
        outcome, log = cres.get((prog, fn), ("not run", ""))
        all_tests.append({"name": f"tests/unit/{prog}.c::{fn}", "ids": ids, "outcome": outcome, "suite": "unit",
                          "source": where, "output": log, "page": f"results/unit.html#{anchor(prog + '.' + fn)}"})
    for name, ids, outcome, suite, source, output in junit_results(results):
        check_ids(ids, name, reqs, errors)
        all_tests.append({"name": name, "ids": ids, "outcome": outcome, "suite": suite, "source": source,
                          "output": output, "page": f"results/{anchor(suite)}.html#{anchor(name)}"})
    for t in all_tests:
        for i in t["ids"]:
            if i in reqs:
                rows.append((i, t))
    failed = [t for t in all_tests if t["outcome"] not in ("pass", "skipped")]
    untraced = [t for t in all_tests if not t["ids"]]
    status = {}
    for rid in reqs:
        mine = [t for i, t in rows if i == rid]
        if not mine:
            status[rid] = "NO TEST"
        elif any(t["outcome"] not in ("pass", "skipped") for t in mine):
            status[rid] = "FAIL"
        elif not any(t["outcome"] == "pass" for t in mine):
            status[rid] = "NO PASSING TEST"
        else:
            status[rid] = "PASS"
    for rid, st in status.items():
        if st != "PASS":
            errors.append(f"{rid}: {st}")
    for t in failed:
        if not t["ids"]:
            errors.append(f"{t['name']} ({t['suite']}): {t['outcome']}")
    defs, tagged, codes = code_index()
    impl = {rid: implementation(rid, r, defs, tagged, codes) for rid, r in reqs.items()}
    write_reports(out, reqs, goals, impl, rows, status, all_tests, untraced, errors, results)
    npass = sum(1 for s in status.values() if s == "PASS")
    print(f"trace: {npass}/{len(reqs)} requirements with passing tests; {len(all_tests)} tests "
          f"({len(untraced)} without a requirement); matrix in {out}/matrix.html")
    if errors:
        for e in errors:
            print(f"trace: FAIL: {e}", file=sys.stderr)
        sys.exit(1)


STYLE = ("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
         "td,th{border:1px solid #999;padding:4px 8px;vertical-align:top;text-align:left}"
         "code{font-size:90%}.p{color:#070}.f{color:#a00}pre{background:#f4f4f4;padding:4px;white-space:pre-wrap}</style>")


def src_link(where, label=None, up="../"):
    """A link to the bundle's source page of 'file:line' (from a page `up` below the bundle's root)."""
    if not where:
        return "—"
    f, _, n = where.rpartition(":")
    if not f:
        f, n = where, "1"
    return f"<a href='{up}src/{html.escape(f)}.html#L{html.escape(n)}'>{html.escape(label or where)}</a>"


def write_reports(out, reqs, goals, impl, rows, status, all_tests, untraced, errors, results):
    out.mkdir(parents=True, exist_ok=True)
    e = html.escape
    errors = [scrub(x) for x in errors]
    (out / "trace.json").write_text(json.dumps({
        "requirements": {rid: dict(reqs[rid], status=status[rid],
                                   implementation=[f"{f}:{n}" for _, f, n in impl[rid]],
                                   tests=[{"test": t["name"], "suite": t["suite"], "result": t["outcome"],
                                           "source": t["source"]} for i, t in rows if i == rid])
                         for rid in reqs},
        "goals": goals,
        "untraced_tests": [t["name"] for t in untraced], "errors": [scrub(x) for x in errors]}, indent=1, sort_keys=True))
    npass = sum(1 for s in status.values() if s == "PASS")
    summary = (f"{npass} of {len(reqs)} requirements have passing tests and no failing one. "
               f"{len(all_tests)} tests ran; {len(untraced)} name no requirement.")
    md = ["# Traceability matrix", "", summary, ""]
    if errors:
        md += ["## Problems", ""] + [f"- {x}" for x in errors] + [""]
    md += ["| requirement | ASIL | parent | status | implemented by | tests (suite: result) |", "|---|---|---|---|---|---|"]
    for rid, r in reqs.items():
        tests = "<br>".join(f"`{t['name']}` ({t['suite']}: {t['outcome']})" for i, t in rows if i == rid) or "—"
        code = "<br>".join(f"`{f}:{n}`" for _, f, n in impl[rid]) or "—"
        md.append(f"| {rid} | {r['asil']} | {r.get('parent', '—')} | {status[rid]} | {code} | {tests} |")
    (out / "matrix.md").write_text("\n".join(md) + "\n")

    # results pages: one per suite, an anchor per test, with its output
    rdir = out / "results"
    rdir.mkdir(exist_ok=True)
    suites = {}
    for t in all_tests:
        suites.setdefault(t["suite"], []).append(t)
    for suite, tests in suites.items():
        h = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Results: {e(suite)}</title>{STYLE}</head><body>",
             f"<h1>Results of the {e(suite)} suite</h1><p><a href='../matrix.html'>traceability matrix</a></p>"]
        raw = [f for f in ([results / f"{suite}.xml"] if suite != "unit" else sorted((results / "unit").glob("*.txt")))
               if f.exists()]
        if raw:
            (rdir / "raw").mkdir(exist_ok=True)
            links = []
            for f in raw:
                dst = rdir / "raw" / (f"unit-{f.name}" if suite == "unit" else f.name)
                dst.write_text(scrub(f.read_text(errors="replace")))
                links.append(f"<a href='raw/{e(dst.name)}'>{e(dst.name)}</a>")
            h.append("<p>Raw results: " + " · ".join(links) + "</p>")
        for t in tests:
            cls = "p" if t["outcome"] == "pass" else "f"
            h.append(f"<h3 id='{anchor(t['name'] if suite != 'unit' else t['page'].split('#')[1])}'>"
                     f"<code>{e(t['name'])}</code> <span class='{cls}'>{e(t['outcome'])}</span></h3>"
                     f"<p>source: {src_link(t['source'], up='../../')}; requirements: "
                     + (", ".join(f"<a href='../matrix.html#{e(i)}'>{e(i)}</a>" for i in t["ids"]) or "none")
                     + f"</p><pre>{e(t['output'] or '(no output recorded)')}</pre>")
        h.append("</body></html>")
        (rdir / f"{anchor(suite)}.html").write_text("\n".join(h) + "\n")

    # safety goals and TSRs, with the requirements under each
    g = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Safety goals</title>{STYLE}</head><body>",
         "<h1>Safety goals and technical safety requirements</h1>",
         f"<p>From <a href='../src/verification/safety-goals.yaml.html'>verification/safety-goals.yaml</a>; "
         f"<a href='matrix.html'>traceability matrix</a>.</p><table><tr><th>id</th><th>ASIL</th><th>parent</th>"
         f"<th>text</th><th>refined by</th></tr>"]
    for gid, goal in goals.items():
        kids = [k for k, v in goals.items() if v.get("parent") == gid] + [rid for rid, r in reqs.items() if r.get("parent") == gid]
        par = f"<a href='#{e(goal['parent'])}'>{e(goal['parent'])}</a>" if goal.get("parent") else "—"
        g.append(f"<tr><td id='{e(gid)}'><b>{e(gid)}</b><br><small>{e(goal.get('kind', ''))}</small></td>"
                 f"<td>{e(str(goal.get('asil', '')))}</td><td>{par}</td><td>{e(str(goal.get('text', '')))}</td><td>"
                 + ", ".join(f"<a href='{'#' if k in goals else 'matrix.html#'}{e(k)}'>{e(k)}</a>" for k in kids)
                 + "</td></tr>")
    g.append("</table></body></html>")
    (out / "goals.html").write_text("\n".join(g) + "\n")

    colour = {"PASS": "#d4f4d4", "FAIL": "#f8c8c8", "NO TEST": "#f8c8c8", "NO PASSING TEST": "#f8c8c8"}
    h = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Septum traceability matrix</title>{STYLE}</head><body>",
         "<h1>Septum traceability matrix</h1>",
         f"<p>{e(summary)} Parents: <a href='goals.html'>safety goals and technical safety requirements</a>. "
         f"Requirements: <a href='../src/verification/requirements.yaml.html'>verification/requirements.yaml</a>. "
         "Results: " + " · ".join(f"<a href='results/{anchor(s)}.html'>{e(s)}</a>" for s in suites) + ".</p>"]
    if errors:
        h += ["<h2>Problems</h2><ul>"] + [f"<li class='f'>{e(x)}</li>" for x in errors] + ["</ul>"]
    h += ["<table><tr><th>requirement</th><th>ASIL</th><th>parent</th><th>text</th><th>implemented by</th>"
          "<th>status</th><th>tests → results</th></tr>"]
    for rid, r in reqs.items():
        tests = "<br>".join(
            f"{src_link(t['source'], t['name']) if t['source'] else '<code>' + e(t['name']) + '</code>'} → "
            f"<a class='{'p' if t['outcome'] == 'pass' else 'f'}' href='{e(t['page'])}'>{e(t['suite'])}: {e(t['outcome'])}</a>"
            for i, t in rows if i == rid) or "—"
        code = "<br>".join(src_link(f"{f}:{n}", lab if lab == f else f"{lab} {f}:{n}") for lab, f, n in impl[rid]) or "—"
        par = r.get("parent")
        par = f"<a href='goals.html#{e(par)}'>{e(par)}</a>" if par else "<b class='f'>none</b>"
        h.append(f"<tr><td id='{rid}'><b>{rid}</b><br>{e(r['area'])}</td><td>{e(r['asil'])}</td><td>{par}</td>"
                 f"<td>{e(r['text'])}<br><small>{e(', '.join(r['method']))}</small></td><td><small>{code}</small></td>"
                 f"<td style='background:{colour.get(status[rid], '#fff')}'>{status[rid]}</td><td><small>{tests}</small></td></tr>")
    h.append("</table>")
    if untraced:
        h += ["<h2>Tests that name no requirement</h2><ul>"] + [
            f"<li><a href='{e(t['page'])}'>{e(t['name'])}</a> ({e(t['outcome'])})</li>" for t in untraced] + ["</ul>"]
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
