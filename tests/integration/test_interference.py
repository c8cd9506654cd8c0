# SPDX-License-Identifier: Apache-2.0
"""Freedom from interference: whatever the interferer does, the cluster renders on time.

Run under `-icount shift=0,sleep=off`, so that time is the instructions executed
(EL2 included) and the result does not depend on how busy the host is.
"""
import re

import pytest

from conftest import build

ICOUNT = ["-icount", "shift=0,sleep=off"]
WD = r"^\[septum\] partition 'interferer' watchdog: no heartbeat in time \u2014 halted$"


def frames(c, start, end):
    """(frame number, late count) of every cluster frame line in [start, end)."""
    return [(int(m.group(1)), int(m.group(2))) for i, m in
            c.matching(r"^\[cluster\] frame (\d+) .* late (\d+)", start) if i < end]


@pytest.mark.req("SRS-CON-001")
@pytest.mark.req("SRS-CON-003")
@pytest.mark.req("SRS-CHAN-003")
@pytest.mark.req("SRS-ISO-005")
@pytest.mark.req("SRS-HEALTH-004")
def test_interferer_does_not_delay_the_cluster_and_cannot_dodge_its_watchdog(boot):
    image, _ = build("tests/integration/systems/interference.yaml", "interference")
    c = boot(image, ICOUNT)
    up, _ = c.expect(r"^\[interferer\] interferer: phase console starts$", timeout=120)
    done = {}
    for name in ("console", "doorbell", "sgi", "setway"):
        done[name], m = c.expect(r"^\[interferer\] interferer: phase %s done: (\d+)" % name, timeout=300, start=up)
        assert int(m.group(1)) > 0, c.tail()
    # The cluster's lines kept coming during the flood, between its whole lines.
    assert len(frames(c, up, done["console"])) >= 3, c.tail()
    # The flood reached the console as whole lines, with ESC, CSI and UTF-8 shown escaped.
    flood = c.matching(r"^\[interferer\] flood ", up)
    assert len(flood) > 10, c.tail()
    assert all(line_ok for line_ok in (re.fullmatch(
        r"\[interferer\] flood \\x1b\[2J\\x1b\[H\\x9b31m \\xc2\\xb0 0123456789abcdefghijklmnopqrstuvwxyz",
        c.lines[i]) for i, _ in flood)), c.tail()
    assert not any("\x1b" in line for line in c.lines), c.tail()
    # The read-only peer's doorbells were bounded.
    _, m = c.expect(r"^\[interferer\] interferer: phase doorbell done: (\d+) rings, (\d+) throttled$", start=up)
    assert int(m.group(2)) > 0 and int(m.group(2)) < int(m.group(1)), c.tail()
    # Powering vCPU 0 off does not escape the watchdog.
    off, _ = c.expect(r"^\[interferer\] interferer: phase cpu-off: vCPU 0 off$", timeout=120, start=up)
    wd, _ = c.expect(WD, timeout=120, start=off)
    assert not c.matching(r"^\[interferer\] interferer: still here", off), c.tail()
    # The cluster: no late frame, no gap, before, during and after all of it.
    last, m = c.expect(r"^\[cluster\] frame (\d+) ", timeout=120, start=wd + 1)
    c.expect(r"^\[cluster\] frame %d " % (int(m.group(1)) + 5), timeout=120, start=last)
    seen = frames(c, 0, len(c.lines))
    during = [f for f, _ in seen if f >= frames(c, up, len(c.lines))[0][0]]
    assert len(during) >= 10, c.tail()
    assert [f for f, _ in seen] == list(range(seen[0][0], seen[0][0] + len(seen))), c.tail()
    assert all(late == 0 for _, late in seen), c.tail()
    assert not c.matching(r"^\[septum\] partition 'cluster' (?!ready$)", 0), c.tail()
