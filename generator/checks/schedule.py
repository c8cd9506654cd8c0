# SPDX-License-Identifier: Apache-2.0
"""E08xx: time partitioning: per-CPU cyclic schedules of windows (major frame, ordered windows)."""

from __future__ import annotations

from typing import Dict, List, Tuple

from . import Context, rule

#: Upper bound of one window switch, in microseconds (measured by `make bench`: a few thousand
#: instructions; this is the budget the kernel's switch is held to at 100 MHz and above).
SWITCH_COST_US = 50
#: Least time a partition gets to run inside a window, beyond the switch.
MIN_RUN_US = 50
#: Shortest window the generator accepts.
MIN_WINDOW_US = SWITCH_COST_US + MIN_RUN_US


def window_layout(s) -> List[Tuple[str, int, int]]:
    """(partition, start offset, length) of each window of a CPU schedule, in order, in microseconds."""
    out, t = [], 0
    for w in s.windows:
        out.append((w.partition, t, w.us))
        t += w.us
    return out


def longest_absence_us(s, name: str) -> int:
    """Longest time partition name does not run on schedule s, across frame boundaries (cyclic)."""
    own = [(a, a + n) for p, a, n in window_layout(s) if p == name]
    if not own:
        return s.major_frame_us
    gaps = [own[i + 1][0] - own[i][1] for i in range(len(own) - 1)]
    gaps.append(s.major_frame_us - own[-1][1] + own[0][0])
    return max(gaps)


def _live(ctx: Context, name: str) -> bool:
    """Is partition name part of the checks (not left out for a schema error)?"""
    return name not in ctx.sys.excluded.get("partitions", [])


@rule("E0901", needs_board=False)
def check_schedule_fills_frame(ctx: Context) -> None:
    """A CPU's windows plus its idle_us fill its major frame exactly."""
    for s in ctx.sys.schedules:
        total = sum(w.us for w in s.windows)
        if total + s.idle_us != s.major_frame_us:
            idle = f" + idle_us {s.idle_us}" if s.idle_us else ""
            hint = (f"add idle_us: {s.major_frame_us - total} to say where the rest goes"
                    if total < s.major_frame_us and not s.idle_us else
                    "make windows and idle_us add up to major_frame_us")
            ctx.error("E0901", s.loc, f"schedule of CPU {s.cpu}: windows ({total} us){idle} do not fill the "
                      f"major frame of {s.major_frame_us} us; {hint}")


@rule("E0902", needs_board=False)
def check_window_partitions_run_there(ctx: Context) -> None:
    """Every window names a partition that has this CPU among its cpus."""
    for s in ctx.sys.schedules:
        for w in s.windows:
            p = ctx.sys.partition(w.partition)
            if p is None:
                if _live(ctx, w.partition):
                    ctx.error("E0902", w.loc, f"schedule of CPU {s.cpu}: window for '{w.partition}', which is "
                              f"not a partition")
            elif s.cpu not in p.cpus:
                ctx.error("E0902", w.loc, f"schedule of CPU {s.cpu}: partition '{p.name}' does not run on CPU "
                          f"{s.cpu} (its cpus: {p.cpus}); add {s.cpu} to its cpus or remove the window",
                          [ctx.note(p.cpu_locs[0] if p.cpu_locs else p.loc, f"'{p.name}' CPUs given here")])


@rule("E0903", needs_board=False)
def check_scheduled_partitions_have_windows(ctx: Context) -> None:
    """Every partition of a scheduled CPU has at least one window on it."""
    for s in ctx.sys.schedules:
        named = {w.partition for w in s.windows}
        for p in ctx.sys.partitions:
            if s.cpu in p.cpus and p.name not in named:
                loc = p.cpu_locs[p.cpus.index(s.cpu)]
                ctx.error("E0903", loc, f"partition '{p.name}' runs on CPU {s.cpu}, but CPU {s.cpu}'s schedule "
                          f"gives it no window: it would never run", [ctx.note(s.loc, "the schedule")])


@rule("E0904", needs_board=False)
def check_window_long_enough(ctx: Context) -> None:
    """A window lasts at least the switch cost plus a minimum run time."""
    for s in ctx.sys.schedules:
        for w in s.windows:
            if w.us < MIN_WINDOW_US:
                ctx.error("E0904", w.loc, f"schedule of CPU {s.cpu}: window of '{w.partition}' lasts {w.us} us, "
                          f"less than {MIN_WINDOW_US} us (switch cost {SWITCH_COST_US} us + {MIN_RUN_US} us "
                          f"of run time)")


@rule("E0905", needs_board=False)
def check_multi_vcpu_aligned(ctx: Context) -> None:
    """A partition with several vCPUs is scheduled on all of its CPUs or none, in aligned windows."""
    by_cpu: Dict[int, object] = {s.cpu: s for s in ctx.sys.schedules}
    for p in ctx.sys.partitions:
        mine = [c for c in p.cpus if c in by_cpu]
        if len(p.cpus) < 2 or not mine:
            continue
        free = [c for c in p.cpus if c not in by_cpu]
        if free:
            ctx.error("E0905", p.cpu_locs[p.cpus.index(free[0])],
                      f"partition '{p.name}' is scheduled on CPU {mine[0]} but not on CPU {free[0]}: its vCPUs "
                      f"would run at different times; schedule all of its CPUs alike, or none",
                      [ctx.note(by_cpu[mine[0]].loc, f"CPU {mine[0]}'s schedule")])
            continue
        ref = by_cpu[mine[0]]
        ref_w = [(a, n) for q, a, n in window_layout(ref) if q == p.name]
        for c in mine[1:]:
            s = by_cpu[c]
            w = [(a, n) for q, a, n in window_layout(s) if q == p.name]
            if s.major_frame_us != ref.major_frame_us or w != ref_w:
                ctx.error("E0905", s.loc, f"partition '{p.name}': its windows on CPU {c} "
                          f"({_show_windows(w, s.major_frame_us)}) are not aligned with those on CPU {mine[0]} "
                          f"({_show_windows(ref_w, ref.major_frame_us)}); a partition's vCPUs run together",
                          [ctx.note(ref.loc, f"CPU {mine[0]}'s schedule")])


def _show_windows(ws, frame: int) -> str:
    return ", ".join(f"[{a}..{a + n}) us" for a, n in ws) + f" of {frame} us"


@rule("E0906", needs_board=False)
def check_watchdog_longer_than_absence(ctx: Context) -> None:
    """A scheduled partition's watchdog period is longer than its longest absence from a CPU."""
    for p in ctx.sys.partitions:
        if not p.health.watchdog_ms:
            continue
        for s in ctx.sys.schedules:
            if s.cpu not in p.cpus or p.name not in {w.partition for w in s.windows}:
                continue
            gap = longest_absence_us(s, p.name)
            if p.health.watchdog_ms * 1000 <= gap:
                ctx.error("E0906", ctx.sys.doc.loc(p.path + ("health", "watchdog_ms")),
                          f"partition '{p.name}': watchdog_ms {p.health.watchdog_ms} is not longer than its "
                          f"longest absence from CPU {s.cpu} ({gap} us): a heartbeat could not come in time",
                          [ctx.note(s.loc, f"CPU {s.cpu}'s schedule")])
                break


@rule("E0907")
def check_scheduled_cpus_exist(ctx: Context) -> None:
    """A schedule names a CPU of the board."""
    n = len(ctx.board.cpus)
    for s in ctx.sys.schedules:
        if s.cpu >= n:
            ctx.error("E0907", s.loc, f"schedule for CPU {s.cpu}, which does not exist; board "
                      f"'{ctx.sys.board_name}' has CPUs 0..{n - 1}")
