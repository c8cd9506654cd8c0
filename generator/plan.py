# SPDX-License-Identifier: Apache-2.0
"""The resolved plan: physical layout, vCPUs, page tables; what the emitters print.

Built from a description that passed every check. The plan is plain data
(dicts, lists, ints, strings) so that plan.json is a faithful dump of it and the
templates read nothing else.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
from typing import Dict, List

from . import REPO_ROOT
from .board import Board
from .model import System
from .layout import (GICD_SIZE, GICR_FRAME, HYP_DATA_WINDOW, HYP_RODATA_WINDOW, HYP_TEXT_WINDOW, TEXT_OFFSET,
                     LINK_SLOTS, allocate_virqs, console_intid, hyp_rw_top, link_mac, link_slot_size, linux_layout, resolve_devices, windows)
from .pagetables import MAIR_EL2, Tables, share_tables

PAGE = 0x1000


def hyp_windows(hyp, links, ncpus: int) -> List[tuple]:
    """The hypervisor region at EL2, (base, size, perm, what) in address order (layout.py's constants).

    EL2 W^X and read-only images: .text read-only and executable; the tables and .rodata read-only;
    .data read/write; the partitions' boot images read-only (nothing at EL2 writes them: loads and
    reloads only read them); .bss and .stacks, at the top, read/write. Nothing else executable.
    image.ld places the sections there and fails the link if one does not fit.
    """
    link = hyp.base + TEXT_OFFSET
    data = link + HYP_TEXT_WINDOW + HYP_RODATA_WINDOW
    images = data + HYP_DATA_WINDOW
    top = hyp.base + hyp.size - hyp_rw_top(links, ncpus)
    return [(hyp.base, TEXT_OFFSET, "rw", "hypervisor (below the image)"),
            (link, HYP_TEXT_WINDOW, "rx", "hypervisor .text"),
            (link + HYP_TEXT_WINDOW, HYP_RODATA_WINDOW, "r", "hypervisor .rodata and tables"),
            (data, HYP_DATA_WINDOW, "rw", "hypervisor .data"),
            (images, top - images, "r", "partition boot images"),
            (top, hyp.base + hyp.size - top, "rw", "hypervisor .bss and stacks")]


def _el2_tables(hyp, links, regions, parts, vcpus, ncpus, gic, con_pa, con_size, console) -> dict:
    """The EL2 stage-1 maps: one per CPU, and the boot map.

    Every map holds the hypervisor (W^X windows) and the MMIO it drives. A CPU's map adds
    only the RAM of the partitions with a vCPU there: loading, restart scrub and reload,
    hypercall buffers, set/way maintenance and both halves of a link's copy (the sender's
    CPU copies a frame from its own buffers into the link's frame slots in hypervisor
    memory, the receiver's CPU from there into its own buffers, vdev/virtio_net.c) all run
    on a CPU of the partition itself, so no CPU maps RAM of a partition it does not host.
    Read-only regions are mapped read-only; no partition memory is executable. Channel
    memory is never touched by the hypervisor (its control pages are emulated in hypervisor
    data) and is not mapped. The boot map has no partition memory at all: the boot CPU uses
    it until it knows its index (start.S), and a CPU that hosts nothing keeps it. Identical
    tables are shared.
    """
    base_items = [(b, size, "normal", perm, what) for b, size, perm, what in hyp_windows(hyp, links, ncpus)]
    base_items += [(con_pa, con_size, "device", "rw", f"console {console.label or console.path}"),
                  (gic.gicd[0], 0x10000, "device", "rw", "GICD"),
                  (gic.gicr[0], gic.stride * ncpus, "device", "rw", "GICR")]

    def build(name: str, part_names) -> Tables:
        t = Tables(name, "el2")
        items = list(base_items)
        for r in regions:
            if r["partition"] in part_names:
                perm = "rw" if "w" in r["perm"] else "r"
                items.append((r["pa"], r["size"], "normal", perm, f"{r['partition']}.{r['name']}"))
        for b, size, mt, perm, what in sorted(items):
            t.map(b, b, size, mt, perm, what)
        return t

    cpus, serves = [], []
    for c in range(ncpus):
        hosted = sorted({v["partition"] for v in vcpus if v["pcpu"] == c})
        names = [parts[i]["name"] for i in hosted]
        serves.append(dict(hosts=names))
        cpus.append(build(f"cfg_el2_cpu{c}", set(names)))
    boot = build("cfg_el2_boot", set())
    return dict(boot=boot, cpus=cpus, serves=serves, tables=share_tables([boot] + cpus))


def _round_up(v: int, a: int) -> int:
    return (v + a - 1) // a * a


def input_files(system: System, board: Board) -> List[pathlib.Path]:
    """Every input file, in the fixed order the fingerprint hashes them."""
    files = [system.file, board.dts_path]
    for p in system.partitions:
        im = p.image
        for f in (im.kernel, im.initrd, im.dtb_fragment):
            if f:
                files.append(system.dir / f)
    return files


def _built_images(system: System) -> List[pathlib.Path]:
    """Kernel and initrd files: build products whose bytes the configuration must not depend on."""
    out = []
    for p in system.partitions:
        for f in (p.image.kernel, p.image.initrd):
            if f:
                out.append(system.dir / f)
    return out


def fingerprint(system: System, board: Board) -> str:
    """sha256 over the inputs in input_files() order: file bytes, but only the paths of kernels and initrds.

    A Linux kernel or initramfs is fetched or built at build time and changes
    with every Debian update; the configuration (layout, tables, device trees)
    does not depend on its bytes, so neither does the fingerprint.
    """
    h = hashlib.sha256()
    h.update(system.text)
    built = set(_built_images(system))
    for f in input_files(system, board)[1:]:
        if f in built:
            h.update(b"\0path:" + str(os.path.relpath(f, system.dir)).encode() + b"\0")
            continue
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def _rel_to_repo(path: pathlib.Path) -> str:
    return pathlib.Path(os.path.relpath(path.resolve(), REPO_ROOT)).as_posix()


def layout_version() -> int:
    """CFG_LAYOUT_VERSION of the kernel's cfg_types.h (the tables' contract); 2 if absent."""
    import re
    try:
        text = (REPO_ROOT / "kernel" / "include" / "cfg_types.h").read_text()
    except OSError:
        return 2
    m = re.search(r"#define\s+CFG_LAYOUT_VERSION\s+(\d+)u?", text)
    return int(m.group(1)) if m else 2


def build_plan(system: System, board: Board) -> Dict:
    fp = fingerprint(system, board)
    hyp = system.hypervisor
    console = board.device(hyp.console)
    con_pa, con_size = console.regs[0]
    con_size = _round_up(con_size, PAGE)
    gic = board.gic
    ncpus = len(board.cpus)

    parts = []
    vcpus = []
    regions = []
    irq_routes = []
    cpu_owner: Dict[int, int] = {}
    vcpu_at: Dict[tuple, int] = {}
    devmap = resolve_devices(system, board)
    con_intid = console_intid(system, board)
    chan_virqs = {p.name: allocate_virqs(system, board, p) for p in system.partitions}
    for index, p in enumerate(system.partitions):
        first_vcpu = len(vcpus)
        for i, c in enumerate(p.cpus):
            cpu_owner.setdefault(c, len(vcpus))
            vcpu_at[(p.name, c)] = len(vcpus)
            vcpus.append(dict(partition=index, partition_name=p.name, index=i, pcpu=c, vmpidr=i))
        first_region = len(regions)
        s2 = Tables(f"cfg_s2_{p.name}", "s2")
        prs = []
        for r in p.regions:
            rec = dict(partition=p.name, name=r.name, pa=r.base, ipa=r.ipa, size=r.size, perm=r.perm)
            prs.append(rec)
            regions.append(rec)
        maps = [(r["ipa"], r["pa"], r["size"], "normal", r["perm"], f"{p.name}.{r['name']}") for r in prs]
        devices = []
        dev_pages: Dict[tuple, List[str]] = {}
        for ref, _, dev in devmap[p.name]:
            wins = [w for w in windows(system, board, p) if w.kind == "device" and
                    w.what == f"device {dev.label or dev.path}"]
            for w in wins:
                for off in range(0, w.size, 0x1000):
                    dev_pages.setdefault((w.ipa + off, w.pa + off), []).append(dev.label or dev.path)
            irqs = [dict(intid=q.intid, virq=q.intid) for q in dev.irqs if q.kind == "spi"]
            for q in irqs:
                irq_routes.append(dict(intid=q["intid"], partition=p.name, virq=q["virq"],
                                       via=dev.label or dev.path))
            devices.append(dict(ref=ref, path=dev.path, label=dev.label, compatible=dev.compatible,
                                dma=dev.dma, windows=[dict(ipa=w.ipa, pa=w.pa, size=w.size) for w in wins],
                                irqs=irqs))
        # Devices may share a 4 KiB page (e.g. virtio-mmio transports 0x200 apart): map each page once.
        run = None
        for (ipa, pa), who in sorted(dev_pages.items()):
            what = f"{p.name} device {', '.join(sorted(set(who)))}"
            if run and run[0] + run[2] == ipa and run[1] + run[2] == pa and run[3] == what:
                run[2] += 0x1000
            else:
                if run:
                    maps.append((run[0], run[1], run[2], "device", "rw", run[3]))
                run = [ipa, pa, 0x1000, what]
        if run:
            maps.append((run[0], run[1], run[2], "device", "rw", run[3]))
        for x in p.interrupts:
            irq_routes.append(dict(intid=x.irq, partition=p.name, virq=x.virq, via="interrupts"))
        chans = []
        for c in system.channels:
            if p.name not in c.peers:
                continue
            perm = "rw" if c.peers[p.name] == "rw" else "r"
            maps.append((c.base, c.base, c.size, "normal", perm, f"channel {c.name}"))
            chans.append(dict(name=c.name, ipa=c.base, pa=c.base, size=c.size, perm=perm,
                              ctl_ipa=c.base + c.size, virq=chan_virqs[p.name].get(f"channel:{c.name}"),
                              peer_index=list(c.peers).index(p.name), peers=list(c.peers)))
        for ipa, pa, size, mt, perm, what in sorted(maps):
            s2.map(ipa, pa, size, mt, perm, what)
        g = board.gic
        emulated = [dict(ipa=w.ipa, size=w.size, kind=w.kind, what=w.what)
                    for w in windows(system, board, p) if w.emulated]
        vuart = None
        if p.console == "vuart":
            vw = next(w for w in emulated if w["kind"] == "vuart")
            vuart = dict(ipa=vw["ipa"], size=vw["size"], virq=con_intid)
        first = prs[0]
        image = dict(kind=p.image.kind)
        load_ipa = entry_ipa = first["ipa"]
        linux = None
        if p.image.kind == "baremetal":
            image["program"] = _rel_to_repo(system.dir / p.image.program)
        else:
            image["kernel"] = _rel_to_repo(system.dir / p.image.kernel)
            if p.image.initrd:
                image["initrd"] = _rel_to_repo(system.dir / p.image.initrd)
            if p.image.dtb_fragment:
                image["dtb_fragment"] = _rel_to_repo(system.dir / p.image.dtb_fragment)
            image["bootargs"] = p.image.bootargs if p.image.bootargs is not None else (
                "console=ttyAMA0" if vuart else "")
            linux = linux_layout(system, p)
            # Keep only what does not depend on the bytes of the kernel and initrd (see fingerprint()).
            for k in ("fits", "need", "initrd_size", "kernel_file_size", "kernel_image_size"):
                linux.pop(k, None)
            load_ipa = entry_ipa = linux["kernel_ipa"]
        used_v = [r["virq"] for r in irq_routes if r["partition"] == p.name]
        used_v += [v for v in chan_virqs[p.name].values()]
        if vuart and vuart["virq"] is not None:
            used_v.append(vuart["virq"])
        num_virqs = max(64, _round_up(max(used_v, default=0) + 1, 32))
        parts.append(dict(
            name=p.name, index=index, macro="PART_" + p.name.upper(), vmid=index + 1,
            num_virqs=num_virqs, psci_conduit="hvc",
            boot_x0=linux["dtb_ipa"] if linux else 0,
            first_vcpu=first_vcpu, num_vcpus=len(p.cpus), first_region=first_region,
            num_regions=len(prs), on_fault=p.health.on_fault,
            health=dict(on_fault=p.health.on_fault, watchdog_ms=p.health.watchdog_ms,
                        max_restarts=p.health.max_restarts,
                        restart_window_ms=p.health.restart_window_ms,
                        on_reset=p.health.on_reset,
                        max_injected_faults=p.health.max_injected_faults,
                        watchdog_clock=p.health.watchdog_clock,
                        controllers=[q.name for q in system.partitions
                                     if p.name in [c for c, _ in q.control]],
                        subscribers=[s for s, _ in p.health.subscribers],
                        notify_virq=chan_virqs[p.name].get("health")),
            image=image, load_ipa=load_ipa, entry_ipa=entry_ipa, linux=linux,
            ram_ipa=first["ipa"], ram_size=first["size"],
            regions=prs, devices=devices, channels=chans, console=p.console, vuart=vuart,
            dma="trusted" if p.dma_trusted else "untrusted",
            vgic=dict(gicd_ipa=g.gicd[0], gicd_size=GICD_SIZE, gicr_ipa=g.gicr[0],
                      gicr_size=GICR_FRAME * len(p.cpus), maintenance_intid=g.maint_intid),
            emulated=emulated, s2=s2, s2_root=f"cfg_s2_{p.name}_l1",
            stage2=s2.decoded()))

    # Channel peers: channels by name, peers by name, consecutive.
    index_of = {p["name"]: p["index"] for p in parts}
    channel_peers = []
    peer_index = {}
    chan_views = {(p["name"], x["name"]): x for p in parts for x in p["channels"]}
    for ci, c in enumerate(system.channels):
        for n, perm in c.peers.items():
            view = chan_views[(n, c.name)]
            peer_index[(c.name, n)] = len(channel_peers)
            channel_peers.append(dict(channel=ci, channel_name=c.name, partition=index_of[n], partition_name=n,
                                      perm=view["perm"], vintid=view["virq"] or 0, ipa=view["ipa"],
                                      ctl_ipa=view["ctl_ipa"]))
    # Link ends (virtio-net devices): links by name, the two ends by partition name; peer = the other end.
    netdevs = []
    for li, ln in enumerate(system.links):
        names = sorted(n for n, _ in ln.peers)
        first = len(netdevs)
        for k, n in enumerate(names):
            netdevs.append(dict(link=ln.name, link_index=li, partition=index_of[n], partition_name=n,
                                peer=first + 1 - k, peer_name=names[1 - k], mtu=ln.mtu, queue_size=ln.queue_size,
                                ipa=ln.base, size=0x200, vintid=chan_virqs[n][f"link:{ln.name}"],
                                mac=link_mac(ln, n), slots=LINK_SLOTS, slot_size=link_slot_size(ln.mtu),
                                frames=f"cfg_link_frames_{first + k}"))
    for p in parts:
        p["links"] = [x for x in netdevs if x["partition"] == p["index"]]
    for p in parts:
        mask = 0
        for s_name in p["health"]["subscribers"]:
            mask |= 1 << index_of[s_name]
        p["health"]["subscriber_mask"] = mask
        p["health"]["controller_mask"] = sum(1 << index_of[c] for c in p["health"]["controllers"])
    vdev_kinds = {"vgicd": "CFG_VDEV_VGICD", "vgicr": "CFG_VDEV_VGICR", "vuart": "CFG_VDEV_VUART"}
    vdevs = []
    blobs = []
    devices = []
    ctl_of = {(p["name"], x["ctl_ipa"]): x for p in parts for x in p["channels"]}
    for p in parts:
        # Each partition's windows are consecutive in cfg_vdevs: the kernel looks only at its own.
        p["first_vdev"] = len(vdevs)
        # In the order the kernel tries them (vdev_mmio, a scan): the distributor, then the vUART (a guest's
        # console: its FR reads and the bytes the sync vector leaves to C), then the channel control pages
        # (a doorbell's NOTIFY and PENDING), then the rest by address (redistributors are touched at vCPU
        # bring-up).
        for w in sorted(p["emulated"], key=lambda w: {"vgicd": 0, "vuart": 1, "chanctl": 2}.get(w["kind"], 3)):
            if w["kind"] in vdev_kinds:
                intid = p["vuart"]["virq"] if w["kind"] == "vuart" and p["vuart"]["virq"] else 0
                vdevs.append(dict(partition=p["index"], partition_name=p["name"], kind=vdev_kinds[w["kind"]],
                                  ipa=w["ipa"], size=w["size"], intid=intid, arg=0, what=w["what"]))
            elif w["kind"] == "virtio":
                nd = next(i for i, x in enumerate(netdevs) if x["partition"] == p["index"] and x["ipa"] == w["ipa"])
                vdevs.append(dict(partition=p["index"], partition_name=p["name"], kind="CFG_VDEV_VIRTIO_NET",
                                  ipa=w["ipa"], size=w["size"], intid=netdevs[nd]["vintid"], arg=nd, what=w["what"]))
            elif w["kind"] == "chanctl":
                c = ctl_of[(p["name"], w["ipa"])]
                vdevs.append(dict(partition=p["index"], partition_name=p["name"], kind="CFG_VDEV_CHANCTL",
                                  ipa=w["ipa"], size=w["size"], intid=c["virq"] or 0,
                                  arg=peer_index[(c["name"], p["name"])], what=w["what"]))
        p["num_vdevs"] = len(vdevs) - p["first_vdev"]
        if p["linux"]:
            blobs.append(dict(partition=p["index"], partition_name=p["name"], what="dtb",
                              sym=f"cfg_image_{p['name']}_dtb", load_ipa=p["linux"]["dtb_ipa"]))
            if p["linux"]["initrd_ipa"]:
                blobs.append(dict(partition=p["index"], partition_name=p["name"], what="initrd",
                                  sym=f"cfg_image_{p['name']}_initrd", load_ipa=p["linux"]["initrd_ipa"]))
        for d in p["devices"]:
            for w in d["windows"]:
                devices.append(dict(path=d["path"], partition=p["index"], partition_name=p["name"],
                                    pa=w["pa"], ipa=w["ipa"], size=w["size"]))
    channels = []
    first_peer: Dict[int, int] = {}
    for i, x in enumerate(channel_peers):
        first_peer.setdefault(x["channel"], i)
    for ci, c in enumerate(system.channels):
        first = first_peer[ci]
        channels.append(dict(name=c.name, pa=c.base, size=c.size, notify=c.notify, notify_rate=c.notify_rate,
                             first_peer=first,
                             num_peers=len(c.peers),
                             peers=[dict(partition=n, perm=v) for n, v in c.peers.items()]))
    irq_routes.sort(key=lambda r: r["intid"])

    el2 = _el2_tables(hyp, system.links, regions, parts, vcpus, ncpus, gic, con_pa, con_size, console)

    # Time partitioning: a scheduled CPU starts in the vCPU of its first window.
    schedules, windows_flat = [], []
    index_of_part = {p.name: i for i, p in enumerate(system.partitions)}
    for s in system.schedules:
        t, ws = 0, []
        for w in s.windows:
            ws.append(dict(partition=w.partition, partition_index=index_of_part[w.partition],
                           vcpu=vcpu_at[(w.partition, s.cpu)], offset_us=t, us=w.us))
            t += w.us
        cpu_owner[s.cpu] = ws[0]["vcpu"]
        schedules.append(dict(cpu=s.cpu, major_frame_us=s.major_frame_us, idle_us=s.idle_us,
                              first_window=len(windows_flat), num_windows=len(ws), windows=ws))
        windows_flat.extend(dict(w, cpu=s.cpu) for w in ws)
    cpus = [dict(index=c.index, mpidr=c.mpidr, path=c.path, vcpu=cpu_owner.get(c.index),
                 el2_root=el2["cpus"][c.index].root.name, el2_serves=el2["serves"][c.index])
            for c in board.cpus]

    # The file name goes into C, linker and make comments and strings: only safe characters.
    sys_name = "".join(c if c.isascii() and (c.isalnum() or c in "._+-") else "_"
                       for c in pathlib.Path(system.path).name)
    inputs = [sys_name, board.dts_rel] + [_rel_to_repo(f) for f in input_files(system, board)[2:]]
    header = (f"Generated by generator from {sys_name} and {board.dts_rel}. Do not edit. "
              f"Inputs sha256: {fp}")
    return dict(
        header=header, fingerprint=fp, system=sys_name, inputs=inputs,
        board=dict(name=board.name, model=board.model, dts=board.dts_rel,
                   ram=[dict(base=b, size=s) for b, s in board.ram],
                   cpus=[dict(index=c.index, mpidr=c.mpidr, path=c.path) for c in board.cpus],
                   gic=dict(path=gic.path, gicd=gic.gicd[0], gicd_size=gic.gicd[1],
                            gicr=gic.gicr[0], gicr_size=gic.gicr[1], stride=gic.stride,
                            maintenance_intid=gic.maint_intid),
                   psci_method=board.psci_method, timer_intids=board.timer_intids,
                   timer_flags=board.timer_flags),
        hypervisor=dict(base=hyp.base, size=hyp.size, text_offset=TEXT_OFFSET,
                        link_base=hyp.base + TEXT_OFFSET, text_window=HYP_TEXT_WINDOW,
                        rodata_window=HYP_RODATA_WINDOW, data_window=HYP_DATA_WINDOW,
                        rw_top=hyp_rw_top(system.links, ncpus),
                        windows=[dict(base=b, size=size, perm=perm, what=what)
                                 for b, size, perm, what in hyp_windows(hyp, system.links, ncpus)],
                        console=dict(path=console.path, label=console.label, pa=con_pa,
                                     size=con_size),
                        ram_base=board.ram[0][0], ram_size=board.ram[0][1],
                        gicd=gic.gicd[0], gicr=gic.gicr[0], gicr_stride=gic.stride,
                        psci_smc=1 if board.psci_method == "smc" else 0,
                        mair_el2=MAIR_EL2, el2_root=el2["boot"].root.name),
        partitions=parts, vcpus=vcpus, regions=regions, cpus=cpus, channels=channels,
        schedules=schedules, sched_windows=windows_flat,
        irq_routes=irq_routes, console_intid=con_intid, vdevs=vdevs, channel_peers=channel_peers, netdevs=netdevs,
        num_links=len(system.links), link_slots=LINK_SLOTS, blobs=blobs, devices=devices,
        max_virqs=max(p["num_virqs"] for p in parts), layout_version=layout_version(),
        console_kind=console.uart_kind(),
        max_vcpus=max(p["num_vcpus"] for p in parts),
        el2=el2["tables"], el2_mappings=el2["boot"].decoded(),
    )
