# SPDX-License-Identifier: Apache-2.0
"""E02xx: physical memory: in RAM, aligned, exclusive, addressable."""

from __future__ import annotations

from ..layout import hyp_min_size, hyp_rw_top
from . import Context, earlier_overlaps, hexr, rule

PAGE = 0x1000
BLOCK_2M = 0x200000
#: Stage-2 and EL2 translation cover a 39-bit address space (T0SZ = 25).
ADDR_LIMIT = 1 << 39
#: The smallest hypervisor region: 2 MiB text offset plus room for the kernel.
MIN_HYP_SIZE = 4 << 20


def _placed(ctx: Context):
    """Regions with a known physical base, in description order."""
    for p in ctx.sys.partitions:
        for r in p.regions:
            if r.base is not None:
                yield p, r


def _ram_text(ctx: Context) -> str:
    return ", ".join(hexr(b, s) for b, s in ctx.board.ram)


@rule("E0201")
def check_regions_in_ram(ctx: Context) -> None:
    """Every partition memory region lies inside one RAM bank of the board."""
    for p, r in _placed(ctx):
        if not ctx.board.in_ram(r.base, r.size):
            ctx.error("E0201", r.loc,
                      f"partition '{p.name}': memory '{r.name}' {hexr(r.base, r.size)} is outside "
                      f"the RAM of board '{ctx.sys.board_name}' ({_ram_text(ctx)})")
            continue
        res = ctx.board.reserved_overlap(r.base, r.size)
        if res is not None:
            ctx.error("E0201", r.loc,
                      f"partition '{p.name}': memory '{r.name}' {hexr(r.base, r.size)} overlaps "
                      f"reserved memory {res[2]} {hexr(res[0], res[1])} of board '{ctx.sys.board_name}'")


@rule("E0202", needs_board=False)
def check_regions_aligned(ctx: Context) -> None:
    """Region base, guest-physical base and size are multiples of 4 KiB."""
    for p in ctx.sys.partitions:
        for r in p.regions:
            for what, v, key in (("base", r.base, "base"), ("ipa", r.ipa_given, "ipa"),
                                 ("size", r.size, "size")):
                if v is not None and v % PAGE:
                    ctx.error("E0202", ctx.sys.doc.loc(r.path + (key,)),
                              f"partition '{p.name}': memory '{r.name}' {what} {v:#x} is not a "
                              f"multiple of 4 KiB (0x1000)")


@rule("E0203")
def check_partitions_memory_disjoint(ctx: Context) -> None:
    """No two partitions share a byte of physical memory (channels aside)."""
    placed = list(_placed(ctx))
    for i, earlier in earlier_overlaps([(r.base, r.size) for _, r in placed]):
        p, r = placed[i]
        for q, s in (placed[j] for j in earlier):
            if q.name == p.name:
                continue
            if r.base < s.end and s.base < r.end:
                first, second = sorted([(p, r), (q, s)], key=lambda t: (t[1].loc.line, t[1].loc.col))
                (a, ra), (b, rb) = second, first
                ctx.error("E0203", ra.loc,
                          f"partition '{a.name}': memory {hexr(ra.base, ra.size)} overlaps "
                          f"partition '{b.name}' {hexr(rb.base, rb.size)}",
                          [ctx.note(rb.loc, f"'{b.name}' memory defined here")])


@rule("E0204")
def check_hypervisor_memory_disjoint(ctx: Context) -> None:
    """No partition region overlaps the hypervisor's own memory."""
    h = ctx.sys.hypervisor
    if h.base is None:
        return
    for p, r in _placed(ctx):
        if r.base < h.base + h.size and h.base < r.end:
            ctx.error("E0204", r.loc,
                      f"partition '{p.name}': memory {hexr(r.base, r.size)} overlaps the hypervisor "
                      f"{hexr(h.base, h.size)}",
                      [ctx.note(h.loc, "hypervisor memory defined here")])


@rule("E0205")
def check_hypervisor_region(ctx: Context) -> None:
    """The hypervisor region is in RAM, 2 MiB aligned, at least 4 MiB and holds its windows and link buffers."""
    h = ctx.sys.hypervisor
    if h.base is None:
        return
    if h.base % BLOCK_2M or h.size % BLOCK_2M:
        ctx.error("E0205", h.loc,
                  f"hypervisor memory {hexr(h.base, h.size)}: base and size must be multiples of "
                  f"2 MiB (0x200000): the kernel is an arm64 Image loaded at a 2 MiB-aligned base")
    if h.size < MIN_HYP_SIZE:
        ctx.error("E0205", h.loc,
                  f"hypervisor memory size {h.size:#x} is too small; it needs at least 4 MiB "
                  f"(0x400000): the kernel starts 2 MiB into it")
    elif h.size < hyp_min_size(ctx.sys.links, len(ctx.board.cpus)):
        nl = len(ctx.sys.links)
        ctx.error("E0205", h.loc,
                  f"hypervisor memory size {h.size:#x} is too small; it needs at least "
                  f"{hyp_min_size(ctx.sys.links, len(ctx.board.cpus)):#x} plus the partition images: "
                  f"its read/write window of {hyp_rw_top(ctx.sys.links, len(ctx.board.cpus)):#x} bytes at the top "
                  f"holds the state of {len(ctx.board.cpus)} CPUs and the frame buffers of {nl} "
                  f"link{'' if nl == 1 else 's'}")
    if not ctx.board.in_ram(h.base, h.size):
        ctx.error("E0205", h.loc,
                  f"hypervisor memory {hexr(h.base, h.size)} is outside the RAM of board "
                  f"'{ctx.sys.board_name}' ({_ram_text(ctx)})")
    elif ctx.board.reserved_overlap(h.base, h.size):
        res = ctx.board.reserved_overlap(h.base, h.size)
        ctx.error("E0205", h.loc, f"hypervisor memory {hexr(h.base, h.size)} overlaps reserved memory "
                  f"{res[2]} {hexr(res[0], res[1])}")
    if h.base + h.size > ADDR_LIMIT:
        ctx.error("E0205", h.loc, f"hypervisor memory {hexr(h.base, h.size)} ends above 512 GiB, "
                  f"the limit of the EL2 39-bit identity map")


@rule("E0207", needs_board=False)
def check_partition_regions_disjoint(ctx: Context) -> None:
    """The regions of one partition do not overlap each other physically."""
    for p in ctx.sys.partitions:
        rs = [r for r in p.regions if r.base is not None]
        for i, earlier in earlier_overlaps([(r.base, r.size) for r in rs]):
            r = rs[i]
            for s in (rs[j] for j in earlier):
                if r.base < s.end and s.base < r.end:
                    ctx.error("E0207", r.loc,
                              f"partition '{p.name}': memory '{r.name}' {hexr(r.base, r.size)} "
                              f"overlaps its memory '{s.name}' {hexr(s.base, s.size)}",
                              [ctx.note(s.loc, f"'{s.name}' defined here")])


@rule("E0208", needs_board=False)
def check_region_names_unique(ctx: Context) -> None:
    """Region names are unique inside a partition."""
    for p in ctx.sys.partitions:
        seen = {}
        for r in p.regions:
            if r.name in seen:
                ctx.error("E0208", ctx.sys.doc.loc(r.path + ("name",)),
                          f"partition '{p.name}': a second memory region is named '{r.name}'",
                          [ctx.note(seen[r.name].loc, f"first '{r.name}' defined here")])
            else:
                seen[r.name] = r


@rule("E0209", needs_board=False)
def check_partition_ipas_disjoint(ctx: Context) -> None:
    """The guest-physical ranges of one partition's regions do not overlap."""
    for p in ctx.sys.partitions:
        rs = [r for r in p.regions if r.ipa is not None]
        for i, earlier in earlier_overlaps([(r.ipa, r.size) for r in rs]):
            r = rs[i]
            for s in (rs[j] for j in earlier):
                if r.ipa < s.ipa + s.size and s.ipa < r.ipa + r.size:
                    ctx.error("E0209", r.loc,
                              f"partition '{p.name}': memory '{r.name}' guest-physical range "
                              f"{hexr(r.ipa, r.size)} overlaps '{s.name}' {hexr(s.ipa, s.size)}",
                              [ctx.note(s.loc, f"'{s.name}' defined here")])


@rule("E0212", needs_board=False)
def check_addressable(ctx: Context) -> None:
    """Physical and guest-physical ranges end below 512 GiB (39-bit translation)."""
    for p in ctx.sys.partitions:
        for r in p.regions:
            for what, v in (("physical", r.base), ("guest-physical", r.ipa)):
                if v is not None and v + r.size > ADDR_LIMIT:
                    ctx.error("E0212", r.loc,
                              f"partition '{p.name}': memory '{r.name}' {what} range "
                              f"{hexr(v, r.size)} ends above 512 GiB ({ADDR_LIMIT:#x}), "
                              f"the limit of the 39-bit translation regime")


@rule("E0206")
def check_regions_clear_of_devices(ctx: Context) -> None:
    """No partition region overlaps a device register window of the board."""
    wins = ctx.board.mmio_windows()
    for p, r in _placed(ctx):
        for b, s, path in wins:
            if r.base < b + s and b < r.end:
                ctx.error("E0206", r.loc,
                          f"partition '{p.name}': memory '{r.name}' {hexr(r.base, r.size)} overlaps "
                          f"the registers of device {path} {hexr(b, s)}")
                break


@rule("E0211", needs_board=False)
def check_linux_kernel_region_2m(ctx: Context) -> None:
    """A Linux partition's first region (where its kernel goes) is 2 MiB aligned, physical and guest-physical."""
    for p in ctx.sys.partitions:
        if p.image.kind != "linux":
            continue
        r = p.regions[0]
        for what, v in (("base", r.base), ("guest-physical base", r.ipa)):
            if v is not None and v % BLOCK_2M:
                ctx.error("E0211", r.loc,
                          f"partition '{p.name}': memory '{r.name}' {what} {v:#x} is not 2 MiB aligned; "
                          f"the arm64 Linux boot protocol loads the kernel at a 2 MiB-aligned base")
                break


@rule("E0213")
def check_ipas_clear_of_windows(ctx: Context) -> None:
    """A partition's regions do not overlap its emulated windows (vGIC, vUART) or its pass-through devices."""
    from ..layout import windows
    for p in ctx.sys.partitions:
        wins = windows(ctx.sys, ctx.board, p)
        for r in p.regions:
            if r.ipa is None:
                continue
            for w in wins:
                if w.kind == "chanctl":
                    continue  # E0506 reports channel collisions
                if r.ipa < w.ipa + w.size and w.ipa < r.ipa + r.size:
                    ctx.error("E0213", r.loc,
                              f"partition '{p.name}': memory '{r.name}' guest-physical range "
                              f"{hexr(r.ipa, r.size)} overlaps its {w.what} {hexr(w.ipa, w.size)}")


@rule("W0201", severity="warning")
def check_large_regions_use_blocks(ctx: Context) -> None:
    """A region of 2 MiB or more whose physical and guest-physical bases are not 2 MiB co-aligned is mapped with 4 KiB pages (a warning)."""
    for p, r in _placed(ctx):
        if (r.base | r.size | (r.ipa or 0)) % PAGE:
            continue  # E0202 reports it
        if r.size >= BLOCK_2M and (r.base % BLOCK_2M or (r.ipa or 0) % BLOCK_2M):
            ctx.warning("W0201", r.loc,
                        f"partition '{p.name}': memory '{r.name}' {hexr(r.base, r.size)} is not 2 MiB "
                        f"aligned, so stage 2 maps it with 4 KiB pages (more TLB misses)")
