#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Baseline: boot the IVI Image + initramfs directly on QEMU (no hypervisor).

Measures the time from QEMU's reset to the IVI marker `IVI: userspace up`:
  wall_s     host wall-clock time from starting QEMU to the marker line;
  counter_s  the generic counter read by userspace right after the marker
             (`ivi_app --clock`): virtual time since reset, which with
             `-icount shift=0,sleep=off` is a deterministic instruction count
             (1 ns per instruction) and independent of host load;
  uptime_s   the kernel's own uptime at the marker (starts when Linux's
             timekeeping starts, so it excludes the earliest boot).
Each mode runs with and without -icount, same Image, initramfs and CPU count,
so the Septum-hosted figure can be put next to it.

  tests/bench/ivi_direct.py [--smp 3] [--runs 1] [--mode tcg|icount|both] [--json FILE]

Needs `make ivi-image` first (build/ivi/Image, build/ivi/initramfs.cpio.gz).
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_APPEND = "console=ttyAMA0"
MARKER = "IVI: userspace up"
RX_COUNTER = re.compile(r"IVI: counter (\d+) ticks at (\d+) Hz")
RX_CPUS = re.compile(r"IVI: (\d+) CPUs online")
RX_UPTIME = re.compile(r"IVI: uptime ([0-9.]+) s")


def qemu_direct_command(image, initrd, smp=3, mem="512M", append=DEFAULT_APPEND, icount=False):
    """The QEMU command line that boots Image + initrd directly on virt (GICv3, no EL2)."""
    cmd = ["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "cortex-a57", "-smp", str(smp),
           "-m", mem, "-nographic", "-nic", "none", "-kernel", image, "-initrd", initrd, "-append", append]
    if icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    return cmd


def boot_once(cmd, timeout):
    """Boot once; return a dict of the figures (raises RuntimeError on timeout)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    res = {}
    lines = []
    timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    try:
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            lines.append(line)
            if MARKER in line and "wall_s" not in res:
                res["wall_s"] = round(time.monotonic() - t0, 3)
            m = RX_COUNTER.search(line)
            if m:
                res["counter_ticks"] = int(m.group(1))
                res["counter_hz"] = int(m.group(2))
                res["counter_s"] = round(int(m.group(1)) / int(m.group(2)), 6)
            m = RX_CPUS.search(line)
            if m:
                res["cpus_online"] = int(m.group(1))
            m = RX_UPTIME.search(line)
            if m:
                res["uptime_s"] = float(m.group(1))
                break
    finally:
        timer.cancel()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    if "uptime_s" not in res:
        tail = "\n".join(lines[-20:])
        raise RuntimeError(f"no '{MARKER}' figures within {timeout} s:\n{tail}")
    res["console_lines"] = len(lines)
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", default=os.path.join(ROOT, "build", "ivi", "Image"))
    ap.add_argument("--initrd", default=os.path.join(ROOT, "build", "ivi", "initramfs.cpio.gz"))
    ap.add_argument("--smp", type=int, default=3)
    ap.add_argument("--append", default=DEFAULT_APPEND, help=f"kernel command line (default {DEFAULT_APPEND!r})")
    ap.add_argument("--mode", choices=("tcg", "icount", "both"), default="both")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=120.0, help="per boot, seconds")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)
    for p in (args.image, args.initrd):
        if not os.path.exists(p):
            print(f"ivi_direct: {p} is missing: run 'make ivi-image' first", file=sys.stderr)
            return 2
    modes = ("tcg", "icount") if args.mode == "both" else (args.mode,)
    results = []
    for mode in modes:
        cmd = qemu_direct_command(args.image, args.initrd, args.smp, append=args.append, icount=(mode == "icount"))
        for run in range(args.runs):
            try:
                r = boot_once(cmd, args.timeout)
            except RuntimeError as e:
                print(f"ivi_direct: {mode} run {run + 1}: {e}", file=sys.stderr)
                return 1
            r.update(mode=mode, smp=args.smp, run=run + 1)
            results.append(r)
            print(f"ivi_direct: mode={mode:<6} smp={args.smp} run={run + 1} wall_s={r['wall_s']:.3f} "
                  f"counter_s={r.get('counter_s', float('nan')):.6f} uptime_s={r['uptime_s']:.2f} "
                  f"cpus_online={r.get('cpus_online')}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"append": args.append, "results": results}, f, indent=2, sort_keys=True)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
