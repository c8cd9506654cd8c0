#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Worst-case EL2 stack depth per entry point, gated against the per-CPU stack.

Inputs: the .ci files (GCC -fcallgraph-info=su: every function's frame size from
-fstack-usage, and its calls) of the kernel objects built with the image's flags;
verification/stack/entries.json (entry points, assembly routines, resolved indirect
calls); the image's disassembly (objdump) to find every indirect branch in the binary
that the C call graph cannot show (assembly included).

For each entry: worst = asm_bytes + the largest sum of frames along a call path from
its root (for a hypercall, along paths through its handler). Fails on: recursion (a
cycle), a frame of unbounded dynamic size, a callee with no known frame, an indirect
call without listed targets, an indirect branch in the image outside the listed
functions, a configured entry root that does not exist, or a worst case above
max_fraction_of_stack x ARCH_STACK_SIZE_VALUE.
"""
import argparse
import html
import json
import pathlib
import re
import subprocess
import sys

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
SIZE = re.compile(r"\\n(\d+) bytes \(([a-z,]+)\)")
INDIRECT = "__indirect_call"


def load_graph(objdir):
    frames, kinds, calls, where = {}, {}, {}, {}
    for ci in sorted(pathlib.Path(objdir).rglob("*.ci")):
        for line in ci.read_text().splitlines():
            m = NODE.search(line)
            if m:
                title, label = m.groups()
                s = SIZE.search(label)
                if s:
                    frames[title] = int(s.group(1))
                    kinds[title] = s.group(2)
                    where[title] = label.split("\\n")[1] if "\\n" in label else ""
                continue
            m = EDGE.search(line)
            if m:
                calls.setdefault(m.group(1), set()).add(m.group(2))
    # A static function's title is "file:name"; callers in the same file use that title.
    return frames, kinds, calls, where


def short(fn):
    return fn.split(":")[-1]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--objdir", required=True)
    p.add_argument("--elf", required=True)
    p.add_argument("--objdump", default="aarch64-linux-gnu-objdump")
    p.add_argument("--arch-cpu-h", required=True)
    p.add_argument("--config", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()

    cfg = json.loads(pathlib.Path(a.config).read_text())
    m = re.search(r"#define\s+ARCH_STACK_SIZE_VALUE\s+(\d+)u?", pathlib.Path(a.arch_cpu_h).read_text())
    if not m:
        sys.exit(f"stack: no ARCH_STACK_SIZE_VALUE in {a.arch_cpu_h}")
    stack_size = int(m.group(1))
    limit = int(stack_size * cfg["max_fraction_of_stack"])
    frames, kinds, calls, where = load_graph(a.objdir)
    for fn, n in cfg.get("asm_functions", {}).items():
        frames.setdefault(fn, n)
        kinds.setdefault(fn, "assembly")
    indirect_cfg = cfg.get("indirect", {})
    errors, notes = [], []

    for fn, k in kinds.items():
        if "dynamic" in k and "bounded" not in k:
            errors.append(f"{short(fn)} ({where.get(fn, '')}): stack frame of unbounded dynamic size")

    memo, onpath = {}, []

    def worst(fn):
        """(bytes, path) of the deepest call chain from fn."""
        if fn in memo:
            return memo[fn]
        if fn in onpath:
            cyc = onpath[onpath.index(fn):] + [fn]
            errors.append("recursion: " + " -> ".join(map(short, cyc)))
            return 0, [fn]
        if fn not in frames:
            if fn != INDIRECT:
                errors.append(f"{short(fn)}: called but no frame size known (not compiled here, not listed as assembly)")
            return 0, [fn]
        onpath.append(fn)
        best, bpath = 0, []
        for callee in sorted(calls.get(fn, ())):
            if callee == INDIRECT:
                targets = indirect_cfg.get(short(fn))
                if targets is None:
                    errors.append(f"{short(fn)} ({where.get(fn, '')}): calls through a pointer; list its targets "
                                  f"under 'indirect' in {a.config}")
                    continue
                for t in targets:
                    n, pth = worst(t)
                    if n > best:
                        best, bpath = n, pth
                continue
            n, pth = worst(callee)
            if n > best:
                best, bpath = n, pth
        onpath.pop()
        memo[fn] = (frames[fn] + best, [fn] + bpath)
        return memo[fn]

    def through(fn, target, seen=()):
        """(bytes before target, path) of the deepest chain from fn that reaches target, or None."""
        if fn == target:
            return 0, []
        if fn in seen or fn not in frames:
            return None
        best = None
        for callee in sorted(calls.get(fn, ())):
            r = through(callee, target, seen + (fn,))
            if r is not None and (best is None or r[0] > best[0]):
                best = r
        if best is None:
            return None
        return frames[fn] + best[0], [fn] + best[1]

    rows = []
    for e in cfg["entries"]:
        root = e["root"]
        if root not in frames:
            errors.append(f"entry '{e['name']}': root {root} not found in the call graph")
            continue
        total, path = worst(root)
        if "through" in e:
            tgt = e["through"]
            r = through(root, tgt) if tgt in frames else None
            fb = e.get("inlined_into")
            if r is None and fb in frames and through(root, fb) is not None:
                # The handler was inlined into its dispatcher: the dispatcher's figure holds it.
                r0 = through(root, fb)
                n, tpath = worst(fb)
                total = r0[0] + n + e.get("asm_bytes", 0)
                rows.append({"entry": e["name"], "bytes": total, "path": [short(f) for f in r0[1] + tpath],
                             "note": f"({tgt} not a function of its own: inlined into {fb}, or absent; +{e.get('asm_bytes', 0)} bytes of assembly)"})
                if total > limit:
                    errors.append(f"entry '{e['name']}': worst case {total} bytes exceeds {limit}")
                continue
            if r is None:
                msg = f"{tgt} is not a function of its own in this build (inlined or absent): covered by '{root}'"
                if e.get("optional"):
                    rows.append({"entry": e["name"], "bytes": None, "path": [], "note": msg})
                    continue
                errors.append(f"entry '{e['name']}': {msg}")
                continue
            n, tpath = worst(tgt)
            total, path = r[0] + n, r[1] + tpath
        total += e.get("asm_bytes", 0)
        rows.append({"entry": e["name"], "bytes": total, "path": [short(f) for f in path],
                     "note": f"+{e.get('asm_bytes', 0)} bytes of assembly" if e.get("asm_bytes") else ""})
        if total > limit:
            errors.append(f"entry '{e['name']}': worst case {total} bytes exceeds {limit} "
                          f"({cfg['max_fraction_of_stack']:.0%} of the {stack_size}-byte per-CPU stack)")

    # C functions with an indirect call
    c_indirect = sorted(short(f) for f, cs in calls.items() if INDIRECT in cs)
    # Indirect branches in the binary (assembly included): blr/br, and which function holds them.
    dis = subprocess.run([a.objdump, "-d", "--no-show-raw-insn", a.elf], stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    binary_indirect, cur = {}, None
    for line in dis.splitlines():
        mm = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
        if mm:
            cur = mm.group(1)
            continue
        mm = re.match(r"^\s*[0-9a-f]+:\s+(blr|br)\s+(x\d+)", line)
        if mm and cur:
            binary_indirect.setdefault(cur, []).append(mm.group(1))
    jump_tables = cfg.get("jump_tables", {})
    for fn in sorted(binary_indirect):
        if fn in jump_tables and all(k == "br" for k in binary_indirect[fn]):
            continue  # a switch's jump table: a branch within fn, not a call
        if fn not in indirect_cfg:
            errors.append(f"the image has an indirect branch in {fn} ({', '.join(binary_indirect[fn])}) that "
                          f"{a.config} does not resolve")

    out = pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    result = {"stack_size": stack_size, "limit": limit, "entries": rows, "functions": {
        short(f): {"frame": frames[f], "kind": kinds.get(f), "where": where.get(f, "")} for f in sorted(frames)},
        "indirect_calls_in_c": c_indirect, "indirect_branches_in_image": binary_indirect,
        "indirect_targets": indirect_cfg, "jump_tables": cfg.get("jump_tables", {}), "errors": errors}
    (out / "stack.json").write_text(json.dumps(result, indent=1, sort_keys=True))
    md = ["# Worst-case EL2 stack per entry point", "",
          f"Per-CPU stack: {stack_size} bytes (ARCH_STACK_SIZE_VALUE); gate: at most {limit} bytes "
          f"({cfg['max_fraction_of_stack']:.0%}). Frames from GCC -fstack-usage, calls from -fcallgraph-info=su, "
          f"same flags as the image. Entries never nest (EL2 runs with interrupts masked).", "",
          "| entry | worst case (bytes) | deepest path |", "|---|---|---|"]
    for r in rows:
        b = "—" if r["bytes"] is None else str(r["bytes"])
        md.append(f"| {r['entry']} | {b} | {' → '.join(r['path']) or r['note']} {'' if not r['path'] else r['note']} |")
    md += ["", "## Function pointers", "",
           f"- C functions calling through a pointer: {', '.join(c_indirect) or 'none'}",
           f"- indirect branches (blr/br) in the image: "
           f"{', '.join(f'{k} ({len(v)})' for k, v in sorted(binary_indirect.items())) or 'none'}",
           f"- resolved targets ({pathlib.Path(a.config).name}): {json.dumps(indirect_cfg) if indirect_cfg else 'none needed'}",
           *[f"- jump table (br, no call) in {k}: {v}" for k, v in sorted(cfg.get('jump_tables', {}).items())],
           "", "## Frames", "", "| function | bytes | kind | defined at |", "|---|---|---|---|"]
    md += [f"| {short(f)} | {frames[f]} | {kinds.get(f)} | {where.get(f, '')} |"
           for f in sorted(frames, key=lambda x: (-frames[x], x))]
    if errors:
        md += ["", "## Problems", ""] + [f"- {x}" for x in errors]
    (out / "report.md").write_text("\n".join(md) + "\n")
    body = []
    for line in md:
        if line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("|---"):
            continue
        elif line.startswith("| "):
            cells = [html.escape(c.strip()) for c in line.strip("|").split("|")]
            body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        elif line.startswith("- "):
            body.append(f"<li>{html.escape(line[2:])}</li>")
        elif line:
            body.append(f"<p>{html.escape(line)}</p>")
    page = "\n".join(body)
    page = re.sub(r"((?:<tr>.*</tr>\n?)+)", r"<table>\1</table>", page)
    (out / "report.html").write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Stack bounds</title>"
                                     "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                                     "td{border:1px solid #999;padding:3px 6px}</style></head><body>\n" + page +
                                     "\n</body></html>\n")
    for r in rows:
        b = "inlined" if r["bytes"] is None else f"{r['bytes']:5d} bytes"
        print(f"  {b}  {r['entry']}")
    if errors:
        for x in errors:
            print(f"stack: FAIL: {x}", file=sys.stderr)
        sys.exit(1)
    print(f"stack: every entry within {limit} of {stack_size} bytes; {out}/report.html")


if __name__ == "__main__":
    main()
