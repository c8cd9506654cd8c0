# SPDX-License-Identifier: Apache-2.0
"""An independent decoder of the emitted pagetables.c, for the tests.

It does not reuse generator code: it parses the C text, follows table
descriptors by symbol name and decodes the VMSAv8-64 descriptor bits (Arm ARM
D8.3), so a bug in the generator's encoder cannot hide in a shared helper.
"""

import re

_ARRAY = re.compile(r"const uint64_t (\w+)\[512\][^=]*=\s*\{(.*?)\n\};", re.S)
_ENTRY = re.compile(r"^\s*\[(\d+)\]\s*=\s*(.+?),\s*(?:/\*.*\*/)?\s*$", re.M)
_TABLE = re.compile(r"^\(uint64_t\)\(uintptr_t\)(\w+) \+ 0x3u$")
SIZES = {1: 1 << 30, 2: 1 << 21, 3: 1 << 12}


def parse(c_text):
    """{table name: {index: int value or ('table', name)}}"""
    tables = {}
    for name, body in _ARRAY.findall(c_text):
        ents = {}
        for idx, val in _ENTRY.findall(body):
            m = _TABLE.match(val.strip())
            if m:
                ents[int(idx)] = ("table", m.group(1))
            else:
                ents[int(idx)] = int(val.strip().rstrip("ul").rstrip("u"), 16)
        tables[name] = ents
    return tables


def _s2(desc):
    memattr = (desc >> 2) & 0xF
    s2ap = (desc >> 6) & 0x3
    perm = ("r" if s2ap & 1 else "") + ("w" if s2ap & 2 else "") + ("" if desc >> 54 & 1 else "x")
    return dict(memtype="normal" if memattr == 0xF else ("device" if memattr == 0x1 else f"memattr{memattr:x}"),
                perm=perm, sh=(desc >> 8) & 3, af=(desc >> 10) & 1)


def _el2(desc):
    idx = (desc >> 2) & 7
    ap2 = (desc >> 7) & 1
    perm = "r" + ("" if ap2 else "w") + ("" if desc >> 54 & 1 else "x")
    return dict(memtype={0: "normal", 1: "device"}.get(idx, f"attr{idx}"), perm=perm,
                sh=(desc >> 8) & 3, af=(desc >> 10) & 1)


def walk(tables, root, regime):
    """Leaf mappings of the tree under root: list of (va, pa, size, attrs dict)."""
    out = []

    def go(name, level, base):
        for idx, val in sorted(tables[name].items()):
            va = base + idx * SIZES[level]
            if isinstance(val, tuple):
                assert level < 3, f"{name}[{idx}]: table descriptor at level 3"
                go(val[1], level + 1, va)
                continue
            typ = val & 3
            assert typ == (3 if level == 3 else 1), f"{name}[{idx}]: bad type bits {typ}"
            pa = val & ((1 << 48) - 1) & ~(SIZES[level] - 1)
            assert val & ((1 << 48) - 1) & (SIZES[level] - 1) & ~0xFFF == 0, f"{name}[{idx}]: OA not aligned"
            attrs = _s2(val) if regime == "s2" else _el2(val)
            out.append((va, pa, SIZES[level], attrs))

    go(root, 1, 0)
    return out


def merged(leaves):
    """Merge leaves into runs with contiguous va/pa and equal attributes."""
    runs = []
    for va, pa, size, attrs in leaves:
        if runs and runs[-1][0] + runs[-1][2] == va and runs[-1][1] + runs[-1][2] == pa and runs[-1][3] == attrs:
            runs[-1] = (runs[-1][0], runs[-1][1], runs[-1][2] + size, attrs)
        else:
            runs.append((va, pa, size, attrs))
    return runs
