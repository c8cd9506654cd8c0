# SPDX-License-Identifier: Apache-2.0
"""Board model: boards/<name>/board.dts compiled by dtc and read with pylibfdt.

Nothing about a board is hard-coded in the generator or the kernel: RAM banks,
CPUs (MPIDRs), the GICv3 frames, the PSCI method, the timer PPIs and every
device's registers and interrupts come from the board's device tree.
"""

from __future__ import annotations

import dataclasses
import pathlib
import struct
import subprocess
from typing import Dict, List, Optional, Tuple

import libfdt

from . import REPO_ROOT


#: 16550-family UARTs (TI K3, Synopsys DesignWare) a console driver can treat alike.
NS16550_COMPATIBLES = ("ns16550a", "ns16550", "ti,am654-uart", "snps,dw-apb-uart")


class BoardError(Exception):
    """The board description is missing or malformed."""


@dataclasses.dataclass
class Irq:
    """One interrupt of a device: GIC INTID plus the DT specifier it came from."""

    intid: int
    kind: str  # "spi" or "ppi"
    number: int  # SPI/PPI number as in the DT specifier
    flags: int


@dataclasses.dataclass
class Device:
    path: str
    name: str
    labels: List[str]
    compatible: List[str]
    regs: List[Tuple[int, int]]  # CPU physical (base, size)
    irqs: List[Irq]
    dma: bool  # can master the bus (dma-coherent, iommus, dma-ranges)
    iommu: bool  # sits behind an IOMMU (iommus)
    enabled: bool
    node: "FdtNode"

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else ""

    def is_pl011(self) -> bool:
        return "arm,pl011" in self.compatible or "arm,sbsa-uart" in self.compatible

    def uart_kind(self) -> Optional[str]:
        """'pl011' or 'ns16550' for a UART the hypervisor can drive, else None."""
        if self.is_pl011():
            return "pl011"
        if any(c in self.compatible for c in NS16550_COMPATIBLES):
            return "ns16550"
        return None


@dataclasses.dataclass
class Cpu:
    index: int  # position among the board's cpu nodes (sorted by reg)
    path: str
    mpidr: int
    labels: List[str]
    compatible: List[str]


@dataclasses.dataclass
class Gic:
    path: str
    version: int
    gicd: Tuple[int, int]
    gicr: Tuple[int, int]  # first redistributor region
    stride: int
    maint_intid: int
    num_spis: int


@dataclasses.dataclass
class FdtNode:
    path: str
    name: str
    props: Dict[str, bytes]
    children: List["FdtNode"]
    parent: Optional["FdtNode"]

    def u32s(self, prop: str) -> List[int]:
        raw = self.props.get(prop, b"")
        if len(raw) % 4:
            raise BoardError(f"{self.path}: property '{prop}' is not a list of 32-bit cells")
        return list(struct.unpack(">%dI" % (len(raw) // 4), raw))

    def u32(self, prop: str, default: Optional[int] = None) -> Optional[int]:
        v = self.u32s(prop) if prop in self.props else []
        return v[0] if v else default

    def strings(self, prop: str) -> List[str]:
        raw = self.props.get(prop)
        if raw is None:
            return []
        return [s.decode("utf-8", "replace") for s in raw.rstrip(b"\0").split(b"\0")]

    def string(self, prop: str) -> Optional[str]:
        s = self.strings(prop)
        return s[0] if s else None


@dataclasses.dataclass
class Board:
    name: str
    dts_path: pathlib.Path
    dts_rel: str  # as printed: boards/<name>/board.dts
    model: str
    compatible: List[str]
    ram: List[Tuple[int, int]]
    reserved: List[Tuple[int, int, str]]  # /reserved-memory no-map carve-outs (base, size, path)
    cpus: List[Cpu]
    gic: Gic
    psci_method: str
    timer_intids: List[int]  # secure phys, non-secure phys, virtual, hyp phys
    timer_flags: List[int]
    devices: Dict[str, Device]  # by path
    labels: Dict[str, str]  # label -> path
    root: FdtNode
    dtb: bytes

    def device(self, ref: str) -> Optional[Device]:
        """A device by DT path (/pl011@9000000) or label (uart0, &uart0)."""
        ref = ref.strip()
        if ref.startswith("&"):
            ref = ref[1:]
        if ref.startswith("/"):
            return self.devices.get(ref.rstrip("/") or "/")
        path = self.labels.get(ref)
        return self.devices.get(path) if path else None

    def in_ram(self, base: int, size: int) -> bool:
        """Inside one RAM bank (reserved carve-outs are checked separately)."""
        return any(b <= base and base + size <= b + s for b, s in self.ram)

    def reserved_overlap(self, base: int, size: int) -> Optional[Tuple[int, int, str]]:
        for r in self.reserved:
            if base < r[0] + r[1] and r[0] < base + size:
                return r
        return None

    def usable_ram(self) -> List[Tuple[int, int]]:
        """RAM banks minus the reserved carve-outs, sorted."""
        out = []
        for b, s in self.ram:
            cur, end = b, b + s
            for rb, rs, _ in sorted(self.reserved):
                if rb + rs <= cur or rb >= end:
                    continue
                if rb > cur:
                    out.append((cur, rb - cur))
                cur = max(cur, rb + rs)
            if cur < end:
                out.append((cur, end - cur))
        return out

    def mmio_windows(self) -> List[Tuple[int, int, str]]:
        """Every device register window (base, size, path), sorted."""
        return sorted((b, s, d.path) for d in self.devices.values() for b, s in d.regs if s)


def board_dirs() -> List[pathlib.Path]:
    """The repository's boards/, then each directory of $SEPTUM_BOARD_PATH (colon-separated)."""
    import os
    extra = [pathlib.Path(p) for p in os.environ.get("SEPTUM_BOARD_PATH", "").split(":") if p]
    return [REPO_ROOT / "boards"] + extra


def known_boards() -> List[str]:
    names = set()
    for d in board_dirs():
        if d.is_dir():
            names.update(p.name for p in d.iterdir() if (p / "board.dts").is_file())
    return sorted(names)


def board_dts_path(name: str) -> pathlib.Path:
    for d in board_dirs():
        if (d / name / "board.dts").is_file():
            return d / name / "board.dts"
    return REPO_ROOT / "boards" / name / "board.dts"


def compile_dts(path: pathlib.Path) -> bytes:
    try:
        r = subprocess.run(["dtc", "-q", "-@", "-I", "dts", "-O", "dtb", "-o", "-", str(path)],
                           capture_output=True, timeout=60, check=False)
    except FileNotFoundError as e:
        raise BoardError("dtc (device-tree-compiler) is not installed") from e
    if r.returncode != 0:
        msg = r.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BoardError("dtc failed: " + (msg[0] if msg else f"exit {r.returncode}"))
    return r.stdout


def _read_tree(fdt: libfdt.Fdt) -> FdtNode:
    quiet = (libfdt.NOTFOUND,)

    def node(off: int, path: str, parent: Optional[FdtNode]) -> FdtNode:
        name = fdt.get_name(off)
        props: Dict[str, bytes] = {}
        poff = fdt.first_property_offset(off, quiet)
        while poff >= 0:
            p = fdt.get_property_by_offset(poff)
            props[p.name] = bytes(p)
            poff = fdt.next_property_offset(poff, quiet)
        n = FdtNode(path, name, props, [], parent)
        child = fdt.first_subnode(off, quiet)
        while child >= 0:
            cname = fdt.get_name(child)
            n.children.append(node(child, (path.rstrip("/") + "/" + cname), n))
            child = fdt.next_subnode(child, quiet)
        return n

    root = node(0, "/", None)
    root.name = ""
    return root


def _cells(node: Optional[FdtNode], prop: str, default: int) -> int:
    if node is None:
        return default
    v = node.u32(prop)
    return default if v is None else v


def _num(cells: List[int]) -> int:
    v = 0
    for c in cells:
        v = (v << 32) | c
    return v


def _regs(n: FdtNode) -> List[Tuple[int, int]]:
    """The node's reg entries translated to CPU physical addresses."""
    if "reg" not in n.props or n.parent is None:
        return []
    ac = _cells(n.parent, "#address-cells", 2)
    sc = _cells(n.parent, "#size-cells", 1)
    cells = n.u32s("reg")
    step = ac + sc
    if step == 0 or len(cells) % step:
        raise BoardError(f"{n.path}: 'reg' does not match #address-cells/#size-cells of its parent")
    out = []
    for i in range(0, len(cells), step):
        addr = _num(cells[i:i + ac])
        size = _num(cells[i + ac:i + step])
        out.append((_translate(n.parent, addr, n.path), size))
    return out


def _translate(bus: FdtNode, addr: int, who: str) -> int:
    """Translate a child address of bus through the ranges of bus and its ancestors."""
    while bus.parent is not None:
        if "ranges" not in bus.props:
            raise BoardError(f"{who}: parent {bus.path} has no 'ranges'; its registers are not memory-mapped")
        ranges = bus.u32s("ranges")
        if ranges:
            cac = _cells(bus, "#address-cells", 2)
            pac = _cells(bus.parent, "#address-cells", 2)
            csc = _cells(bus, "#size-cells", 1)
            step = cac + pac + csc
            if len(ranges) % step:
                raise BoardError(f"{bus.path}: malformed 'ranges'")
            for i in range(0, len(ranges), step):
                cb = _num(ranges[i:i + cac])
                pb = _num(ranges[i + cac:i + cac + pac])
                sz = _num(ranges[i + cac + pac:i + step])
                if cb <= addr < cb + sz:
                    addr = pb + (addr - cb)
                    break
            else:
                raise BoardError(f"{who}: address {addr:#x} is outside the 'ranges' of {bus.path}")
        bus = bus.parent
    return addr


def _walk(n: FdtNode):
    yield n
    for c in n.children:
        yield from _walk(c)


_CACHE: Dict[Tuple[str, str, int, int], Board] = {}


def load_board(name: str) -> Board:
    """Compile and interpret boards/<name>/board.dts (cached per file version in this process)."""
    path = board_dts_path(name)
    if not path.is_file():
        raise BoardError(f"{path} does not exist")
    st = path.stat()
    key = (name, str(path), st.st_mtime_ns, st.st_size)
    if key not in _CACHE:
        _CACHE[key] = _load(name, path)
    return _CACHE[key]


def _load(name: str, path: pathlib.Path) -> Board:
    dtb = compile_dts(path)
    try:
        fdt = libfdt.Fdt(dtb)
        root = _read_tree(fdt)
    except libfdt.FdtException as e:
        raise BoardError(f"cannot read the compiled board: {e}") from e
    return interpret(name, path, root, dtb)


def interpret(name: str, path: pathlib.Path, root: FdtNode, dtb: bytes) -> Board:
    nodes = {n.path: n for n in _walk(root)}
    labels: Dict[str, str] = {}
    sym = nodes.get("/__symbols__")
    if sym is not None:
        for lab in sorted(sym.props):
            labels[lab] = sym.string(lab) or ""
    labels_of: Dict[str, List[str]] = {}
    for lab, p in sorted(labels.items()):
        labels_of.setdefault(p, []).append(lab)
    phandles = {n.u32("phandle"): n for n in nodes.values() if "phandle" in n.props}

    ram: List[Tuple[int, int]] = []
    for n in root.children:
        if n.string("device_type") == "memory":
            ram.extend(r for r in _regs(n) if r[1])
    ram.sort()
    if not ram:
        raise BoardError("no memory node (device_type = \"memory\")")

    reserved: List[Tuple[int, int, str]] = []
    rm = nodes.get("/reserved-memory")
    if rm is not None:
        for c in rm.children:
            if "no-map" in c.props:
                reserved.extend((b, sz, c.path) for b, sz in _regs(c) if sz)
    reserved.sort()

    cpus_node = nodes.get("/cpus")
    cpu_nodes = [c for c in (cpus_node.children if cpus_node else []) if c.string("device_type") == "cpu"]
    cpu_list = []
    for c in cpu_nodes:
        ac = _cells(cpus_node, "#address-cells", 1)
        cells = c.u32s("reg")
        if len(cells) < ac or ac == 0:
            raise BoardError(f"{c.path}: missing 'reg' (MPIDR affinity)")
        cpu_list.append((_num(cells[:ac]), c))
    cpu_list.sort(key=lambda t: t[0])
    cpus = [Cpu(i, c.path, mpidr, labels_of.get(c.path, []), c.strings("compatible"))
            for i, (mpidr, c) in enumerate(cpu_list)]
    if not cpus:
        raise BoardError("no cpu nodes under /cpus")

    gic_node = None
    for n in _walk(root):
        if "arm,gic-v3" in n.strings("compatible"):
            gic_node = n
            break
    if gic_node is None:
        raise BoardError("no GICv3 (compatible \"arm,gic-v3\"); Septum needs a GICv3")
    gregs = _regs(gic_node)
    if len(gregs) < 2:
        raise BoardError(f"{gic_node.path}: needs reg entries for GICD and GICR")
    stride_cells = gic_node.u32s("redistributor-stride") if "redistributor-stride" in gic_node.props else []
    stride = _num(stride_cells) if stride_cells else 0x20000
    maint = gic_node.u32s("interrupts")
    maint_intid = _intid(maint[0], maint[1]) if len(maint) >= 3 else 25
    for gb, gs in gregs[:2]:
        if gb + max(gs, 0x10000) > 1 << 39:
            raise BoardError(f"{gic_node.path}: the GIC at {gb:#x} is above 512 GiB, beyond the 39-bit "
                             f"EL2 map and stage-2 translation")
    gic = Gic(gic_node.path, 3, gregs[0], gregs[1], stride, maint_intid,
              gic_node.u32("septum,num-spis", 988))
    gic_phandle = gic_node.u32("phandle")

    psci_method = ""
    for n in root.children:
        comp = n.strings("compatible")
        if any(c.startswith("arm,psci") for c in comp):
            psci_method = n.string("method") or ""
    if psci_method not in ("smc", "hvc"):
        raise BoardError("no /psci node with method \"smc\" or \"hvc\"")

    timer_intids: List[int] = []
    timer_flags: List[int] = []
    for n in _walk(root):
        if "arm,armv8-timer" in n.strings("compatible"):
            cells = n.u32s("interrupts")
            for i in range(0, len(cells) - 2, 3):
                timer_intids.append(_intid(cells[i], cells[i + 1]))
                timer_flags.append(cells[i + 2])
            break
    if len(timer_intids) < 4:
        raise BoardError("the arm,armv8-timer node needs its four PPIs")

    devices: Dict[str, Device] = {}
    skip_types = ("cpu", "memory")
    for n in _walk(root):
        if n.parent is None or n.path.startswith(("/__symbols__", "/__fixups__", "/__local_fixups__",
                                                  "/chosen", "/aliases", "/cpus", "/reserved-memory")):
            continue
        if n.string("device_type") in skip_types:
            continue
        irqs: List[Irq] = []
        ip = _interrupt_parent(n, phandles)
        if "interrupts" in n.props and ip is gic_node:
            cells = n.u32s("interrupts")
            ncells = _cells(gic_node, "#interrupt-cells", 3)
            if ncells < 3 or len(cells) % ncells:
                raise BoardError(f"{n.path}: 'interrupts' does not match the GIC's #interrupt-cells")
            for i in range(0, len(cells), ncells):
                t, num, fl = cells[i], cells[i + 1], cells[i + 2]
                if t in (0, 1):
                    irqs.append(Irq(_intid(t, num), "spi" if t == 0 else "ppi", num, fl))
        try:
            regs = _regs(n)
        except BoardError:
            regs = []  # not memory-mapped (e.g. on a non-translating bus)
        status = n.string("status")
        devices[n.path] = Device(
            path=n.path, name=n.name, labels=labels_of.get(n.path, []),
            compatible=n.strings("compatible"), regs=regs, irqs=irqs,
            dma=("dma-coherent" in n.props or "iommus" in n.props or "dma-ranges" in n.props),
            iommu="iommus" in n.props,
            enabled=status in (None, "okay", "ok"), node=n)
    _ = gic_phandle
    try:
        rel = str(path.relative_to(REPO_ROOT))
    except ValueError:
        rel = str(path)
    return Board(name=name, dts_path=path, dts_rel=rel, model=root.string("model") or name,
                 compatible=root.strings("compatible"), ram=ram, reserved=reserved, cpus=cpus, gic=gic,
                 psci_method=psci_method, timer_intids=timer_intids, timer_flags=timer_flags,
                 devices=devices, labels=labels, root=root, dtb=dtb)


def _intid(kind: int, number: int) -> int:
    return 32 + number if kind == 0 else 16 + number


def _interrupt_parent(n: FdtNode, phandles: Dict[int, FdtNode]) -> Optional[FdtNode]:
    m: Optional[FdtNode] = n
    while m is not None:
        if "interrupt-parent" in m.props:
            return phandles.get(m.u32("interrupt-parent"))
        m = m.parent
    return None
