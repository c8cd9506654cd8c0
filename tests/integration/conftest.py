# SPDX-License-Identifier: Apache-2.0
"""QEMU harness for the integration tests.

Each test builds the system it needs with the top Makefile (into its own
build directory), boots it in QEMU and reads the serial console line by line.
Every test has a hard timeout; on failure the tail of the console is printed
(and the tail without the cluster's frame lines, which otherwise fill it), and
the whole console is kept in build/test-results/console/<test>.log.
"""
import os
import re
import shlex
import signal
import subprocess
import threading
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HARD_TIMEOUT_S = int(os.environ.get("SEPTUM_TEST_TIMEOUT", "240"))
# The cluster's once-a-100-ms status line: left out of the second tail printed on a failure.
FRAME_LINE = re.compile(r"^\[cluster\] frame \d+ ")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see whether the test failed."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def _failed(request):
    rep = getattr(request.node, "rep_call", None)
    return rep is not None and rep.failed


def pytest_configure(config):
    config.addinivalue_line("markers", "req(id): the software requirement a test verifies")
    config.addinivalue_line("markers", "hard_timeout(s): this test's own hard timeout (several Linux boots)")


@pytest.fixture(autouse=True)
def hard_timeout(request):
    """Abort any test that runs longer than HARD_TIMEOUT_S seconds (or its hard_timeout marker, if longer)."""
    m = request.node.get_closest_marker("hard_timeout")
    limit = max(HARD_TIMEOUT_S, int(m.args[0])) if m else HARD_TIMEOUT_S

    def expired(signum, frame):
        raise TimeoutError(f"test exceeded its hard timeout of {limit} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(limit)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def build(system="system.yaml", name=None):
    """Build SYSTEM with make; return (image path, build dir)."""
    bdir = "build" if name is None else os.path.join("build", "it", name)
    cmd = ["make", "-s", "--no-print-directory", f"SYSTEM={system}", f"BUILD={bdir}", "all"]
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    if r.returncode != 0:
        pytest.fail(f"build of {system} failed:\n{r.stdout[-4000:]}")
    return os.path.join(ROOT, bdir, "septum.bin"), os.path.join(ROOT, bdir)


def qemu_command(image):
    r = subprocess.run(["make", "-s", "--no-print-directory", "print-qemu-cmd", f"IMAGE={image}"], cwd=ROOT,
                       stdout=subprocess.PIPE, text=True, check=True)
    return shlex.split(r.stdout.strip())


class Console:
    """A running QEMU whose serial console is read line by line."""

    def __init__(self, image, extra_args=()):
        cmd = qemu_command(image) + list(extra_args)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.lines = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        buf = b""
        while True:
            chunk = self.proc.stdout.read1(4096)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                # What a terminal shows: the console erases an echoed unfinished line with CR ESC [K.
                line = line.rsplit(b"\r\x1b[K", 1)[-1]
                with self._cond:
                    self.lines.append(line.decode("utf-8", "replace").rstrip("\r"))
                    self._cond.notify_all()
        with self._cond:
            if buf:
                self.lines.append(buf.decode("utf-8", "replace"))
            self._cond.notify_all()

    def expect(self, pattern, timeout=60, start=0):
        """Wait for a line matching pattern at index >= start; return (index, match)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        i = start
        with self._cond:
            while True:
                while i < len(self.lines):
                    m = rx.search(self.lines[i])
                    if m:
                        return i, m
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(f"no line matching {pattern!r} within {timeout} s (whole console: "
                                         f"{self.save()})\n" + self.tail())
                self._cond.wait(min(left, 0.5))

    def matching(self, pattern, start=0):
        rx = re.compile(pattern)
        with self._cond:
            return [(i, rx.search(line)) for i, line in enumerate(self.lines) if i >= start and rx.search(line)]

    def send(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def tail(self, n=40):
        with self._cond:
            quiet = [line for line in self.lines if not FRAME_LINE.match(line)]
            return ("--- console tail ---\n" + "\n".join(self.lines[-n:]) +
                    "\n--- console tail without the cluster's frame lines ---\n" + "\n".join(quiet[-n:]))

    def save(self, test=None):
        """Write the whole console to build/test-results/console/<test>.log; return its path."""
        test = test or os.environ.get("PYTEST_CURRENT_TEST", "unknown").split(" ")[0]
        path = os.path.join(ROOT, "build", "test-results", "console", re.sub(r"[^A-Za-z0-9_.-]+", "_", test) + ".log")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with self._cond, open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(self.lines) + "\n")
        return os.path.relpath(path, ROOT)

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)


class RawConsole(Console):
    """A Console over a complete QEMU command line (no -kernel: U-Boot, generic loader)."""

    def __init__(self, cmd):
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.lines = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()


def _close_all(request, consoles):
    """Kill each console's QEMU; when the test failed, keep each whole console (any assertion, not only an
    expect that timed out)."""
    for n, c in enumerate(consoles):
        c.close()
        if _failed(request):
            c.save(f"{request.node.nodeid}-{n}")


@pytest.fixture
def raw_boot(request):
    """raw_boot(cmd) -> Console over a full command line; killed after the test."""
    consoles = []

    def start(cmd):
        c = RawConsole(cmd)
        consoles.append(c)
        return c

    yield start
    _close_all(request, consoles)


@pytest.fixture
def boot(request):
    """boot(image) -> Console; QEMU is killed after the test, its tail printed on failure."""
    consoles = []

    def start(image, extra_args=()):
        c = Console(image, extra_args)
        consoles.append(c)
        return c

    yield start
    _close_all(request, consoles)
