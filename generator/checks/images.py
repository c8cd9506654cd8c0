# SPDX-License-Identifier: Apache-2.0
"""E06xx: images: the files exist, have the right format and fit their region."""

from __future__ import annotations

import re

from ..layout import linux_layout, read_arm64_header
from ..model import file_kind_problem
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
            what = "is not a directory" if d.exists() else "does not exist"
            ctx.error("E0601", ctx.sys.doc.loc(p.path + ("image", "program")),
                      f"partition '{p.name}': program directory '{im.program}' {what} "
                      f"(paths are relative to the directory of {ctx.sys.path})")


def _files(p):
    im = p.image
    return [(k, getattr(im, k)) for k in ("kernel", "initrd", "dtb_fragment") if getattr(im, k)]


@rule("E0602", needs_board=False)
def check_image_files_exist(ctx: Context) -> None:
    """A Linux partition's kernel, initrd and DT fragment files exist (relative to the description)."""
    for p in ctx.sys.partitions:
        for key, f in _files(p):
            what = file_kind_problem(ctx.sys.dir / f)
            if what:
                ctx.error("E0602", ctx.sys.doc.loc(p.path + ("image", key)),
                          f"partition '{p.name}': {key} file '{f}' {what} (paths are relative "
                          f"to the directory of {ctx.sys.path})")


@rule("E0603", needs_board=False)
def check_linux_kernel_header(ctx: Context) -> None:
    """A Linux kernel is an arm64 Image (magic "ARM\\x64" at offset 0x38), little-endian, 4 KiB pages."""
    for p in ctx.sys.partitions:
        im = p.image
        if im.kind != "linux" or not (ctx.sys.dir / im.kernel).is_file():
            continue
        loc = ctx.sys.doc.loc(p.path + ("image", "kernel"))
        hdr = read_arm64_header(ctx.sys.dir / im.kernel)
        if hdr is None:
            ctx.error("E0603", loc, f"partition '{p.name}': kernel '{im.kernel}' is not an arm64 Image "
                      f"(no \"ARM\\x64\" magic at offset 0x38; a vmlinuz must be decompressed first)")
        elif hdr.flags & 1 or (hdr.flags >> 1) & 3 not in (0, 1):
            ctx.error("E0603", loc, f"partition '{p.name}': kernel '{im.kernel}' is not a little-endian "
                      f"4 KiB-page arm64 Image (header flags {hdr.flags:#x})")
        elif hdr.text_offset % 0x1000:
            ctx.error("E0603", loc, f"partition '{p.name}': kernel '{im.kernel}' has text_offset "
                      f"{hdr.text_offset:#x}, not page aligned")


@rule("E0604", needs_board=False)
def check_linux_image_fits(ctx: Context) -> None:
    """A Linux kernel (its image_size), initrd and 2 MiB device-tree slot fit in the partition's first region."""
    for p in ctx.sys.partitions:
        if p.image.kind != "linux" or p.regions[0].ipa is None:
            continue
        if not all((ctx.sys.dir / f).is_file() for _, f in _files(p)):
            continue
        lay = linux_layout(ctx.sys, p)
        if lay is None or lay["fits"]:
            continue
        r = p.regions[0]
        if lay["initrd_size"] > lay["initrd_max"]:
            ctx.error("E0604", ctx.sys.doc.loc(p.path + ("image", "initrd")),
                      f"partition '{p.name}': initrd '{p.image.initrd}' ({lay['initrd_size']:#x} bytes) is larger "
                      f"than the initrd slot ({lay['initrd_max']:#x} bytes, below the 2 MiB device-tree slot at "
                      f"the end of memory '{r.name}')")
            continue
        ctx.error("E0604", r.loc,
                  f"partition '{p.name}': memory '{r.name}' ({r.size:#x} bytes) is too small for the kernel "
                  f"(text_offset {lay['text_offset']:#x} + image_size {lay['kernel_image_size']:#x}), the "
                  f"{lay['initrd_max'] if p.image.initrd else 0:#x}-byte initrd slot and the 2 MiB device-tree "
                  f"slot: it needs at least {lay['need']:#x}")


_MAKE_SAFE = re.compile(r"[A-Za-z0-9._+/@,=-]+")


@rule("E0606", needs_board=False)
def check_image_paths_are_plain(ctx: Context) -> None:
    """Image paths use only letters, digits and . _ + / @ , = - (they are written into make and assembler files)."""
    for p in ctx.sys.partitions:
        im = p.image
        for key in ("program", "kernel", "initrd", "dtb_fragment"):
            f = getattr(im, key)
            if f and not _MAKE_SAFE.fullmatch(f):
                bad = sorted({c for c in f if not _MAKE_SAFE.fullmatch(c)})
                ctx.error("E0606", ctx.sys.doc.loc(p.path + ("image", key)),
                          f"partition '{p.name}': {key} path {f!r} has characters the build cannot carry "
                          f"({', '.join(repr(c) for c in bad)}); use letters, digits and . _ + / @ , = -")
