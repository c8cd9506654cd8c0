# SPDX-License-Identifier: Apache-2.0
"""Derived layout shared by checks and plan: placement, device and window resolution.

- place(): gives automatically placed regions and channels a physical base.
- windows(): what a partition sees in its guest-physical space besides RAM:
  emulated windows (vGIC, vUART, channel control pages; never mapped, so they
  trap) and pass-through device windows (mapped as device memory).
- virqs(): every virtual INTID of a partition and where it comes from.
"""

from __future__ import annotations

import bisect
import dataclasses
from typing import Dict, List, Optional, Tuple

from .board import Board, Device
from .diag import Diagnostics
from .model import Channel, Link, Partition, System

PAGE = 0x1000
BLOCK_2M = 0x200000
GICD_SIZE = 0x10000
GICR_FRAME = 0x20000  # RD_base + SGI_base frames of one GICv3 redistributor
FIRST_SPI = 32
MAX_INTID = 1019

# ---- The hypervisor's memory at EL2 (image.ld places the sections, the EL2 tables map the windows) ----
#: The arm64 Image's text_offset: the kernel is linked this far into the hypervisor region.
TEXT_OFFSET = 0x200000
#: [link base, + HYP_TEXT_WINDOW): .text, read-only and executable.
HYP_TEXT_WINDOW = 0x80000
#: The next HYP_RODATA_WINDOW: the translation tables and .rodata, read-only, never executable.
HYP_RODATA_WINDOW = 0x80000
#: The next HYP_DATA_WINDOW: .data (initialised, loaded with the image), read/write, never executable.
HYP_DATA_WINDOW = 0x10000
#: Then the partitions' boot images (.images), read-only, up to the read/write window at the top of the
#: region, which holds .bss and .stacks (not loaded): its size is the hypervisor's zero-initialised state,
#: bounded here, plus every link's buffers (the generator knows them; image.ld checks the rest fits).
HYP_BSS_ALLOWANCE = 0x80000
#: One CPU's EL2 stack (kernel/arch/aarch64/arch_cpu.h, ARCH_STACK_SIZE_VALUE) and the firmware DTB copy
#: (kernel/include/fwcheck.h, FWCHECK_DTB_MAX), both in .stacks.
HYP_STACK = 0x4000
HYP_FW_DTB = 0x10000
#: A link's frame buffers in hypervisor memory (vdev/virtio_net.c): per direction LINK_SLOTS frames of
#: virtio_net_hdr (12) + Ethernet header with a VLAN tag (18) + MTU bytes, each rounded up to 64 bytes.
LINK_SLOTS = 32
LINK_SLOT_ALIGN = 64


def link_slot_size(mtu: int) -> int:
    """Bytes of one frame slot of a link's buffer (header, Ethernet header, MTU)."""
    return (12 + 18 + mtu + LINK_SLOT_ALIGN - 1) // LINK_SLOT_ALIGN * LINK_SLOT_ALIGN


def link_buffer_bytes(mtu: int) -> int:
    """Bytes of a link's buffers in hypervisor memory: two directions of LINK_SLOTS slots."""
    return 2 * LINK_SLOTS * link_slot_size(mtu)


def hyp_rw_top(links, ncpus: int) -> int:
    """Bytes of the read/write window at the top of the hypervisor region (.bss and .stacks)."""
    size = HYP_BSS_ALLOWANCE + ncpus * HYP_STACK + HYP_FW_DTB
    size += sum(link_buffer_bytes(min(max(ln.mtu, 68), 9000)) for ln in links)  # E0804 bounds the MTU
    return (size + 0xFFFF) // 0x10000 * 0x10000


def hyp_min_size(links, ncpus: int) -> int:
    """The smallest hypervisor region for these links and CPUs (one page left for the images)."""
    return TEXT_OFFSET + HYP_TEXT_WINDOW + HYP_RODATA_WINDOW + HYP_DATA_WINDOW + PAGE + hyp_rw_top(links, ncpus)


def page_round(base: int, size: int) -> Tuple[int, int]:
    b = base & ~(PAGE - 1)
    e = (base + size + PAGE - 1) & ~(PAGE - 1)
    return b, e - b


@dataclasses.dataclass
class Window:
    ipa: int
    size: int
    kind: str  # "vgicd", "vgicr", "vuart", "chanctl", "virtio" (emulated) or "device" (pass-through)
    what: str
    pa: Optional[int] = None  # device windows only

    @property
    def emulated(self) -> bool:
        return self.kind != "device"


def resolve_devices(system: System, board: Board) -> Dict[str, List[Tuple[str, object, Optional[Device]]]]:
    """Per partition: (reference, loc, Device or None) for each pass-through device."""
    return {p.name: [(ref, loc, board.device(ref)) for ref, loc in p.devices] for p in system.partitions}


def channel_ctl_ipa(c: Channel) -> int:
    """The peer's control (doorbell) page follows the shared region in guest-physical space."""
    return c.base + c.size


def windows(system: System, board: Board, p: Partition) -> List[Window]:
    """Emulated and pass-through windows of partition p, sorted by IPA (do not modify the list).

    Cached per partition once place() has fixed every base (system.windows_cache).
    """
    cache = getattr(system, "windows_cache", None)
    if cache is not None and p.name in cache:
        return cache[p.name]
    out = _windows(system, board, p)
    if cache is not None:
        cache[p.name] = out
    return out


def overlapping(items: List[Tuple[int, int, object]], base: int, size: int) -> List[Tuple[int, int, object]]:
    """The (start, size, what) of items (sorted by start; see sorted_items()) that overlap [base, base+size)."""
    starts, maxend, its = items  # type: ignore[misc]
    out = []
    j = bisect.bisect_left(starts, base + size) - 1
    while j >= 0 and maxend[j] > base:
        s, sz, what = its[j]
        if s + sz > base:
            out.append(its[j])
        j -= 1
    out.reverse()
    return out


def sorted_items(items) -> tuple:
    """Prepare (start, size, what) items for overlapping(): starts, running max of ends, items."""
    its = sorted(items, key=lambda t: (t[0], t[1]))
    starts, maxend, m = [], [], None
    for s, sz, _ in its:
        starts.append(s)
        m = s + sz if m is None else max(m, s + sz)
        maxend.append(m)
    return starts, maxend, its


def _windows(system: System, board: Board, p: Partition) -> List[Window]:
    out: List[Window] = []
    g = board.gic
    out.append(Window(g.gicd[0], GICD_SIZE, "vgicd", "virtual GIC distributor"))
    out.append(Window(g.gicr[0], GICR_FRAME * len(p.cpus), "vgicr", "virtual GIC redistributors"))
    con = board.device(system.hypervisor.console)
    if p.console == "vuart" and con is not None and con.regs:
        b, _ = page_round(*con.regs[0])
        out.append(Window(b, PAGE, "vuart", "virtual UART"))
    for c in system.channels:
        if p.name in c.peers and c.base is not None:
            out.append(Window(channel_ctl_ipa(c), PAGE, "chanctl", f"channel '{c.name}' control page"))
    for ln in system.links:
        if p.name in [n for n, _ in ln.peers] and ln.base is not None:
            out.append(Window(ln.base, PAGE, "virtio", f"link '{ln.name}' virtio-net"))
    for ref, _, dev in resolve_devices(system, board)[p.name]:
        if dev is None:
            continue
        for base, size in dev.regs:
            if size:
                b, s = page_round(base, size)
                out.append(Window(b, s, "device", f"device {dev.label or dev.path}", pa=b))
    out.sort(key=lambda w: (w.ipa, w.size, w.kind))
    return out


def console_intid(system: System, board: Board) -> Optional[int]:
    con = board.device(system.hypervisor.console)
    if con is None or not con.irqs:
        return None
    return con.irqs[0].intid


class Intervals:
    """Disjoint, sorted, merged half-open ranges; add and first-overlap in O(log n) (plus the merge)."""

    def __init__(self, items=()) -> None:
        self.starts: List[int] = []
        self.ends: List[int] = []
        for b, s in sorted(items):
            self.add(b, s)

    def add(self, base: int, size: int) -> None:
        if size <= 0:
            return
        end = base + size
        i = bisect.bisect_left(self.ends, base)  # first range ending at or after base: touching merges
        j = i
        while j < len(self.starts) and self.starts[j] <= end:
            base = min(base, self.starts[j])
            end = max(end, self.ends[j])
            j += 1
        self.starts[i:j] = [base]
        self.ends[i:j] = [end]

    def hit(self, base: int, end: int) -> Optional[int]:
        """End of a range overlapping [base, end), or None."""
        i = bisect.bisect_right(self.ends, base)
        if i < len(self.starts) and self.starts[i] < end:
            return self.ends[i]
        return None


def _free_in(ranges: List[Tuple[int, int]], sets: List[Intervals], size: int, align: int) -> Optional[int]:
    """Lowest base in ranges, aligned, with [base, base+size) clear of every interval set.

    Each step jumps past a whole merged blocker, so the search is O(log n) per
    blocker met, not a scan of every placed range per candidate.
    """
    for rb, rs in ranges:
        cand = (rb + align - 1) // align * align
        while cand + size <= rb + rs:
            ends = [e for e in (st.hit(cand, cand + size) for st in sets) if e is not None]
            if not ends:
                return cand
            cand = (max(ends) + align - 1) // align * align
    return None


def place(system: System, board: Board, diags: Diagnostics) -> None:
    """Give every region and channel without a base the lowest free aligned RAM (E0210)."""
    used = Intervals()
    h = system.hypervisor
    if h.base is not None:
        used.add(h.base, h.size)
    for p in system.partitions:
        for r in p.regions:
            if r.base is not None:
                used.add(r.base, r.size)
    for c in system.channels:
        if c.base is not None:
            used.add(c.base, c.size + PAGE)
    for b, s, _ in board.mmio_windows():
        used.add(b, s)
    ram = board.usable_ram()
    ipa_used: Dict[str, Intervals] = {}
    for p in system.partitions:
        ipa = Intervals([(r.ipa, r.size) for r in p.regions if r.ipa is not None] +
                        [(w.ipa, w.size) for w in windows(system, board, p)])
        ipa_used[p.name] = ipa
        for r in p.regions:
            if r.base is not None:
                continue
            align = BLOCK_2M if (r.size >= BLOCK_2M or (r.index == 0 and p.image.kind == "linux")) else PAGE
            base = _free_in(ram, [used, ipa] if r.ipa_given is None else [used], r.size, align)
            if base is None:
                diags.error("E0210", r.loc, f"partition '{p.name}': no free RAM for memory '{r.name}' "
                            f"of size {r.size:#x} (aligned {align:#x}); give it a base or shrink it")
                continue
            r.base = base
            used.add(base, r.size)
            if r.ipa_given is None:
                ipa.add(base, r.size)
    for c in system.channels:
        if c.base is not None:
            continue
        peers = [ipa_used[n] for n in c.peers if n in ipa_used]
        # the shared region plus the control page that follows it in each peer
        base = _free_in(ram, [used] + peers, c.size + PAGE, PAGE)
        if base is None:
            diags.error("E0210", c.loc, f"channel '{c.name}': no free RAM for {c.size:#x} bytes "
                        f"(plus its control page); give it a base or shrink it")
            continue
        c.base = base
        used.add(base, c.size + PAGE)
        for q in peers:
            q.add(base, c.size + PAGE)
    for ln in system.links:
        if ln.base is not None:
            continue
        avoid = []
        for n, _ in ln.peers:
            q = system.partition(n)
            if q is not None:
                avoid += [(r.ipa, r.size) for r in q.regions if r.ipa is not None]
                avoid += [(w.ipa, w.size) for w in windows(system, board, q)]
        # Guest-physical only (the window is emulated, never backed): the same IPA in both peers.
        base = _free_in([LINK_IPA_RANGE], [Intervals(avoid)], PAGE, PAGE)
        if base is None:
            diags.error("E0806", ln.loc, f"link '{ln.name}': no free guest-physical page for its device window "
                        f"in {hexr(*LINK_IPA_RANGE)} of its peers; give it a base")
            continue
        ln.base = base
    system.windows_cache = {}  # every base is fixed from here on


#: Where link windows are placed automatically (guest-physical, below the usual RAM at 1 GiB).
LINK_IPA_RANGE = (0x0a000000, 0x36000000)


def hexr(base: int, size: int) -> str:
    return f"[{base:#x}..{base + size:#x})"


def link_ends(system: System, p: Partition) -> List[Link]:
    """The links p is a peer of, by name."""
    return [ln for ln in system.links if p.name in [n for n, _ in ln.peers]]


def link_mac(ln: Link, partition: str) -> str:
    """The MAC of partition's end of link: given, or derived from the names (locally administered, unicast)."""
    if partition in ln.macs:
        return ln.macs[partition][0].lower()
    import hashlib
    h = hashlib.sha256(f"septum-link:{ln.name}:{partition}".encode()).digest()
    return ":".join(f"{b:02x}" for b in (0x02, 0x53) + tuple(h[:4]))


def virqs(system: System, board: Board, p: Partition) -> List[Tuple[int, str, object]]:
    """(vINTID, what, loc or None) of every fixed virtual SPI of p (not yet the allocated ones)."""
    out = []
    if p.console == "vuart":
        ci = console_intid(system, board)
        if ci is not None:
            out.append((ci, "the virtual UART", None))
    for ref, loc, dev in resolve_devices(system, board)[p.name]:
        if dev is not None:
            for irq in dev.irqs:
                if irq.kind == "spi":
                    out.append((irq.intid, f"device {dev.label or dev.path}", loc))
    for x in p.interrupts:
        out.append((x.virq, f"interrupt {x.irq}", x.loc))
    return out


def allocate_virqs(system: System, board: Board, p: Partition) -> Dict[str, int]:
    """Doorbell vINTIDs (one per channel of p with notify) and the health-notification vINTID."""
    taken = {v for v, _, _ in virqs(system, board, p)}
    out: Dict[str, int] = {}
    wants = [f"channel:{c.name}" for c in system.channels if p.name in c.peers and c.notify]
    if any(p.name in [s for s, _ in q.health.subscribers] for q in system.partitions):
        wants.append("health")
    wants += [f"link:{ln.name}" for ln in link_ends(system, p) if ln.irq is None]
    for ln in link_ends(system, p):
        if ln.irq is not None:  # given: checked by E0807
            out[f"link:{ln.name}"] = ln.irq
            taken.add(ln.irq)
    cand = FIRST_SPI
    for w in wants:
        while cand in taken:
            cand += 1
        out[w] = cand
        taken.add(cand)
    return out


ARM64_MAGIC = b"ARM\x64"
DTB_SLOT = 0x200000  # the arm64 boot protocol allows a DTB of at most 2 MiB
# The initrd's slot, right below the DTB's. Fixed, so that the layout (and the
# committed gen/) does not change whenever the initramfs grows by a byte; the
# build checks the file fits and sets /chosen/linux,initrd-end from its size.
INITRD_SLOT = 0x2000000


@dataclasses.dataclass
class Arm64Header:
    text_offset: int
    image_size: int
    flags: int


def read_arm64_header(path) -> Optional[Arm64Header]:
    """The arm64 Image header (Documentation/arm64/booting.rst), or None if it is not one."""
    import struct
    try:
        with open(path, "rb") as f:
            hdr = f.read(64)
    except OSError:
        return None
    if len(hdr) < 64 or hdr[0x38:0x3C] != ARM64_MAGIC:
        return None
    text_offset, image_size, flags = struct.unpack_from("<QQQ", hdr, 8)
    if image_size == 0:  # kernels before 3.17: text_offset 0x80000, size unknown
        import os
        image_size = os.path.getsize(path)
        text_offset = text_offset or 0x80000
    return Arm64Header(text_offset, image_size, flags)


def linux_layout(system: System, p: Partition) -> Optional[dict]:
    """Where kernel, initrd and DTB go in p's first region (guest-physical), or None."""
    import os
    im = p.image
    r = p.regions[0]
    if im.kind != "linux" or r.ipa is None:
        return None
    hdr = read_arm64_header(system.dir / im.kernel)
    if hdr is None:
        return None
    kernel_ipa = r.ipa + hdr.text_offset
    kernel_size = os.path.getsize(system.dir / im.kernel)
    end = r.ipa + r.size
    dtb_ipa = end - DTB_SLOT
    initrd_size = 0
    if im.initrd:
        try:
            initrd_size = os.path.getsize(system.dir / im.initrd)
        except OSError:
            initrd_size = 0
    initrd_ipa = dtb_ipa - INITRD_SLOT
    limit = initrd_ipa if im.initrd else dtb_ipa
    return dict(kernel_ipa=kernel_ipa, kernel_file_size=kernel_size, kernel_image_size=hdr.image_size,
                text_offset=hdr.text_offset, entry_ipa=kernel_ipa, dtb_ipa=dtb_ipa, dtb_max=DTB_SLOT,
                initrd_ipa=initrd_ipa if im.initrd else 0, initrd_size=initrd_size, initrd_max=INITRD_SLOT,
                fits=(kernel_ipa + max(hdr.image_size, kernel_size) <= limit) and initrd_size <= INITRD_SLOT,
                need=hdr.text_offset + max(hdr.image_size, kernel_size) +
                (INITRD_SLOT if im.initrd else 0) + DTB_SLOT)
