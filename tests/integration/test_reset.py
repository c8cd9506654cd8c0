# SPDX-License-Identifier: Apache-2.0
"""A restart is a reset: no EL1 register, timer, PMU, debug or FP state and no held interrupt survives it."""
import re

import pytest

from conftest import build

LIVES = 101  # the first life and 100 restarts in a row (tests/partitions/reset RESET_LIVES)


@pytest.mark.req("SRS-HEALTH-006")
@pytest.mark.req("SRS-HEALTH-001")
def test_every_el1_register_is_at_reset_after_100_restarts_and_cpu_on_and_interrupts_work_again(boot):
    image, _ = build("tests/integration/systems/reset.yaml", "reset")
    c = boot(image)
    c.expect(r"^\[reset\] reset: soak done$", timeout=600)
    lives = [int(m.group(1)) for _, m in c.matching(r"^\[reset\] reset: life (\d+)$")]
    assert lives == list(range(LIVES)), c.tail()
    # Every life, and each of the two CPU_ONs of vCPU 1 in it, finds every register at its reset value.
    for who in ("vcpu0", "vcpu1", "vcpu1 again"):
        reports = [m.group(1) for _, m in c.matching(r"^\[reset\] reset: %s: (\d+) registers checked, 0 survivors$" % who)]
        assert len(reports) == LIVES, c.tail()
        assert len(set(reports)) == 1 and int(reports[0]) >= 45, reports[:3]
    assert not c.matching(r"SURVIVED|FAIL"), [m.string for _, m in c.matching(r"SURVIVED|FAIL")][:20]
    # The EL1 timer armed in the previous life neither fires into the next one nor stays dead.
    assert len(c.matching(r"^\[reset\] reset: vtimer fires$")) == LIVES, c.tail()
    # Identical output in every life, hypervisor lines included (apart from the numbers that count).
    # Each writer's lines keep their order; lines of different writers (the partition, the
    # hypervisor of each CPU) are not ordered among themselves on the console, so each writer's
    # sequence is compared on its own.
    def life_text(n):
        start = c.matching(r"^\[reset\] reset: life %d$" % n)[0][0]
        end = c.matching(r"^\[reset\] reset: life %d$" % (n + 1))[0][0]
        lines = [re.sub(r"\d+", "N", l) for l in c.lines[start:end]]
        return ([l for l in lines if not l.startswith("[septum]")],
                [l for l in lines if l.startswith("[septum]")])
    first = life_text(2)
    for n in range(3, LIVES - 1):
        assert life_text(n) == first, (n, life_text(n), first)
    assert "[septum] partition 'reset' restarted" in first[1]
    # The pass-through RTC interrupt was active (not EOIed) when life 0 faulted; it fires in life 1.
    i, _ = c.expect(r"^\[reset\] reset: rtc alarm taken; faulting before its EOI$")
    j, _ = c.expect(r"^\[septum\] partition 'reset' restarted$", start=i)
    c.expect(r"^\[reset\] reset: rtc alarm after the restart fires$", start=j)

