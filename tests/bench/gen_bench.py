#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generator benchmark: `generator check` time of the default system, of 1,000 channels
and of 1,000 regions, and the share of it that is Python start-up and imports.

Usage: gen_bench.py [--json OUT] [--md RESULTS_MD] [--write-systems DIR] [--runs N]
Prints one line per case. Figures are the CPU time (user + system) of the child
process, best of N runs, so that they do not depend on the machine's load; the
wall time of the same run is given beside it. --md replaces (or appends) the
"Generator" section of a results.md; --json writes the figures.
"""

import argparse
import json
import pathlib
import platform
import resource
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
PROGRAM = (REPO / "partitions" / "cluster").as_posix()


def many_channels(n: int) -> str:
    """Two bare-metal partitions joined by n automatically placed 4 KiB channels, without doorbells
    (a partition has fewer than 1,000 SPIs)."""
    lines = ["septum: 1", "board: qemu-virt", "hypervisor: { console: uart0 }", "partitions:"]
    for i, name in enumerate(("left", "right")):
        lines += [f"  {name}:", f"    cpus: [{i}]", "    memory: [{ name: ram, size: 16M }]",
                  f"    image: {{ kind: baremetal, program: {PROGRAM} }}"]
    lines.append("channels:")
    for i in range(n):
        lines.append(f"  c{i}: {{ size: 4K, notify: false, peers: {{ left: rw, right: ro }} }}")
    return "\n".join(lines) + "\n"


def many_regions(n: int) -> str:
    """Four partitions with n automatically placed 4 KiB regions in all."""
    lines = ["septum: 1", "board: qemu-virt", "hypervisor: { console: uart0 }", "partitions:"]
    per = n // 4
    for i in range(4):
        lines += [f"  p{i}:", f"    cpus: [{i}]", "    memory:"]
        lines += [f"      - {{ name: r{k}, size: 4K }}" for k in range(per)]
        lines.append(f"    image: {{ kind: baremetal, program: {PROGRAM} }}")
    return "\n".join(lines) + "\n"


def timed(argv, runs: int):
    """(best CPU seconds, wall seconds of that run) of argv."""
    best = None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if r.returncode != 0:
            sys.exit(f"gen_bench: {' '.join(argv)} failed:\n{r.stderr}")
        if best is None or cpu < best[0]:
            best = (cpu, wall)
    return best


ROWS = [("default", "check the default system.yaml"),
        ("channels_1000", "check 1,000 channels (2 partitions, automatic placement)"),
        ("regions_1000", "check 1,000 regions (4 partitions, automatic placement)"),
        ("python_startup", "... of which Python start-up and imports (`import generator.cli`)"),
        ("python_bare", "... of which the bare interpreter (`python3 -c pass`)")]


def markdown(res) -> str:
    lines = ["## Generator (host)", "",
             f"`tests/bench/gen_bench.py` on {platform.python_implementation()} {platform.python_version()}: "
             "CPU time (user + system) of `python3 -m generator check`, best of "
             f"{res['runs']} runs; wall time of that run beside it. Target: 1,000 channels or regions "
             "in under 2 s.", "",
             "| case | CPU ms | wall ms |", "|---|---:|---:|"]
    for k, what in ROWS:
        cpu, wall = res[k]
        lines.append(f"| {what} | {cpu * 1000:,.0f} | {wall * 1000:,.0f} |")
    share = res["python_startup"][0] / res["default"][0]
    lines += ["", f"Start-up and imports are {share:.0%} of checking the default system.", ""]
    return "\n".join(lines)


def write_md(path: pathlib.Path, section: str) -> None:
    text = path.read_text() if path.exists() else ""
    head = "## Generator (host)"
    if head in text:
        a = text.index(head)
        b = text.find("\n## ", a + len(head))
        text = text[:a] + section + (text[b + 1:] if b >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
    ap.add_argument("--md")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--write-systems", metavar="DIR")
    a = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(a.write_systems or tmp)
        d.mkdir(parents=True, exist_ok=True)
        (d / "channels-1000.yaml").write_text(many_channels(1000))
        (d / "regions-1000.yaml").write_text(many_regions(1000))
        res = {
            "python_startup": timed([py, "-c", "import generator.cli"], a.runs),
            "python_bare": timed([py, "-c", "pass"], a.runs),
            "default": timed([py, "-m", "generator", "check", "system.yaml"], a.runs),
            "channels_1000": timed([py, "-m", "generator", "check", str(d / "channels-1000.yaml")], a.runs),
            "regions_1000": timed([py, "-m", "generator", "check", str(d / "regions-1000.yaml")], a.runs),
        }
    res["runs"] = a.runs
    for k, what in ROWS:
        print(f"  {what:<70} {res[k][0] * 1000:8.0f} ms CPU {res[k][1] * 1000:8.0f} ms wall")
    print(f"  start-up and imports are {res['python_startup'][0] / res['default'][0]:.0%} "
          f"of checking the default system")
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(
            {k: ({"cpu_s": round(v[0], 4), "wall_s": round(v[1], 4)} if isinstance(v, tuple) else v)
             for k, v in res.items()}, indent=2, sort_keys=True) + "\n")
    if a.md:
        write_md(pathlib.Path(a.md), markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
