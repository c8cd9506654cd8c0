# SPDX-License-Identifier: Apache-2.0
"""The IVI image booted directly on QEMU, without Septum: the baseline that the
Septum-hosted IVI test mirrors. It proves the image itself (Debian kernel,
busybox initramfs, /init, IVI app) before the hypervisor is blamed for anything.
"""
import os
import subprocess
import sys
import threading

import pytest

from conftest import ROOT, Console

sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))
from ivi_direct import qemu_direct_command  # noqa: E402

IVI_DIR = os.path.join(ROOT, "build", "ivi")


def build_ivi_image():
    """make ivi-image (through the top Makefile once it includes ivi.mk, else the fragment alone)."""
    with open(os.path.join(ROOT, "Makefile")) as f:
        included = "partitions/ivi/ivi.mk" in f.read()
    cmd = ["make", "-s", "--no-print-directory"]
    if not included:
        cmd += ["-f", "partitions/ivi/ivi.mk", "BUILD=build", "CROSS=aarch64-linux-gnu-", "PYTHON=/usr/bin/python3"]
    r = subprocess.run(cmd + ["ivi-image"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=600)
    if r.returncode != 0:
        pytest.fail(f"make ivi-image failed:\n{r.stdout[-4000:]}")
    return os.path.join(IVI_DIR, "Image"), os.path.join(IVI_DIR, "initramfs.cpio.gz")


class DirectConsole(Console):
    """Console of an explicit QEMU command line (Console itself boots a Septum image)."""

    def __init__(self, cmd):  # pylint: disable=super-init-not-called
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.lines = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()


@pytest.fixture
def ivi_direct():
    image, initrd = build_ivi_image()
    c = DirectConsole(qemu_direct_command(image, initrd, smp=3))
    yield c
    c.close()


def test_ivi_image_boots_directly_to_userspace_with_3_cpus_and_answers_the_shell(ivi_direct):
    c = ivi_direct
    i, _ = c.expect(r"IVI: userspace up", timeout=150)
    c.expect(r"IVI: 3 CPUs online", timeout=30, start=i)
    c.expect(r"IVI: uptime [0-9.]+ s", timeout=30, start=i)
    # The nav app runs in the background and prints every 3 s; the shell's
    # prompt has no newline of its own and shows up in front of the next line.
    j, _ = c.expect(r"ivi:/# ", timeout=60, start=i)
    c.send(b"echo ivi-$((6*7))\n")
    # The echoed command line holds "$((6*7))", not "ivi-42": only the shell's answer matches.
    c.expect(r"(^|\s)ivi-42$", timeout=60, start=j)
