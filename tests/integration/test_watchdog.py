# SPDX-License-Identifier: Apache-2.0
"""A partition that stops its heartbeats is caught by its watchdog and handled by its policy."""
import pytest

from conftest import build

WD = r"^\[septum\] partition 'hang' watchdog: no heartbeat in time \u2014 "


@pytest.mark.req("SRS-HEALTH-004")
@pytest.mark.req("SRS-HEALTH-002")
def test_silent_partition_is_restarted_by_its_watchdog_then_halted(boot):
    image, _ = build("tests/integration/systems/watchdog.yaml", "watchdog")
    c = boot(image)
    s, _ = c.expect(r"^\[hang\] hang: heartbeats stop now$", timeout=60)
    # While it sent heartbeats, no watchdog fired.
    assert not c.matching(WD, 0)[:1] or c.matching(WD)[0][0] > s, c.tail()
    i, _ = c.expect(WD + r"restarting \(restart 1\)$", timeout=60, start=s)
    c.expect(r"^\[septum\] partition 'hang' restarted$", timeout=30, start=i)
    s2, _ = c.expect(r"^\[hang\] hang: heartbeats stop now$", timeout=60, start=i)
    h, _ = c.expect(WD + r"restart budget \(1 in 600000 ms\) used up: halted$", timeout=60, start=s2)
    first, m0 = c.expect(r"^\[cluster\] frame (\d+) ", timeout=30, start=h + 1)
    c.expect(r"^\[cluster\] frame %d " % (int(m0.group(1)) + 5), timeout=30, start=first)
    assert not c.matching(r"^\[hang\] ", h + 1), c.tail()
