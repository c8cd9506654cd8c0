# SPDX-License-Identifier: Apache-2.0
"""E04xx: devices and interrupts: exist on the board, owned once."""

from __future__ import annotations

from . import Context, rule


@rule("E0401")
def check_console_device(ctx: Context) -> None:
    """The hypervisor console names a PL011 UART of the board (by DT path or label)."""
    h = ctx.sys.hypervisor
    dev = ctx.board.device(h.console)
    if dev is None:
        uarts = sorted(d.label or d.path for d in ctx.board.devices.values() if d.is_pl011())
        ctx.error("E0401", h.console_loc,
                  f"hypervisor console '{h.console}' is not a device of board "
                  f"'{ctx.sys.board_name}'; its UARTs: {', '.join(uarts) or 'none'}")
    elif not dev.is_pl011() or not dev.regs:
        ctx.error("E0401", h.console_loc,
                  f"hypervisor console '{h.console}' ({dev.path}) is not a PL011 UART "
                  f"(compatible {', '.join(dev.compatible) or 'none'})")
