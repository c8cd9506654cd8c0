#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""MISRA gate: every cppcheck finding must be covered by a recorded deviation.

Reads cppcheck's XML (--xml, misra addon) and verification/misra/deviations.md, whose
sections look like

    ## Rule 15.5 (Advisory): a function has a single exit at its end
    Scope: `kernel/**`, `vdev/**`
    Justification: ...

A finding of rule R in file F is covered when a section of rule R has a scope glob
matching F (paths relative to the repository). Any other cppcheck error (not a MISRA
rule: a real defect, a syntax problem, a missing addon) also fails. Writes
findings.md/findings.html (every finding, with its deviation) and findings.json into
--out; unused deviations are listed (a hint to narrow them), not failed.
"""
import argparse
import fnmatch
import html
import json
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[2]
SECTION = re.compile(r"^##\s+Rule\s+(\d+\.\d+)\b(.*)$")
SCOPE = re.compile(r"^Scope:\s*(.*)$")
# cppcheck notes that are about the analysis itself, not the code
IGNORED_IDS = {"missingIncludeSystem", "unmatchedSuppression", "checkersReport", "normalCheckLevelMaxBranches"}


def load_deviations(path):
    devs = []
    cur = None
    for n, line in enumerate(pathlib.Path(path).read_text().splitlines(), 1):
        if line.startswith("## ") and not SECTION.match(line):
            cur = None  # another kind of section (e.g. clang-tidy): no scopes of its own
            continue
        m = SECTION.match(line)
        if m:
            cur = {"rule": m.group(1), "title": m.group(2).strip(" :—-"), "line": n, "scope": [], "used": 0}
            devs.append(cur)
            continue
        m = SCOPE.match(line)
        if m and cur is not None:
            cur["scope"] += re.findall(r"`([^`]+)`", m.group(1))
        if cur is not None and line.startswith("Risk:") and line[5:].strip():
            cur["risk"] = line[5:].strip()
        if cur is not None and line.startswith("Justification:"):
            cur["justified"] = True
    for d in devs:
        if not d["scope"]:
            sys.exit(f"{path}:{d['line']}: deviation of rule {d['rule']} has no Scope: line with `globs`")
        if not d.get("risk") or not d.get("justified"):
            sys.exit(f"{path}:{d['line']}: deviation of rule {d['rule']} needs a `Risk:` (what could go wrong) "
                     f"and a `Justification:` (why it cannot here)")
    return devs


def load_rule_texts(path):
    texts, rule = {}, None
    for line in pathlib.Path(path).read_text().splitlines():
        m = re.match(r"^Rule (\d+\.\d+) (\w+)$", line)
        if m:
            rule = m.group(1)
            texts[rule] = {"category": m.group(2), "text": ""}
        elif rule and line.strip() and not texts[rule]["text"]:
            texts[rule]["text"] = line.strip()
    return texts


def rel(p):
    path = pathlib.Path(p)
    if path.is_absolute():
        try:
            return path.relative_to(ROOT).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()


def matches(glob, f):
    return fnmatch.fnmatchcase(f, glob) or (glob.endswith("/**") and f.startswith(glob[:-2]))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--xml", required=True)
    p.add_argument("--deviations", required=True)
    p.add_argument("--rules", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()

    devs = load_deviations(a.deviations)
    texts = load_rule_texts(a.rules)
    root = ET.parse(a.xml).getroot()
    findings, others = [], []
    for e in root.iter("error"):
        eid = e.get("id", "")
        loc = e.find("location")
        f = rel(loc.get("file")) if loc is not None else "-"
        line = int(loc.get("line", 0)) if loc is not None else 0
        if eid.startswith("misra-c2012-"):
            rule = eid[len("misra-c2012-"):]
            dev = next((d for d in devs if d["rule"] == rule and any(matches(g, f) for g in d["scope"])), None)
            if dev:
                dev["used"] += 1
            findings.append({"rule": rule, "file": f, "line": line, "msg": e.get("msg", ""),
                             "deviation": f"deviations.md:{dev['line']}" if dev else None})
        elif eid not in IGNORED_IDS:
            others.append({"id": eid, "severity": e.get("severity"), "file": f, "line": line, "msg": e.get("msg", "")})

    findings.sort(key=lambda x: (x["file"], x["line"], x["rule"]))
    open_ = [x for x in findings if not x["deviation"]]
    out = pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    by_rule = {}
    for x in findings:
        by_rule.setdefault(x["rule"], []).append(x)
    (out / "findings.json").write_text(json.dumps({"findings": findings, "other": others,
                                                   "deviations": devs}, indent=1))
    key = lambda r: tuple(int(v) for v in r.split("."))
    md = ["# MISRA C:2012 findings (cppcheck misra addon)", "",
          f"{len(findings)} findings of {len(by_rule)} rules; {len(findings) - len(open_)} covered by a deviation, "
          f"{len(open_)} not; {len(others)} other cppcheck errors.", "",
          "| rule | category | findings | deviation |", "|---|---|---|---|"]
    for r in sorted(by_rule, key=key):
        t = texts.get(r, {})
        ds = sorted({x["deviation"] or "**none**" for x in by_rule[r]})
        md.append(f"| {r} {t.get('text', '')} | {t.get('category', '?')} | {len(by_rule[r])} | {', '.join(ds)} |")
    md += ["", "## Every finding", ""]
    md += [f"- {x['file']}:{x['line']}: {x['rule']} — {x['deviation'] or 'NO DEVIATION'}" for x in findings]
    if others:
        md += ["", "## Other cppcheck errors", ""] + [f"- {o['file']}:{o['line']}: {o['id']}: {o['msg']}" for o in others]
    unused = [d for d in devs if d["used"] == 0]
    if unused:
        md += ["", "## Deviations no finding uses (narrow or remove them)", ""]
        md += [f"- rule {d['rule']} (deviations.md:{d['line']})" for d in unused]
    (out / "findings.md").write_text("\n".join(md) + "\n")
    e = html.escape
    h = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>MISRA C:2012 findings</title><style>"
         "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;"
         "padding:3px 6px;text-align:left}.f{color:#a00}</style></head><body><h1>MISRA C:2012 findings</h1>",
         f"<p>{e(md[2])}</p><p>Deviations: <a href='deviations.html'>deviations.md</a>; raw: "
         f"<a href='cppcheck.xml'>cppcheck.xml</a></p>",
         "<table><tr><th>rule</th><th>category</th><th>text (our words)</th><th>findings</th><th>where</th></tr>"]
    for r in sorted(by_rule, key=key):
        t = texts.get(r, {})
        where = "<br>".join(f"{e(x['file'])}:{x['line']}" + ("" if x["deviation"] else " <b class='f'>NO DEVIATION</b>")
                            for x in by_rule[r])
        h.append(f"<tr><td>{r}</td><td>{e(t.get('category', '?'))}</td><td>{e(t.get('text', ''))}</td>"
                 f"<td>{len(by_rule[r])}</td><td><small>{where}</small></td></tr>")
    h.append("</table>")
    if others:
        h += ["<h2>Other cppcheck errors</h2><ul>"] + [
            f"<li class='f'>{e(o['file'])}:{o['line']}: {e(o['id'])}: {e(o['msg'])}</li>" for o in others] + ["</ul>"]
    h.append("</body></html>")
    (out / "findings.html").write_text("\n".join(h) + "\n")
    dev_text = pathlib.Path(a.deviations).read_text()
    (out / "deviations.html").write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>MISRA deviations"
                                         "</title></head><body><pre>" + e(dev_text) + "</pre></body></html>\n")

    print(f"misra: {len(findings)} findings of {len(by_rule)} rules, {len(open_)} without a deviation, "
          f"{len(others)} other cppcheck errors; {out}/findings.html")
    if open_ or others:
        for x in open_:
            t = texts.get(x["rule"], {}).get("text", "")
            print(f"{x['file']}:{x['line']}: MISRA {x['rule']} ({t}) has no deviation", file=sys.stderr)
        for o in others:
            print(f"{o['file']}:{o['line']}: cppcheck {o['id']}: {o['msg']}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
