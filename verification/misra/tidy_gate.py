#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""clang-tidy gate: every finding must be covered by a recorded deviation.

Reads clang-tidy's output (`file:line:col: warning|error: message [check,...]`) and the
sections of verification/misra/deviations.md that look like

    ## clang-tidy bugprone-implicit-widening-of-multiplication-result
    Scope: `kernel/arch/aarch64/gic.c`
    Justification: ...

A finding of check C in file F is covered when a section of check C has a scope glob
matching F. A compiler error (clang-diagnostic-error) is never deviable. Writes
OUT/clang-tidy-findings.md; fails on an uncovered finding.
"""
import argparse
import fnmatch
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FINDING = re.compile(r"^(/?[^:\s]+):(\d+):(\d+): (warning|error): (.*) \[([^\]]+)\]$")
SECTION = re.compile(r"^##\s+clang-tidy\s+([\w.\-]+)\s*$")
SCOPE = re.compile(r"^Scope:\s*(.*)$")


def rel(p):
    path = pathlib.Path(p)
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--log", required=True)
    p.add_argument("--deviations", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    devs, cur = [], None
    for n, line in enumerate(pathlib.Path(a.deviations).read_text().splitlines(), 1):
        m = SECTION.match(line)
        if m:
            cur = {"check": m.group(1), "line": n, "scope": []}
            devs.append(cur)
            continue
        if line.startswith("## "):
            cur = None
            continue
        m = SCOPE.match(line)
        if m and cur is not None:
            cur["scope"] += re.findall(r"`([^`]+)`", m.group(1))
    findings, seen = [], set()
    for line in pathlib.Path(a.log).read_text(errors="replace").splitlines():
        m = FINDING.match(line.strip())
        if not m:
            continue
        f, ln, _, _, msg, checks = m.groups()
        f = rel(f)
        for check in checks.split(","):
            check = check.strip()
            if check.startswith("-warnings-as-errors"):
                continue
            key = (f, ln, check)
            if key in seen:
                continue
            seen.add(key)
            dev = None
            if check != "clang-diagnostic-error":
                dev = next((d for d in devs if d["check"] == check and
                            any(fnmatch.fnmatchcase(f, g) for g in d["scope"])), None)
            findings.append((f, int(ln), check, msg, f"deviations.md:{dev['line']}" if dev else None))
    out = pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    open_ = [x for x in findings if not x[4]]
    md = ["# clang-tidy findings", "", f"{len(findings)} findings, {len(open_)} without a deviation.", ""]
    md += [f"- {f}:{ln}: [{c}] {msg} — {d or 'NO DEVIATION'}" for f, ln, c, msg, d in sorted(findings)]
    (out / "clang-tidy-findings.md").write_text("\n".join(md) + "\n")
    print(f"clang-tidy: {len(findings)} findings, {len(open_)} without a deviation")
    for f, ln, c, msg, d in open_:
        print(f"{f}:{ln}: clang-tidy {c}: {msg} (no deviation)", file=sys.stderr)
    if open_:
        sys.exit(1)


if __name__ == "__main__":
    main()
