#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generator benchmark: `generator check` time of the default system, of 1,000 channels
and of 1,000 regions, and the share of it that is Python start-up and imports.

Usage: gen_bench.py [--json OUT] [--write-systems DIR]
Prints one line per case; with --json writes the figures (seconds, best of N runs).
"""

import argparse
import json
import pathlib
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


def timed(argv, runs: int) -> float:
    best = None
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=False)
        dt = time.perf_counter() - t
        if r.returncode != 0:
            sys.exit(f"gen_bench: {' '.join(argv)} failed:\n{r.stderr}")
        best = dt if best is None else min(best, dt)
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
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
    share = res["python_startup"] / res["default"]
    for k, v in res.items():
        print(f"  {k:<16} {v * 1000:8.0f} ms")
    print(f"  start-up and imports are {share:.0%} of checking the default system")
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps({k: round(v, 4) for k, v in res.items()}, indent=2,
                                                   sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
