#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Run instrumented programs, merge their raw profiles and write the coverage reports.

host:   run every tests/unit program of an instrumented build (LLVM_PROFILE_FILE per
        program), merge, report over all test binaries.
target: merge the raw profiles the instrumented hypervisor wrote under QEMU
        (verification/target_run.py) and report over the coverage ELFs.

Reports (in --out): report.txt (llvm-cov report with MC/DC and branch summaries),
html/ (llvm-cov show with MC/DC), lcov.info and lcov/ (genhtml: lines, functions,
branches), summary.json (llvm-cov export -summary-only, read by coverage_gate.py),
export.json (the full export, read by coverage_gaps.py). The objects are built with
-fcoverage-prefix-map=<repository>=. so that no page names the build machine's paths.
Files outside the measured sources (tests, generated tables, fakes) are left out of
the reports; the gate restricts itself further to kernel/core, kernel/lib, vdev.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys

PROFDATA = "llvm-profdata-19"
COV = "llvm-cov-19"
# Not measured: tests and their fakes, generated tables, anything under a build dir.
IGNORE = r"(^|/)(tests|gen|build)/"


def run(cmd, **kw):
    r = subprocess.run(cmd, **kw)
    if r.returncode != 0:
        sys.exit(f"coverage: {' '.join(map(str, cmd))} failed ({r.returncode})")
    return r


def reports(binaries, profdata, out, title):
    out.mkdir(parents=True, exist_ok=True)
    objs = [str(binaries[0])] + [a for b in binaries[1:] for a in ("-object", str(b))]
    common = [f"-instr-profile={profdata}", f"-ignore-filename-regex={IGNORE}"]
    with open(out / "report.txt", "w") as f:
        run([COV, "report", *objs, *common, "--show-mcdc-summary", "--show-branch-summary",
             "--show-region-summary"], stdout=f)
    with open(out / "report-functions.txt", "w") as f:
        # the coverage data names sources relative to the repository (-fcoverage-prefix-map);
        # the equivalence lets llvm-cov find the directories given here
        run([COV, "report", *objs, *common, "--show-functions", "--show-mcdc-summary",
             "--show-branch-summary", f"--path-equivalence=.,{os.getcwd()}",
             *[d for d in ("kernel", "vdev") if os.path.isdir(d)]], stdout=f)
    shutil.rmtree(out / "html", ignore_errors=True)
    run([COV, "show", *objs, *common, "--show-mcdc", "--show-mcdc-summary", "--show-branches=count",
         "--show-line-counts-or-regions", "-format=html", f"-output-dir={out / 'html'}",
         f"-project-title=Septum {title}"])
    with open(out / "summary.json", "w") as f:
        run([COV, "export", *objs, *common, "-summary-only"], stdout=f)
    # the full export (MC/DC records, branches, functions): verification/coverage_gaps.py
    with open(out / "export.json", "w") as f:
        run([COV, "export", *objs, *common], stdout=f)
    with open(out / "lcov.info", "w") as f:
        run([COV, "export", *objs, *common, "-format=lcov"], stdout=f)
    shutil.rmtree(out / "lcov", ignore_errors=True)
    # --prefix: genhtml makes the relative paths absolute; strip the repository again
    run(["genhtml", "--quiet", "--branch-coverage", "--title", f"Septum {title}", "--legend",
         "--prefix", os.getcwd(),
         "--output-directory", str(out / "lcov"), str(out / "lcov.info")],
        stdout=subprocess.DEVNULL)
    # the MC/DC detail as text, for grepping and for the "what remains uncovered" notes
    with open(out / "mcdc-detail.txt", "w") as f:
        run([COV, "show", *objs, *common, "--show-mcdc", "--show-branches=count", "-format=text",
             "--show-mcdc-summary"], stdout=f)


def host(a):
    work = pathlib.Path(a.work)
    raw = work / "profraw"
    raw.mkdir(parents=True, exist_ok=True)
    results = work / "results"
    results.mkdir(exist_ok=True)
    bins = []
    failed = []
    for t in a.tests.split():
        b = pathlib.Path(a.bin_dir) / t
        bins.append(b)
        env = dict(os.environ, LLVM_PROFILE_FILE=str(raw / f"{t}.profraw"))
        with open(results / f"{t}.txt", "w") as f:
            r = subprocess.run([str(b)], env=env, stdout=f, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            failed.append(t)
    if failed:
        sys.exit(f"coverage: instrumented unit tests failed: {' '.join(failed)} (see {results})")
    profdata = work / "unit.profdata"
    run([PROFDATA, "merge", "-sparse", *sorted(map(str, raw.glob("*.profraw"))), "-o", str(profdata)])
    reports(bins, profdata, pathlib.Path(a.out), "host MC/DC (tests/unit, clang-19)")


def target(a):
    work = pathlib.Path(a.work)
    elves, raws = [], []
    for s in a.systems.split():
        name = s.split(":", 1)[0]
        elves.append(work / name / "septum-cov.elf")
        # one profile per run; a firmware-DTB run has one per boot (runs/<name>/<case>/)
        found = sorted((work / "runs" / name).glob("**/septum.profraw"))
        if not found:
            sys.exit(f"coverage: no raw profile under {work / 'runs' / name}")
        raws += found
    profdata = work / "target.profdata"
    # Each system is its own binary: merge with the binary as correlation is not needed
    # (front-end profiles carry their names), so one merged profile serves all ELFs.
    run([PROFDATA, "merge", "-sparse", *map(str, raws), "-o", str(profdata)])
    reports(elves, profdata, pathlib.Path(a.out), "target MC/DC (aarch64 EL2 under QEMU, clang-19)")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("mode", choices=["host", "target"])
    p.add_argument("--bin-dir")
    p.add_argument("--tests", default="")
    p.add_argument("--systems", default="")
    p.add_argument("--work", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    host(a) if a.mode == "host" else target(a)


if __name__ == "__main__":
    main()
