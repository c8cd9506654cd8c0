# SPDX-License-Identifier: Apache-2.0
"""The generated-symbol table: every name the emitters and the Makefile derive from a description name.

Two description names must never produce the same symbol in one namespace
(E0116), nor a symbol the kernel or the partition library already defines.
Each entry mirrors a template or a Makefile rule; keep them in step:

- C, assembler and linker (global): config.h, config.c, images.S, pagetables.c;
- make variables: partitions.mk and the Makefile's partition rules;
- each partition's partition.h (its own namespace);
- each Linux partition's device-tree labels.
"""

from __future__ import annotations

import functools
import re
from typing import Dict, List, Tuple

from . import REPO_ROOT
from .diag import Loc
from .model import System

Owner = Tuple[str, Loc]  # ("partition 'a'", where its name is written)

#: Symbols of the kernel and the partition library that generated names could meet.
_FIXED_RE = re.compile(r"\b(PART_[A-Z0-9_]+|cfg_[a-z0-9_]+|SP_[A-Z0-9_]+)\b")


@functools.lru_cache(maxsize=1)
def fixed_symbols() -> Dict[str, str]:
    """Symbol -> the source file defining it, for kernel/, vdev/ and partitions/lib (not gen/)."""
    out: Dict[str, str] = {}
    for top in ("kernel", "vdev", "partitions/lib"):
        d = REPO_ROOT / top
        if not d.is_dir():
            continue
        for f in sorted(d.rglob("*"), key=lambda f: (f.suffix != ".h", str(f))):
            if f.suffix not in (".h", ".c", ".S") or not f.is_file():
                continue
            try:
                text = f.read_text(errors="replace")
            except OSError:
                continue
            for m in _FIXED_RE.finditer(text):
                out.setdefault(m.group(1), f.relative_to(REPO_ROOT).as_posix())
    return out


def table(system: System, board=None) -> Dict[str, List[Tuple[str, Owner]]]:
    """Namespace -> [(symbol, owner)] of every symbol derived from a description name."""
    ns: Dict[str, List[Tuple[str, Owner]]] = {"C": [], "make": []}
    for p in system.partitions:
        own = (f"partition '{p.name}'", p.loc)
        c = ns["C"]
        c += [(f"PART_{p.name.upper()}", own), (f"cfg_image_{p.name}", own), (f"cfg_image_{p.name}_end", own),
              (f"cfg_s2_{p.name}_l1", own)]
        if p.image.kind == "linux":
            for what in ("dtb", "initrd"):
                c += [(f"cfg_image_{p.name}_{what}", own), (f"cfg_image_{p.name}_{what}_end", own)]
        ns["make"] += [(f"SEPTUM_PART_{p.name}_{k}", own) for k in ("KIND", "PROGRAM", "KERNEL", "INITRD", "DTS")]
        ns["make"] += [(f"PART_{p.name}_{k}", own) for k in ("SRC", "OBJ", "LINUX")]
    for p in system.partitions:
        h = ns.setdefault(f"partition.h of '{p.name}'", [])
        for q in system.partitions:
            if p.name in [s for s, _ in q.health.subscribers]:
                h.append((f"SP_WATCH_{q.name.upper()}", (f"partition '{q.name}'", q.loc)))
        labels = ns.setdefault(f"device tree of '{p.name}'", []) if p.image.kind == "linux" else None
        dev_owner = (f"the generated device tree of '{p.name}'", Loc(system.path))
        if labels is not None:
            labels += [(lab, dev_owner) for lab in ("gic", "vuart", "apb_pclk")]
        for i, (ref, loc) in enumerate(p.devices):
            dev = board.device(ref) if board is not None else None
            label = (dev.label if dev is not None else "") or ""
            own = (f"device '{ref}' of partition '{p.name}'", loc)
            name = "SP_DEV_" + "".join(c if c.isalnum() else "_" for c in (label or ref)).upper().strip("_")
            h.append((f"{name}_BASE", own))
            if labels is not None and label:
                labels.append((label, own))
        for ch in system.channels:
            if p.name not in ch.peers:
                continue
            own = (f"channel '{ch.name}'", ch.loc)
            n = f"SP_CHAN_{ch.name.upper()}"
            h += [(f"{n}_{k}", own) for k in ("BASE", "SIZE", "CTL", "INTID", "SELF")]
            for q in ch.peers:
                h.append((f"{n}_PEER_{q.upper()}", (f"channel '{ch.name}' with peer '{q}'", ch.peer_locs[q])))
            if labels is not None:
                labels.append((f"channel_{ch.name}", own))
    return ns


def collisions(system: System, board=None) -> List[Tuple[str, str, Owner, Owner]]:
    """(namespace, symbol, earlier owner, later owner) for each clash, and clashes with fixed symbols.

    A clash with a fixed symbol has owner2 = (its source file, Loc of that file).
    """
    out = []
    fixed = fixed_symbols()
    reported = set()
    for space, syms in table(system, board).items():
        first: Dict[str, Owner] = {}
        for sym, own in sorted(syms, key=lambda x: (x[1][1].line, x[1][1].col, x[1][0], x[0])):
            prev = first.get(sym)
            if prev is None:
                first[sym] = own
                if space != "make" and sym in fixed and (own[0], sym) not in reported:
                    reported.add((own[0], sym))
                    out.append((space, sym, (fixed[sym], Loc(fixed[sym])), own))
                continue
            if prev[0] == own[0] or (prev[0], own[0]) in reported:
                continue
            reported.add((prev[0], own[0]))
            out.append((space, sym, prev, own))
    return out
