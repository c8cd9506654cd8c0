#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Write verification/out/index.html: the evidence bundle's front page.

Links every report the steps of `make evidence` wrote, with each step's result and
duration ($(BUILD)/evidence/status/<step>: "<exit code> <seconds>"), the headline
figures read from the reports themselves (host and target MC/DC, justified gaps,
MISRA findings, deviations and fixed rules), the assembly and how it is verified
(verification/asm-review.yaml), the system description and its configuration
fingerprint, the commit and whether the tree was dirty, the tool versions and the
date. Writes src/<path>.html, a page per source file with an anchor per line (L<n>),
which the matrix, the gaps report and the assembly table link to; every link is
relative, so the bundle can be archived and moved (verification/linkcheck.py).
"""
import argparse
import datetime
import html
import json
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]

TOOLS = [
    ("gcc (aarch64)", ["aarch64-linux-gnu-gcc", "--version"]),
    ("gcc (host)", ["gcc", "--version"]),
    ("clang", ["clang-19", "--version"]),
    ("ld.lld", ["ld.lld-19", "--version"]),
    ("llvm-cov", ["llvm-cov-19", "--version"]),
    ("lcov/genhtml", ["genhtml", "--version"]),
    ("cppcheck", ["cppcheck", "--version"]),
    ("clang-tidy", ["clang-tidy-19", "--version"]),
    ("Frama-C", ["frama-c", "-version"]),
    ("why3", ["why3", "--version"]),
    ("z3", ["z3", "--version"]),
    ("cvc4", ["cvc4", "--version"]),
    ("QEMU", ["qemu-system-aarch64", "--version"]),
    ("python", ["/usr/bin/python3", "--version"]),
    ("pytest", ["/usr/bin/python3", "-m", "pytest", "--version"]),
    ("cmocka", ["dpkg-query", "-W", "-f=${Version}", "libcmocka-dev"]),
]

STEPS = [
    ("trace", "Requirements and traceability",
     [("trace/matrix.html", "matrix (HTML)"), ("trace/goals.html", "safety goals"), ("trace/matrix.md", "matrix (Markdown)")]),
    ("coverage-host", "MC/DC on the host (tests/unit, clang-19)",
     [("coverage-host/html/index.html", "llvm-cov with MC/DC"), ("coverage-host/lcov/index.html", "lcov: lines, branches"),
      ("coverage-host/report.txt", "summary table"), ("coverage-host/report-functions.txt", "per function")]),
    ("coverage-target", "MC/DC on the target (aarch64 EL2 under QEMU)",
     [("coverage-target/html/index.html", "llvm-cov with MC/DC"), ("coverage-target/lcov/index.html", "lcov: lines, branches"),
      ("coverage-target/report.txt", "summary table"), ("coverage-target/report-functions.txt", "per function")]),
    ("coverage-gaps", "Coverage gate: every pair, branch, line covered (host ∪ target) or justified",
     [("coverage/gaps.html", "per decision, host ∪ target; gaps and justifications"), ("coverage/gaps.json", "data")]),
    ("misra", "MISRA C:2012 (cppcheck) and clang-tidy",
     [("misra/findings.html", "findings and deviations"), ("misra/deviations.html", "deviations.md"),
      ("src/verification/misra/fixed.yaml.html", "rules fixed"),
      ("misra/cppcheck.xml", "cppcheck XML"), ("misra/clang-tidy-findings.md", "clang-tidy findings"),
      ("misra/clang-tidy.txt", "clang-tidy output")]),
    ("stack", "Worst-case stack per entry point", [("stack/report.html", "report"), ("stack/stack.json", "data")]),
    ("proofs", "Frama-C WP proofs", [("proofs/report.txt", "property report"), ("proofs/wp.log", "log")]),
]


def version(cmd):
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=20)
        lines = [ln.strip() for ln in r.stdout.splitlines() if ln.strip()]
        return lines[0] if lines else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"


def coverage_figures(path):
    try:
        s = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    import sys
    sys.path.insert(0, str(ROOT / "verification"))
    from coverage_gate import achieved
    pct, totals, files = achieved(s)
    return ", ".join(f"{m} {pct[m]:.1f}% ({totals[m][0]}/{totals[m][1]})" for m in ("lines", "branches", "mcdc"))


def figures(out):
    f = {}
    try:
        t = json.loads((out / "trace" / "trace.json").read_text())
        reqs = t["requirements"]
        f["trace"] = (f"{sum(1 for r in reqs.values() if r['status'] == 'PASS')} of {len(reqs)} requirements "
                      f"with passing tests")
    except (OSError, ValueError, KeyError):
        pass
    for k in ("coverage-host", "coverage-target"):
        c = coverage_figures(out / k / "summary.json")
        if c:
            f[k] = "kernel/core, kernel/lib, vdev: " + c
    try:
        g = json.loads((out / "coverage" / "gaps.json").read_text())["figures"]
        f["coverage-gaps"] = "; ".join(
            f"{label}: {g[k]['covered']}/{g[k]['count']} covered, {g[k]['justified']} justified, "
            f"{g[k]['unjustified']} open" for k, label in (("mcdc", "MC/DC pairs"), ("branch", "branches"), ("line", "lines")))
    except (OSError, ValueError, KeyError):
        pass
    fixed = misra_fixed()
    try:
        m = json.loads((out / "misra" / "findings.json").read_text())
        n = len(m["findings"])
        open_ = sum(1 for x in m["findings"] if not x["deviation"])
        devs = {x["deviation"] for x in m["findings"] if x["deviation"]}
        f["misra"] = (f"{n} findings of {len({x['rule'] for x in m['findings']})} rules: {n - open_} under "
                      f"{len(devs)} deviations, {open_} without one; "
                      f"{sum(int(r.get('findings', 0)) for r in fixed)} findings of rules {', '.join(r['rule'] for r in fixed)} fixed instead of deviated")
    except (OSError, ValueError, KeyError):
        pass
    try:
        s = json.loads((out / "stack" / "stack.json").read_text())
        w = max((r["bytes"] or 0) for r in s["entries"])
        f["stack"] = f"worst case {w} bytes of a {s['stack_size']}-byte per-CPU stack (gate {s['limit']})"
    except (OSError, ValueError, KeyError):
        pass
    try:
        f["proofs"] = (out / "proofs" / "report.txt").read_text().splitlines()[0]
    except (OSError, IndexError):
        pass
    return f


def misra_fixed():
    try:
        return (yaml.safe_load((ROOT / "verification" / "misra" / "fixed.yaml").read_text()) or {}).get("fixed") or []
    except OSError:
        return []


SRC_DIRS = ("kernel", "vdev", "partitions", "tests", "generator", "verification", "boards", "tools", "gen")
SRC_SUFFIXES = {".c", ".h", ".S", ".py", ".yaml", ".yml", ".md", ".mk", ".ld", ".json", ".j2", ".dts", ".sh", ".txt"}


def source_pages(out, gen, system):
    """src/<path>.html with line anchors, for the tracked sources (and the generated
    tables of the system the evidence is for)."""
    r = subprocess.run(["git", "ls-files", *SRC_DIRS, "Makefile", "README.md", "system.yaml"], cwd=ROOT,
                       stdout=subprocess.PIPE, text=True)
    files = {f for f in r.stdout.splitlines() if pathlib.PurePosixPath(f).suffix in SRC_SUFFIXES
             or f in ("Makefile", "README.md")}
    for extra in [system] + [p.relative_to(ROOT).as_posix() for p in (ROOT / gen).glob("*") if p.is_file()]:
        if (ROOT / extra).is_file():
            files.add(pathlib.PurePosixPath(extra).as_posix())
    e = html.escape
    for f in sorted(files):
        path = ROOT / f
        if not path.is_file():
            continue
        lines = path.read_text(errors="replace").splitlines()
        dst = out / "src" / (f + ".html")
        dst.parent.mkdir(parents=True, exist_ok=True)
        up = "../" * (len(pathlib.PurePosixPath(f).parts))
        body = "\n".join(f"<span id='L{n}'><a href='#L{n}'>{n:5d}</a>  {e(t)}</span>" for n, t in enumerate(lines, 1))
        dst.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{e(f)}</title><style>"
                       f"pre{{line-height:1.3}}a{{color:#888;text-decoration:none}}:target{{background:#ff9}}</style>"
                       f"</head><body><p><a href='{up}index.html'>evidence</a> · <b>{e(f)}</b></p><pre>{body}</pre>"
                       f"</body></html>\n")
    return files


def asm_section(out):
    """The assembly table of the front page, from verification/asm-review.yaml."""
    try:
        doc = yaml.safe_load((ROOT / "verification" / "asm-review.yaml").read_text()) or {}
    except OSError:
        return "<p>verification/asm-review.yaml is missing.</p>"
    e = html.escape
    results = out / "trace" / "results" / "integration.html"
    have = results.read_text(errors="replace") if results.exists() else ""
    sys.path.insert(0, str(ROOT / "verification"))
    from trace import anchor
    rows = []
    for f in doc.get("files", []):
        path = f["path"]
        lines = (ROOT / path).read_text(errors="replace").splitlines() if (ROOT / path).exists() else []
        ents = []
        for en in f.get("entries", []):
            n = next((i for i, ln in enumerate(lines, 1) if ln.split("//")[0].strip().startswith(en["label"] + ":")), 1)
            tests = []
            for t in en.get("tests") or []:
                name = "tests/integration/" + t
                a = anchor(name)
                tfile, _, tfn = name.partition("::")
                if f"id='{a}'" in have:
                    tests.append(f"<a href='trace/results/integration.html#{e(a)}'>{e(t)}</a>")
                else:
                    tests.append(f"<a href='src/{e(tfile)}.html'>{e(t)}</a> (no result in this bundle)")
            how = "<br>".join(tests) or f"<i>not run: {e(str(en.get('not_run', 'no test')))}</i>"
            ents.append(f"<tr><td><a href='src/{e(path)}.html#L{n}'><code>{e(en['label'])}</code></a></td>"
                        f"<td>{e(str(en.get('does', '')))}</td><td><small>{how}</small></td></tr>")
        rows.append(f"<h3><a href='src/{e(path)}.html'>{e(path)}</a>: {e(str(f.get('role', '')))}</h3>"
                    f"<p><b>Review:</b> {e(str(f.get('review', '')))}</p>"
                    f"<table><tr><th>entry</th><th>path</th><th>exercised by (integration tests)</th></tr>{''.join(ents)}</table>")
    return ("<p>Assembly is outside every coverage figure; it is verified by review and by the integration "
            "tests that run each path (<a href='src/verification/asm-review.yaml.html'>verification/asm-review.yaml</a>).</p>"
            + "".join(rows))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", required=True)
    p.add_argument("--status", required=True)
    p.add_argument("--gen", default="gen")
    p.add_argument("--system", default="system.yaml")
    a = p.parse_args()
    out, status = pathlib.Path(a.out), pathlib.Path(a.status)
    out.mkdir(parents=True, exist_ok=True)
    fp = (ROOT / a.gen / "fingerprint").read_text().strip() if (ROOT / a.gen / "fingerprint").exists() else "?"
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True).stdout.strip() or "?"
    changed = [ln for ln in subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, stdout=subprocess.PIPE,
                                            text=True).stdout.splitlines() if ln.strip()]
    tree = (f"dirty: {len(changed)} file(s) differ from the commit ({', '.join(ln[3:] for ln in changed[:8])}"
            f"{', ...' if len(changed) > 8 else ''})" if changed else "clean")
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    source_pages(out, a.gen, a.system)
    figs = figures(out)
    asm = asm_section(out)
    e = html.escape
    rows = []
    for step, title, links in STEPS:
        st = status / step
        if st.exists():
            rc, secs = (st.read_text().split() + ["?", "?"])[:2]
            res = "pass" if rc == "0" else "FAIL"
        else:
            res, secs = "not run", "-"
        ls = " · ".join(f"<a href='{e(h)}'>{e(t)}</a>" for h, t in links if (out / h).exists()) or "—"
        colour = {"pass": "#d4f4d4", "FAIL": "#f8c8c8"}.get(res, "#eee")
        rows.append(f"<tr><td><b>{e(title)}</b><br><small>make {e(step)}</small></td>"
                    f"<td style='background:{colour}'>{res}</td><td>{e(secs)} s</td>"
                    f"<td>{e(figs.get(step, ''))}</td><td>{ls}</td></tr>")
    sys_link = f"src/{a.system}.html" if (out / "src" / f"{a.system}.html").exists() else "index.html"
    inputs = ", ".join(f"<a href='src/{f}.html'>{f}</a>" for f in (
        "verification/requirements.yaml", "verification/safety-goals.yaml", "verification/coverage/justifications.yaml",
        "verification/asm-review.yaml", "verification/misra/deviations.md", "verification/misra/fixed.yaml",
        "verification/misra/rules.txt", "verification/clang-tidy.yaml", "verification/stack/entries.json")
        if (out / "src" / f"{f}.html").exists())
    tools = "".join(f"<tr><td>{e(n)}</td><td><code>{e(version(c))}</code></td></tr>" for n, c in TOOLS)
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Septum certification evidence</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:80em}}table{{border-collapse:collapse;margin-bottom:1.5em}}
td,th{{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}}</style></head><body>
<h1>Septum certification evidence</h1>
<table>
<tr><th>system</th><td><a href="{e(sys_link)}">{e(a.system)}</a> (generated tables in {e(a.gen)}/)</td></tr>
<tr><th>configuration fingerprint</th><td><code>{e(fp)}</code></td></tr>
<tr><th>commit</th><td><code>{e(commit)}</code></td></tr>
<tr><th>working tree</th><td>{e(tree)}</td></tr>
<tr><th>date</th><td>{e(date)}</td></tr>
</table>
<h2>Headline</h2>
<table>
<tr><th>host MC/DC, branches, lines</th><td>{e(figs.get("coverage-host", "not measured"))}</td></tr>
<tr><th>target MC/DC, branches, lines</th><td>{e(figs.get("coverage-target", "not measured"))}</td></tr>
<tr><th>covered or justified (host ∪ target)</th><td>{e(figs.get("coverage-gaps", "not measured"))}</td></tr>
<tr><th>MISRA C:2012</th><td>{e(figs.get("misra", "not checked"))}</td></tr>
<tr><th>requirements</th><td>{e(figs.get("trace", "not traced"))}</td></tr>
</table>
<h2>Steps</h2>
<table><tr><th>evidence</th><th>gate</th><th>time</th><th>figures</th><th>reports</th></tr>
{''.join(rows)}
</table>
<p>Inputs: {inputs}; the ACSL contracts in <a href="src/kernel/core/part.c.html">kernel/core/part.c</a>.
Produced by <code>make evidence</code>; a gate that fails fails the command.</p>
<h2>Assembly</h2>
{asm}
<h2>Tools</h2>
<table>{tools}</table>
</body></html>
"""
    (out / "index.html").write_text(page)
    print(f"bundle: {out}/index.html")


if __name__ == "__main__":
    main()
