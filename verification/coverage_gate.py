#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Coverage figures, and the check that every decision is measurable for MC/DC.

Reads `llvm-cov-19 export -summary-only` (summary.json), sums the per-file counts of
the gated sources (kernel/core, kernel/lib, vdev) and prints line, region, function,
branch and MC/DC percentages. The figures are informational: there are no
thresholds. The gate proper is verification/coverage_gaps.py, "every condition pair,
branch outcome and line covered (host ∪ target) or justified".

Fails only if the build log holds clang's "unsupported MC/DC boolean expression"
warning: such a decision is silently left out of MC/DC, so it must be restructured,
not tolerated.
"""
import argparse
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
GATED = re.compile(r"^(kernel/core|kernel/lib|vdev)/[^/]+\.c$")
METRICS = ("lines", "regions", "functions", "branches", "mcdc")
UNSUPPORTED = "unsupported MC/DC boolean expression"


def relpath(name):
    p = pathlib.PurePosixPath(name)
    if p.is_absolute():
        try:
            p = p.relative_to(HERE.parent)
        except ValueError:
            return str(p)
    s = str(p)
    return s[2:] if s.startswith("./") else s


def achieved(summary):
    totals = {m: [0, 0] for m in METRICS}  # covered, count
    files = []
    for data in summary["data"]:
        for f in data["files"]:
            name = relpath(f["filename"])
            if not GATED.match(name):
                continue
            files.append(name)
            s = f["summary"]
            for m in METRICS:
                if m not in s:
                    continue
                totals[m][0] += s[m]["covered"]
                totals[m][1] += s[m]["count"]
    pct = {m: (100.0 * c / n if n else 100.0) for m, (c, n) in totals.items()}
    return pct, totals, sorted(set(files))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("mode", choices=["host", "target"])
    p.add_argument("--summary", required=True)
    p.add_argument("--log", help="compiler output of the instrumented build")
    a = p.parse_args()

    summary = json.loads(pathlib.Path(a.summary).read_text())
    pct, totals, files = achieved(summary)
    if not files:
        sys.exit(f"coverage ({a.mode}): no gated source (kernel/core, kernel/lib, vdev) in {a.summary}")
    print(f"coverage ({a.mode}) over {len(files)} files of kernel/core, kernel/lib, vdev (informational):")
    for m in METRICS:
        c, n = totals[m]
        print(f"  {m:9s} {pct[m]:7.2f}%  ({c}/{n})")
    if a.log:
        bad = [line for line in pathlib.Path(a.log).read_text(errors="replace").splitlines() if UNSUPPORTED in line]
        if bad:
            print(f"coverage ({a.mode}): FAIL: {len(bad)} decision(s) not measurable for MC/DC (restructure them):\n    "
                  + "\n    ".join(bad), file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
