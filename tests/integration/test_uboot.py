# SPDX-License-Identifier: Apache-2.0
"""The default system through Debian's U-Boot, as on a board.

QEMU runs U-Boot (-bios, no -kernel); U-Boot's distro boot finds boot.scr
(made with mkimage from the generated gen/boot.cmd) on a FAT partition of a
virtio-blk disk image and loads septum.bin with it; booti hands over U-Boot's
own DTB, which U-Boot relocates to the top of RAM, outside what the
hypervisor maps.
"""
import shlex
import subprocess

import pytest

from conftest import ROOT, build


def uboot_command():
    """Build the default system and its U-Boot disk; the QEMU command that boots it through U-Boot."""
    build()
    r = subprocess.run(["make", "-s", "--no-print-directory", "BOOT=uboot", "uboot-disk"], cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-4000:]
    cmd = subprocess.run(["make", "-s", "--no-print-directory", "BOOT=uboot", "print-qemu-cmd"], cwd=ROOT,
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    assert "-bios" in cmd and "-kernel" not in cmd, cmd
    return shlex.split(cmd)


@pytest.mark.req("SRS-BOOT-003")
@pytest.mark.req("SRS-BOOT-004")
def test_default_system_boots_through_uboot(raw_boot):
    c = raw_boot(uboot_command())
    c.expect(r"^U-Boot 20\d\d", timeout=60)
    c.expect(r"^Found U-Boot script /boot\.scr$", timeout=120)
    c.expect(r"^Septum: loading septum\.bin from virtio 0:1 to 0x40200000$", timeout=60)
    c.expect(r"^Starting kernel \.\.\.$", timeout=120)
    _, m = c.expect(r"^\[septum\] firmware DTB at (0x[0-9a-f]+): 1 memory range\(s\), 4 CPUs, PSCI smc$", timeout=60)
    # U-Boot put its DTB near the top of RAM (1 GiB from 0x40000000), far outside the hypervisor's mapping.
    assert int(m.group(1), 16) >= 0x70000000, m.group(1)
    c.expect(r"^\[cluster\] frame 10 ", timeout=60)
    c.expect(r"^\[ivi\] IVI: userspace up$", timeout=300)
    c.expect(r"^\[cluster\] frame \d+ .* \| IVI up, 0 restarts$", timeout=120)
