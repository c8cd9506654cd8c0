# SPDX-License-Identifier: Apache-2.0
"""E05xx: channels: peers exist, at least two, someone may write, memory is exclusive."""

from __future__ import annotations

from ..layout import PAGE, channel_ctl_ipa, windows
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
    for i, c in enumerate(chans):
        span = c.size + PAGE
        if not ctx.board.in_ram(c.base, c.size) or ctx.board.reserved_overlap(c.base, c.size):
            ctx.error("E0505", c.loc, f"channel '{c.name}' {hexr(c.base, c.size)} is not in usable RAM of "
                      f"board '{ctx.sys.board_name}'")
        for b, s, what, loc in others + [(d.base, d.size + PAGE, f"channel '{d.name}'", d.loc) for d in chans[:i]]:
            if c.base < b + s and b < c.base + span:
                ctx.error("E0505", c.loc, f"channel '{c.name}' {hexr(c.base, span)} (with its control page) "
                          f"overlaps {what} {hexr(b, s)}", [ctx.note(loc, f"{what} defined here")] if loc else None)


@rule("E0506")
def check_channel_windows_free_in_peers(ctx: Context) -> None:
    """A channel's shared region and control page do not collide with anything in a peer's guest-physical space."""
    for c in ctx.sys.channels:
        if c.base is None:
            continue
        for peer in c.peers:
            p = ctx.sys.partition(peer)
            if p is None:
                continue
            mine = [(c.base, c.size, "shared region"), (channel_ctl_ipa(c), PAGE, "control page")]
            theirs = [(r.ipa, r.size, f"memory '{r.name}'") for r in p.regions if r.ipa is not None]
            theirs += [(w.ipa, w.size, w.what) for w in windows(ctx.sys, ctx.board, p)
                       if w.kind != "chanctl" or not w.what.startswith(f"channel '{c.name}'")]
            for b, s, what in mine:
                for tb, ts, twhat in theirs:
                    if b < tb + ts and tb < b + s:
                        ctx.error("E0506", c.peer_locs[peer],
                                  f"channel '{c.name}': its {what} {hexr(b, s)} collides in partition "
                                  f"'{peer}' with its {twhat} {hexr(tb, ts)}")
