# SPDX-License-Identifier: Apache-2.0
"""AArch64 translation tables: 4 KiB granule, 39-bit input, walk from level 1.

Level 1 entries map 1 GiB, level 2 2 MiB, level 3 4 KiB. A range is mapped
with the largest block that the alignment of its input address, its output
address and the remaining size allow. Descriptor encodings: Arm ARM (DDI 0487)
D8.3 (VMSAv8-64 descriptors) and D8.4.2 (stage-2 MemAttr, S2AP).
"""

from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional

ENTRIES = 512
LEVEL_SIZE = {1: 1 << 30, 2: 1 << 21, 3: 1 << 12}
VA_BITS = 39
XN = 1 << 54
AF = 1 << 10
SH_INNER = 0b11 << 8
TYPE_BLOCK = 0b01
TYPE_PAGE = 0b11
TYPE_TABLE = 0b11
OA_MASK = ((1 << 48) - 1) & ~0xFFF


def s2_attrs(memtype: str, perm: str) -> int:
    """Stage-2 lower/upper attributes (without type bits) for normal RAM or device MMIO."""
    s2ap = (0b11 if "w" in perm else 0b01) << 6  # S2AP: 01 read-only, 11 read/write
    if memtype == "normal":
        # MemAttr[5:2] = 0b1111: Normal, Outer and Inner Write-Back Cacheable.
        a = (0b1111 << 2) | s2ap | SH_INNER | AF
        return a | (0 if "x" in perm else XN)
    # MemAttr = 0b0001: Device-nGnRE; non-shareable field ignored for device; never executable.
    return (0b0001 << 2) | s2ap | AF | XN


#: MAIR_EL2 as the kernel must program it: attr0 = Normal WB RA/WA, attr1 = Device-nGnRE.
MAIR_EL2 = 0x04FF


def el2_attrs(memtype: str, perm: str) -> int:
    """EL2 stage-1 attributes (without type bits): AttrIndx into MAIR_EL2, AP, SH, AF, XN."""
    ap = (0b01 if "w" in perm else 0b11) << 6  # AP[2:1]; AP[1] is RES1 at EL2
    if memtype == "normal":
        return (0 << 2) | ap | SH_INNER | AF | (0 if "x" in perm else XN)
    return (1 << 2) | ap | AF | XN


@dataclasses.dataclass
class Entry:
    kind: str  # "block", "page" or "table"
    va: int
    size: int
    pa: int = 0
    attrs: int = 0
    what: str = ""
    perm: str = ""
    memtype: str = ""
    table: Optional["Table"] = None

    @property
    def value(self) -> int:
        if self.kind == "table":
            raise ValueError("table descriptors are link-time addresses")
        return self.pa | self.attrs | (TYPE_PAGE if self.kind == "page" else TYPE_BLOCK)


@dataclasses.dataclass
class Table:
    level: int
    base: int
    name: str = ""
    entries: Dict[int, Entry] = dataclasses.field(default_factory=dict)


class MappingConflict(Exception):
    """Two mappings claim the same input address (an internal error after checks)."""


class Tables:
    """One translation regime: a level-1 root and the tables under it."""

    def __init__(self, prefix: str, regime: str) -> None:
        self.prefix = prefix
        self.regime = regime  # "s2" or "el2"
        self.root = Table(1, 0)
        self.requests: List[dict] = []
        self._named = False

    def map(self, va: int, pa: int, size: int, memtype: str, perm: str, what: str) -> None:
        """Map [va, va+size) to pa; va, pa, size 4 KiB aligned."""
        if (va | pa | size) & 0xFFF or size <= 0 or va + size > (1 << VA_BITS):
            raise MappingConflict(f"{what}: cannot map {va:#x}+{size:#x} -> {pa:#x}")
        attrs = s2_attrs(memtype, perm) if self.regime == "s2" else el2_attrs(memtype, perm)
        self.requests.append(dict(va=va, pa=pa, size=size, memtype=memtype, perm=perm, what=what))
        off = 0
        while off < size:
            off += self._map_one(va + off, pa + off, size - off, attrs, memtype, perm, what)

    def _map_one(self, va, pa, remaining, attrs, memtype, perm, what) -> int:
        t = self.root
        for level in (1, 2, 3):
            bs = LEVEL_SIZE[level]
            idx = (va - t.base) // bs
            e = t.entries.get(idx)
            if level < 3 and e is None and va % bs == 0 and pa % bs == 0 and remaining >= bs:
                t.entries[idx] = Entry("block", va, bs, pa, attrs, what, perm, memtype)
                return bs
            if level == 3:
                if e is not None:
                    raise MappingConflict(f"{what}: page {va:#x} is already mapped ({e.what})")
                t.entries[idx] = Entry("page", va, bs, pa, attrs, what, perm, memtype)
                return bs
            if e is None:
                sub = Table(level + 1, t.base + idx * bs)
                e = Entry("table", t.base + idx * bs, bs, table=sub)
                t.entries[idx] = e
            elif e.kind != "table":
                raise MappingConflict(f"{what}: {va:#x} is already mapped by a block ({e.what})")
            t = e.table
        raise AssertionError("unreachable")

    def tables(self) -> List[Table]:
        """All tables, named: root first, then level 2 and level 3 by address."""
        out: Dict[int, List[Table]] = {1: [self.root], 2: [], 3: []}

        def walk(t: Table):
            for i in sorted(t.entries):
                e = t.entries[i]
                if e.kind == "table":
                    out[e.table.level].append(e.table)
                    walk(e.table)

        walk(self.root)
        for level in (2, 3):
            out[level].sort(key=lambda t: t.base)
        if not self._named:  # names once: share_tables() may rename a table to the one it duplicates
            self._named = True
            self.root.name = f"{self.prefix}_l1"
            for level in (2, 3):
                for n, t in enumerate(out[level]):
                    t.name = f"{self.prefix}_l{level}_{n}"
        return out[1] + out[2] + out[3]

    def leaves(self) -> List[Entry]:
        res: List[Entry] = []

        def walk(t: Table):
            for i in sorted(t.entries):
                e = t.entries[i]
                if e.kind == "table":
                    walk(e.table)
                else:
                    res.append(e)

        walk(self.root)
        return res

    def decoded(self) -> List[dict]:
        """The leaf mappings merged into runs of equal attributes and contiguous output."""
        runs: List[dict] = []
        for e in self.leaves():
            last = runs[-1] if runs else None
            if (last and last["va"] + last["size"] == e.va and last["pa"] + last["size"] == e.pa
                    and last["attrs"] == e.attrs and last["what"] == e.what):
                last["size"] += e.size
            else:
                runs.append(dict(va=e.va, pa=e.pa, size=e.size, attrs=e.attrs, memtype=e.memtype,
                                 perm=e.perm, what=e.what))
        return runs


def share_tables(regimes: List["Tables"]) -> List[Table]:
    """The tables of several regimes with identical ones emitted once, in first-seen order.

    Two tables are identical when they have the same level, cover the same input range and
    hold the same leaf descriptors and links to identical tables. A duplicate takes the name
    of the table it duplicates (so table descriptors and roots name the shared copy); the
    result lists each shared table once, levels 3 first so that keys of children exist.
    """
    key_of: Dict[int, tuple] = {}
    canon: Dict[tuple, Table] = {}
    for regime in regimes:
        tabs = regime.tables()
        for t in sorted(tabs, key=lambda t: -t.level):
            ents = []
            for i in sorted(t.entries):
                e = t.entries[i]
                ents.append((i, "t", key_of[id(e.table)]) if e.kind == "table" else (i, e.value))
            k = (t.level, t.base, tuple(ents))
            key_of[id(t)] = k
            if k in canon:
                t.name = canon[k].name
            else:
                canon[k] = t
    # Emission order: per regime as tables() lists them (root, level 2, level 3), shared ones once.
    seen, out = set(), []
    for regime in regimes:
        for t in regime.tables():
            if t.name not in seen:
                seen.add(t.name)
                out.append(canon[key_of[id(t)]])
    return out
