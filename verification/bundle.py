#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Write verification/out/index.html: the evidence bundle's front page.

Links every report the steps of `make evidence` wrote, with each step's result and
duration ($(BUILD)/evidence/status/<step>: "<exit code> <seconds>"), the headline
figures read from the reports themselves, the configuration fingerprint of the system
(gen/fingerprint), the commit, the tool versions and the date.
"""
import argparse
import datetime
import html
import json
import pathlib
import subprocess

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
    ("trace", "Requirements and traceability", [("trace/matrix.html", "matrix (HTML)"), ("trace/matrix.md", "matrix (Markdown)")]),
    ("coverage-host", "MC/DC on the host (tests/unit, clang-19)",
     [("coverage-host/html/index.html", "llvm-cov with MC/DC"), ("coverage-host/lcov/index.html", "lcov: lines, branches"),
      ("coverage-host/report.txt", "summary table"), ("coverage-host/report-functions.txt", "per function")]),
    ("coverage-target", "MC/DC on the target (aarch64 EL2 under QEMU)",
     [("coverage-target/html/index.html", "llvm-cov with MC/DC"), ("coverage-target/lcov/index.html", "lcov: lines, branches"),
      ("coverage-target/report.txt", "summary table"), ("coverage-target/report-functions.txt", "per function")]),
    ("misra", "MISRA C:2012 (cppcheck) and clang-tidy",
     [("misra/findings.html", "findings and deviations"), ("misra/deviations.html", "deviations.md"),
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
        m = json.loads((out / "misra" / "findings.json").read_text())
        n = len(m["findings"])
        open_ = sum(1 for x in m["findings"] if not x["deviation"])
        f["misra"] = f"{n} findings of {len({x['rule'] for x in m['findings']})} rules, {open_} without a deviation"
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


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", required=True)
    p.add_argument("--status", required=True)
    p.add_argument("--gen", default="gen")
    a = p.parse_args()
    out, status = pathlib.Path(a.out), pathlib.Path(a.status)
    out.mkdir(parents=True, exist_ok=True)
    fp = (ROOT / a.gen / "fingerprint").read_text().strip() if (ROOT / a.gen / "fingerprint").exists() else "?"
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True).stdout.strip() or "?"
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    figs = figures(out)
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
    tools = "".join(f"<tr><td>{e(n)}</td><td><code>{e(version(c))}</code></td></tr>" for n, c in TOOLS)
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Septum certification evidence</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:80em}}table{{border-collapse:collapse;margin-bottom:1.5em}}
td,th{{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}}</style></head><body>
<h1>Septum certification evidence</h1>
<table>
<tr><th>system</th><td>system.yaml (generated tables in {e(a.gen)}/)</td></tr>
<tr><th>configuration fingerprint</th><td><code>{e(fp)}</code></td></tr>
<tr><th>commit</th><td><code>{e(commit)}</code></td></tr>
<tr><th>date</th><td>{e(date)}</td></tr>
</table>
<h2>Steps</h2>
<table><tr><th>evidence</th><th>gate</th><th>time</th><th>figures</th><th>reports</th></tr>
{''.join(rows)}
</table>
<p>Inputs: <code>verification/requirements.yaml</code>, <code>verification/coverage-thresholds.json</code>,
<code>verification/misra/deviations.md</code>, <code>verification/misra/rules.txt</code>,
<code>verification/clang-tidy.yaml</code>, <code>verification/stack/entries.json</code>; the ACSL contracts in
<code>kernel/core/part.c</code>. Produced by <code>make evidence</code>; a gate that fails fails the command.</p>
<h2>Tools</h2>
<table>{tools}</table>
</body></html>
"""
    (out / "index.html").write_text(page)
    print(f"bundle: {out}/index.html")


if __name__ == "__main__":
    main()
