# SPDX-License-Identifier: Apache-2.0
"""Time partitioning under QEMU -icount: partitions that share CPU 0 under a static cyclic schedule.

The hud probe (tests/partitions/hud) reads the generic counter in a loop; a jump of more
than 50 us between two reads is a window of someone else, and the read after it is the
start of its own window ("window <start> out <last read before the jump>"). The kernel
prints the schedule's epoch (start of major frame 0); every scheduled start is
epoch + k * major + offset. Under -icount (1 instruction = 1 ns, 16 ns per tick) the
figures are path lengths, not host speed.
"""
import re

import pytest

from conftest import build

ICOUNT = ["-icount", "shift=0,sleep=off"]
#: The generator's switch-cost budget (generator/checks/schedule.py SWITCH_COST_US = 50 us), in ticks.
BOUND = 50 * 62500 // 1000
WINDOW = r"^\[%s\] (?:masked )?window (\d+) out (\d+)"


def phase(t, epoch, offset, major):
    """Where counter value t lies relative to the scheduled points epoch + k * major + offset."""
    return (t - epoch - offset) % major


def windows(c, who, start=0, stop=None):
    rows = [(i, int(m.group(1)), int(m.group(2))) for i, m in c.matching(WINDOW % who, start)]
    return [r for r in rows if stop is None or r[0] < stop]


def check_on_schedule(rows, epoch, start_off, end_off, major, c):
    """Every observed start lies at most BOUND after its scheduled start; every window ran until just before its end
    and not past it."""
    assert rows, c.tail()
    for _, s, o in rows:
        assert phase(s, epoch, start_off, major) <= BOUND, (s, phase(s, epoch, start_off, major), c.tail())
        # The last read before the switch lies just before the scheduled end (within BOUND), never after
        # it (one tick of counter resolution aside): a window is never extended, not even with interrupts
        # masked. Under icount the EL2 timer's interrupt is taken at the instruction where it expires.
        p = phase(o, epoch, end_off, major)
        assert p >= major - BOUND or p <= 1, (o, p, c.tail())


@pytest.mark.req("SRS-SCHED-003")
@pytest.mark.req("SRS-SCHED-004")
@pytest.mark.req("SRS-SCHED-005")
@pytest.mark.req("SRS-SCHED-006")
@pytest.mark.req("SRS-SCHED-007")
@pytest.mark.hard_timeout(900)
def test_cluster_and_hud_share_cpu0_on_schedule(boot):
    """cluster 6 ms + hud 4 ms in a 10 ms frame: both render; the hud's windows start on schedule,
    its masked spin is cut at its window end, its timer due in the cluster's window fires at its
    next window start, and its restart leaves the cluster rendering."""
    image, _ = build("tests/integration/systems/hud.yaml", "hud")
    c = boot(image, ICOUNT)
    _, m = c.expect(r"^\[septum\] schedule epoch 0x([0-9a-f]+)$", timeout=60)
    epoch, major, hud_off = int(m.group(1), 16), 625000, 375000
    c.expect(r"^\[cluster\] frame 0 ", timeout=120)
    # PMU and debug registers of the shared CPU: the cycle counter never starts, no breakpoint is armed.
    c.expect(r"^\[hud\] pmu pmcr 0 ccntr 0 debug bcr0 0 mdscr 0$", timeout=120)
    f, m = c.expect(r"^\[hud\] timer due (\d+) fired (\d+)$", timeout=600)
    due, fired = int(m.group(1)), int(m.group(2))
    # Due inside the cluster's window; delivered at the start of the hud's next window.
    assert phase(due, epoch, 0, major) < hud_off, (due, c.tail())
    assert phase(fired, epoch, hud_off, major) <= BOUND, (fired, phase(fired, epoch, hud_off, major), c.tail())
    assert fired - due < major, c.tail()
    c.expect(r"^\[hud\] local timer fired$", timeout=10)
    z, _ = c.expect(r"^\[hud\] hud: fault now$", timeout=300, start=f)
    masked = windows(c, "hud", f, z)
    assert len(masked) == 4 and all("masked" in c.lines[i] for i, _, _ in masked), c.tail()
    check_on_schedule(windows(c, "hud", 0, z), epoch, hud_off, 0, major, c)
    r, _ = c.expect(r"^\[septum\] partition 'hud' fault: .* restarting \(restart 1\)$", timeout=60, start=z)
    c.expect(r"^\[hud\] hud up \(life 1,", timeout=120, start=r)
    w, _ = c.expect(WINDOW % "hud", timeout=120, start=r)
    check_on_schedule(windows(c, "hud", w), epoch, hud_off, 0, major, c)
    # The cluster renders on: frames after the hud's restart, none of them a period late.
    _, m0 = c.expect(r"^\[cluster\] frame (\d+) ", timeout=300, start=r)
    c.expect(r"^\[cluster\] frame %d " % (int(m0.group(1)) + 1), timeout=300, start=r)
    assert not c.matching(r"^\[septum\] partition 'cluster' (fault|watchdog)"), c.tail()
    frames = c.matching(r"^\[cluster\] frame \d+ .* late (\d+)")
    assert frames and all(m.group(1) == "0" for _, m in frames), c.tail()


@pytest.mark.req("SRS-SCHED-003")
@pytest.mark.req("SRS-SCHED-005")
@pytest.mark.req("SRS-SCHED-007")
@pytest.mark.hard_timeout(900)
def test_restart_of_one_partition_leaves_the_others_windows_unchanged(boot):
    """hud 1.2 ms + tell 0.6 ms + idle 0.2 ms in a 2 ms frame: both observe their window starts on
    schedule; tell faults and restarts; hud's windows before and after are on the same schedule."""
    image, _ = build("tests/integration/systems/sched.yaml", "sched")
    c = boot(image, ICOUNT)
    _, m = c.expect(r"^\[septum\] schedule epoch 0x([0-9a-f]+)$", timeout=60)
    epoch, major, tell_off = int(m.group(1), 16), 125000, 75000
    for who in ("hud", "tell"):
        c.expect(r"^\[%s\] pmu pmcr 0 ccntr 0 debug bcr0 0 mdscr 0$" % who, timeout=120)
    r, _ = c.expect(r"^\[septum\] partition 'tell' fault: .* restarting \(restart 1\)$", timeout=600)
    c.expect(r"^\[tell\] hud up \(life 1,", timeout=120, start=r)
    w, _ = c.expect(WINDOW % "tell", timeout=120, start=r)
    h, _ = c.expect(WINDOW % "hud", timeout=120, start=w)
    c.expect(WINDOW % "hud", timeout=120, start=h + 1)
    before, after = windows(c, "hud", 0, r), windows(c, "hud", r)
    assert len(before) >= 8 and len(after) >= 2, c.tail()
    check_on_schedule(before + after, epoch, 0, 75000, major, c)
    # The window before idle time ends at 1.8 ms: tell's out reads lie just before it.
    check_on_schedule(windows(c, "tell"), epoch, tell_off, 112500, major, c)
    # The switch hud -> tell measured in this run: from hud's last counter read in its window to tell's
    # first in its own. Each tell window starts late by at most that (hud's last read is not after the end).
    hud_outs = sorted(o for _, _, o in windows(c, "hud"))
    switches = []
    for _, s, _ in windows(c, "tell"):
        prior = [o for o in hud_outs if o < s]
        if prior and s - prior[-1] <= BOUND:
            switches.append(s - prior[-1])
            assert phase(s, epoch, tell_off, major) <= s - prior[-1], (s, prior[-1], c.tail())
    assert len(switches) >= 8, c.tail()
    jitter = [phase(s, epoch, 0, major) for _, s, _ in before + after]
    print(f"hud window-start deviation: min {min(jitter)} max {max(jitter)} ticks over {len(jitter)} windows; "
          f"switch hud -> tell measured: min {min(switches)} max {max(switches)} ticks over {len(switches)}")
