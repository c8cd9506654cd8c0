# SPDX-License-Identifier: Apache-2.0
"""make debug's pieces: QEMU waits for gdb; the generated gdb script loads the hypervisor's and
the bare-metal partitions' symbols; the exception vectors' CFI lets a backtrace from the hypercall
handler (hypercall_handle, reached from the HVC exit's light step arch_trap_hvc) go through the guest
exit to the guest function that made the hypercall."""
import re
import shlex
import socket
import subprocess

import pytest

from conftest import ROOT, build

SYSTEM = "tests/integration/systems/fwdtb.yaml"
BUILD = "build/it/fwdtb"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.req("SRS-DBG-001")
def test_backtrace_from_the_hypercall_handler_reaches_the_guest():
    build(SYSTEM, "fwdtb")
    port = free_port()
    make = ["make", "-s", "--no-print-directory", f"SYSTEM={SYSTEM}", f"BUILD={BUILD}"]
    subprocess.run(make + [f"GDB_PORT={port}", f"{BUILD}/septum.gdb"], cwd=ROOT, check=True, timeout=600)
    text = open(f"{ROOT}/{BUILD}/septum.gdb").read()
    assert f"file {ROOT}/{BUILD}/septum.elf" in text
    assert f"add-symbol-file {ROOT}/{BUILD}/partitions/cluster.elf" in text
    assert f"target remote localhost:{port}" in text
    cmd = subprocess.run(make + ["print-qemu-cmd"], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    qemu = subprocess.Popen(shlex.split(cmd) + ["-gdb", f"tcp:127.0.0.1:{port}", "-S"], cwd=ROOT,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        r = subprocess.run(["gdb-multiarch", "-nx", "-batch", "-x", f"{BUILD}/septum.gdb",
                            "-ex", "break hypercall_handle", "-ex", "continue", "-ex", "bt"],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=180)
    finally:
        qemu.kill()
        qemu.wait(timeout=30)
    out = r.stdout
    assert "hit Breakpoint 1, hypercall_handle (" in out, out
    lines = [line for line in out.splitlines() if line.startswith("#")]
    assert lines[0].startswith("#0  hypercall_handle ("), out
    assert " in arch_trap_hvc (" in lines[1], out
    assert lines[2] == "#2  <signal handler called>", out
    # The caller of the exit is the guest's hypercall code, by name, from the cluster's ELF: the
    # first call that reaches hypercall_handle is a console write (Septum's constant-answer calls
    # are answered in the HVC vector without C), with sp_hvc inlined into sp_console_write.
    assert re.match(r"#3  sp_\w+ \(", lines[3]) and "partitions/lib/hvc.c" in lines[3], out
