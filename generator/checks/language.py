# SPDX-License-Identifier: Apache-2.0
"""E01xx: the language beyond the schema: names, versions, reserved features."""

from __future__ import annotations

import re

from . import Context, rule

_IDENT = re.compile(r"[a-z][a-z0-9_]{0,30}")  # whole name: fullmatch (a '$' would let "a\n" pass)

#: C keywords and names that would collide with generated symbols.
_RESERVED = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
    "typedef", "union", "unsigned", "void", "volatile", "while", "hypervisor", "septum",
}


def _show(name: str) -> str:
    """A name for a message: escaped if it holds newlines or other unprintable characters."""
    return name if name.isprintable() else repr(name)[1:-1]


def _bad_name(name: str) -> bool:
    return not isinstance(name, str) or not _IDENT.fullmatch(name) or name in _RESERVED


@rule("E0108", needs_board=False)
def check_names_are_identifiers(ctx: Context) -> None:
    """Partition, region and channel names are lowercase C identifiers (and not C keywords)."""
    why = "must be a lowercase C identifier ([a-z][a-z0-9_]*, at most 31 characters, not a C keyword)"
    for p in ctx.sys.partitions:
        if _bad_name(p.name):
            ctx.error("E0108", p.loc, f"partition name '{_show(p.name)}' {why}")
        for r in p.regions:
            if _bad_name(r.name):
                ctx.error("E0108", ctx.sys.doc.loc(r.path + ("name",)),
                          f"partition '{_show(p.name)}': region name '{_show(r.name)}' {why}")
    for c in ctx.sys.channels:
        if _bad_name(c.name):
            ctx.error("E0108", c.loc, f"channel name '{_show(c.name)}' {why}")


@rule("E0111", needs_board=False)
def check_allowed_warnings_exist(ctx: Context) -> None:
    """`warnings: allow:` names only warning codes that exist."""
    from . import RULES
    known = sorted({r.code for r in RULES if r.severity == "warning"})
    for i, code in enumerate(ctx.sys.allowed_warnings):
        if code not in known:
            ctx.error("E0111", ctx.sys.doc.loc(("warnings", "allow", i)),
                      f"'{code}' is not a warning this generator gives; warnings: {', '.join(known)}")


@rule("E0116", needs_board=False)
def check_generated_symbols_unique(ctx: Context) -> None:
    """No two description names generate the same C, assembler, make or device-tree symbol."""
    from ..symbols import collisions
    for space, sym, first, second in collisions(ctx.sys, ctx.board):
        if first[1].line == 0:  # a symbol of the kernel or the partition library
            ctx.error("E0116", second[1], f"the name of {second[0]} generates the symbol '{sym}' ({space}), "
                      f"which {first[0]} already uses; rename it")
        else:
            ctx.error("E0116", second[1], f"the name of {second[0]} collides with the symbol generated for "
                      f"{first[0]}: both give '{sym}' ({space}); rename one",
                      [ctx.note(first[1], f"{first[0]} is named here")])
