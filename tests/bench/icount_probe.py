#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Exact instruction counts at code addresses of a QEMU run (make bench).

QEMU starts stopped (-S) with its gdbstub and QMP on local TCP ports. For
each address in turn a breakpoint is set (gdb remote protocol `Z0`), the
machine continues until it hits, and QMP `query-replay` returns QEMU's raw
icount there: the number of guest instructions executed since reset (all
CPUs, every EL). The gdbstub cannot read the generic counter (QEMU hides
CNTVCT_EL0 from it), which is why QMP is asked. With -icount shift=0 this is
also the virtual time in ns as long as no CPU idled (idle time is warped, not
counted).
"""
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _connect(port, deadline):
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class _Gdb:
    """The few packets of the gdb remote serial protocol needed here."""

    def __init__(self, sock):
        self.s = sock
        self.buf = b""

    def _send(self, data):
        pkt = b"$" + data.encode() + b"#" + ("%02x" % (sum(data.encode()) & 0xff)).encode()
        self.s.sendall(pkt)

    def _recv(self, timeout):
        self.s.settimeout(timeout)
        while True:
            m = re.search(rb"\$([^#]*)#[0-9a-fA-F]{2}", self.buf)
            if m:
                self.buf = self.buf[m.end():]
                self.s.sendall(b"+")
                return m.group(1).decode()
            chunk = self.s.recv(4096)
            if not chunk:
                raise ConnectionError("gdbstub closed the connection")
            self.buf += chunk

    def cmd(self, data, timeout=10):
        self._send(data)
        return self._recv(timeout)


class _Qmp:
    def __init__(self, sock):
        sock.settimeout(60)  # a loaded machine may take seconds to greet (xlnx-versal-virt, big images)
        self.f = sock.makefile("rw")
        json.loads(self.f.readline())  # greeting
        self.call("qmp_capabilities")

    def call(self, name):
        self.f.write(json.dumps({"execute": name}) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise RuntimeError(f"QMP {name}: {r['error']}")


class IcountProbe:
    """A QEMU run stopped at chosen addresses; its console lines are collected."""

    def __init__(self, cmd, timeout):
        self.gdb_port = _free_port()
        self.qmp_port = _free_port()
        full = list(cmd) + ["-S", "-gdb", f"tcp:127.0.0.1:{self.gdb_port}",
                            "-qmp", f"tcp:127.0.0.1:{self.qmp_port},server=on,wait=off"]
        self.proc = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.lines = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.deadline = time.monotonic() + timeout
        self._timer = threading.Timer(timeout, self.close)
        self._timer.start()
        self.qmp = _Qmp(_connect(self.qmp_port, self.deadline))
        self.gdb = _Gdb(_connect(self.gdb_port, self.deadline))

    def _read(self):
        for raw in self.proc.stdout:
            with self._cond:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def icount(self):
        return int(self.qmp.call("query-replay")["icount"])

    def run_to(self, addr):
        """Continue until the instruction at addr is about to run; return the icount there."""
        left = max(1.0, self.deadline - time.monotonic())
        r = self.gdb.cmd(f"Z0,{addr:x},4")
        if r != "OK":
            raise RuntimeError(f"gdbstub refused a breakpoint at {addr:#x}: {r!r}")
        stop = self.gdb.cmd("c", timeout=left)
        if not stop.startswith(("T05", "S05")):
            raise RuntimeError(f"unexpected stop at {addr:#x}: {stop!r}")
        n = self.icount()
        self.gdb.cmd(f"z0,{addr:x},4")
        return n

    def resume(self):
        self.gdb._send("c")

    def wait_line(self, pattern, start=0):
        rx = re.compile(pattern)
        i = start
        with self._cond:
            while True:
                while i < len(self.lines):
                    m = rx.search(self.lines[i])
                    if m:
                        return i, m
                    i += 1
                left = self.deadline - time.monotonic()
                if left <= 0 or not self._reader.is_alive():
                    raise RuntimeError(f"no line matching {pattern!r}:\n" + "\n".join(self.lines[-20:]))
                self._cond.wait(min(left, 0.5))

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self._timer.cancel()


def symbol(elf, name, nm="aarch64-linux-gnu-nm"):
    """Address of a symbol of an ELF file."""
    out = subprocess.run([nm, elf], stdout=subprocess.PIPE, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    raise KeyError(f"{name} not in {elf}")
