# SPDX-License-Identifier: Apache-2.0
"""E04xx: devices and interrupts: exist on the board, owned once, safe to pass through."""

from __future__ import annotations

from ..layout import FIRST_SPI, MAX_INTID, console_intid, page_round, resolve_devices, virqs
from . import Context, hexr, rule

#: Nodes the hypervisor keeps for itself (by compatible prefix).
_HYP_OWNED = ("arm,gic-v3", "arm,gic-v3-its", "arm,armv8-timer", "arm,armv7-timer", "arm,psci")


def _name(dev) -> str:
    return dev.label or dev.path


def _devices(ctx: Context):
    return resolve_devices(ctx.sys, ctx.board)


@rule("E0401")
def check_console_device(ctx: Context) -> None:
    """The hypervisor console names a UART of the board (PL011 or 16550) by DT path or label."""
    h = ctx.sys.hypervisor
    dev = ctx.board.device(h.console)
    if dev is None:
        uarts = sorted(_name(d) for d in ctx.board.devices.values() if d.uart_kind())
        ctx.error("E0401", h.console_loc,
                  f"hypervisor console '{h.console}' is not a device of board "
                  f"'{ctx.sys.board_name}'; its UARTs: {', '.join(uarts) or 'none'}")
    elif not dev.uart_kind() or not dev.regs:
        ctx.error("E0401", h.console_loc,
                  f"hypervisor console '{h.console}' ({dev.path}) is not a UART the hypervisor drives "
                  f"(PL011 or 16550; its compatible: {', '.join(dev.compatible) or 'none'})")


@rule("E0402")
def check_devices_exist(ctx: Context) -> None:
    """Every pass-through device names a node of the board by DT path or label."""
    for p in ctx.sys.partitions:
        for ref, loc, dev in _devices(ctx)[p.name]:
            if dev is None:
                hint = "" if ref.startswith("/") else " (a label, or a path starting with '/')"
                ctx.error("E0402", loc, f"partition '{p.name}': device '{ref}' is not on board "
                          f"'{ctx.sys.board_name}'{hint}")


@rule("E0403")
def check_devices_owned_once(ctx: Context) -> None:
    """A device is passed through to at most one partition, once, and never the hypervisor's console."""
    owner = {}
    con = ctx.board.device(ctx.sys.hypervisor.console)
    for p in ctx.sys.partitions:
        for ref, loc, dev in _devices(ctx)[p.name]:
            if dev is None:
                continue
            if con is not None and dev.path == con.path:
                ctx.error("E0403", loc, f"partition '{p.name}': device '{ref}' is the hypervisor's console",
                          [ctx.note(ctx.sys.hypervisor.console_loc, "the hypervisor takes it here")])
                continue
            if dev.path in owner:
                q, qloc = owner[dev.path]
                what = "twice" if q == p.name else f"to partition '{p.name}' and to partition '{q}'"
                ctx.error("E0403", loc, f"device {dev.path} is passed through {what}",
                          [ctx.note(qloc, f"'{q}' takes it here")])
            else:
                owner[dev.path] = (p.name, loc)


@rule("E0404")
def check_irqs_owned_once(ctx: Context) -> None:
    """A physical interrupt is routed to at most one partition and never is the hypervisor console's."""
    owner = {}
    owner_dev = {}
    ci = console_intid(ctx.sys, ctx.board)
    for p in ctx.sys.partitions:
        routed = []
        for ref, loc, dev in _devices(ctx)[p.name]:
            if dev is not None:
                routed += [(irq.intid, loc, f"device {_name(dev)}", dev.path)
                           for irq in dev.irqs if irq.kind == "spi"]
        routed += [(x.irq, x.loc, "interrupts", None) for x in p.interrupts]
        for intid, loc, via, path in routed:
            if path is not None and path in owner_dev and owner_dev[path] != p.name:
                continue  # the same device twice: E0403 reports it
            if path is not None:
                owner_dev.setdefault(path, p.name)
            if intid == ci:
                ctx.error("E0404", loc, f"partition '{p.name}': interrupt {intid} ({via}) belongs to the "
                          f"hypervisor console", [ctx.note(ctx.sys.hypervisor.console_loc, "console given here")])
            elif intid in owner and owner[intid][1] != loc:
                q, qloc = owner[intid]
                ctx.error("E0404", loc, f"partition '{p.name}': interrupt {intid} ({via}) is already routed "
                          f"to partition '{q}'", [ctx.note(qloc, f"'{q}' takes interrupt {intid} here")])
            else:
                owner.setdefault(intid, (p.name, loc))


@rule("E0405")
def check_irqs_exist(ctx: Context) -> None:
    """An explicitly routed interrupt exists on the board's GIC."""
    last = FIRST_SPI + ctx.board.gic.num_spis - 1
    for p in ctx.sys.partitions:
        for x in p.interrupts:
            if x.irq > last and x.irq >= FIRST_SPI:
                ctx.error("E0405", x.loc, f"partition '{p.name}': interrupt {x.irq} does not exist; the GIC "
                          f"of board '{ctx.sys.board_name}' has SPIs {FIRST_SPI}..{last}")


@rule("E0406", needs_board=False)
def check_irqs_not_reserved(ctx: Context) -> None:
    """SGIs (0-15) and PPIs (16-31) cannot be routed: the hypervisor and the virtual timer own them."""
    for p in ctx.sys.partitions:
        for x in p.interrupts:
            if x.irq < FIRST_SPI:
                kind = "an SGI" if x.irq < 16 else "a PPI"
                ctx.error("E0406", x.loc, f"partition '{p.name}': interrupt {x.irq} is {kind}, reserved "
                          f"for the hypervisor; only SPIs ({FIRST_SPI} and up) can be routed")


@rule("E0407")
def check_dma_devices_identity_mapped(ctx: Context) -> None:
    """A DMA-capable pass-through device without an IOMMU needs its partition identity-mapped (ipa = base)."""
    for p in ctx.sys.partitions:
        moved = [r for r in p.regions if r.ipa_given is not None and r.ipa_given != r.base]
        if not moved:
            continue
        for ref, loc, dev in _devices(ctx)[p.name]:
            if dev is not None and dev.dma and not dev.iommu:
                r = moved[0]
                ctx.error("E0407", loc,
                          f"partition '{p.name}': device '{ref}' can do DMA and has no IOMMU, but memory "
                          f"'{r.name}' is not identity-mapped (ipa {r.ipa_given:#x} != base {r.base:#x}); "
                          f"the device would write to the wrong physical memory",
                          [ctx.note(r.loc, f"'{r.name}' defined here; drop its ipa")])


@rule("E0408")
def check_virqs_unique(ctx: Context) -> None:
    """A partition's virtual INTIDs are SPIs (32..1019) and unique (vUART, devices, routed interrupts)."""
    for p in ctx.sys.partitions:
        seen = {}
        for v, what, loc in virqs(ctx.sys, ctx.board, p):
            where = loc or p.loc
            if not FIRST_SPI <= v <= MAX_INTID:
                ctx.error("E0408", where, f"partition '{p.name}': virtual interrupt {v} ({what}) must be an "
                          f"SPI ({FIRST_SPI}..{MAX_INTID})")
            elif v in seen:
                ctx.error("E0408", where, f"partition '{p.name}': virtual interrupt {v} ({what}) is already "
                          f"used by {seen[v][0]}",
                          [ctx.note(seen[v][1], "first used here")] if seen[v][1] else None)
            else:
                seen[v] = (what, loc)


@rule("E0409")
def check_devices_passable(ctx: Context) -> None:
    """A pass-through device has registers and is not one the hypervisor keeps (GIC, ITS, timer, PSCI)."""
    for p in ctx.sys.partitions:
        for ref, loc, dev in _devices(ctx)[p.name]:
            if dev is None:
                continue
            if any(c.startswith(_HYP_OWNED) for c in dev.compatible):
                ctx.error("E0409", loc, f"partition '{p.name}': device '{ref}' ({dev.path}) is owned by "
                          f"the hypervisor and cannot be passed through")
            elif not any(s for _, s in dev.regs):
                ctx.error("E0409", loc, f"partition '{p.name}': device '{ref}' ({dev.path}) has no "
                          f"memory-mapped registers to pass through")


@rule("E0410")
def check_device_pages_exclusive(ctx: Context) -> None:
    """Pass-through devices of different owners never share a 4 KiB page (stage 2 maps whole pages)."""
    pages = {}
    h = ctx.board.device(ctx.sys.hypervisor.console)
    g = ctx.board.gic
    hyp_wins = [(g.gicd[0], g.gicd[1], "the GIC distributor"), (g.gicr[0], g.gicr[1], "the GIC redistributors")]
    if h is not None and h.regs:
        hyp_wins.append((h.regs[0][0], h.regs[0][1], f"the hypervisor console {_name(h)}"))
    for p in ctx.sys.partitions:
        for ref, loc, dev in _devices(ctx)[p.name]:
            if dev is None or any(c.startswith(_HYP_OWNED) for c in dev.compatible):
                continue  # E0402 / E0409
            for base, size in dev.regs:
                if not size:
                    continue
                b, s = page_round(base, size)
                for hb, hs, what in hyp_wins:
                    hb2, hs2 = page_round(hb, hs)
                    if b < hb2 + hs2 and hb2 < b + s and dev.path not in (h.path if h else "",):
                        ctx.error("E0410", loc, f"partition '{p.name}': device '{ref}' {hexr(base, size)} "
                                  f"shares a 4 KiB page with {what}")
                for pg in range(b, b + s, 0x1000):
                    if pg in pages and pages[pg][0] != p.name and pages[pg][3] != dev.path:
                        q, qloc, qdev, _ = pages[pg]
                        ctx.error("E0410", loc,
                                  f"partition '{p.name}': device '{ref}' {hexr(base, size)} shares the "
                                  f"4 KiB page {hexr(pg, 0x1000)} with device {qdev} of partition '{q}'",
                                  [ctx.note(qloc, f"'{q}' takes {qdev} here")])
                        break
                    pages.setdefault(pg, (p.name, loc, _name(dev), dev.path))


@rule("W0401", severity="warning")
def check_devices_enabled(ctx: Context) -> None:
    """A pass-through device is enabled in the board DT (status "okay"); a disabled one is a warning."""
    for p in ctx.sys.partitions:
        for ref, loc, dev in _devices(ctx)[p.name]:
            if dev is not None and not dev.enabled:
                ctx.warning("W0401", loc, f"partition '{p.name}': device '{ref}' is disabled in the board "
                            f"description (status = \"{dev.node.string('status')}\")")


#: Stage 2 and the EL2 map translate a 39-bit address space (T0SZ = 25): 512 GiB.
_ADDR_LIMIT = 1 << 39


@rule("E0411")
def check_device_windows_addressable(ctx: Context) -> None:
    """Pass-through device windows and the console end below 512 GiB (39-bit translation)."""
    h = ctx.sys.hypervisor
    con = ctx.board.device(h.console)
    if con is not None:
        for b, s in con.regs[:1]:
            if b + s > _ADDR_LIMIT:
                ctx.error("E0411", h.console_loc, f"hypervisor console {con.path} {hexr(b, s)} ends above "
                          f"512 GiB ({_ADDR_LIMIT:#x}), the limit of the EL2 39-bit map")
    for p in ctx.sys.partitions:
        for ref, loc, dev in _devices(ctx)[p.name]:
            if dev is None:
                continue
            for b, s in dev.regs:
                if s and b + s > _ADDR_LIMIT:
                    ctx.error("E0411", loc, f"partition '{p.name}': device '{ref}' window {hexr(b, s)} ends "
                              f"above 512 GiB ({_ADDR_LIMIT:#x}), the limit of the 39-bit stage-2 translation")
                    break
