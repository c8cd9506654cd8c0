# SPDX-License-Identifier: Apache-2.0
"""Command line: `check` validates a description, `build` also writes OUTDIR.

Exit status: 0 clean, 1 the description has errors, 2 usage or internal error.
Never a traceback: every failure is a one-line message.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
from typing import Optional, Tuple

from . import board as boardmod
from . import checks, model, schema, yamlload
from .diag import Diagnostics, Loc, Note


class Result:
    def __init__(self) -> None:
        self.diags = Diagnostics()
        self.system: Optional[model.System] = None
        self.board: Optional[boardmod.Board] = None
        self.plan: Optional[dict] = None


def compile_description(path: str) -> Result:
    """Load, validate, check and plan; the plan is None when there are errors."""
    res = Result()
    diags = res.diags
    file = pathlib.Path(path)
    what = model.file_kind_problem(file)
    if what:
        diags.error("E0100", Loc(path), f"cannot read the description: {path} {what}")
        return res
    try:
        with open(file, "rb") as f:
            text = f.read(yamlload.MAX_BYTES + 1)
    except OSError as e:
        diags.error("E0100", Loc(path), f"cannot read the description: {e.strerror or e}")
        return res
    doc = yamlload.load(text, path, diags)
    if diags.has_errors():
        return res
    if not isinstance(doc.data, dict):
        diags.error("E0103", doc.loc(()), "the description must be a mapping of keys "
                    "(septum, board, hypervisor, partitions, ...)")
        return res
    if not schema.check_version(doc, diags):
        return res
    bad = schema.validate_paths(doc, diags)
    data, excluded = doc.data, None
    if bad:
        # Check the rest: leave out the partitions and channels with schema errors.
        data, excluded = schema.prune(doc.data, bad)
        if data is None:
            return res
    system = model.build(doc, path, file.resolve(), text, data=data, excluded=excluded)
    res.system = system
    diags.allowed_warnings = set(system.allowed_warnings)
    board = None
    known = boardmod.known_boards()
    if system.board_name not in known:
        diags.error("E0106", system.board_loc,
                    f"unknown board '{system.board_name}'; known boards: {', '.join(known) or 'none'} "
                    f"(each is boards/<name>/board.dts)")
    else:
        try:
            board = boardmod.load_board(system.board_name)
        except boardmod.BoardError as e:
            diags.error("E0109", system.board_loc, f"board '{system.board_name}': {e}")
    res.board = board
    if board is not None:
        from . import layout
        if system.hypervisor.base is None:
            system.hypervisor.base = board.usable_ram()[0][0]
        layout.place(system, board, diags)
    ctx = checks.Context(system, board, diags)
    checks.run_all(ctx)
    diags.finalize()
    if diags.has_errors() or board is None:
        return res
    from . import dts, plan as planmod
    plan = planmod.build_plan(system, board)
    plan["dts"] = {}
    for p, mp in zip(plan["partitions"], system.partitions):
        if p["image"]["kind"] != "linux":
            continue
        frag = raw = ""
        if mp.image.dtb_fragment:
            raw = (system.dir / mp.image.dtb_fragment).read_text(errors="replace")
            frag = dts.strip_fragment(raw)
        text = dts.partition_dts(plan, p, board, frag)
        err = dts.compile_check(text).replace("<stdin>", f"{p['name']}.dts")
        if err:
            loc = system.doc.loc(mp.path + ("image", "dtb_fragment")) if frag else mp.image.loc
            what = f"with fragment '{mp.image.dtb_fragment}' " if frag else ""
            diags.error("E0605", loc, f"partition '{p['name']}': its device tree {what}does not compile: {err}")
        elif frag:
            _check_fragment(system, mp, plan, p, board, raw, text, diags)
        plan["dts"][p["name"]] = text
    if diags.has_errors():
        return res
    res.plan = plan
    return res


def _check_fragment(system, mp, plan, p, board, raw: str, text: str, diags: Diagnostics) -> None:
    """E0607: a DT fragment adds nodes and properties but touches no node the generator owns."""
    import os
    from . import dts
    base_text = dts.partition_dts(plan, p, board, "")
    base, merged = dts.compile_dtb(base_text), dts.compile_dtb(text)
    if not base or not merged:
        return
    key = system.doc.loc(mp.path + ("image", "dtb_fragment"))
    fname = os.path.normpath(os.path.join(os.path.dirname(system.path), mp.image.dtb_fragment))
    labels = dts.labels_of(base_text)
    for path, what in dts.fragment_changes(base, merged):
        line, col = dts.locate_in_fragment(raw, path, labels)
        if what == "memory":
            msg = (f"partition '{p['name']}': the DT fragment adds the memory node {path}; the generator "
                   f"alone describes the partition's RAM")
        else:
            msg = (f"partition '{p['name']}': the DT fragment touches node {path}, which the generator owns "
                   f"({what}); a fragment may only add nodes and properties")
        diags.error("E0607", Loc(fname, line, col), msg,
                    [Note(key, f"the fragment of partition '{p['name']}' is merged here")])


def _print_diags(res: Result, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(res.diags.render_json())
    else:
        sys.stderr.write(res.diags.render_text())


def cmd_check(args) -> int:
    res = compile_description(args.system)
    _print_diags(res, args.format)
    if res.diags.has_errors():
        if args.format == "text":
            n = len(res.diags.errors)
            sys.stderr.write(f"{args.system}: {n} error{'s' if n != 1 else ''}\n")
        return 1
    if args.format == "text":
        sys.stderr.write(f"{args.system}: ok (fingerprint {res.plan['fingerprint'][:16]})\n")
    return 0


def cmd_build(args) -> int:
    res = compile_description(args.system)
    _print_diags(res, args.format)
    if res.diags.has_errors():
        if args.format == "text":
            n = len(res.diags.errors)
            sys.stderr.write(f"{args.system}: {n} error{'s' if n != 1 else ''}; nothing written\n")
        return 1
    from . import emit  # jinja2 and the SVG writer: only `build` needs them (start-up of `check`)
    files = emit.render(res.plan)
    changed = emit.write_outdir(pathlib.Path(args.output), files)
    if args.format == "text" and not args.quiet:
        sys.stderr.write(f"generator: {args.output}: {len(files)} files, {len(changed)} changed\n")
    return 0


def cmd_codes(args) -> int:
    extra = [("E0001", "Internal error of the generator (a bug); under --format json still one located diagnostic."),
             ("E0100", "The description file can be read (an existing regular file)."),
             ("E0101", "The description is well-formed YAML (and not empty)."),
             ("E0102", "Every key is one the schema knows (no unknown keys)."),
             ("E0103", "Every value has the type and form the schema requires."),
             ("E0104", "Every required key is present."),
             ("E0105", "The `septum:` language version is one this generator reads."),
             ("E0106", "The board exists as boards/<name>/board.dts."),
             ("E0107", "No key appears twice in one mapping."),
             ("E0109", "The board's device tree compiles and describes RAM, CPUs, GICv3, PSCI and timer."),
             ("E0112", "The description file is at most 1 MiB (limit)."),
             ("E0113", "The description has at most 100000 YAML nodes with every alias expanded (limit)."),
             ("E0114", "YAML mappings and lists nest at most 32 levels deep (limit)."),
             ("E0115", "Only the standard YAML tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq)."),
             ("E0210", "Regions and channels without a base find free, aligned, usable RAM (automatic placement)."),
             ("E0605", "A Linux partition's generated device tree, with its merged DT fragment, compiles."),
             ("E0607", "A DT fragment adds nodes and properties but changes no node the generator owns "
                       "(memory, cpus, GIC, timer, vUART, PSCI, channels, /chosen/linux,initrd-*).")]
    rows = dict(extra)
    for r in checks.all_codes():
        rows[r.code] = r.doc
    for code in sorted(rows):
        print(f"{code}  {rows[code]}")
    return 0


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python3 -m generator",
                                 description="Septum system description compiler.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check", help="validate a system description")
    c.add_argument("system")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.set_defaults(func=cmd_check)
    b = sub.add_parser("build", help="validate and generate OUTDIR")
    b.add_argument("system")
    b.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    b.add_argument("--format", choices=("text", "json"), default="text")
    b.add_argument("-q", "--quiet", action="store_true")
    b.set_defaults(func=cmd_build)
    k = sub.add_parser("codes", help="list the diagnostic codes")
    k.set_defaults(func=cmd_codes)
    return ap


def main(argv=None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0) if isinstance(e.code, int) else 2
    try:
        return args.func(args)
    except KeyboardInterrupt:
        sys.stderr.write("generator: interrupted\n")
        return 2
    except BrokenPipeError:
        return 2
    except Exception as e:  # an internal error: one line, never a traceback
        where = ""
        tb = e.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            where = f" at {pathlib.Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
        msg = f"internal error{where}: {type(e).__name__}: {e}"
        sys.stderr.write(f"generator: {msg}\n")
        if getattr(args, "format", "text") == "json":
            # Still one located diagnostic, so that tools reading JSON see the failure.
            d = Diagnostics()
            d.error("E0001", Loc(getattr(args, "system", "") or "generator", 1, 1),
                    f"{msg} (a generator bug: please report it with the description)")
            sys.stdout.write(d.render_json())
        return 2
