# SPDX-License-Identifier: Apache-2.0
"""A link between two Linux partitions (tests/integration/systems/linux_link.yaml): Debian's own
virtio_mmio and virtio_net on both ends, frames copied by the hypervisor.

One boot serves every check, to save time under TCG: ping both ways, a 16 MiB transfer with
busybox nc whose checksums match, and a receiver that stops taking frames makes the sender's
frames drop, never stall it.
"""
import re
import signal
import time

import pytest

from conftest import build

CTRL_T = b"\x14"
SYSTEM = "tests/integration/systems/linux_link.yaml"
#: Two Linux boots, a 16 MiB transfer and a drop phase under TCG: longer than conftest's default.
LINK_TIMEOUT_S = 1500


@pytest.fixture(autouse=True)
def longer_hard_timeout(hard_timeout):
    """Re-arm conftest's hard timeout (SIGALRM) with this module's longer limit."""
    signal.alarm(LINK_TIMEOUT_S)
    yield


def focus(c, index, name, start):
    c.send(CTRL_T + str(index).encode())
    i, _ = c.expect(r"^\[septum\] console: input goes to '%s'" % name, timeout=30, start=start)
    time.sleep(0.5)
    return i


def type_line(c, cmd):
    """Type cmd and Enter a few bytes at a time: the vUART's receive FIFO holds 32 bytes."""
    data = cmd.encode() + b"\r"
    for k in range(0, len(data), 8):
        c.send(data[k:k + 8])
        time.sleep(0.3)


def run(c, who, cmd, pattern, timeout, start):
    """Type cmd into who's shell (it must have focus) and wait for a line of who matching pattern."""
    type_line(c, cmd)
    return c.expect(r"^\[%s\] .*%s" % (who, pattern), timeout=timeout, start=start)


@pytest.mark.req("SRS-NET-002")
@pytest.mark.req("SRS-NET-003")
def test_two_linux_partitions_ping_transfer_16mib_and_drop_without_stalling(boot):
    image, _ = build(SYSTEM, "linux_link")
    c = boot(image)
    c.expect(r"^\[left\] .*IVI: link media up, 10.42.0.1$", timeout=300)
    c.expect(r"^\[right\] .*IVI: link media up, 10.42.0.2$", timeout=300)
    c.expect(r"^\[left\] .*ivi:/# ", timeout=120)
    s, _ = c.expect(r"^\[right\] .*ivi:/# ", timeout=120)
    time.sleep(2)

    # Ping both ways.
    i = focus(c, 0, "left", s)
    run(c, "left", "ping -c 3 10.42.0.2", r"3 packets transmitted, 3 packets received, 0% packet loss$", 120, i)
    i = focus(c, 1, "right", i)
    run(c, "right", "ping -c 3 10.42.0.1", r"3 packets transmitted, 3 packets received, 0% packet loss$", 120, i)

    # 16 MiB over TCP with busybox nc: right listens, left sends; both checksum what they have.
    type_line(c, "nc -l -p 5000 > /tmp/in; echo RX-$(md5sum < /tmp/in) $(wc -c < /tmp/in)")
    time.sleep(2)
    i = focus(c, 0, "left", i)
    _, tx = run(c, "left", "dd if=/dev/urandom of=/tmp/out bs=1M count=16 2>/dev/null; echo TX-$(md5sum < /tmp/out)",
                r"TX-([0-9a-f]{32})", 600, i)
    type_line(c, "nc -w 5 10.42.0.2 5000 < /tmp/out; echo SENT-$?")
    _, rx = c.expect(r"^\[right\] .*RX-([0-9a-f]{32})\s+-?\s*(\d+)$", timeout=900, start=i)
    assert rx.group(1) == tx.group(1), c.tail()
    assert int(rx.group(2)) == 16 << 20, c.tail()
    c.expect(r"^\[left\] .*SENT-0$", timeout=120, start=i)

    # The receiver takes its interface down (its RX buffers are no longer refilled): the sender's
    # frames are dropped by the link, the sender goes on (ping ends, TX counter grows), and once
    # the receiver is back, frames pass again.
    i = focus(c, 1, "right", i)
    run(c, "right", "ifconfig eth0 down; echo DOWN-OK", r"DOWN-OK$", 60, i)
    i = focus(c, 0, "left", i)
    run(c, "left", "ping -c 300 -i 0.01 -W 1 10.42.0.2 >/dev/null; echo PING-DONE-$?", r"PING-DONE-1$", 300, i)
    run(c, "left", "ping -c 4 -W 1 10.42.0.2", r"4 packets transmitted, 0 packets received, 100% packet loss$",
        120, i)
    i = focus(c, 1, "right", i)
    run(c, "right", "ifconfig eth0 up; echo UP-OK", r"UP-OK$", 60, i)
    time.sleep(3)
    i = focus(c, 0, "left", i)
    run(c, "left", "ping -c 3 10.42.0.2", r"3 packets transmitted, 3 packets received, 0% packet loss$", 120, i)
    assert not c.matching(r"^\[septum\] partition .*(fault|needs reset|halted)"), c.tail()
    assert not [line for line in c.lines if re.search(r"^\[(left|right)\] .*(Oops|BUG|Call trace)", line)], c.tail()
