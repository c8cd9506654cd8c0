#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Frama-C WP proofs of the isolation checks (make proofs).

Proves, with run-time error checks (-wp-rte, unsigned overflow included), the ACSL
contracts written in kernel/core/part.c on part_region_contains and
part_ipa_range_to_pa (SRS-ISO-002, SRS-ISO-003): an accepted guest range lies inside
one region of the calling partition that grants the permission, and is translated by
that region's offset. Provers: z3 and cvc4 through why3; their configuration is
detected into the work directory (never the home directory). Fails unless every goal
is proved. Writes OUT/report.txt (Frama-C's property report) and OUT/wp.log.
"""
import argparse
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGETS = [("kernel/core/part.c", ["part_ipa_range_to_pa", "part_region_contains"])]
INCLUDES = ["-Ikernel/include", "-Ivdev", "-Igen", "-Ikernel/arch/aarch64",
            "-include", "verification/formal/sized_tables.h"]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--work", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--timeout", default="10")
    a = p.parse_args()
    work, out = pathlib.Path(a.work), pathlib.Path(a.out)
    work.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    conf = work / "why3.conf"
    env = dict(os.environ, WHY3CONFIG=str(conf.resolve()))
    if not conf.exists():
        subprocess.run(["why3", "config", "detect"], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    failed = False
    log, report = [], []
    for src, fns in TARGETS:
        cmd = ["frama-c", "-cpp-extra-args=" + " ".join(INCLUDES), "-wp", "-wp-rte", "-warn-unsigned-overflow",
               "-wp-prover", "z3,cvc4", "-wp-timeout", a.timeout, "-wp-session", str(work / "session"),
               "-wp-fct", ",".join(fns), src, "-then", "-report"]
        r = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        log.append(f"$ {' '.join(cmd)}\n{r.stdout}")
        m = re.search(r"Proved goals:\s+(\d+)\s*/\s*(\d+)", r.stdout)
        if r.returncode != 0 or not m or m.group(1) != m.group(2):
            failed = True
            summary = f"{src}: NOT PROVED ({m.group(0) if m else 'no WP summary'}; exit {r.returncode})"
        else:
            summary = f"{src} ({', '.join(fns)}): {m.group(1)}/{m.group(2)} goals proved"
        report.append(summary)
        print(f"  {summary}")
        start = r.stdout.find("[report] Computing properties status")
        if start >= 0:
            report.append(r.stdout[start:])
    # the bundle names no absolute path of the build machine
    (out / "wp.log").write_text("\n".join(log).replace(str(ROOT) + "/", ""))
    (out / "report.txt").write_text(("\n".join(report) + "\n").replace(str(ROOT) + "/", ""))
    if failed:
        for line in log[-1].splitlines():
            if "Failed" in line or "Unknown" in line or "Timeout" in line or "rror" in line:
                print(line, file=sys.stderr)
        sys.exit("proofs: some goals are not proved (see " + str(out / "wp.log") + ")")


if __name__ == "__main__":
    main()
