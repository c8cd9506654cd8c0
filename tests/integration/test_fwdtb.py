# SPDX-License-Identifier: Apache-2.0
"""The firmware's device tree wherever it lies, and a firmware that is not the board.

The DTB tests boot without -kernel: QEMU's generic loader puts the hypervisor
image at its link address, a device tree (QEMU's own, dumped at test time) at
the address under test, and a three-instruction trampoline that sets x0 and
branches to the image, which is where CPU 0 starts. So the DTB really lies
there, as U-Boot or other firmware would leave it.
"""
import os
import struct
import subprocess
import sys

import pytest

from conftest import ROOT, build, qemu_command

IMAGE_BASE = 0x40200000   # hypervisor region 0x40000000 + text_offset
TRAMPOLINE = 0x40180000   # unused hypervisor memory below the image, clear of QEMU's DTB at 0x40000000
RAM_END = 0x80000000      # -m 1G on virt


def trampoline(x0, entry=IMAGE_BASE):
    """ldr x0, =x0; ldr x1, =entry; br x1 (A64 LDR literal and BR encodings)."""
    code = [0x58000080, 0x580000A1, 0xD61F0020, 0xD503201F]
    return struct.pack("<4I", *code) + struct.pack("<QQ", x0, entry)


def machine_args(image):
    cmd = qemu_command(image)
    i = cmd.index("-kernel")
    return cmd[:i] + cmd[i + 2:]


def board_dtb(tmp_path, *extra):
    """QEMU's own DTB of the default machine, compacted by dtc (totalsize = its content)."""
    cmd = machine_args(os.path.join(ROOT, "build", "septum.bin"))
    m = cmd.index("-M")
    raw = tmp_path / "raw.dtb"
    cmd[m + 1] += f",dumpdtb={raw}"
    subprocess.run(cmd + list(extra), cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = tmp_path / "fw.dtb"
    subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dtb", "-o", str(out), str(raw)], check=True)
    return out.read_bytes()


def boot_with_dtb(raw_boot, tmp_path, image, x0, blob=None, blob_addr=None, extra=()):
    """Boot image with x0 = x0 and, if given, blob loaded at blob_addr."""
    args = machine_args(image) + list(extra) + ["-device", f"loader,file={image},addr={IMAGE_BASE:#x},force-raw=on"]
    tramp = tmp_path / "tramp.bin"
    tramp.write_bytes(trampoline(x0))
    args += ["-device", f"loader,file={tramp},addr={TRAMPOLINE:#x},force-raw=on"]
    if blob is not None:
        f = tmp_path / "placed.dtb"
        f.write_bytes(blob)
        args += ["-device", f"loader,file={f},addr={blob_addr:#x},force-raw=on"]
    args += ["-device", f"loader,addr={TRAMPOLINE:#x},cpu-num=0"]
    return raw_boot(args)


def expect_cluster_runs(c):
    c.expect(r"^\[septum\] CPU 0: partition 'cluster' vCPU 0 starts", timeout=60)
    c.expect(r"^\[cluster\] frame 3 ", timeout=60)


@pytest.fixture(scope="module")
def fw_image():
    image, _ = build("tests/integration/systems/fwdtb.yaml", "fwdtb")
    return image


@pytest.mark.req("SRS-BOOT-003")
def test_dtb_at_the_very_top_of_ram(raw_boot, tmp_path, fw_image):
    """The DTB ends at the last byte of RAM (U-Boot's placement): copied up to there, never past."""
    dtb = board_dtb(tmp_path)
    addr = RAM_END - len(dtb)
    c = boot_with_dtb(raw_boot, tmp_path, fw_image, addr, dtb, addr)
    c.expect(rf"^\[septum\] firmware DTB at {addr:#x}: 1 memory range\(s\), 4 CPUs, PSCI smc$", timeout=60)
    expect_cluster_runs(c)


@pytest.mark.req("SRS-BOOT-003")
def test_dtb_unaligned_inside_a_partition_region(raw_boot, tmp_path, fw_image):
    """Inside the cluster's RAM (which its image later overwrites), at an odd address."""
    dtb = board_dtb(tmp_path)
    addr = 0x48100003
    c = boot_with_dtb(raw_boot, tmp_path, fw_image, addr, dtb, addr)
    c.expect(rf"^\[septum\] firmware DTB at {addr:#x}: 1 memory range\(s\), 4 CPUs, PSCI smc$", timeout=60)
    expect_cluster_runs(c)


@pytest.mark.req("SRS-BOOT-003")
def test_oversized_dtb_inside_the_hypervisor_region(raw_boot, tmp_path, fw_image):
    """QEMU's own DTB at RAM base (inside the hypervisor region) claims 1 MiB: 64 KiB are read."""
    c = boot_with_dtb(raw_boot, tmp_path, fw_image, 0x40000000)
    c.expect(r"^\[septum\] firmware DTB at 0x40000000: 1 memory range\(s\), 4 CPUs, PSCI smc$", timeout=60)
    expect_cluster_runs(c)


@pytest.mark.req("SRS-BOOT-003")
def test_no_dtb_and_a_corrupt_dtb_trust_the_board(raw_boot, tmp_path, fw_image):
    c = boot_with_dtb(raw_boot, tmp_path, fw_image, 0)
    c.expect(r"^\[septum\] no firmware DTB \(x0 = 0\); board description trusted$", timeout=60)
    expect_cluster_runs(c)
    c.close()
    # A DTB whose first structure token is not a node: read, refused, reported.
    dtb = bytearray(board_dtb(tmp_path))
    off = struct.unpack(">I", dtb[8:12])[0]
    dtb[off:off + 4] = struct.pack(">I", 5)
    c = boot_with_dtb(raw_boot, tmp_path, fw_image, 0x48200000, bytes(dtb), 0x48200000)
    c.expect(r"^\[septum\] firmware DTB at 0x48200000 unreadable \(corrupt structure block\); "
             r"board description trusted$", timeout=60)
    expect_cluster_runs(c)
    c.close()
    # x0 outside RAM (e.g. in flash): never read.
    c = boot_with_dtb(raw_boot, tmp_path, fw_image, 0x1000)
    c.expect(r"^\[septum\] firmware DTB at 0x1000 is outside board RAM; board description trusted$", timeout=60)
    expect_cluster_runs(c)


@pytest.mark.req("SRS-BOOT-004")
def test_less_memory_than_the_board_stops_the_boot(boot):
    image, _ = build()
    c = boot(image, ["-m", "512M"])
    c.expect(r"^\[septum\] firmware differs: /memory: firmware \[0x40000000\.\.0x60000000\), "
             r"board ivi 'ram' \[0x50000000\.\.0x70000000\)$", timeout=60)
    i, _ = c.expect(r"^\[septum\] firmware does not match the board this image was built for; "
                    r"no partition started$", timeout=60)
    assert not c.matching(r"starts at|^\[cluster\]|^\[ivi\]"), c.tail()


@pytest.mark.req("SRS-BOOT-004")
def test_fewer_cpus_than_the_board_stops_the_boot(boot):
    image, _ = build()
    c = boot(image, ["-smp", "2"])
    c.expect(r"^\[septum\] firmware differs: /cpus: firmware 2 CPUs, board CPU 2 MPIDR 0x2 missing$", timeout=60)
    c.expect(r"^\[septum\] firmware differs: /cpus: firmware 2 CPUs, board CPU 3 MPIDR 0x3 missing$", timeout=60)
    c.expect(r"no partition started$", timeout=60)
    assert not c.matching(r"starts at|^\[cluster\]|^\[ivi\]"), c.tail()


@pytest.mark.req("SRS-BOOT-003")
@pytest.mark.req("SRS-BOOT-004")
@pytest.mark.hard_timeout(900)
def test_every_firmware_dtb_of_the_target_coverage_run_gets_its_answer(raw_boot, tmp_path, fw_image):
    """The DTBs `make coverage-target` boots the instrumented image with (verification/target_dtbs.py:
    absent, outside RAM, cut by the end of RAM, a bad header or structure block, another board's
    memory, reservations, GIC, CPUs, UART or PSCI method), on the production image: each answer."""
    sys.path.insert(0, os.path.join(ROOT, "verification"))
    import target_dtbs

    cases = target_dtbs.cases(target_dtbs.Board(machine_args(fw_image), tmp_path / "dtbs"))
    assert len(cases) >= 50
    for name, x0, blob, at, args, expect in cases:
        d = tmp_path / name
        d.mkdir()
        c = boot_with_dtb(raw_boot, d, fw_image, x0, blob, at, extra=args)
        for pat in expect:
            try:
                c.expect(pat, timeout=60)
            except AssertionError as e:
                raise AssertionError(f"firmware DTB case {name}: {e}") from None
        if expect[-1].endswith("no partition started$"):
            assert not c.matching(r"starts at|^\[cluster\]"), f"{name}: {c.tail()}"
        c.close()
