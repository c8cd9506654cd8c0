# SPDX-License-Identifier: Apache-2.0
"""Spectre-v2 on a Cortex-A57 with EL3 firmware that implements SMCCC_ARCH_WORKAROUND_1.

QEMU's virt board with secure=on starts its CPUs at EL3 in tests/el3stub (built here with the
cross compiler), a minimal firmware that answers PSCI_VERSION, PSCI_FEATURES, SMCCC_VERSION,
SMCCC_ARCH_FEATURES and PSCI CPU_ON and counts CPU 0's SMCCC_ARCH_WORKAROUND_1 calls (reporting
the count on the UART at every power of two from 1024 on), then drops CPU 0 to EL2 at the
hypervisor's entry. A partition on CPU 0 and one on CPU 1 (started through the stub's CPU_ON)
ask about the workarounds and take 5,000 exits each: each CPU must have found the firmware's
workaround at boot, call it on every exit, and tell its guest "mitigated" (0).
The same image on QEMU's built-in PSCI (no EL3 firmware, SMCCC_VERSION not offered by
PSCI_FEATURES) keeps the unhardened vectors and tells the guest "not supported" (-1).
"""
import os
import subprocess

import pytest

from conftest import ROOT, build, qemu_command

STUB = os.path.join(ROOT, "tests", "el3stub")
IMAGE_BASE = 0x40200000


def build_stub():
    out = os.path.join(ROOT, "build", "it", "el3stub")
    os.makedirs(out, exist_ok=True)
    elf, binary = os.path.join(out, "el3stub.elf"), os.path.join(out, "el3stub.bin")
    subprocess.run(["aarch64-linux-gnu-gcc", "-O2", "-ffreestanding", "-nostdlib", "-static", "-fno-pic",
                    "-no-pie", "-mgeneral-regs-only", "-mstrict-align", "-Wall", "-Wextra", "-Werror",
                    "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments", "-T", os.path.join(STUB, "stub.ld"),
                    os.path.join(STUB, "start.S"), os.path.join(STUB, "main.c"), "-o", elf], check=True)
    subprocess.run(["aarch64-linux-gnu-objcopy", "-O", "binary", "-j", ".text", elf, binary], check=True)
    return binary


@pytest.mark.req("SRS-ISO-007")
@pytest.mark.req("SRS-ISO-022")
def test_exits_call_the_firmware_workaround_and_the_guest_is_told_mitigated(raw_boot):
    image, _ = build("tests/integration/systems/spectre_fw.yaml", "spectre_fw")
    stub = build_stub()
    cmd = ["qemu-system-aarch64", "-M", "virt,secure=on,virtualization=on,gic-version=3", "-cpu", "cortex-a57",
           "-smp", "2", "-m", "1G", "-nic", "none", "-nographic", "-icount", "shift=0,sleep=off",
           "-bios", stub, "-device", f"loader,file={image},addr={IMAGE_BASE:#x}"]
    c = raw_boot(cmd)
    c.expect(r"^\[el3\] stub firmware", timeout=60)
    c.expect(r"^\[septum\] CPU 0: Spectre-v2: firmware branch-predictor invalidation on every exit$",
             timeout=60)
    c.expect(r"^\[spectre\] spectre: features of workaround_1 -> 0$", timeout=120)
    c.expect(r"^\[spectre\] spectre: features of workaround_3 -> 0$", timeout=60)
    c.expect(r"^\[spectre\] spectre: workaround_1 -> 0$", timeout=60)
    c.expect(r"^\[spectre\] spectre: 5000 exits done$", timeout=300)
    # 5,000 exits: at least 4,096 firmware calls, reported as the count passed 1024, 2048, 4096.
    counts = [int(m.group(1)) for _, m in c.matching(r"\[el3\] SMCCC_ARCH_WORKAROUND_1 calls: (\d+)")]
    assert counts[:3] == [1024, 2048, 4096], c.tail()
    # CPU 1, started through the firmware's CPU_ON, probed its firmware itself.
    c.expect(r"^\[septum\] CPU 1: Spectre-v2: firmware branch-predictor invalidation on every exit$",
             timeout=120)
    c.expect(r"^\[spectre2\] spectre: features of workaround_1 -> 0$", timeout=120)
    c.expect(r"^\[spectre2\] spectre: workaround_1 -> 0$", timeout=60)
    c.expect(r"^\[spectre2\] spectre: 5000 exits done$", timeout=300)


@pytest.mark.req("SRS-ISO-007")
@pytest.mark.req("SRS-ISO-022")
def test_without_firmware_workaround_the_guest_is_told_not_supported(boot):
    image, _ = build("tests/integration/systems/spectre_fw.yaml", "spectre_fw")
    cmd = qemu_command(image)
    assert "cortex-a57" in cmd
    c = boot(image, ["-icount", "shift=0,sleep=off"])
    c.expect(r"^\[spectre\] spectre: features of workaround_1 -> -1$", timeout=120)
    c.expect(r"^\[spectre\] spectre: features of workaround_3 -> -1$", timeout=60)
    c.expect(r"^\[spectre\] spectre: workaround_1 -> -1$", timeout=60)
    c.expect(r"^\[spectre\] spectre: 5000 exits done$", timeout=300)
    c.expect(r"^\[spectre2\] spectre: features of workaround_1 -> -1$", timeout=120)
    c.expect(r"^\[spectre2\] spectre: 5000 exits done$", timeout=300)
    assert not c.matching(r"Spectre-v2"), c.tail()
