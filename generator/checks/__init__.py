# SPDX-License-Identifier: Apache-2.0
"""Semantic rules: one function per rule, one stable code each, grouped by area.

Areas (modules): language (E01xx), memory (E02xx), cpus (E03xx),
devices (E04xx), channels (E05xx), images (E06xx), health (E07xx),
links (E08xx), schedule (E09xx).
Every check runs; all findings are reported together.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, List, Optional

from ..board import Board
from ..diag import Diagnostics, Loc, Note
from ..model import System


@dataclasses.dataclass
class Rule:
    code: str
    func: Callable
    doc: str
    needs_board: bool
    severity: str


RULES: List[Rule] = []


def rule(code: str, needs_board: bool = True, severity: str = "error"):
    """Register a check function as the rule with this code."""
    def wrap(fn):
        doc = (fn.__doc__ or "").strip().splitlines()[0]
        RULES.append(Rule(code, fn, doc, needs_board, severity))
        return fn
    return wrap


class Context:
    """What a check sees: the description, the board, where to report."""

    def __init__(self, system: System, board: Optional[Board], diags: Diagnostics) -> None:
        self.sys = system
        self.board = board
        self.diags = diags

    def error(self, code: str, loc: Loc, msg: str, notes=None) -> None:
        self.diags.error(code, loc, msg, notes)

    def warning(self, code: str, loc: Loc, msg: str, notes=None) -> None:
        self.diags.warning(code, loc, msg, notes)

    @staticmethod
    def note(loc: Loc, msg: str) -> Note:
        return Note(loc, msg)


def hexr(base: int, size: int) -> str:
    """A half-open range in hex: [0x48000000..0x4c000000)."""
    return f"[{base:#x}..{base + size:#x})"


def earlier_overlaps(ranges):
    """For each i, (i, [j < i whose range overlaps range i]) of ranges [(start, size)].

    Sorted starts and a running maximum of ends: O(n log n) plus the overlaps
    found, instead of comparing every pair.
    """
    from ..layout import overlapping, sorted_items
    items = sorted_items([(b, s, j) for j, (b, s) in enumerate(ranges)])
    for i, (b, s) in enumerate(ranges):
        yield i, sorted(j for _, _, j in overlapping(items, b, s) if j < i)


def run_all(ctx: Context) -> None:
    for r in RULES:
        if r.needs_board and ctx.board is None:
            continue
        r.func(ctx)


def all_codes() -> List[Rule]:
    """Every rule, sorted by code (for the README and `generator codes`)."""
    return sorted(RULES, key=lambda r: r.code)


# Register the rules (import order = run order).
from . import language, memory, cpus, devices, channels, images, health, links, schedule  # noqa: E402,F401
