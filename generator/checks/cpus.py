# SPDX-License-Identifier: Apache-2.0
"""E03xx: physical CPUs: exist, each given to at most one partition."""

from __future__ import annotations

from . import Context, rule


@rule("E0301", needs_board=False)
def check_cpus_exclusive(ctx: Context) -> None:
    """No physical CPU is given to two partitions, unless the CPU has a schedule (time partitioning)."""
    owner = {}
    scheduled = {s.cpu for s in ctx.sys.schedules}
    pairs = sorted(((loc, p, c) for p in ctx.sys.partitions for c, loc in zip(p.cpus, p.cpu_locs)),
                   key=lambda t: (t[0].line, t[0].col))
    for loc, p, c in pairs:
        if c in owner and owner[c][0].name != p.name and c not in scheduled:
            q, qloc = owner[c]
            ctx.error("E0301", loc, f"partition '{p.name}': CPU {c} is already given to partition '{q.name}' "
                      f"(partitions share a CPU only under a schedule: add schedule: cpu{c})",
                      [ctx.note(qloc, f"'{q.name}' takes CPU {c} here")])
        elif c not in owner:
            owner[c] = (p, loc)


@rule("E0302")
def check_cpus_exist(ctx: Context) -> None:
    """Every CPU a partition names exists on the board."""
    n = len(ctx.board.cpus)
    for p in ctx.sys.partitions:
        for c, loc in zip(p.cpus, p.cpu_locs):
            if c >= n:
                ctx.error("E0302", loc, f"partition '{p.name}': CPU {c} does not exist; board "
                          f"'{ctx.sys.board_name}' has CPUs 0..{n - 1}")


@rule("E0303", needs_board=False)
def check_cpus_listed_once(ctx: Context) -> None:
    """A partition lists each of its CPUs once."""
    for p in ctx.sys.partitions:
        seen = {}
        for c, loc in zip(p.cpus, p.cpu_locs):
            if c in seen:
                ctx.error("E0303", loc, f"partition '{p.name}': CPU {c} is listed twice",
                          [ctx.note(seen[c], "first listed here")])
            else:
                seen[c] = loc
