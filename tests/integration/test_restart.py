# SPDX-License-Identifier: Apache-2.0
"""The health monitor restarts a faulting partition within its budget, then halts it; others never notice."""
import pytest

from conftest import build

FAULT = r"^\[septum\] partition 'probe' fault: data abort, translation fault level \d, read at IPA 0x4c200000 \(ESR 0x[0-9a-f]+\) \u2014 "


@pytest.mark.req("SRS-HEALTH-001")
@pytest.mark.req("SRS-HEALTH-002")
@pytest.mark.req("SRS-ISO-004")
def test_faulting_partition_is_restarted_scrubbed_then_halted_when_budget_is_used_up(boot):
    image, _ = build("tests/integration/systems/restart.yaml", "restart")
    c = boot(image)
    start = 0
    for n in (1, 2):
        c.expect(r"^\[probe\] probe: memory clean$", timeout=60, start=start)
        i, _ = c.expect(FAULT + r"restarting \(restart %d\)$" % n, timeout=60, start=start)
        start, _ = c.expect(r"^\[septum\] partition 'probe' restarted$", timeout=60, start=i)
        c.expect(r"^\[probe\] probe up$", timeout=60, start=start)
    c.expect(r"^\[probe\] probe: memory clean$", timeout=60, start=start)
    i, _ = c.expect(FAULT + r"restart budget \(2 in 600000 ms\) used up: halted$", timeout=60, start=start)
    # The cluster rendered throughout and goes on.
    first, m0 = c.expect(r"^\[cluster\] frame (\d+) ", timeout=30, start=i + 1)
    c.expect(r"^\[cluster\] frame %d " % (int(m0.group(1)) + 5), timeout=30, start=first)
    frames = [int(m.group(1)) for _, m in c.matching(r"^\[cluster\] frame (\d+) ")]
    assert frames == list(range(frames[0], frames[0] + len(frames))), c.tail()
    assert not c.matching(r"NOT SCRUBBED|ISOLATION BROKEN"), c.tail()
    assert not c.matching(r"^\[probe\] ", i + 1), c.tail()
