# SPDX-License-Identifier: Apache-2.0
"""E06xx: images: the files exist, have the right format and fit their region."""

from __future__ import annotations

from . import Context, rule


@rule("E0601", needs_board=False)
def check_program_exists(ctx: Context) -> None:
    """A bare-metal partition's program directory exists (relative to the description)."""
    for p in ctx.sys.partitions:
        im = p.image
        if im.kind != "baremetal":
            continue
        d = ctx.sys.dir / im.program
        if not d.is_dir():
            ctx.error("E0601", ctx.sys.doc.loc(p.path + ("image", "program")),
                      f"partition '{p.name}': program directory '{im.program}' does not exist "
                      f"(paths are relative to the directory of {ctx.sys.path})")
