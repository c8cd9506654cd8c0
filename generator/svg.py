# SPDX-License-Identifier: Apache-2.0
"""memory-map.svg: the physical address space, who owns each range.

Rows follow the address order of memory-map.txt; a row's height grows with
the logarithm of its size so that a 4 KiB UART and 1 GiB of RAM both stay
readable. Each owner has its own colour; a channel is striped in the colours
of its peers; device windows are hatched.
"""

from __future__ import annotations

import math
from typing import Dict, List, Tuple
from xml.sax.saxutils import escape

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac"]
HYP = "#555555"
FREE = "#eeeeee"


def _human(n: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= (1 << shift) and n % (1 << shift) == 0:
            return f"{n >> shift} {unit}"
    return f"{n:#x} B"


def _rows(plan: dict) -> List[Tuple[str, int, int, str, str]]:
    """(section, base, size, owner key, label) in address order, free gaps included."""
    hyp = plan["hypervisor"]
    out = []
    dev = [(hyp["gicd"], 0x10000, "hypervisor", "GICv3 distributor"),
           (hyp["gicr"], hyp["gicr_stride"] * len(plan["cpus"]), "hypervisor", "GICv3 redistributors"),
           (hyp["console"]["pa"], hyp["console"]["size"], "hypervisor",
            f"console {hyp['console']['label'] or hyp['console']['path']}")]
    for p in plan["partitions"]:
        for d in p["devices"]:
            for w in d["windows"]:
                dev.append((w["pa"], w["size"], p["name"], f"{d['label'] or d['path']}"))
    for b, s, who, what in sorted(dev):
        out.append(("Device windows", b, s, who, what))
    mem = [(hyp["base"], hyp["size"], "hypervisor", "hypervisor")]
    for r in plan["regions"]:
        mem.append((r["pa"], r["size"], r["partition"], f"{r['partition']}.{r['name']} {r['perm']}"))
    for c in plan["channels"]:
        mem.append((c["pa"], c["size"], "channel:" + c["name"], f"channel {c['name']}"))
    for rb in plan["board"]["ram"]:
        base, size = rb["base"], rb["size"]
        sec = f"RAM {base:#x}"
        cur = base
        for b, s, who, what in sorted(m for m in mem if base <= m[0] < base + size):
            if b > cur:
                out.append((sec, cur, b - cur, "free", "free"))
            out.append((sec, b, s, who, what))
            cur = max(cur, b + s)
        if cur < base + size:
            out.append((sec, cur, base + size - cur, "free", "free"))
    return out


def memory_map_svg(plan: dict) -> str:
    owners = [p["name"] for p in plan["partitions"]]
    colour: Dict[str, str] = {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(owners)}
    colour["hypervisor"] = HYP
    colour["free"] = FREE
    rows = _rows(plan)
    width, left, barw = 900, 170, 260
    y = 70
    body: List[str] = []
    defs: List[str] = ['<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
                       'patternTransform="rotate(45)"><rect width="6" height="6" fill="none"/>'
                       '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern>']
    for c in plan["channels"]:
        peers = [x["partition"] for x in c["peers"]]
        stops = []
        for i, peer in enumerate(peers):
            col = colour.get(peer, "#999999")
            stops.append(f'<stop offset="{i / len(peers):.3f}" stop-color="{col}"/>')
            stops.append(f'<stop offset="{(i + 1) / len(peers):.3f}" stop-color="{col}"/>')
        defs.append(f'<linearGradient id="chan_{c["name"]}" x1="0" y1="0" x2="12" y2="0" '
                    f'gradientUnits="userSpaceOnUse" spreadMethod="repeat">{"".join(stops)}</linearGradient>')
    section = None
    for sec, base, size, who, what in rows:
        if sec != section:
            section = sec
            y += 14
            body.append(f'<text x="{left}" y="{y}" class="sec">{escape(sec)}</text>')
            y += 8
        h = max(16, min(60, int(16 + 4 * math.log2(max(size, 4096) / 4096))))
        fill = f"url(#chan_{who[8:]})" if who.startswith("channel:") else colour.get(who, "#999999")
        body.append(f'<rect x="{left}" y="{y}" width="{barw}" height="{h}" fill="{fill}" stroke="#333333" '
                    f'stroke-width="0.5"/>')
        if section == "Device windows":
            body.append(f'<rect x="{left}" y="{y}" width="{barw}" height="{h}" fill="url(#hatch)"/>')
        body.append(f'<text x="{left - 8}" y="{y + 11}" class="addr" text-anchor="end">{base:#012x}</text>')
        owner = who[8:] + " (channel)" if who.startswith("channel:") else who
        label = f"{what} \u2014 {_human(size)}" if who == "free" else f"{what} \u2014 {_human(size)} \u2014 {owner}"
        body.append(f'<text x="{left + barw + 10}" y="{y + h / 2 + 4:.0f}" class="lbl">{escape(label)}</text>')
        y += h
    y += 20
    legend_x = left
    for name in ["hypervisor"] + owners:
        body.append(f'<rect x="{legend_x}" y="{y}" width="12" height="12" fill="{colour[name]}"/>')
        body.append(f'<text x="{legend_x + 16}" y="{y + 10}" class="lbl">{escape(name)}</text>')
        legend_x += 24 + 8 * len(name)
    height = y + 30
    head = [f"<!-- {escape(plan['header'])} -->",
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="monospace">',
            "<style>.sec{font-size:13px;font-weight:bold}.addr{font-size:11px}.lbl{font-size:12px}</style>",
            "<defs>" + "".join(defs) + "</defs>",
            '<rect width="100%" height="100%" fill="#ffffff"/>',
            f'<text x="10" y="24" font-size="16" font-weight="bold">{escape(plan["system"])} on '
            f'{escape(plan["board"]["name"])}: physical memory map</text>',
            '<text x="10" y="44" font-size="11">Row heights grow with log2(size); ranges are half-open; '
            'hatched = device registers.</text>']
    return "\n".join(head + body + ["</svg>"]) + "\n"
