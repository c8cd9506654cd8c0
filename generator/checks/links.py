# SPDX-License-Identifier: Apache-2.0
"""E08xx: links (virtio-net cables): two distinct existing peers, MTU and queue size in range,
the device window and interrupt free in each peer, MACs unicast and per peer."""

from __future__ import annotations

from ..layout import FIRST_SPI, MAX_INTID, PAGE, windows, virqs
from . import Context, hexr, rule

#: MTU bounds: IPv4's minimum (RFC 791) and a jumbo frame; the copy per frame is bounded by it.
MTU_MIN, MTU_MAX = 68, 9000
#: Split virtqueue size: a power of two (virtio 1.2 section 2.7), at most 256 descriptors (bounded work per NOTIFY).
QUEUE_MIN, QUEUE_MAX = 2, 256


def _peer_names(ln):
    return [n for n, _ in ln.peers]


@rule("E0801", needs_board=False)
def check_link_peers_exist(ctx: Context) -> None:
    """Every link peer is a partition of the description."""
    names = [p.name for p in ctx.sys.partitions]
    for ln in ctx.sys.links:
        for n, loc in ln.peers:
            if n not in names:
                ctx.error("E0801", loc, f"link '{ln.name}': peer '{n}' is not a partition "
                          f"(partitions: {', '.join(names)})")


@rule("E0802", needs_board=False)
def check_link_has_two_peers(ctx: Context) -> None:
    """A link joins exactly two partitions."""
    for ln in ctx.sys.links:
        if len(ln.peers) != 2:
            ctx.error("E0802", ln.loc, f"link '{ln.name}' has {len(ln.peers)} peer(s); a link is a cable "
                      f"between exactly two partitions (use one link per pair)")


@rule("E0803", needs_board=False)
def check_link_peers_differ(ctx: Context) -> None:
    """A link does not join a partition to itself (no partition twice in one link)."""
    for ln in ctx.sys.links:
        seen = set()
        for n, loc in ln.peers:
            if n in seen:
                ctx.error("E0803", loc, f"link '{ln.name}': partition '{n}' is named twice; "
                          f"a link joins two different partitions")
            seen.add(n)


@rule("E0804", needs_board=False)
def check_link_mtu(ctx: Context) -> None:
    """A link's MTU lies in 68..9000."""
    for ln in ctx.sys.links:
        if not MTU_MIN <= ln.mtu <= MTU_MAX:
            ctx.error("E0804", ln.mtu_loc, f"link '{ln.name}': mtu {ln.mtu} is out of range "
                      f"{MTU_MIN}..{MTU_MAX}")


@rule("E0805", needs_board=False)
def check_link_queue_size(ctx: Context) -> None:
    """A link's queue size is a power of two in 2..256."""
    for ln in ctx.sys.links:
        q = ln.queue_size
        if not (QUEUE_MIN <= q <= QUEUE_MAX and (q & (q - 1)) == 0):
            ctx.error("E0805", ln.queue_size_loc, f"link '{ln.name}': queue_size {q} is not a power of two "
                      f"in {QUEUE_MIN}..{QUEUE_MAX}")


@rule("E0806")
def check_link_window_free(ctx: Context) -> None:
    """A link's device window is page aligned and free in each peer's guest-physical space."""
    for ln in ctx.sys.links:
        if ln.base is None:
            continue  # placement already said why (E0806)
        if ln.base % PAGE:
            ctx.error("E0806", ln.base_loc, f"link '{ln.name}': base {ln.base:#x} is not a multiple of 4 KiB")
            continue
        for n in dict.fromkeys(_peer_names(ln)):
            p = ctx.sys.partition(n)
            if p is None:
                continue
            theirs = [(r.ipa, r.size, f"memory '{r.name}'") for r in p.regions if r.ipa is not None]
            theirs += [(w.ipa, w.size, w.what) for w in windows(ctx.sys, ctx.board, p)
                       if not (w.kind == "virtio" and w.what.startswith(f"link '{ln.name}'"))]
            for tb, ts, twhat in theirs:
                if ln.base < tb + ts and tb < ln.base + PAGE:
                    ctx.error("E0806", ln.base_loc, f"link '{ln.name}': its device window {hexr(ln.base, PAGE)} "
                              f"collides in partition '{n}' with its {twhat} {hexr(tb, ts)}")


@rule("E0807")
def check_link_irq_free(ctx: Context) -> None:
    """A link's given interrupt is an SPI that no other device or link of either peer uses."""
    given = {}
    for ln in ctx.sys.links:
        if ln.irq is None:
            continue
        if not FIRST_SPI <= ln.irq <= MAX_INTID:
            ctx.error("E0807", ln.irq_loc, f"link '{ln.name}': irq {ln.irq} is not an SPI "
                      f"({FIRST_SPI}..{MAX_INTID})")
            continue
        for n in dict.fromkeys(_peer_names(ln)):
            p = ctx.sys.partition(n)
            if p is None:
                continue
            used = [(v, what) for v, what, _ in virqs(ctx.sys, ctx.board, p)]
            used += [(ln.irq, f"link '{other}'") for other in given.get((n, ln.irq), [])]
            for v, what in used:
                if v == ln.irq:
                    ctx.error("E0807", ln.irq_loc, f"link '{ln.name}': irq {ln.irq} is already used in "
                              f"partition '{n}' by {what}")
            given.setdefault((n, ln.irq), []).append(ln.name)


@rule("E0808", needs_board=False)
def check_link_macs(ctx: Context) -> None:
    """A link's given MACs name its peers and are unicast, non-zero and different."""
    for ln in ctx.sys.links:
        seen = {}
        for n, (mac, loc) in ln.macs.items():
            first = int(mac.split(":")[0], 16)
            if n not in _peer_names(ln):
                ctx.error("E0808", loc, f"link '{ln.name}': mac for '{n}', which is not a peer of the link")
            elif first & 1 or mac.replace(":", "").strip("0") == "":
                ctx.error("E0808", loc, f"link '{ln.name}': mac {mac} of '{n}' is multicast or zero; "
                          f"use a unicast address (first byte even, e.g. 02:...)")
            elif mac.lower() in seen:
                ctx.error("E0808", loc, f"link '{ln.name}': mac {mac} of '{n}' is also '{seen[mac.lower()]}'s")
            seen[mac.lower()] = n
