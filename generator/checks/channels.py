# SPDX-License-Identifier: Apache-2.0
"""E05xx: channels: peers exist, at least two, someone may write, memory is exclusive."""

from __future__ import annotations

from ..layout import PAGE, channel_ctl_ipa, overlapping, sorted_items, windows
from . import Context, hexr, rule


@rule("E0501", needs_board=False)
def check_channel_peers_exist(ctx: Context) -> None:
    """Every channel peer is a partition of the description."""
    names = [p.name for p in ctx.sys.partitions]
    for c in ctx.sys.channels:
        for peer in c.peers:
            if peer not in names:
                ctx.error("E0501", c.peer_locs[peer], f"channel '{c.name}': peer '{peer}' is not a partition "
                          f"(partitions: {', '.join(names)})")


@rule("E0502", needs_board=False)
def check_channel_has_two_peers(ctx: Context) -> None:
    """A channel has at least two peers."""
    for c in ctx.sys.channels:
        if len(c.peers) < 2:
            ctx.error("E0502", c.loc, f"channel '{c.name}' has {len(c.peers)} peer(s); a channel connects "
                      f"at least two partitions")


@rule("E0503", needs_board=False)
def check_channel_has_writer(ctx: Context) -> None:
    """At least one peer of a channel may write it."""
    for c in ctx.sys.channels:
        if c.peers and all(v == "ro" for v in c.peers.values()):
            ctx.error("E0503", c.loc, f"channel '{c.name}': every peer is read-only, so nobody can write it; "
                      f"make the producer 'rw'")


@rule("E0504", needs_board=False)
def check_channel_aligned(ctx: Context) -> None:
    """A channel's size and base are multiples of 4 KiB."""
    for c in ctx.sys.channels:
        for what, v in (("size", c.size), ("base", c.base)):
            if v is not None and v % PAGE:
                ctx.error("E0504", c.loc, f"channel '{c.name}': {what} {v:#x} is not a multiple of 4 KiB (0x1000)")


@rule("E0505")
def check_channel_memory_exclusive(ctx: Context) -> None:
    """A channel lies in RAM and overlaps no partition, hypervisor, device or other channel memory."""
    h = ctx.sys.hypervisor
    others = []
    if h.base is not None:
        others.append((h.base, h.size, "the hypervisor", h.loc))
    for p in ctx.sys.partitions:
        others += [(r.base, r.size, f"partition '{p.name}' memory '{r.name}'", r.loc)
                   for r in p.regions if r.base is not None]
    others += [(b, s, f"device {path}", None) for b, s, path in ctx.board.mmio_windows()]
    chans = [c for c in ctx.sys.channels if c.base is not None]
    other_items = sorted_items([(b, s, (what, loc)) for b, s, what, loc in others])
    chan_items = sorted_items([(d.base, d.size + PAGE, k) for k, d in enumerate(chans)])
    for i, c in enumerate(chans):
        span = c.size + PAGE
        if not ctx.board.in_ram(c.base, c.size) or ctx.board.reserved_overlap(c.base, c.size):
            ctx.error("E0505", c.loc, f"channel '{c.name}' {hexr(c.base, c.size)} is not in usable RAM of "
                      f"board '{ctx.sys.board_name}'")
        hits = [(b, s, what, loc) for b, s, (what, loc) in overlapping(other_items, c.base, span)]
        hits += [(b, s, f"channel '{chans[k].name}'", chans[k].loc)
                 for b, s, k in overlapping(chan_items, c.base, span) if k < i]
        for b, s, what, loc in hits:
            ctx.error("E0505", c.loc, f"channel '{c.name}' {hexr(c.base, span)} (with its control page) "
                      f"overlaps {what} {hexr(b, s)}", [ctx.note(loc, f"{what} defined here")] if loc else None)


@rule("E0506")
def check_channel_windows_free_in_peers(ctx: Context) -> None:
    """A channel's shared region and control page do not collide with anything in a peer's guest-physical space."""
    theirs_of = {}
    for p in ctx.sys.partitions:
        its = [(r.ipa, r.size, f"memory '{r.name}'") for r in p.regions if r.ipa is not None]
        its += [(w.ipa, w.size, w.what) for w in windows(ctx.sys, ctx.board, p)]
        theirs_of[p.name] = sorted_items(its)
    for c in ctx.sys.channels:
        if c.base is None:
            continue
        own = f"channel '{c.name}' control page"
        for peer in c.peers:
            if peer not in theirs_of:
                continue
            mine = [(c.base, c.size, "shared region"), (channel_ctl_ipa(c), PAGE, "control page")]
            for b, s, what in mine:
                for tb, ts, twhat in overlapping(theirs_of[peer], b, s):
                    if twhat == own:
                        continue
                    ctx.error("E0506", c.peer_locs[peer],
                              f"channel '{c.name}': its {what} {hexr(b, s)} collides in partition "
                              f"'{peer}' with its {twhat} {hexr(tb, ts)}")


@rule("E0507")
def check_doorbell_intids_fit(ctx: Context) -> None:
    """Every doorbell and health-notification virtual INTID a partition is given is an SPI (at most 1019)."""
    from ..layout import MAX_INTID, allocate_virqs
    for p in ctx.sys.partitions:
        for what, v in allocate_virqs(ctx.sys, ctx.board, p).items():
            if v <= MAX_INTID:
                continue
            if what.startswith("channel:"):
                c = next(c for c in ctx.sys.channels if c.name == what[len("channel:"):])
                ctx.error("E0507", c.peer_locs[p.name], f"partition '{p.name}': no virtual INTID left for the "
                          f"doorbell of channel '{c.name}' (it would be {v}; SPIs end at {MAX_INTID}); "
                          f"give some channels `notify: false` or split the partition's channels")
            else:
                ctx.error("E0507", p.loc, f"partition '{p.name}': no virtual INTID left for its health "
                          f"notifications (it would be {v}; SPIs end at {MAX_INTID})")
            break
