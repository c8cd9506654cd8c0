#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""make bench: deterministic path lengths of Septum, each beside its baseline.

Every configuration runs under `qemu-system-aarch64 ... -icount shift=0,sleep=off`
(1 instruction = 1 virtual ns, EL2 included; the counter ticks every 16 ns)
with a hard timeout:

  floor        tests/bench/floor at EL2: HVC -> lone ERET, the bare floor of a hypercall
  micro        tests/bench/systems/bench.yaml (bench partition, 2 vCPUs), -smp 2
  micro-bare   the same bench.elf alone on QEMU (EL1, no EL2), -smp 2
  boot         tests/bench/systems/boot.yaml (1 vCPU), -smp 1, stopped by the gdbstub at
               the hypervisor's first UART byte, the guest's first instruction and the
               guest's first UART byte; QMP query-replay gives the icount at each
  boot-bare    the same bench.elf alone on QEMU, -smp 1, same probes
  doorbell     tests/bench/systems/chan.yaml (bench + echo partition on channel "bench"), -smp 3,
               once the kernel has channels (kernel/core/chan.c)
  linux-doorbell tests/bench/systems/linux_chan.yaml: Linux's septum_chan_bench through the
               septum_channel driver against the echo partition, -smp 2 (skipped with --no-ivi)
  ivi          system.yaml (cluster + IVI Linux on 3 vCPUs), -smp 4 vs the same kernel and
               initramfs directly on QEMU with 3 CPUs (tests/bench/ivi_direct.py)
  scaling      the bench partition with 64 / 256 / 1,024 implemented INTIDs (bench.yaml, intids256.yaml,
               intids1024.yaml, -smp 2) and alone / beside 3 idle partitions (boot.yaml, parts4.yaml,
               -smp 4): each figure within 5 % of its reference configuration is the target
  restart      tests/bench/systems/restart.yaml: a bare-metal partition of the IVI's RAM and image size
               faults 5 times; its counter before the fault to its counter first in main() after the restart
  netframe     tests/bench/systems/netframe.yaml: a bare-metal sender times the hypervisor's work per frame
               (60 and 1,514 bytes) to a bare-metal sink on one link, -smp 2
  link         tests/bench/systems/linux_link.yaml: two Linux partitions on one virtio-net link, -smp 3:
               ping round trip and 4 MiB over TCP, timed with the virtual counter (skipped with --no-ivi)
  interference tests/integration/systems/interference{,-quiet,-hog}.yaml, -smp 4: the cluster's worst frame
               wake-up lag and the victim's worst timer lateness (frames 1-40) beside the interferer, beside a
               neighbour that only computes (and yields) and, as the control, beside one that never yields
  size         sections of the default system's septum.elf without .images; cloc of kernel/ vdev/

Writes tests/bench/results.json, results.md (the table) and results.svg (chart),
and prints the table.

  tests/bench/run.py [--no-ivi] [--out DIR] [--timeout S]
"""
import argparse
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import icount_probe  # noqa: E402
import ivi_direct  # noqa: E402

QEMU = "qemu-system-aarch64"
ICOUNT = ["-icount", "shift=0,sleep=off"]
NS_PER_TICK = 16  # QEMU virt: 62.5 MHz generic counter

# External reference (issue 7): Bao on QEMU 7.2, cortex-a53, 1 CPU, icount.
BAO = {
    "boot-first-line": {"value": 539209, "bare": 6365, "unit": "instructions"},
    "vtimer-latency": {"value": 224, "bare": 32, "unit": "ns"},
    "sgi-roundtrip": {"value": 2403, "bare": 781, "unit": "ns"},
    "gicd-access": {"value": 1100, "bare": None, "unit": "instructions"},
    "size": {"value": 94 * 1024, "unit": "bytes"},
}

RX_RANGE = re.compile(r"bench (\S+) min (\d+) median (\d+) max (\d+) n (\d+) unit (\S+)")
RX_VALUE = re.compile(r"bench (\S+) value (\d+) unit (\S+)")
RX_NA = re.compile(r"bench (\S+) not available \((.*)\)")
# Every figure line the bench partition prints (the smoke test checks them all).
FIGURES = ["boot-main", "boot-first-line", "hvc-null", "gicd-typer-read", "gicd-isenabler-write", "vuart-byte",
           "vtimer-latency", "sgi-roundtrip", "channel-doorbell", "channel-roundtrip"]


def machine(virt, smp):
    m = "virt,virtualization=on,gic-version=3" if virt else "virt,gic-version=3"
    return [QEMU, "-M", m, "-cpu", "cortex-a57", "-smp", str(smp), "-m", "1G", "-nic", "none", "-nographic"] + ICOUNT


def make(*args, timeout=900):
    cmd = ["make", "-s", "--no-print-directory"] + list(args)
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stdout[-3000:]}")


def build_system(system, bdir):
    """Build a description into its own directory; return the build directory."""
    make(f"SYSTEM={system}", f"BUILD={bdir}", "all")
    return os.path.join(ROOT, bdir)


def run_lines(cmd, until, timeout):
    """Run cmd, collect its console lines until one matches `until` (or it exits); kill it."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    rx = re.compile(until)
    lines = []
    done = False
    try:
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            lines.append(line)
            if rx.search(line):
                done = True
                break
    finally:
        timer.cancel()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    if not done:
        raise RuntimeError(f"no line matching {until!r} within {timeout} s:\n" + "\n".join(lines[-20:]))
    return lines


def parse(lines):
    """bench lines -> {name: {...}}; a figure printed twice is an error."""
    out = {}
    for line in lines:
        for rx, kind in ((RX_RANGE, "range"), (RX_VALUE, "value"), (RX_NA, "na")):
            m = rx.search(line)
            if not m:
                continue
            name = m.group(1)
            if name in out:
                raise RuntimeError(f"figure {name} printed twice")
            if kind == "range":
                out[name] = {"min": int(m.group(2)), "median": int(m.group(3)), "max": int(m.group(4)),
                             "n": int(m.group(5)), "unit": m.group(6)}
            elif kind == "value":
                out[name] = {"value": int(m.group(2)), "unit": m.group(3)}
            else:
                out[name] = {"na": m.group(2)}
            break
    return out


def run_floor(timeout):
    make("bench-floor")
    lines = run_lines(machine(True, 1) + ["-kernel", os.path.join(ROOT, "build/bench/floor/floor.elf")],
                      r"bench done", timeout)
    return parse(lines)


def run_micro(timeout):
    bdir = build_system("tests/bench/systems/bench.yaml", "build/bench/smp")
    sep = parse(run_lines(machine(True, 2) + ["-kernel", os.path.join(bdir, "septum.bin")], r"bench done", timeout))
    bare = parse(run_lines(machine(False, 2) + ["-kernel", os.path.join(bdir, "partitions/bench.elf")],
                           r"bench done", timeout))
    return sep, bare


# Rows of the scaling runs (issue 11): each configuration against its reference configuration.
SCALING = [("intids-64", "tests/bench/systems/bench.yaml", 2, None, "64 implemented INTIDs"),
           ("intids-256", "tests/bench/systems/intids256.yaml", 2, "intids-64", "256 implemented INTIDs"),
           ("intids-1024", "tests/bench/systems/intids1024.yaml", 2, "intids-64", "1,024 implemented INTIDs"),
           ("parts-1", "tests/bench/systems/boot.yaml", 4, None, "1 partition (1 vCPU), -smp 4"),
           ("parts-4", "tests/bench/systems/parts4.yaml", 4, "parts-1", "4 partitions (bench + 3 idle)")]
SCALING_FIGURES = [("vtimer-latency", "virtual-timer latency", "ns"), ("sgi-roundtrip", "SGI round trip", "ns"),
                   ("hvc-null", "null hypercall", "instructions"),
                   ("gicd-isenabler-write", "trapped GICD_ISENABLER write", "instructions")]


def run_scaling(timeout):
    """The bench partition in systems of 64 / 256 / 1,024 INTIDs and of 1 / 4 partitions (only its lines)."""
    out = {}
    for key, system, smp, _, _ in SCALING:
        bdir = build_system(system, "build/bench/" + key)
        lines = run_lines(machine(True, smp) + ["-kernel", os.path.join(bdir, "septum.bin")],
                          r"^\[bench\] bench done", timeout)
        out[key] = parse([ln for ln in lines if ln.startswith("[bench] ")])
    return out


def kernel_has_channels():
    """The channel doorbell is measured once the kernel emulates channel control pages."""
    return os.path.exists(os.path.join(ROOT, "kernel", "core", "chan.c"))


def run_doorbell(timeout):
    """tests/bench/systems/chan.yaml: bench (CPUs 0-1) and its echo partition (CPU 2), -smp 3."""
    if not kernel_has_channels():
        return {"na": "no channels in this kernel"}
    bdir = build_system("tests/bench/systems/chan.yaml", "build/bench/chan")
    return parse(run_lines(machine(True, 3) + ["-kernel", os.path.join(bdir, "septum.bin")], r"bench done",
                           timeout))


def run_linux_doorbell(timeout):
    """tests/bench/systems/linux_chan.yaml: Linux through /dev/septum/bench (CPU 1) and the echo (CPU 0), -smp 2."""
    make("ivi-image")
    bdir = build_system("tests/bench/systems/linux_chan.yaml", "build/bench/linux_chan")
    return parse(run_lines(machine(True, 2) + ["-kernel", os.path.join(bdir, "septum.bin")], r"bench linux done",
                           timeout))


def probe_boot(cmd, points, timeout):
    """Stop at each (label, address) in order; return ({label: icount}, bench figures)."""
    p = icount_probe.IcountProbe(cmd, timeout)
    try:
        res = {label: p.run_to(addr) for label, addr in points}
        p.resume()
        p.wait_line(r"bench done")
        return res, parse(p.lines)
    finally:
        p.close()


def run_boot(timeout):
    bdir = build_system("tests/bench/systems/boot.yaml", "build/bench/boot")
    hyp_elf = os.path.join(bdir, "septum.elf")
    elf = os.path.join(bdir, "partitions/bench.elf")
    putc = icount_probe.symbol(hyp_elf, "arch_console_tx_write")
    entry = icount_probe.symbol(elf, "_start")
    sep, sep_fig = probe_boot(machine(True, 1) + ["-kernel", os.path.join(bdir, "septum.bin")],
                              [("hyp-first-line", putc), ("guest-entry", entry), ("guest-first-line", putc)], timeout)
    bare, bare_fig = probe_boot(machine(False, 1) + ["-kernel", elf],
                                [("guest-entry", entry),
                                 ("guest-first-line", icount_probe.symbol(elf, "sp_pl011_write"))], timeout)
    return {"septum": sep, "bare": bare, "septum_guest": sep_fig, "bare_guest": bare_fig}


def first_frame_points(bdir):
    """The cluster prints 'cluster up' (sp_printf), waits for frame 0's deadline (sp_wait_until) and
    prints frame 0 (the next sp_printf). Distinct consecutive addresses: a breakpoint is never
    re-armed at the address a CPU is stopped on."""
    elf = os.path.join(bdir, "partitions/cluster.elf")
    printf = icount_probe.symbol(elf, "sp_printf")
    return [("cluster-up", printf), ("frame-wait", icount_probe.symbol(elf, "sp_wait_until")),
            ("first-frame", printf)]


def run_versal(timeout):
    """system-versal.yaml on xlnx-versal-virt: reset -> the cluster's first frame."""
    bdir = build_system("system-versal.yaml", "build/bench/versal")
    cmd = [QEMU, "-M", "xlnx-versal-virt", "-m", "2G", "-nic", "none", "-nographic"] + ICOUNT + \
        ["-kernel", os.path.join(bdir, "septum.bin")]
    p = icount_probe.IcountProbe(cmd, timeout)
    try:
        return {label: p.run_to(addr) for label, addr in first_frame_points(bdir)}
    finally:
        p.close()


def run_uboot(timeout):
    """The default system through U-Boot: icount at U-Boot's hand-over (septum's _start) and at the first frame."""
    bdir = build_system("./system.yaml", "build/bench/ivi")
    make("SYSTEM=./system.yaml", "BUILD=build/bench/ivi", "BOOT=uboot", "uboot-disk")
    entry = icount_probe.symbol(os.path.join(bdir, "septum.elf"), "_start")
    cmd = machine(True, 4) + ["-bios", "/usr/lib/u-boot/qemu_arm64/u-boot.bin", "-drive",
                              f"if=none,file={os.path.join(bdir, 'uboot-disk.img')},format=raw,id=d0",
                              "-device", "virtio-blk-device,drive=d0"]
    p = icount_probe.IcountProbe(cmd, timeout)
    try:
        res = {"handover": p.run_to(entry)}
        res.update({label: p.run_to(addr) for label, addr in first_frame_points(bdir)})
        return res
    finally:
        p.close()


def run_ivi(timeout):
    # ./system.yaml: the default description, built into its own directory (the committed gen/ is not touched).
    bdir = build_system("./system.yaml", "build/bench/ivi")
    make("ivi-image")
    sep = ivi_direct.boot_once(machine(True, 4) + ["-kernel", os.path.join(bdir, "septum.bin")], timeout)
    direct = ivi_direct.boot_once(
        ivi_direct.qemu_direct_command(os.path.join(ROOT, "build/ivi/Image"),
                                       os.path.join(ROOT, "build/ivi/initramfs.cpio.gz"), smp=3, icount=True),
        timeout)
    # The split: the same IVI under Septum without the cluster, channel and link (under -icount every CPU's
    # instructions advance the clock, so a computing cluster would count against the IVI's boot).
    adir = build_system("tests/bench/systems/ivi_alone.yaml", "build/bench/ivi_alone")
    alone = ivi_direct.boot_once(machine(True, 4) + ["-kernel", os.path.join(adir, "septum.bin")], timeout)
    return {"septum": sep, "direct": direct, "alone": alone}


RX_NETPING = re.compile(r"^\[left\] .*IVI: netbench ping round-trip min/avg/max = ([\d.]+)/([\d.]+)/([\d.]+) ms")
RX_NETCLOCK = re.compile(r"^\[(left|right)\] .*IVI: netbench (tx start|rx end) IVI: counter (\d+) ticks")
RX_NETTX = re.compile(r"^\[left\] .*IVI: netbench tx frames (\d+) (\d+)")
RX_NETRX = re.compile(r"^\[right\] .*IVI: netbench rx bytes (\d+) frames (\d+) (\d+)")


def run_link(timeout):
    """tests/bench/systems/linux_link.yaml: two Linux partitions on one virtio-net link, -smp 3.
    'left' pings 'right' 20 times (busybox ping's round trip, virtual time) and sends 4 MiB over TCP
    (busybox nc); the virtual counter is read by the sender before it connects and by the receiver once
    its nc has every byte (one time base: CNTVOFF_EL2 = 0). Frames: eth0 statistics of both ends."""
    make("ivi-image")
    bdir = build_system("tests/bench/systems/linux_link.yaml", "build/bench/linux_link")
    lines = run_lines(machine(True, 3) + ["-kernel", os.path.join(bdir, "septum.bin")],
                      r"IVI: netbench rx bytes", timeout)
    ping = tx = rx = None
    clock = {}
    for line in lines:
        ping = RX_NETPING.search(line) or ping
        tx = RX_NETTX.search(line) or tx
        rx = RX_NETRX.search(line) or rx
        m = RX_NETCLOCK.search(line)
        if m:
            clock[m.group(2)] = int(m.group(3))
    if ping is None or rx is None or len(clock) != 2:
        raise RuntimeError("no netbench figures:\n" + "\n".join(lines[-20:]))
    ns = (clock["rx end"] - clock["tx start"]) * NS_PER_TICK
    res = {"ping_us": {"min": round(float(ping.group(1)) * 1e3), "avg": round(float(ping.group(2)) * 1e3),
                       "max": round(float(ping.group(3)) * 1e3)},
           "bytes": int(rx.group(1)), "ns": ns, "rx_frames": int(rx.group(2)), "rx_acks_sent": int(rx.group(3))}
    if tx is not None:
        res["tx_frames"] = int(tx.group(1))
    return res


def run_netframe(timeout):
    """tests/bench/systems/netframe.yaml: a bare-metal sender times each frame's sp_net_tx_commit() (the trapped
    QUEUE_NOTIFY and the hypervisor's copy into the link's frame slots), 60 and 1,514 bytes, -smp 2."""
    bdir = build_system("tests/bench/systems/netframe.yaml", "build/bench/netframe")
    lines = run_lines(machine(True, 2) + ["-kernel", os.path.join(bdir, "septum.bin")], r"^\[send\] bench done",
                      timeout)
    if not any(re.search(r"^\[sink\] netsink rx 400 ", ln) for ln in lines):
        raise RuntimeError("the sink did not receive all 400 frames:\n" + "\n".join(lines[-20:]))
    return parse([ln for ln in lines if ln.startswith("[send] ")])


RX_RESTART = re.compile(r"^\[ivi\] restart-bench (start|fault) 0x([0-9a-f]+)")


def run_restart(timeout):
    """tests/bench/systems/restart.yaml: a bare-metal partition of the IVI's RAM and image size faults in
    every life and is restarted 4 times, -smp 1. Each figure is start(n+1) - fault(n) of its own counter
    prints (ticks of 16 ns): the counter read right before the faulting load to the counter read first in
    main() of the next life."""
    bdir = build_system("tests/bench/systems/restart.yaml", "build/bench/restart")
    lines = run_lines(machine(True, 1) + ["-kernel", os.path.join(bdir, "septum.bin")],
                      r"restart budget .* used up: halted", timeout)
    marks = [(m.group(1), int(m.group(2), 16)) for m in map(RX_RESTART.search, lines) if m]
    diffs = sorted((b[1] - a[1]) * NS_PER_TICK for a, b in zip(marks, marks[1:])
                   if a[0] == "fault" and b[0] == "start")
    if len(diffs) < 3:
        raise RuntimeError("too few restarts:\n" + "\n".join(lines[-20:]))
    return {"n": len(diffs), "min": diffs[0], "median": diffs[len(diffs) // 2], "max": diffs[-1],
            "unit": "instructions"}


#: tests/integration/systems/sched.yaml: hud [0, 1.2 ms), tell [1.2, 1.8 ms), idle to 2 ms.
SCHED_MAJOR_TICKS = 125000
SCHED_WINDOWS = {"hud": 0, "tell": 75000}


def run_sched(timeout):
    """Time partitioning: observed window starts of two probes sharing CPU 0, against the schedule."""
    bdir = build_system("tests/integration/systems/sched.yaml", "build/bench/sched")
    lines = run_lines(machine(True, 4) + ["-kernel", os.path.join(bdir, "septum.bin")],
                      r"^\[hud\] window \d+ out \d+ frame 40$", timeout)
    epoch = None
    devs = {k: [] for k in SCHED_WINDOWS}
    for line in lines:
        m = re.match(r"^\[septum\] schedule epoch 0x([0-9a-f]+)$", line)
        if m:
            epoch = int(m.group(1), 16)
        m = re.match(r"^\[(hud|tell)\] (?:masked )?window (\d+) out \d+", line)
        if m and epoch is not None:
            dev = (int(m.group(2)) - epoch - SCHED_WINDOWS[m.group(1)]) % SCHED_MAJOR_TICKS
            devs[m.group(1)].append(dev * NS_PER_TICK)
    every = sorted(devs["hud"] + devs["tell"])
    if epoch is None or len(devs["hud"]) < 10 or len(devs["tell"]) < 10:
        raise RuntimeError("too few window starts:\n" + "\n".join(lines[-20:]))

    def stats(v):
        v = sorted(v)
        return {"n": len(v), "min": v[0], "median": v[len(v) // 2], "max": v[-1]}

    # tell's windows follow hud's (a switch between partitions: save, restore); hud's follow idle time.
    return {"n": len(every), "min": every[0], "median": every[len(every) // 2], "max": every[-1],
            "switch": stats(devs["tell"]), "from_idle": stats(devs["hud"]),
            "jitter": max(stats(v)["max"] - stats(v)["min"] for v in devs.values()), "unit": "instructions"}


ITF_SYSTEMS = (("with", "interference"), ("without", "interference-quiet"), ("hog", "interference-hog"))


def run_interference(timeout):
    """Freedom from interference: the cluster's worst frame wake-up lag (frames 1-40) and the victim's worst
    wake-up lateness (wakes 1-2,000), in ns, beside the interferer, beside a neighbour that only computes and
    yields (the reference) and beside one that never yields (the control: QEMU's round-robin alone)."""
    out = {}
    for key, system in ITF_SYSTEMS:
        bdir = build_system(f"tests/integration/systems/{system}.yaml", f"build/bench/{system}")
        lines = run_lines(machine(True, 4) + ["-kernel", os.path.join(bdir, "septum.bin")],
                          r"^\[cluster\] frame 41 ", timeout)
        frames = [(int(m.group(1)), int(m.group(2)), int(m.group(3))) for m in
                  (re.search(r"^\[cluster\] frame (\d+) .* late (\d+) lag (\d+) ns", x) for x in lines) if m]
        frames = [f for f in frames if 1 <= f[0] <= 40]
        vic = [(int(m.group(1)), int(m.group(2))) for m in
               (re.search(r"^\[victim\] victim: wakes (\d+) worst (\d+) ns$", x) for x in lines) if m]
        vic = [w for n, w in vic if n <= 2000]
        if len(frames) < 40 or len(vic) < 15:
            raise RuntimeError(f"{system}: too few frames or victim reports:\n" + "\n".join(lines[-20:]))
        out[key] = {"frames": len(frames), "late": max(f[1] for f in frames),
                    "cluster_worst_lag": max(f[2] for f in frames), "victim_reports": len(vic),
                    "victim_worst": max(vic)}
    return out


def run_size():
    """Sections of the default system's hypervisor image, partition images (.images) left out."""
    bdir = build_system("./system.yaml", "build/bench/ivi")
    elf = os.path.join(bdir, "septum.elf")
    out = subprocess.run(["aarch64-linux-gnu-size", "-A", elf], stdout=subprocess.PIPE, text=True, check=True).stdout
    sec = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith(".") and not parts[0].startswith(".debug"):
            sec[parts[0]] = int(parts[1])
    res = {s: sec.get(s, 0) for s in (".text", ".rodata", ".data", ".bss", ".pagetables", ".stacks")}
    res["images_excluded"] = sec.get(".images", 0)
    res["binary"] = res[".text"] + res[".rodata"] + res[".data"]
    res["loaded"] = res["binary"] + res[".pagetables"]
    res["footprint"] = res["loaded"] + res[".bss"] + res[".stacks"]
    res["sloc"] = sloc()
    return res


def sloc():
    """Code lines of kernel/ and vdev/: cloc if installed, else non-blank non-comment lines (simple counter)."""
    paths = [os.path.join(ROOT, "kernel"), os.path.join(ROOT, "vdev")]
    if shutil.which("cloc"):
        r = subprocess.run(["cloc", "--json", "--quiet"] + paths, stdout=subprocess.PIPE, text=True, check=True)
        data = json.loads(r.stdout)
        langs = {k: v["code"] for k, v in data.items() if k not in ("header", "SUM")}
        return {"tool": "cloc", "code": data["SUM"]["code"], "by_language": langs}
    total = 0
    for base in paths:
        for d, _, files in os.walk(base):
            for f in files:
                if f.endswith((".c", ".h", ".S")):
                    in_comment = False
                    for line in open(os.path.join(d, f), errors="replace"):
                        s = line.strip()
                        if in_comment:
                            if "*/" in s:
                                in_comment = False
                            continue
                        if s.startswith("/*"):
                            in_comment = "*/" not in s
                            continue
                        if s and not s.startswith("//"):
                            total += 1
    return {"tool": "simple counter (non-blank lines outside comments)", "code": total}


# ---------------------------------------------------------------- figures and targets

def median_ns(fig):
    """A ticks figure's median in ns (= instructions at shift=0)."""
    if fig is None or "median" not in fig:
        return None
    return fig["median"] * (NS_PER_TICK if fig["unit"] == "ticks" else 1)


def assemble(raw):
    """The rows of the table: Septum, its baseline, Bao's reference and the target."""
    rows = []

    def row(key, label, unit, septum, bare, bao=None, bao_bare=None, target_kind=None, note=""):
        r = {"key": key, "label": label, "unit": unit, "septum": septum, "bare": bare, "bao": bao,
             "bao_bare": bao_bare, "note": note}
        if septum is not None and bare is not None:
            r["added"] = septum - bare
        if target_kind == "half-added" and bao is not None:
            r["target"] = (bao - (bao_bare or 0)) / 2
            r["target_text"] = "added <= 1/2 of Bao's added"
        elif target_kind == "fifth" and bao is not None:
            r["target"] = bao / 5
            r["target_text"] = "<= 1/5 of Bao's"
        elif isinstance(target_kind, (int, float)):
            r["target"] = target_kind
            r["target_text"] = f"<= {target_kind:,}"
        elif target_kind == "within-5" and bao is not None:
            r["target"] = bao * 1.05
            r["target_text"] = "within 5 % of the reference configuration"
        elif target_kind == "half-size" and bao is not None:
            r["target"] = bao / 2
            r["target_text"] = "<= 1/2 of Bao's binary"
        if "target" in r and septum is not None:
            measured = r.get("added", septum) if target_kind == "half-added" else septum
            r["target_measured"] = measured
            r["pass"] = measured <= r["target"]
        rows.append(r)

    boot = raw.get("boot")
    if boot:
        s, b = boot["septum"], boot["bare"]
        row("boot-hyp-line", "reset -> hypervisor's first line (1 CPU)", "instructions", s["hyp-first-line"], None,
            note="icount at the first byte written to the UART")
        row("boot-guest-entry", "reset -> first guest instruction (1 CPU)", "instructions", s["guest-entry"],
            b["guest-entry"], note="bare: QEMU enters the ELF directly")
        row("boot-first-line", "reset -> first guest line (1 CPU)", "instructions", s["guest-first-line"],
            b["guest-first-line"], BAO["boot-first-line"]["value"], BAO["boot-first-line"]["bare"], 40000,
            note="first byte of the guest's first line on the UART; target issue 11's 40,000 on the whole path "
                 f"(issue 1's was 1/5 of Bao's: {BAO['boot-first-line']['value'] / 5:,.0f})")
    def spread(fig, scale):
        if not fig or "median" not in fig:
            return ""
        return f"min {fig['min'] * scale:,} max {fig['max'] * scale:,}"

    floor = raw.get("floor", {}).get("hvc-floor")
    micro = raw.get("micro")
    if micro:
        sep, bare = micro["septum"], micro["bare"]
        hvc = sep.get("hvc-null", {})
        row("hvc-null", "null hypercall round trip (HVC VERSION)", "instructions", hvc.get("median"),
            floor["median"] if floor else None, None, None, 100,
            note="per call incl. the 2 EL1 instructions (movz, hvc); baseline: bare HVC->ERET floor stub")
        for key, label in (("gicd-typer-read", "trapped GICD_TYPER read"),
                           ("gicd-isenabler-write", "trapped GICD_ISENABLER write (owned SPI)")):
            row(key, label, "instructions", sep.get(key, {}).get("median"), bare.get(key, {}).get("median"),
                BAO["gicd-access"]["value"], None, 300,
                note="per access incl. the access itself; bare: QEMU's real GICD; target issue 11's 300 (issue 1's "
                     "was half of Bao's added: 550)")
        row("vuart-byte", "guest byte to its vUART (DR write)", "instructions", sep.get("vuart-byte", {}).get("median"),
            bare.get("vuart-byte", {}).get("median"), None, None, 300,
            note="per byte of whole 32-byte lines, incl. the console's share of sending them; bare: QEMU's PL011")
        row("vtimer-latency", "virtual-timer latency, deadline -> handler", "ns", median_ns(sep.get("vtimer-latency")),
            median_ns(bare.get("vtimer-latency")), BAO["vtimer-latency"]["value"], BAO["vtimer-latency"]["bare"],
            "half-added", note=f"median of 200 ({spread(sep.get('vtimer-latency'), NS_PER_TICK)}); bare "
                               f"{spread(bare.get('vtimer-latency'), NS_PER_TICK)}; counter resolution 16 ns")
        row("sgi-roundtrip", "SGI round trip vCPU0 -> vCPU1 -> vCPU0", "ns", median_ns(sep.get("sgi-roundtrip")),
            median_ns(bare.get("sgi-roundtrip")), BAO["sgi-roundtrip"]["value"], BAO["sgi-roundtrip"]["bare"],
            "half-added", note=f"median of 200 ({spread(sep.get('sgi-roundtrip'), NS_PER_TICK)}); bare "
                               f"{spread(bare.get('sgi-roundtrip'), NS_PER_TICK)}; the 2 CPUs are serialised by "
                               "icount, so both CPUs' instructions count; resolution 16 ns")
    door = raw.get("doorbell")
    if door is not None:
        one, rt = door.get("channel-doorbell", {}), door.get("channel-roundtrip", {})
        why = door.get("na") or one.get("na", "")
        row("channel-doorbell", "channel doorbell NOTIFY -> peer handler (other CPU)", "ns", median_ns(one), None,
            None, None, 1000, note=why or f"median of 200 ({spread(one, NS_PER_TICK)}); bench (CPU 0) and an echo partition "
                        "(CPU 2) on channel 'bench'; no bare baseline (compare the bare SGI round trip)")
        row("channel-roundtrip", "channel doorbell round trip (NOTIFY, echo NOTIFY back)", "ns", median_ns(rt),
            None, note=why or f"median of 200 ({spread(rt, NS_PER_TICK)})")
    lx = raw.get("linux-doorbell")
    if lx is not None:
        for key, label, note in (
                ("linux-to-baremetal", "channel doorbell Linux NOTIFY (ioctl) -> bare-metal handler",
                 "Linux (septum_channel driver, CPU 1) and the echo partition (CPU 0); beside the bare-metal "
                 "NOTIFY -> handler above"),
                ("baremetal-to-linux", "channel doorbell bare-metal NOTIFY -> Linux poll()+read() return",
                 "the driver's IRQ handler reads PENDING and wakes the reader"),
                ("linux-roundtrip", "channel doorbell round trip from Linux (NOTIFY, echo NOTIFY back)", "")):
            fig = lx.get(key, {})
            row(key, label, "ns", median_ns(fig), None,
                note=fig.get("na", "") or f"median of 200 ({spread(fig, NS_PER_TICK)}); {note}".rstrip("; "))
    scal = raw.get("scaling")
    if scal:
        for fkey, flabel, unit in SCALING_FIGURES:
            for key, _, _, ref, label in SCALING:
                fig = scal.get(key, {}).get(fkey)
                val = median_ns(fig) if unit == "ns" else (fig or {}).get("median")
                if val is None:
                    continue
                refval = None
                if ref is not None:
                    rf = scal.get(ref, {}).get(fkey)
                    refval = median_ns(rf) if unit == "ns" else (rf or {}).get("median")
                r = {"key": f"{fkey}@{key}", "label": f"{flabel}, {label}", "unit": unit, "septum": val,
                     "bare": None, "bao": None, "bao_bare": None,
                     "note": f"reference: {ref}" if ref else "reference configuration"}
                if refval is not None:
                    r["target"] = refval * 1.05
                    r["target_text"] = f"within 5 % of {ref}"
                    r["target_measured"] = val
                    r["pass"] = val <= r["target"]
                rows.append(r)
    versal = raw.get("versal")
    if versal:
        row("versal-first-frame", "Versal: reset -> cluster's first frame", "instructions", versal["first-frame"],
            None, note="xlnx-versal-virt (2 Cortex-A72), system-versal.yaml, QEMU -kernel; icount at the cluster's "
                       "sp_printf of frame 0; icount counts both CPUs, and CPU 1 copies the 27 MB Linux image meanwhile")
    uboot = raw.get("uboot")
    if uboot:
        row("uboot-first-frame", "U-Boot hand-over -> cluster's first frame", "instructions",
            uboot["first-frame"] - uboot["handover"], None,
            note=f"default system via Debian's U-Boot (distro boot, boot.scr); U-Boot itself took "
                 f"{uboot['handover']:,} instructions from reset to booti's jump (incl. its autoboot delay); 4 CPUs, "
                 "icount counts all of them (the IVI's CPU copies Linux meanwhile)")
    ivi = raw.get("ivi")
    if ivi:
        row("ivi-userspace", "IVI: reset -> 'IVI: userspace up' (3 vCPUs)", "ms",
            round(ivi["septum"]["counter_s"] * 1e3, 1), round(ivi["direct"]["counter_s"] * 1e3, 1),
            note="IVI's counter; Septum also runs the cluster on CPU 0 (-smp 4); icount serialises CPUs")
        if "alone" in ivi:
            row("ivi-userspace-alone", "IVI alone (tests/bench/systems/ivi_alone.yaml): reset -> 'IVI: userspace up'",
                "ms", round(ivi["alone"]["counter_s"] * 1e3, 1), round(ivi["direct"]["counter_s"] * 1e3, 1),
                note="no cluster, channel or link: what Septum itself adds (image copies, vUART and GIC exits); "
                     "the difference to the row above is the cluster's share")
    sched = raw.get("sched")
    if sched and "switch" in sched:
        sw, idle = sched["switch"], sched["from_idle"]
        row("sched-switch", "window switch: scheduled start -> next partition's first counter read", "instructions",
            sw["median"], None,
            note=f"median of {sw['n']} switches hud -> tell on CPU 0 (tests/integration/systems/sched.yaml; min "
                 f"{sw['min']:,} max {sw['max']:,}): EL2 timer exit, watchdog check, save of the outgoing vCPU, "
                 f"restore of the incoming one, ERET, plus up to ~300 instructions of the probe's read loop; a "
                 f"window after idle time starts {idle['median']:,} after its schedule (median of {idle['n']}, "
                 f"min {idle['min']:,} max {idle['max']:,}); counter resolution 16")
        row("sched-jitter", "window-start jitter (one partition's max - min deviation from the schedule)",
            "instructions", sched["jitter"], None,
            note="the larger of the two probes' spreads over the run; starts are computed from the frame start, "
                 "so the deviation does not grow")
    itf = raw.get("interference")
    if itf:
        w, q, h = itf["with"], itf["without"], itf["hog"]
        row("itf-cluster-lag", "cluster's worst frame wake-up lag beside the interferer (bare: beside a neighbour "
            "that only computes)", "ns", w["cluster_worst_lag"], q["cluster_worst_lag"],
            note=f"frames 1-40 of interference.yaml / interference-quiet.yaml, -smp 4; late frames (> 1 period) "
                 f"{w['late']} / {q['late']}; control, beside a neighbour that never yields "
                 f"(interference-hog.yaml): {h['cluster_worst_lag']:,} ns, late {h['late']} -- QEMU's round-robin "
                 "under icount, not Septum")
        row("itf-victim-lateness", "victim's worst timer wake-up lateness beside the interferer (bare: beside a "
            "neighbour that only computes)", "ns", w["victim_worst"], q["victim_worst"],
            note=f"tests/partitions/victim, 2 ms period on its virtual timer, CPU 3, wakes 1-2,000; control beside "
                 f"the neighbour that never yields: {h['victim_worst']:,} ns")
    link = raw.get("link")
    if link:
        frames = link["rx_frames"] + link["rx_acks_sent"]
        row("link-ping", "link ping round trip, Linux <-> Linux (busybox ping, avg of 20)", "ns",
            link["ping_us"]["avg"] * 1000, None,
            note=f"tests/bench/systems/linux_link.yaml, -smp 3: two Linux partitions (CPUs 1, 2) on one virtio-net "
                 f"link; min {link['ping_us']['min']:,} us max {link['ping_us']['max']:,} us as ping prints them "
                 "(virtual time, us resolution); includes both Linux network stacks; no QEMU virtio-net baseline: "
                 "one guest with two NICs sends to its own addresses through lo (keeping them apart needs network "
                 "namespaces, which the IVI's busybox cannot set up), and two QEMU processes joined by "
                 "-netdev socket run two unrelated icount clocks")
        row("link-throughput", "link bulk TCP throughput, 4 MiB Linux -> Linux (busybox nc)", "bytes/s (virtual)",
            round(link["bytes"] * 1e9 / link["ns"]), None,
            note=f"{link['bytes']:,} bytes in {link['ns'] / 1e6:,.1f} ms of virtual time: the sender's counter "
                 "before it connects to the receiver's after its nc has every byte (one time base in both "
                 "partitions, CNTVOFF_EL2 = 0); includes two ivi_app --clock runs")
        row("link-per-byte", "link transfer: instructions per byte (whole machine)", "instructions",
            round(link["ns"] / link["bytes"], 1), None,
            note="virtual ns of the transfer / bytes: under icount every instruction of all 3 CPUs (both Linux "
                 "TCP stacks, EL2's copy and traps) is 1 ns, and a moment when every CPU idles is skipped, so an "
                 "idle run adds no instructions; EL2's own share is not isolated (no counter of EL2 instructions "
                 "alone)")
        row("link-per-frame", "link transfer: instructions per frame (whole machine)", "instructions",
            round(link["ns"] / frames), None,
            note=f"{frames:,} frames on the link ({link['rx_frames']:,} to the receiver, {link['rx_acks_sent']:,} "
                 "back, from the receiver's eth0 statistics, incl. the pings before it and a few frames of "
                 "the IVI's media/nav senders); an "
                 "upper bound on EL2's work per frame")
    nf = raw.get("netframe")
    if nf and "link-frame-60" in nf and "link-frame-1514" in nf:
        small, big = nf["link-frame-60"], nf["link-frame-1514"]
        a, b = small["median"] * NS_PER_TICK, big["median"] * NS_PER_TICK
        per_byte = (b - a) / (1514 - 60)
        row("link-frame-60", "link frame send, 60 bytes: NOTIFY -> copied into the link's slots (EL2)", "instructions",
            a, None,
            note=f"median of {small['n']} ({spread(small, NS_PER_TICK)}); tests/bench/systems/netframe.yaml, -smp 2: a "
                 "bare-metal sender (tests/bench/netsend) times sp_net_tx_commit() of a frame already in its TX "
                 "slot: the driver's header and descriptor writes (about 60 instructions), the trapped "
                 "QUEUE_NOTIFY store and EL2's walk, copy into the sending end's frame slot in hypervisor memory, "
                 "its used ring and the kick of the sink's CPU; the sink's half (its CPU copies the frame into its "
                 "posted buffer at the exit the kick causes) runs on the sink's CPU and is not in this figure; the "
                 "sink (tests/bench/netsink) polls and reposts, every frame arrived")
        row("link-frame-1514", "link frame send, 1,514 bytes (full MTU)", "instructions", b, None,
            note=f"median of {big['n']} ({spread(big, NS_PER_TICK)})")
        row("link-el2-per-byte", "link: EL2 instructions per byte (slope 60 -> 1,514 bytes)", "instructions",
            round(per_byte, 1), None, note="the copy's cost per byte; per frame without its bytes: "
                                          f"{round(a - 60 * per_byte):,} instructions (intercept)")
    rst = raw.get("restart")
    if rst:
        row("restart-ivi", "IVI-sized restart: fault -> first instruction of main() after restart", "instructions",
            rst["median"], None,
            note=f"median of {rst['n']} restarts (min {rst['min']:,} max {rst['max']:,}); "
                 "tests/bench/systems/restart.yaml, -smp 1: a bare-metal partition with the IVI's RAM (512 MiB) "
                 "and the size of its image (Image + initramfs, 29.5 MB, tests/bench/restart/pad.S) faults in "
                 "every life; its counter read right before the faulting load to its counter read first in main() "
                 "of the next life: fault report, scrub of 512 MiB, clean, reload of the image and its check against the build-time digest, "
                 "start, and the runtime's start code (stack, .bss cleared 64 bytes per step, CNTKCTL); "
                 "resolution 16. Linux's own "
                 "first instruction is not observed (the gdbstub probe hung at part_restart under icount)")
    size = raw.get("size")
    if size:
        row("size-binary", "hypervisor binary: .text+.rodata+.data", "bytes", size["binary"], None,
            BAO["size"]["value"], None, "half-size", note="without partition images (.images)")
        row("size-loaded", "... + generated .pagetables", "bytes", size["loaded"], None,
            note="Bao allocates its page tables at run time")
        row("size-footprint", "... + .bss + .stacks (RAM footprint)", "bytes", size["footprint"], None)
        row("sloc", f"SLOC kernel/ + vdev/ ({size['sloc']['tool'].split()[0]})", "lines", size["sloc"]["code"], None)
    return rows


def fmt(v, unit=""):
    if v is None:
        return "–"
    if isinstance(v, float) and not v.is_integer():
        v = round(v, 1)
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,}"


def table_md(rows, raw):
    out = ["| figure | unit | Septum | baseline (this run) | added | Bao, external | Bao added | target | result |",
           "|---|---|---:|---:|---:|---:|---:|---|---|"]
    for r in rows:
        bao_added = None if r["bao"] is None else r["bao"] - (r["bao_bare"] or 0)
        if r["key"].startswith("size") or r["key"] == "sloc":
            bao_added = None
        res = "–" if "pass" not in r else ("**pass**" if r["pass"] else "**miss**")
        tgt = "–" if "target" not in r else f"{r['target_text']}: {fmt(round(r['target']))}"
        out.append(f"| {r['label']} | {r['unit']} | {fmt(r['septum'])} | {fmt(r['bare'])} | {fmt(r.get('added'))} | "
                   f"{fmt(r['bao'])} | {fmt(bao_added)} | {tgt} | {res} |")
    notes = ["", "Notes:", ""]
    for r in rows:
        if r["note"]:
            notes.append(f"- {r['label']}: {r['note']}.")
    notes += ["- instructions = virtual ns: with `-icount shift=0` QEMU counts one ns per guest instruction, EL2 "
              "included; the counter ticks every 16 ns (62.5 MHz), so 1 tick = 16 instructions.",
              "- Per-operation figures (hypercall, GICD access) come from unrolled batches of 32 operations timed "
              "with the counter (64 batches, median), +-1 instruction.",
              "- Boot figures are QEMU's instruction count where the gdbstub stops the machine "
              "(tests/bench/icount_probe.py), with 1 CPU (-smp 1)."]
    return "\n".join(out + notes) + "\n"


def write_svg(rows, path):
    """Horizontal bars on a log axis: Septum, baseline, Bao, Bao's baseline; sizes in a second panel."""
    import math
    scale = {"instructions": 1, "ns": 1, "ms": 1000000}
    timed = [dict(r, **{k: (r[k] * scale[r["unit"]] if r.get(k) else r.get(k))
                        for k in ("septum", "bare", "bao", "bao_bare")})
             for r in rows if r["unit"] in scale and r["septum"] is not None]
    sized = [r for r in rows if r["unit"] == "bytes" and r["septum"] is not None]
    series = [("septum", "Septum", "#1f6fb4"), ("bare", "baseline (this run)", "#7fb77e"),
              ("bao", "Bao (external)", "#d9822b"), ("bao_bare", "Bao baseline (external)", "#f2c48d")]
    left, width, bar, gap = 330, 560, 9, 14
    lo, hi = 0, 10  # log10 range: 1 .. 1e10
    vals = [r[k] for r in timed for k, _, _ in series if r.get(k)]
    if vals:
        hi = math.ceil(math.log10(max(vals)))
    y = 60
    parts = []

    def x_of(v):
        return left + width * (math.log10(max(v, 1)) - lo) / (hi - lo)

    for r in timed:
        h = len(series) * bar + gap
        parts.append(f'<text x="{left - 8}" y="{y + h / 2}" text-anchor="end" font-size="11">{esc(r["label"])}</text>')
        for i, (k, _, color) in enumerate(series):
            v = r.get(k)
            if v:
                parts.append(f'<rect x="{left}" y="{y + i * bar}" width="{x_of(v) - left:.1f}" height="{bar - 1}" '
                             f'fill="{color}"><title>{esc(series[i][1])}: {fmt(v)} ns</title></rect>')
                parts.append(f'<text x="{x_of(v) + 3:.1f}" y="{y + i * bar + bar - 2}" font-size="8">{fmt(v)}</text>')
        y += h
    axis_y = y + 4
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{left + width}" y2="{axis_y}" stroke="#333"/>')
    for e in range(lo, hi + 1):
        x = left + width * (e - lo) / (hi - lo)
        parts.append(f'<line x1="{x}" y1="50" x2="{x}" y2="{axis_y}" stroke="#ddd"/>')
        parts.append(f'<text x="{x}" y="{axis_y + 14}" text-anchor="middle" font-size="10">1e{e}</text>')
    parts.append(f'<text x="{left + width / 2}" y="{axis_y + 30}" text-anchor="middle" font-size="11">'
                 'instructions = virtual ns (QEMU -icount shift=0), log scale</text>')
    y = axis_y + 55
    if sized:
        smax = max(max(r["septum"], r["bao"] or 0) for r in sized)
        for r in sized:
            parts.append(f'<text x="{left - 8}" y="{y + bar}" text-anchor="end" font-size="11">{esc(r["label"])}</text>')
            for i, (k, color) in enumerate((("septum", "#1f6fb4"), ("bao", "#d9822b"))):
                v = r.get(k)
                if v:
                    w = width * v / smax
                    parts.append(f'<rect x="{left}" y="{y + i * bar}" width="{w:.1f}" height="{bar - 1}" fill="{color}"/>')
                    parts.append(f'<text x="{left + w + 3:.1f}" y="{y + i * bar + bar - 2}" font-size="8">'
                                 f'{v / 1024:.1f} KiB</text>')
            y += 2 * bar + gap
    legend = "".join(f'<rect x="{left + 150 * i}" y="28" width="10" height="10" fill="{c}"/>'
                     f'<text x="{left + 150 * i + 14}" y="37" font-size="11">{esc(n)}</text>'
                     for i, (_, n, c) in enumerate(series))
    height = y + 10
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}" height="{height}" '
           f'font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n'
           f'<text x="10" y="18" font-size="14" font-weight="bold">Septum benchmarks (make bench): '
           f'QEMU 7.2 virt, cortex-a57, -icount shift=0,sleep=off</text>\n{legend}\n' + "\n".join(parts) + "\n</svg>\n")
    with open(path, "w") as f:
        f.write(svg)


def esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-ivi", action="store_true", help="skip the IVI boot (needs the Debian kernel)")
    ap.add_argument("--out", default=HERE, help="where results.{json,md,svg} go (default tests/bench)")
    ap.add_argument("--timeout", type=float, default=90.0, help="per QEMU run, seconds (IVI: 3x)")
    ap.add_argument("--only", default="", help="run only these steps (comma-separated, e.g. sched) and merge "
                                               "them into the existing results.json")
    args = ap.parse_args(argv)
    raw = {}
    only = [x for x in args.only.split(",") if x]
    if only:
        with open(os.path.join(args.out, "results.json")) as f:
            raw = json.load(f)["raw"]
    steps = [("floor", lambda: run_floor(args.timeout)),
             ("micro", lambda: dict(zip(("septum", "bare"), run_micro(args.timeout)))),
             ("boot", lambda: run_boot(args.timeout)),
             ("doorbell", lambda: run_doorbell(args.timeout)),
             ("scaling", lambda: run_scaling(args.timeout)),
             ("versal", lambda: run_versal(args.timeout)),
             ("uboot", lambda: run_uboot(3 * args.timeout)),
             ("sched", lambda: run_sched(2 * args.timeout)),
             ("restart", lambda: run_restart(4 * args.timeout)),
             ("netframe", lambda: run_netframe(args.timeout)),
             ("interference", lambda: run_interference(4 * args.timeout)),
             ("size", run_size)]
    if not args.no_ivi:
        steps.append(("ivi", lambda: run_ivi(3 * args.timeout)))
        steps.append(("linux-doorbell", lambda: run_linux_doorbell(5 * args.timeout)))
        steps.append(("link", lambda: run_link(12 * args.timeout)))
    if only:
        steps = [(n, f) for n, f in steps if n in only]
    failed = []
    for name, fn in steps:
        t0 = time.monotonic()
        print(f"  BENCH   {name}", flush=True)
        try:
            raw[name] = fn()
        except (RuntimeError, OSError, subprocess.SubprocessError, KeyError) as e:
            failed.append(name)
            print(f"bench: {name} failed: {e}", file=sys.stderr)
        print(f"          {name}: {time.monotonic() - t0:.1f} s", flush=True)
    rows = assemble(raw)
    qemu_version = subprocess.run([QEMU, "--version"], stdout=subprocess.PIPE, text=True).stdout.splitlines()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "kernel", "vdev", "partitions/lib", "generator"],
                           cwd=ROOT, stdout=subprocess.PIPE, text=True).stdout.strip() != ""
    if dirty:
        commit += " + uncommitted changes to kernel/, vdev/, partitions/lib or generator/"
    meta = {"qemu": qemu_version, "cpu": "cortex-a57", "icount": "shift=0,sleep=off", "ns_per_tick": NS_PER_TICK,
            "commit": commit, "date": datetime.date.today().isoformat(), "failed": failed,
            "external_reference": "Bao on QEMU 7.2, cortex-a53, 1 CPU, icount (issue 7)"}
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"meta": meta, "rows": rows, "raw": raw, "bao": BAO}, f, indent=2, sort_keys=True)
        f.write("\n")
    md = table_md(rows, raw)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(f"# Septum benchmarks\n\n`make bench` on {qemu_version.split('(')[0].strip()}, virt, cortex-a57, "
                f"`-icount shift=0,sleep=off` (1 instruction = 1 virtual ns; counter tick = 16 ns); commit {commit}.\n"
                "Baselines are measured in the same run; Bao's figures are external (QEMU 7.2, cortex-a53, 1 CPU, "
                "icount).\n\n" + md)
    write_svg(rows, os.path.join(args.out, "results.svg"))
    print(md)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
