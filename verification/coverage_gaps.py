#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Coverage gate "every condition pair, branch and line covered or justified".

Reads the full `llvm-cov-19 export` (export.json: MC/DC records, branch regions,
functions) and lcov.info (lines) that verification/coverage.py wrote for the host
(tests/unit) and, when given, the target (the hypervisor under QEMU), restricted to
the gated sources (kernel/core, kernel/lib, vdev). An item counts as covered when
the host or the target covers it (host ∪ target, per condition, per branch outcome,
per line). Every item neither covers must match an entry of
verification/coverage/justifications.yaml:

  - file: kernel/lib/fmt.c            # gated source, from the repository root
    function: fmt_u64                  # the function holding the gap
    kind: mcdc                         # mcdc | branch | line
    decision: "(a > 0u) && !b"         # mcdc: the decision's source text;
                                       # branch: the condition's source text;
                                       # line: the line's text (optional: omitted
                                       #   = every uncovered line of the function)
    condition: 2                       # mcdc: condition index, 1-based (llvm-cov's C2);
                                       # branch: the outcome never taken, true | false
    why: defensive check of a hardware invariant ...
    requirement: SRS-XXX-NNN           # the requirement the code serves
    interleaving: true                 # optional: reached only when another CPU acts
                                       # between two steps of this one, which the
                                       # host's fake (one CPU at a time) cannot place
                                       # there; the target covers it when it happens

Text is compared with all white space removed, so a justification survives edits
elsewhere in the file (line numbers are never used to match) and reformatting. An
mcdc justification also covers the branch outcomes of that condition. The gate
fails on an uncovered, unjustified item and on a justification that matches no
gap (stale: the code changed or a test now covers it), and on a malformed entry.
An interleaving entry is not stale while the host leaves its item uncovered: the
target covers it in the runs where the CPUs interleave so, and not in others.

Writes OUT/gaps.json and OUT/gaps.html (per file, every decision with each
condition's host and target result; the uncovered lines and branches; the
justifications). Links point at the bundle's source pages (../src/<file>.html#L<n>).
"""
import argparse
import html
import json
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
GATED = re.compile(r"^(kernel/core|kernel/lib|vdev)/[^/]+\.c$")
KIND_BRANCH, KIND_MCDC_BRANCH = 4, 6
JUST_KEYS = {"file", "function", "kind", "decision", "condition", "why", "requirement", "interleaving"}


def norm(text):
    return re.sub(r"\s+", "", text or "")


def rel(name):
    p = pathlib.PurePosixPath(name)
    if p.is_absolute():
        try:
            return str(p.relative_to(ROOT))
        except ValueError:
            return str(p)
    s = str(p)
    return s[2:] if s.startswith("./") else s


class Source:
    """Source text of the gated files, read once."""

    def __init__(self, root):
        self.root = root
        self.cache = {}

    def lines(self, f):
        if f not in self.cache:
            try:
                self.cache[f] = (self.root / f).read_text(errors="replace").splitlines()
            except OSError:
                self.cache[f] = []
        return self.cache[f]

    def text(self, f, l1, c1, l2, c2):
        """Text of [l1:c1, l2:c2) (1-based lines and columns, end column exclusive)."""
        ls = self.lines(f)
        if not ls or l1 > len(ls):
            return ""
        if l1 == l2:
            return ls[l1 - 1][c1 - 1:c2 - 1]
        parts = [ls[l1 - 1][c1 - 1:]] + ls[l1:l2 - 1] + ([ls[l2 - 1][:c2 - 1]] if l2 <= len(ls) else [])
        return " ".join(p.strip() for p in parts)


def functions_of(export):
    """{file: [(first line, last line, name)]} from the export's function records."""
    out = {}
    for data in export["data"]:
        for fn in data.get("functions", []):
            if not fn.get("regions"):
                continue
            r = fn["regions"][0]
            f = rel(fn["filenames"][r[5]])
            name = fn["name"].split(":", 1)[1] if ":" in fn["name"] else fn["name"]
            out.setdefault(f, set()).add((r[0], r[2], name))
    return {f: sorted(v) for f, v in out.items()}


def function_at(funcs, f, line):
    best = None
    for l1, l2, name in funcs.get(f, []):
        if l1 <= line <= l2 and (best is None or l1 >= best[0]):
            best = (l1, l2, name)
    return best[2] if best else "?"


def measure(export_path, lcov_path, src):
    """{"mcdc": {key: info}, "branch": {...}, "line": {...}} of one run (host or target).
    Keys do not contain line numbers except where text is not unique enough (lines)."""
    export = json.loads(pathlib.Path(export_path).read_text())
    funcs = functions_of(export)
    mcdc, branch, line = {}, {}, {}
    for data in export["data"]:
        for fr in data["files"]:
            f = rel(fr["filename"])
            if not GATED.match(f):
                continue
            brs = [b for b in fr.get("branches", []) if b[8] in (KIND_BRANCH, KIND_MCDC_BRANCH) and b[7] == 0]
            for rec in fr.get("mcdc_records", []):
                l1, c1, l2, c2 = rec[:4]
                states = rec[6]
                # One condition per source range: a function built in several configurations
                # (tests/unit/lx) has a record, and branch regions, per build.
                conds = sorted({tuple(b[:4]): b for b in brs if b[8] == KIND_MCDC_BRANCH
                                and (b[0], b[1]) >= (l1, c1) and (b[2], b[3]) <= (l2, c2)}.values(),
                               key=lambda b: (b[0], b[1]))
                dtext = src.text(f, l1, c1, l2, c2)
                fn = function_at(funcs, f, l1)
                for i, ok in enumerate(states):
                    ctext = src.text(f, *conds[i][:4]) if i < len(conds) else f"C{i + 1}"
                    key = (f, fn, norm(dtext), i + 1)
                    info = mcdc.setdefault(key, {"file": f, "function": fn, "line": l1, "decision": dtext,
                                                 "condition": i + 1, "cond_text": ctext,
                                                 "nconds": len(states), "covered": False})
                    info["covered"] = info["covered"] or bool(ok)
            for b in brs:
                ctext = src.text(f, *b[:4])
                fn = function_at(funcs, f, b[0])
                for outcome, count in (("true", b[4]), ("false", b[5])):
                    key = (f, fn, norm(ctext), outcome, b[0])
                    info = branch.setdefault(key, {"file": f, "function": fn, "line": b[0], "cond_text": ctext,
                                                   "outcome": outcome, "covered": False})
                    info["covered"] = info["covered"] or count > 0
    cur = None
    for ln in pathlib.Path(lcov_path).read_text().splitlines():
        if ln.startswith("SF:"):
            cur = rel(ln[3:])
        elif ln.startswith("DA:") and cur and GATED.match(cur):
            n, count = ln[3:].split(",")[:2]
            n = int(n)
            key = (cur, n)
            info = line.setdefault(key, {"file": cur, "function": function_at(funcs, cur, n), "line": n,
                                         "text": src.text(cur, n, 1, n, 10 ** 6).strip(), "covered": False})
            info["covered"] = info["covered"] or int(count) > 0
    return {"mcdc": mcdc, "branch": branch, "line": line}


def union(host, target):
    """Per item: host, target (None when the target has no such item) and both."""
    out = {}
    for kind in ("mcdc", "branch", "line"):
        items = {}
        for key, h in host[kind].items():
            t = target[kind].get(key) if target else None
            items[key] = dict(h, host=h["covered"], target=None if t is None else t["covered"],
                              covered=h["covered"] or bool(t and t["covered"]))
        if target:
            for key, t in target[kind].items():
                if key not in items:
                    items[key] = dict(t, host=None, target=t["covered"])
        out[kind] = items
    return out


def load_justifications(path, reqs):
    doc = yaml.safe_load(pathlib.Path(path).read_text()) or {}
    entries, errors = [], []
    for n, j in enumerate(doc.get("justifications") or [], 1):
        where = f"{path.name} entry {n}"
        if not isinstance(j, dict):
            errors.append(f"{where}: not a mapping")
            continue
        extra = set(j) - JUST_KEYS
        if extra:
            errors.append(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        for k in ("file", "function", "kind", "why", "requirement"):
            if not j.get(k):
                errors.append(f"{where}: no {k}")
        kind = j.get("kind")
        if kind not in ("mcdc", "branch", "line"):
            errors.append(f"{where}: kind {kind!r} (mcdc, branch or line)")
        if kind == "mcdc" and (not j.get("decision") or not isinstance(j.get("condition"), int)):
            errors.append(f"{where}: an mcdc justification names the decision text and the condition index")
        if kind == "branch" and (not j.get("decision") or j.get("condition") not in ("true", "false", True, False)):
            errors.append(f"{where}: a branch justification names the condition text and the outcome (true/false)")
        if reqs is not None and j.get("requirement") and j["requirement"] not in reqs:
            errors.append(f"{where}: requirement {j['requirement']} is not in requirements.yaml")
        j = dict(j, index=n, used=0)
        if kind == "branch":
            j["condition"] = str(j["condition"]).lower()
        entries.append(j)
    return entries, errors


def matches(j, kind, it):
    if j["file"] != it["file"] or j["function"] != it["function"]:
        return False
    if j["kind"] == "mcdc":
        if kind == "mcdc":
            return norm(j["decision"]) == norm(it["decision"]) and j["condition"] == it["condition"]
        if kind == "branch":
            # the condition's own branch outcomes: the mcdc justification explains them
            return j.get("_cond_text") is not None and norm(it["cond_text"]) in j["_cond_text"]
        return False
    if j["kind"] != kind:
        return False
    if kind == "branch":
        return norm(j["decision"]) == norm(it["cond_text"]) and j["condition"] == it["outcome"]
    return not j.get("decision") or norm(j["decision"]) == norm(it["text"])


def apply(items, justs):
    """Mark each uncovered item justified (by entry index) or not; count uses."""
    # an mcdc justification's condition texts, for its branch outcomes
    for j in justs:
        if j["kind"] == "mcdc":
            j["_cond_text"] = {norm(it["cond_text"]) for it in items["mcdc"].values()
                               if matches(j, "mcdc", it)} or None
    for kind in ("mcdc", "branch", "line"):
        for it in items[kind].values():
            it["justified"] = None
            if it["covered"]:
                # Covered by the target alone: an interleaving entry for it is still live.
                for j in justs:
                    if j.get("interleaving") is True and it.get("host") is False and matches(j, kind, it):
                        j["used"] += 1
                        break
                continue
            for j in justs:
                if matches(j, kind, it):
                    it["justified"] = j["index"]
                    j["used"] += 1
                    break


def figures(items):
    f = {}
    for kind, vals in items.items():
        vals = list(vals.values())
        f[kind] = {"count": len(vals),
                   "host": sum(1 for v in vals if v.get("host")),
                   "target": sum(1 for v in vals if v.get("target")),
                   "covered": sum(1 for v in vals if v["covered"]),
                   "justified": sum(1 for v in vals if not v["covered"] and v["justified"]),
                   "unjustified": sum(1 for v in vals if not v["covered"] and not v["justified"])}
    return f


def mark(v):
    return {True: "✔", False: "✘", None: "–"}[v]


def write(out, items, justs, figs, errors, have_target, just_path):
    out.mkdir(parents=True, exist_ok=True)
    plain = {k: sorted((dict(v) for v in vals.values()), key=lambda v: (v["file"], v["line"]))
             for k, vals in items.items()}
    (out / "gaps.json").write_text(json.dumps({
        "figures": figs, "target": have_target, "errors": errors,
        "gaps": {k: [v for v in vs if not v["covered"]] for k, vs in plain.items()},
        "justifications": [{k: v for k, v in j.items() if not k.startswith("_")} for j in justs]},
        indent=1, sort_keys=True))
    e = html.escape

    def src(f, n):
        return f"<a href='../src/{e(f)}.html#L{n}'>{e(f)}:{n}</a>"

    h = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>Septum coverage: covered or justified</title>",
         "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1em}"
         "td,th{border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top}"
         ".u{background:#f8c8c8}.j{background:#fff2c0}.c{background:#d4f4d4}code{font-size:90%}</style></head><body>",
         "<h1>Coverage of kernel/core, kernel/lib, vdev: covered or justified</h1>",
         f"<p>Host: tests/unit. Target: {'the instrumented hypervisor under QEMU' if have_target else 'not measured in this run'}. "
         "An item is covered when the host or the target covers it. Every other item needs a justification in "
         + (f"<a href='../src/{e(just_path)}.html'>{e(just_path)}</a>.</p>" if (ROOT / just_path).is_file()
            else f"<code>{e(just_path)}</code>.</p>"),
         "<table><tr><th></th><th>items</th><th>host</th><th>target</th><th>host ∪ target</th><th>justified</th>"
         "<th>uncovered, unjustified</th></tr>"]
    names = {"mcdc": "MC/DC condition pairs", "branch": "branch outcomes", "line": "lines"}
    for k in ("mcdc", "branch", "line"):
        x = figs[k]
        pct = 100.0 * x["covered"] / x["count"] if x["count"] else 100.0
        h.append(f"<tr><td>{names[k]}</td><td>{x['count']}</td><td>{x['host']}</td><td>{x['target'] if have_target else '–'}</td>"
                 f"<td>{x['covered']} ({pct:.1f}%)</td><td>{x['justified']}</td>"
                 f"<td class='{'u' if x['unjustified'] else 'c'}'>{x['unjustified']}</td></tr>")
    h.append("</table>")
    if errors:
        h += ["<h2>Gate failures</h2><ul>"] + [f"<li class='u'>{e(x)}</li>" for x in errors] + ["</ul>"]
    h.append("<h2>Justifications</h2><table><tr><th>#</th><th>where</th><th>kind</th><th>item</th><th>why</th>"
             "<th>requirement</th><th>gaps it covers</th></tr>")
    for j in justs:
        item = e(str(j.get("decision") or "every uncovered line")) + (f" — {e(str(j.get('condition')))}" if j.get("condition") else "")
        h.append(f"<tr class='{'j' if j['used'] else 'u'}'><td id='J{j['index']}'>{j['index']}</td>"
                 f"<td>{e(str(j.get('file')))}: {e(str(j.get('function')))}</td><td>{e(str(j.get('kind')))}</td>"
                 f"<td><code>{item}</code></td><td>{e(str(j.get('why', '')))}</td>"
                 f"<td><a href='../trace/matrix.html#{e(str(j.get('requirement')))}'>{e(str(j.get('requirement')))}</a></td>"
                 f"<td>{j['used'] or 'none: STALE'}</td></tr>")
    h.append("</table>")
    for f in sorted({v["file"] for vs in plain.values() for v in vs}):
        h.append(f"<h2 id='{e(f)}'>{e(f)}</h2>")
        decs = {}
        for v in plain["mcdc"]:
            if v["file"] == f:
                decs.setdefault((v["line"], v["decision"], v["function"]), []).append(v)
        if decs:
            h.append("<table><tr><th>decision</th><th>function</th><th>conditions: host / target</th></tr>")
            for (ln, d, fn), conds in sorted(decs.items()):
                cs = []
                for c in sorted(conds, key=lambda c: c["condition"]):
                    cls = "c" if c["covered"] else ("j" if c["justified"] else "u")
                    why = f" <a href='#J{c['justified']}'>justified #{c['justified']}</a>" if c["justified"] else ""
                    cs.append(f"<div class='{cls}'>C{c['condition']} <code>{e(c['cond_text'])}</code>: "
                              f"{mark(c['host'])} / {mark(c['target'])}{why}</div>")
                h.append(f"<tr><td>{src(f, ln)}<br><code>{e(d)}</code></td><td>{e(fn)}</td><td>{''.join(cs)}</td></tr>")
            h.append("</table>")
        for kind, label in (("branch", "Uncovered branch outcomes"), ("line", "Uncovered lines")):
            gaps = [v for v in plain[kind] if v["file"] == f and not v["covered"]]
            if not gaps:
                continue
            h.append(f"<h3>{label}</h3><ul>")
            for v in gaps:
                what = (f"<code>{e(v['cond_text'])}</code> never {v['outcome']}" if kind == "branch"
                        else f"<code>{e(v['text'])}</code>")
                st = (f"<a href='#J{v['justified']}'>justified #{v['justified']}</a>" if v["justified"]
                      else "<b>UNJUSTIFIED</b>")
                h.append(f"<li class='{'j' if v['justified'] else 'u'}'>{src(f, v['line'])} in {e(v['function'])}: "
                         f"{what} — {st}</li>")
            h.append("</ul>")
    h.append("</body></html>")
    (out / "gaps.html").write_text("\n".join(h) + "\n")


def load_reqs():
    try:
        doc = yaml.safe_load((ROOT / "verification" / "requirements.yaml").read_text())
        return {r["id"] for r in doc.get("requirements", [])}
    except (OSError, KeyError, TypeError):
        return None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", required=True, help="directory with export.json and lcov.info of tests/unit")
    p.add_argument("--target", help="the same for the target (omitted or absent: host only)")
    p.add_argument("--justifications", default=str(ROOT / "verification" / "coverage" / "justifications.yaml"))
    p.add_argument("--root", default=str(ROOT), help="where the sources are")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    src = Source(pathlib.Path(a.root))
    host_dir = pathlib.Path(a.host)
    host = measure(host_dir / "export.json", host_dir / "lcov.info", src)
    target = None
    if a.target and (pathlib.Path(a.target) / "export.json").exists():
        t = pathlib.Path(a.target)
        target = measure(t / "export.json", t / "lcov.info", src)
    items = union(host, target)
    jpath = pathlib.Path(a.justifications)
    justs, errors = load_justifications(jpath, load_reqs())
    apply(items, justs)
    figs = figures(items)
    for j in justs:
        if not j["used"]:
            errors.append(f"{jpath.name} entry {j['index']} ({j.get('file')}: {j.get('function')}, {j.get('kind')} "
                          f"{j.get('decision', '')!r} {j.get('condition', '')}) matches no gap: stale, remove or fix it")
    gaps = []
    for kind in ("mcdc", "branch", "line"):
        for v in sorted(items[kind].values(), key=lambda v: (v["file"], v["line"])):
            if v["covered"] or v["justified"]:
                continue
            if kind == "mcdc":
                gaps.append(f"{v['file']}:{v['line']}: {v['function']}: MC/DC condition C{v['condition']} "
                            f"`{v['cond_text']}` of `{v['decision']}` has no independence pair")
            elif kind == "branch":
                gaps.append(f"{v['file']}:{v['line']}: {v['function']}: branch `{v['cond_text']}` never {v['outcome']}")
            else:
                gaps.append(f"{v['file']}:{v['line']}: {v['function']}: line never run: {v['text']}")
    try:
        jrel = jpath.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        jrel = jpath.name
    write(pathlib.Path(a.out), items, justs, figs, errors + [f"uncovered, unjustified: {g}" for g in gaps],
          target is not None, jrel)
    scope = "host ∪ target" if target else "host"
    print(f"coverage gaps ({scope}) of kernel/core, kernel/lib, vdev:")
    for k, label in (("mcdc", "MC/DC pairs"), ("branch", "branches"), ("line", "lines")):
        x = figs[k]
        print(f"  {label:11s} {x['covered']}/{x['count']} covered, {x['justified']} justified, "
              f"{x['unjustified']} uncovered and unjustified")
    for g in gaps:
        print(f"{g}", file=sys.stderr)
    for err in errors:
        print(f"coverage gaps: FAIL: {err}", file=sys.stderr)
    if gaps or errors:
        print(f"coverage gaps: FAIL: {len(gaps)} uncovered, unjustified item(s), {len(errors)} other problem(s); "
              f"cover them with a unit test or justify them in {jrel}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
