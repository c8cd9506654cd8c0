# SPDX-License-Identifier: Apache-2.0
"""A real SoC model: system-versal.yaml on QEMU's xlnx-versal-virt (2 Cortex-A72, GICv3 at
0xf9000000/0xf9080000, PL011 at 0xff000000, RAM at 0, PSCI over SMC, -kernel entered at EL2).
The board comes from the description's `board:`: make needs no BOARD=."""
import os
import shlex
import subprocess

import pytest

from conftest import ROOT, build

SYSTEM = "system-versal.yaml"


@pytest.mark.req("SRS-BOOT-001")
@pytest.mark.req("SRS-BOOT-004")
def test_versal_system_boots_cluster_and_linux(raw_boot):
    image, _ = build(SYSTEM, "versal")
    cmd = subprocess.run(["make", "-s", "--no-print-directory", f"SYSTEM={SYSTEM}", "print-qemu-cmd",
                          f"IMAGE={image}"], cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True).stdout
    assert "-M xlnx-versal-virt" in cmd, cmd
    c = raw_boot(shlex.split(cmd))
    c.expect(r"^\[septum\] 2 partitions, 2 vCPUs on 2 CPUs; hypervisor at \[0x0\.\.0x4000000\)$", timeout=60)
    # QEMU's own DTB for this machine agrees with boards/xlnx-versal/board.dts.
    c.expect(r"^\[septum\] firmware DTB at 0x8000000: 1 memory range\(s\), 2 CPUs, PSCI smc$", timeout=60)
    c.expect(r"^\[cluster\] cluster up: Septum ABI 0\.\d+, 62500000 Hz counter", timeout=60)
    c.expect(r"^\[cluster\] frame 20 ", timeout=60)
    c.expect(r"^\[ivi\] \[\s*0\.000000\] Booting Linux on physical CPU 0x0+ \[0x410fd083\]$", timeout=120)
    c.expect(r"^\[ivi\] IVI: userspace up$", timeout=400)
    c.expect(r"^\[cluster\] frame \d+ .* \| IVI up, 0 restarts$", timeout=60)
    assert not c.matching(r"firmware differs|hypervisor exception|not started"), c.tail()
