#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Coverage gate: fail below the thresholds of verification/coverage-thresholds.json.

Reads `llvm-cov-19 export -summary-only` (summary.json), sums the per-file counts of
the gated sources only (kernel/core, kernel/lib, vdev) and compares line, region,
function, branch and MC/DC percentages with the thresholds of the mode (host or
target). Also fails if the build log holds clang's "unsupported MC/DC boolean
expression" warning: such a decision is silently left out of MC/DC, so it must be
restructured, not tolerated. Thresholds only rise: --ratchet raises them to what was
achieved (rounded down to 0.01 on the host; on the target, whose runs are timed and
vary by a condition or a line, rounded down to a whole percent less one) and never
lowers one.
"""
import argparse
import json
import math
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
THRESHOLDS = HERE / "coverage-thresholds.json"
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
    return str(p)


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
                key = "mcdc" if m == "mcdc" else m
                if key not in s:
                    continue
                totals[m][0] += s[key]["covered"]
                totals[m][1] += s[key]["count"]
    pct = {m: (100.0 * c / n if n else 100.0) for m, (c, n) in totals.items()}
    return pct, totals, sorted(set(files))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("mode", choices=["host", "target"])
    p.add_argument("--summary", required=True)
    p.add_argument("--log", help="compiler output of the instrumented build")
    p.add_argument("--ratchet", action="store_true", help="raise the thresholds to what was achieved")
    a = p.parse_args()

    summary = json.loads(pathlib.Path(a.summary).read_text())
    pct, totals, files = achieved(summary)
    thresholds = json.loads(THRESHOLDS.read_text())
    mine = thresholds.setdefault(a.mode, {})
    if not files:
        sys.exit(f"coverage gate ({a.mode}): no gated source (kernel/core, kernel/lib, vdev) in {a.summary}")

    if a.ratchet:
        # Host runs are deterministic: keep 0.01 %. Target runs depend on how far the
        # partitions got in the run's seconds: whole percent absorbs that jitter.
        step = 100.0 if a.mode == "host" else 1.0
        slack = 0.0 if a.mode == "host" else 1.0
        for m in METRICS:
            got = math.floor(pct[m] * step) / step - slack
            if got > mine.get(m, 0.0):
                print(f"coverage gate ({a.mode}): {m} threshold {mine.get(m, 0.0):.2f} -> {got:.2f}")
                mine[m] = got
        THRESHOLDS.write_text(json.dumps(thresholds, indent=2, sort_keys=True) + "\n")
        return

    fail = []
    if a.log:
        bad = [line for line in pathlib.Path(a.log).read_text(errors="replace").splitlines() if UNSUPPORTED in line]
        if bad:
            fail.append(f"{len(bad)} decision(s) not measurable for MC/DC (restructure them):\n    " +
                        "\n    ".join(bad))
    print(f"coverage gate ({a.mode}) over {len(files)} files of kernel/core, kernel/lib, vdev:")
    for m in METRICS:
        c, n = totals[m]
        want = mine.get(m)
        if want is None:
            fail.append(f"no {a.mode} threshold for {m} in {THRESHOLDS.name}")
            continue
        ok = pct[m] + 1e-9 >= want
        print(f"  {m:9s} {pct[m]:7.2f}%  ({c}/{n})  threshold {want:.2f}%  {'ok' if ok else 'BELOW'}")
        if not ok:
            fail.append(f"{m} {pct[m]:.2f}% is below the threshold {want:.2f}%")
        elif math.floor(pct[m] * 100.0) / 100.0 > want + 0.5:
            print(f"    (achieved is above the threshold: `make coverage-ratchet` raises it)")
    if fail:
        for f in fail:
            print(f"coverage gate ({a.mode}): FAIL: {f}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
