# SPDX-License-Identifier: Apache-2.0
"""E07xx: health policies: subscribers exist, restart budgets are consistent."""

from __future__ import annotations

from . import Context, rule


@rule("E0702", needs_board=False)
def check_subscribers_exist(ctx: Context) -> None:
    """Health subscribers are other partitions of the description, each listed once."""
    names = [p.name for p in ctx.sys.partitions]
    for p in ctx.sys.partitions:
        seen = set()
        for s, loc in p.health.subscribers:
            if s not in names:
                ctx.error("E0702", loc, f"partition '{p.name}': subscriber '{s}' is not a partition")
            elif s == p.name:
                ctx.error("E0702", loc, f"partition '{p.name}' cannot subscribe to its own state changes")
            elif s in seen:
                ctx.error("E0702", loc, f"partition '{p.name}': subscriber '{s}' is listed twice")
            seen.add(s)


@rule("E0703", needs_board=False)
def check_restart_budget(ctx: Context) -> None:
    """max_restarts and restart_window_ms go with on_fault: restart, and a window needs a budget."""
    for p in ctx.sys.partitions:
        h = p.health
        loc = ctx.sys.doc.loc(p.path + ("health",))
        if h.on_fault not in ("restart", "inject") and (h.max_restarts or h.restart_window_ms):
            ctx.error("E0703", loc, f"partition '{p.name}': max_restarts/restart_window_ms need "
                      f"on_fault: restart (it is '{h.on_fault}')")
        elif h.restart_window_ms and not h.max_restarts:
            ctx.error("E0703", loc, f"partition '{p.name}': restart_window_ms without max_restarts; "
                      f"give the number of restarts allowed in the window")


@rule("E0710", needs_board=False)
def check_injected_fault_budget(ctx: Context) -> None:
    """max_injected_faults goes with on_fault: inject, and on_fault: inject needs it."""
    for p in ctx.sys.partitions:
        h = p.health
        loc = ctx.sys.doc.loc(p.path + ("health",))
        if h.on_fault != "inject" and h.max_injected_faults:
            ctx.error("E0710", loc, f"partition '{p.name}': max_injected_faults needs on_fault: inject "
                      f"(it is '{h.on_fault}')")
        elif h.on_fault == "inject" and not h.max_injected_faults:
            ctx.error("E0710", loc, f"partition '{p.name}': on_fault: inject needs max_injected_faults "
                      f"(aborts given to the guest per restart_window_ms before it is restarted)")


@rule("E0711", needs_board=False)
def check_control_targets(ctx: Context) -> None:
    """A partition controls other partitions of the description, each listed once."""
    names = [p.name for p in ctx.sys.partitions]
    for p in ctx.sys.partitions:
        seen = set()
        for c, loc in p.control:
            if c not in names:
                ctx.error("E0711", loc, f"partition '{p.name}': controlled partition '{c}' is not a partition")
            elif c == p.name:
                ctx.error("E0711", loc, f"partition '{p.name}' cannot control itself (its own reset is PSCI "
                          f"SYSTEM_RESET)")
            elif c in seen:
                ctx.error("E0711", loc, f"partition '{p.name}': controlled partition '{c}' is listed twice")
            seen.add(c)
