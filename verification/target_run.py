#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Boot each instrumented hypervisor image under QEMU until it writes its profile.

For every name:system pair, WORK/<name>/septum-cov.bin (built by
`make coverage-target-image`) runs with Arm semihosting enabled, in
WORK/runs/<name>/ (where the runtime's SYS_OPEN puts septum.profraw). The runtime
ends QEMU itself (SYS_EXIT) after SEPTUM_COV_SECONDS; --timeout is the hard limit.
The console is kept as console.txt; the run fails if QEMU does not exit 0, if no
profile was written, or if the console lacks what that scenario must show (the
same lines the integration tests look for), so the instrumented image is known to
behave like the production one. A run named in DTB_RUNS boots once per firmware
DTB of verification/target_dtbs.py instead (WORK/runs/<name>/<case>/), each
boot checked for the hypervisor's answer to that DTB; one in EXTRA_DTBS boots
with those DTBs too, after its own run.
"""
import argparse
import os
import pathlib
import re
import shlex
import subprocess
import sys

import target_dtbs

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: Bytes typed on the physical console of a scenario (QEMU's stdin, -nographic: the
#: PL011), taken as the UART has room: the focus and run-time control commands of
#: README's console section, misused (unknown commands, partition numbers that do
#: not exist or take no input, a start of a running partition), a literal Ctrl-T, and
#: more input for the focus than its vUART holds (the cluster reads none: dropped).
#: Only the IVI's Linux and the cluster get typed bytes, and no newline: nothing runs.
INPUT = {
    "default": (b"\x14?\x14l\x14z\x14s0\x14x9\x14x/\x14xa\x14!\x14r9\x149\x14n\x14\t\x141\x14\x14"
                + b"x" * 600 + b"\x140" + b"y" * 40),
}

#: Runs that boot once per firmware DTB (verification/target_dtbs.py) instead of once.
DTB_RUNS = {"fwdtb": target_dtbs.cases}
#: Scenarios run again on other CPU types, with the same checks: what depends on the core
#: (Spectre workarounds offered per part number, arch.c; a CPU without a PMU) is taken too.
EXTRA_CPUS = {"errors": ["cortex-a53,pmu=off", "cortex-a35", "cortex-a72"]}
#: Scenarios whose image also boots with these firmware DTBs, after its own run (the
#: errors image has a channel, whose range fwcheck compares too; fwdtb's has none).
EXTRA_DTBS = {"errors": target_dtbs.channel_cases}

#: Lines each scenario must print (regexes), beyond the banner.
EXPECT = {
    "default": [r"^\[cluster\] frame 20 ",
                r"^\[septum\] console: focus 'cluster'",
                r"^\[septum\] ctl: 0 'cluster' ",
                r"^\[septum\] console: unknown command after Ctrl-T",
                r"^\[septum\] ctl: partition 'cluster' is [a-z]+: nothing to do$",
                r"^\[septum\] ctl: Ctrl-T x needs a partition number",
                r"^\[septum\] ctl: Ctrl-T r needs a partition number",
                r"^\[septum\] console: partition 9 does not take input",
                r"^\[septum\] console: input goes to 'ivi'"],
    "sched": [r"^\[hud\] pmu pmcr 0 ccntr 0 debug bcr0 0 mdscr 0$", r"^\[tell\] pmu pmcr 0 ccntr 0 debug bcr0 0 mdscr 0$"],
    "smp": [r"^\[smp\] smp: \d+ passed, 0 failed$",
            r"^\[septum\] partition 'smp' powered off \(PSCI SYSTEM_OFF\)$"],
    "errors": [r"^\[errors\] errors: \d+ passed, 0 failed$", r"^\[errors\] errors: done$"],
    "isolation": [r"^\[probe\] probe: unknown hypercall -> -1$",
                  r"^\[septum\] partition 'probe' fault: data abort, translation fault .* halted$",
                  r"^\[cluster\] frame 20 "],
}


def qemu_command(image):
    r = subprocess.run(["make", "-s", "--no-print-directory", "print-qemu-cmd", f"IMAGE={image}"], cwd=ROOT,
                       stdout=subprocess.PIPE, text=True, check=True)
    return shlex.split(r.stdout.strip()) + ["-semihosting-config", "enable=on,target=native"]


def check(label, rc, prof, lines, expect):
    errors = []
    if rc != 0:
        errors.append(f"QEMU ended with {rc} (expected the runtime's SYS_EXIT 0)")
    if not prof.exists() or prof.stat().st_size == 0:
        errors.append("no raw profile written")
    for pat in [r"^\[septum\] Septum \d+\.\d+\.\d+ \(config [0-9a-f]+\)$"] + expect:
        if not any(re.search(pat, ln) for ln in lines):
            errors.append(f"console lacks a line matching {pat!r}")
    if errors:
        tail = "\n".join(lines[-30:])
        sys.exit(f"target run '{label}': " + "; ".join(errors) + f"\n--- console tail ---\n{tail}")


def qemu(cmd, rundir, timeout, typed=None):
    prof = rundir / "septum.profraw"
    if prof.exists():
        prof.unlink()
    try:
        r = subprocess.run(cmd, cwd=rundir, input=typed, stdin=None if typed else subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        out, rc = r.stdout, r.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = e.stdout or b"", "timeout"
    text = out.decode("utf-8", "replace").replace("\r", "")
    (rundir / "console.txt").write_text(text)
    return rc, prof, text.splitlines()


def run_dtbs(name, image, rundir, timeout, make_cases):
    """One boot per firmware DTB of verification/target_dtbs.py; the image stops after the check."""
    cmd = qemu_command(image)
    i = cmd.index("-kernel")
    machine = cmd[:i] + cmd[i + 2:]
    cases = make_cases(target_dtbs.Board(machine[:machine.index("-semihosting-config")], rundir / "dtbs"))
    print(f"  QEMU    {name}: {len(cases)} firmware DTB(s), one boot each (semihosting, profile after the check)",
          flush=True)
    for case, x0, blob, at, args, expect in cases:
        d = (rundir / case).resolve()
        d.mkdir(parents=True, exist_ok=True)
        tramp = d / "tramp.bin"
        tramp.write_bytes(target_dtbs.trampoline(x0))
        full = machine + args + ["-device", f"loader,file={image},addr={target_dtbs.IMAGE_BASE:#x},force-raw=on",
                                 "-device", f"loader,file={tramp},addr={target_dtbs.TRAMPOLINE:#x},force-raw=on"]
        if blob is not None:
            (d / "fw.dtb").write_bytes(blob)
            full += ["-device", f"loader,file={d / 'fw.dtb'},addr={at:#x},force-raw=on"]
        full += ["-device", f"loader,addr={target_dtbs.TRAMPOLINE:#x},cpu-num=0"]
        rc, prof, lines = qemu(full, d, timeout)
        check(f"{name}/{case}", rc, prof, lines, expect)
    print(f"          {name}: {len(cases)} boots, each with its answer and a profile")


def run_one(name, work, timeout):
    image = (work / name / "septum-cov.bin").resolve()
    rundir = work / "runs" / name
    rundir.mkdir(parents=True, exist_ok=True)
    if name in DTB_RUNS:
        run_dtbs(name, image, rundir, timeout, DTB_RUNS[name])
        return
    cmd = qemu_command(image)
    shown = image.relative_to(ROOT) if image.is_relative_to(ROOT) else image  # BUILD may lie outside the tree
    print(f"  QEMU    {name}: {shown} (semihosting, profile at shutdown)", flush=True)
    rc, prof, lines = qemu(cmd, rundir, timeout, INPUT.get(name))
    check(name, rc, prof, lines, EXPECT.get(name, []))
    print(f"          {name}: {len(lines)} console lines, profile {prof.stat().st_size} bytes")
    for cpu in EXTRA_CPUS.get(name, []):
        d = (rundir / ("cpu-" + cpu.replace(",", "-").replace("=", "-"))).resolve()
        d.mkdir(parents=True, exist_ok=True)
        other = list(cmd)
        other[other.index("-cpu") + 1] = cpu
        print(f"  QEMU    {name}: the same image on -cpu {cpu}", flush=True)
        rc, prof, lines = qemu(other, d, timeout, INPUT.get(name))
        check(f"{name} on {cpu}", rc, prof, lines, EXPECT.get(name, []))
    if name in EXTRA_DTBS:
        run_dtbs(name, image, rundir, timeout, EXTRA_DTBS[name])


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--work", required=True)
    p.add_argument("--systems", required=True)
    p.add_argument("--timeout", type=int, default=120)
    a = p.parse_args()
    work = pathlib.Path(a.work)
    for s in a.systems.split():
        run_one(s.split(":", 1)[0], work, a.timeout)


if __name__ == "__main__":
    main()
