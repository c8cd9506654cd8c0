# SPDX-License-Identifier: Apache-2.0
"""The typed description: what system.yaml says, with the location of each part.

Built only from a description that passed the schema, so shapes are known;
values are not yet checked against the board or each other (checks/ does that).
"""

from __future__ import annotations

import dataclasses
import pathlib
import re
from typing import Dict, List, Optional, Tuple

from .diag import Loc
from .yamlload import Located

_SIZE_RE = re.compile(r"\s*(0[xX][0-9a-fA-F_]+|[0-9][0-9_]*)\s*([KMG])?(?:iB)?\s*")
_SHIFT = {None: 0, "K": 10, "M": 20, "G": 30}

#: Default size of the hypervisor's region when the description gives none.
DEFAULT_HYP_SIZE = 32 << 20


def file_kind_problem(path: pathlib.Path) -> str:
    """'' for an existing regular file, else what it is ('does not exist', 'is a directory', ...)."""
    import stat
    try:
        st = path.stat()
    except FileNotFoundError:
        return "does not exist"
    except OSError as e:
        return f"cannot be examined ({e.strerror or e})"
    if stat.S_ISDIR(st.st_mode):
        return "is a directory"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file"
    return ""


def parse_size(v) -> int:
    """An int, a hex string or a string with K/M/G suffix, as bytes."""
    if isinstance(v, int):
        return v
    m = _SIZE_RE.fullmatch(v)
    if not m:
        raise ValueError(f"not a size: {v!r}")
    return int(m.group(1).replace("_", ""), 0) << _SHIFT[m.group(2)]


def parse_addr(v) -> int:
    if isinstance(v, int):
        return v
    return int(v.strip().replace("_", ""), 16)


@dataclasses.dataclass
class Region:
    partition: str
    index: int
    name: str
    base: Optional[int]  # physical; None until placed automatically
    size: int
    perm: str
    ipa_given: Optional[int]
    loc: Loc  # the region's mapping
    path: Tuple

    @property
    def ipa(self) -> Optional[int]:
        return self.ipa_given if self.ipa_given is not None else self.base

    @property
    def end(self) -> int:
        return (self.base or 0) + self.size


@dataclasses.dataclass
class Image:
    kind: str
    loc: Loc
    program: Optional[str] = None  # as written
    kernel: Optional[str] = None
    initrd: Optional[str] = None
    bootargs: Optional[str] = None
    dtb_fragment: Optional[str] = None


@dataclasses.dataclass
class Health:
    on_fault: str = "halt"
    watchdog_ms: int = 0
    max_restarts: int = 0
    restart_window_ms: int = 0
    on_reset: str = "restart"
    max_injected_faults: int = 0
    watchdog_clock: str = "partition"
    subscribers: List[Tuple[str, Loc]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Interrupt:
    irq: int
    virq: int
    loc: Loc


@dataclasses.dataclass
class Partition:
    name: str
    loc: Loc  # its key
    cpus: List[int]
    cpu_locs: List[Loc]
    regions: List[Region]
    image: Image
    devices: List[Tuple[str, Loc]]
    interrupts: List[Interrupt]
    console: str
    console_loc: Optional[Loc]
    health: Health
    path: Tuple
    control: List[Tuple[str, Loc]] = dataclasses.field(default_factory=list)
    dma_trusted: bool = False  # `dma: trusted`: may own DMA masters without an IOMMU (E0407)
    dma_loc: Optional[Loc] = None


@dataclasses.dataclass
class Hypervisor:
    console: str
    console_loc: Loc
    base: Optional[int]
    size: int
    loc: Loc  # hypervisor.memory (or hypervisor)


@dataclasses.dataclass
class Channel:
    name: str
    loc: Loc
    size: int
    base: Optional[int]
    peers: Dict[str, str]
    peer_locs: Dict[str, Loc]
    notify: bool
    notify_rate: int = 1000


@dataclasses.dataclass
class Link:
    """A virtio-net cable between two partitions (checks/links.py, E08xx)."""
    name: str
    loc: Loc
    peers: List[Tuple[str, Loc]]
    mtu: int
    mtu_loc: Loc
    queue_size: int
    queue_size_loc: Loc
    base: Optional[int]  # guest-physical window base in both peers; None until placed
    base_loc: Loc
    irq: Optional[int]  # virtual SPI in both peers; None: allocated
    irq_loc: Loc
    macs: Dict[str, Tuple[str, Loc]]


@dataclasses.dataclass
class Window:
    partition: str
    us: int
    loc: Loc  # the window's mapping


@dataclasses.dataclass
class CpuSchedule:
    cpu: int
    major_frame_us: int
    idle_us: int
    windows: List[Window]
    loc: Loc  # its cpu<N> key
    path: Tuple


@dataclasses.dataclass
class System:
    path: str  # as given on the command line (printed in diagnostics)
    file: pathlib.Path  # resolved
    text: bytes
    version: int
    board_name: str
    board_loc: Loc
    hypervisor: Hypervisor
    partitions: List[Partition]  # sorted by name
    channels: List[Channel]  # sorted by name
    schedule_loc: Optional[Loc]
    schedules: List[CpuSchedule]  # sorted by CPU
    allowed_warnings: List[str]
    doc: Located
    #: Partitions and channels left out of the checks because of schema errors (by part).
    excluded: Dict[str, List[str]] = dataclasses.field(default_factory=dict)
    #: layout.windows() per partition, once layout.place() has fixed every base.
    windows_cache: Optional[dict] = None
    links: List[Link] = dataclasses.field(default_factory=list)  # sorted by name

    @property
    def dir(self) -> pathlib.Path:
        return self.file.parent

    def partition(self, name: str) -> Optional[Partition]:
        for p in self.partitions:
            if p.name == name:
                return p
        return None


def build(doc: Located, path: str, file: pathlib.Path, text: bytes, data=None,
          excluded: Optional[Dict[str, set]] = None) -> System:
    """Turn a schema-valid document (doc.data, or data: its schema-valid part) into the typed description.

    excluded: names of partitions and channels left out because of schema errors.
    """
    d = doc.data if data is None else data
    gone = (excluded or {}).get("partitions", set())
    hv = d["hypervisor"]
    hmem = hv.get("memory") or {}
    hyp = Hypervisor(
        console=hv["console"], console_loc=doc.loc(("hypervisor", "console")),
        base=parse_addr(hmem["base"]) if "base" in hmem else None,
        size=parse_size(hmem["size"]) if "size" in hmem else DEFAULT_HYP_SIZE,
        loc=doc.loc(("hypervisor", "memory")) if "memory" in hv else doc.loc(("hypervisor",)))
    parts = []
    for name in sorted(d["partitions"]):
        p = d["partitions"][name]
        pp = ("partitions", name)
        regions = []
        for i, r in enumerate(p["memory"]):
            rp = pp + ("memory", i)
            regions.append(Region(
                partition=name, index=i, name=r["name"],
                base=parse_addr(r["base"]) if "base" in r else None,
                size=parse_size(r["size"]), perm=r.get("perm", "rwx"),
                ipa_given=parse_addr(r["ipa"]) if "ipa" in r else None,
                loc=doc.loc(rp), path=rp))
        im = p["image"]
        image = Image(kind=im["kind"], loc=doc.loc(pp + ("image",)), program=im.get("program"),
                      kernel=im.get("kernel"), initrd=im.get("initrd"), bootargs=im.get("bootargs"),
                      dtb_fragment=im.get("dtb_fragment"))
        h = p.get("health") or {}
        health = Health(on_fault=h.get("on_fault", "halt"), watchdog_ms=h.get("watchdog_ms", 0),
                        max_restarts=h.get("max_restarts", 0),
                        restart_window_ms=h.get("restart_window_ms", 0),
                        on_reset=h.get("on_reset", "restart"),
                        max_injected_faults=h.get("max_injected_faults", 0),
                        watchdog_clock=h.get("watchdog_clock", "partition"),
                        subscribers=[(s, doc.loc(pp + ("health", "subscribers", i)))
                                     for i, s in enumerate(h.get("subscribers", [])) if s not in gone])
        parts.append(Partition(
            name=name, loc=doc.key_loc(pp), cpus=list(p["cpus"]),
            cpu_locs=[doc.loc(pp + ("cpus", i)) for i in range(len(p["cpus"]))],
            regions=regions, image=image,
            devices=[(dv, doc.loc(pp + ("devices", i))) for i, dv in enumerate(p.get("devices", []))],
            interrupts=[Interrupt(x["irq"], x.get("virq", x["irq"]), doc.loc(pp + ("interrupts", i)))
                        for i, x in enumerate(p.get("interrupts", []))],
            console=p.get("console", "vuart"),
            console_loc=doc.loc(pp + ("console",)) if "console" in p else None,
            health=health, path=pp,
            control=[(c, doc.loc(pp + ("control", i))) for i, c in enumerate(p.get("control", []))],
            dma_trusted=(p.get("dma") == "trusted"),
            dma_loc=doc.loc(pp + ("dma",)) if "dma" in p else None))
    chans = []
    for name in sorted(d.get("channels") or {}):
        c = d["channels"][name]
        cp = ("channels", name)
        chans.append(Channel(
            name=name, loc=doc.key_loc(cp), size=parse_size(c["size"]),
            base=parse_addr(c["base"]) if "base" in c else None,
            peers=dict(sorted(c["peers"].items())),
            peer_locs={k: doc.key_loc(cp + ("peers", k)) for k in c["peers"]},
            notify=c.get("notify", True), notify_rate=int(c.get("notify_rate", 1000))))
    links = []
    for name in sorted(d.get("links") or {}):
        ln = d["links"][name]
        lp = ("links", name)

        def at(key, lp=lp, ln=ln):
            return doc.loc(lp + (key,)) if key in ln else doc.key_loc(lp)
        links.append(Link(
            name=name, loc=doc.key_loc(lp),
            peers=[(n, doc.loc(lp + ("peers", i))) for i, n in enumerate(ln["peers"])],
            mtu=ln.get("mtu", 1500), mtu_loc=at("mtu"),
            queue_size=ln.get("queue_size", 256), queue_size_loc=at("queue_size"),
            base=parse_addr(ln["base"]) if "base" in ln else None, base_loc=at("base"),
            irq=ln.get("irq"), irq_loc=at("irq"),
            macs={k: (v, doc.loc(lp + ("mac", k))) for k, v in sorted((ln.get("mac") or {}).items())}))
    scheds = []
    for key in sorted(d.get("schedule") or {}, key=lambda k: int(k[3:])):
        c = d["schedule"][key]
        sp = ("schedule", key)
        scheds.append(CpuSchedule(
            cpu=int(key[3:]), major_frame_us=c["major_frame_us"], idle_us=c.get("idle_us", 0),
            windows=[Window(w["partition"], w["us"], doc.loc(sp + ("windows", i)))
                     for i, w in enumerate(c["windows"])],
            loc=doc.key_loc(sp), path=sp))
    return System(
        path=path, file=file, text=text, version=d["septum"], board_name=d["board"],
        board_loc=doc.loc(("board",)), hypervisor=hyp, partitions=parts, channels=chans,
        schedule_loc=doc.key_loc(("schedule",)) if "schedule" in d else None, schedules=scheds,
        allowed_warnings=list((d.get("warnings") or {}).get("allow", [])), doc=doc,
        excluded={k: sorted(v) for k, v in (excluded or {}).items()}, links=links)
