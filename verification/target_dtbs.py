#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Firmware DTBs of the target coverage run "fwdtb": one boot of the instrumented image per DTB.

The hypervisor checks the device tree the firmware hands over (kernel/lib/fdt.c reads
it, kernel/core/fwcheck.c compares it with the board) once, at boot, so each DTB is a
boot of its own. The fwdtb image (tests/integration/systems/fwdtb.yaml, built with
SEPTUM_COV_SECONDS 0) writes its profile right after the check: a boot costs QEMU's
start and the hypervisor's first steps.

Every DTB is made here at run time, deterministically, from nothing committed in binary:
  - QEMU's own DTB of the board (-machine dumpdtb), decompiled by dtc to source and
    edited as text (a node removed, a property changed), compiled again: the firmware
    that describes another machine, each difference fwcheck looks for;
  - that DTB with header fields changed, or cut by the end of RAM: fdt_open()'s checks;
  - small blobs assembled token by token (FdtWriter): a malformed structure block
    for each of fdt_next()'s and fdt_facts()'s refusals.
The DTB is placed as test_fwdtb.py places it: QEMU's generic loader puts the image
at its link address, the blob where the case says, and a trampoline that sets x0.
Each case names the console lines it must show (the hypervisor's answer, checked).
"""
import re
import struct
import subprocess

IMAGE_BASE = 0x40200000   # hypervisor region 0x40000000 + text_offset
TRAMPOLINE = 0x40180000   # unused hypervisor memory below the image
RAM_END = 0x80000000      # -m 1G on virt
AT = 0x48200000           # inside the cluster's region of fwdtb.yaml
BOARD_CPU = "4 CPUs"

FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9
REFUSED = r"^\[septum\] firmware does not match the board this image was built for; no partition started$"


def trampoline(x0, entry=IMAGE_BASE):
    """ldr x0, =x0; ldr x1, =entry; br x1 (A64 LDR literal and BR encodings)."""
    code = [0x58000080, 0x580000A1, 0xD61F0020, 0xD503201F]
    return struct.pack("<4I", *code) + struct.pack("<QQ", x0, entry)


class FdtWriter:
    """A flattened device tree built token by token (Devicetree Specification v0.4, ch. 5)."""

    def __init__(self):
        self.s = b""
        self.strings = b""

    def raw(self, *words):
        self.s += struct.pack(f">{len(words)}I", *words)
        return self

    def begin(self, name, pad=True):
        b = name.encode() + b"\0"
        self.s += struct.pack(">I", FDT_BEGIN_NODE) + (b + b"\0" * (-len(b) % 4) if pad else b)
        return self

    def end(self):
        return self.raw(FDT_END_NODE)

    def done(self):
        return self.raw(FDT_END)

    def nameoff(self, name):
        b = name.encode() + b"\0"
        i = self.strings.find(b)
        if i < 0 or (i > 0 and self.strings[i - 1] != 0):
            i = len(self.strings)
            self.strings += b
        return i

    def prop(self, name, val=b"", nameoff=None, vlen=None, pad=True):
        off = self.nameoff(name) if nameoff is None else nameoff
        self.s += struct.pack(">III", FDT_PROP, len(val) if vlen is None else vlen, off)
        self.s += val + (b"\0" * (-len(val) % 4) if pad else b"")
        return self

    def blob(self, rsv=(), rsv_last=False, **hdr):
        """Header, memory reservation block, structure block, strings block (or rsvmap last)."""
        rsvb = b"".join(struct.pack(">QQ", a, s) for a, s in rsv) + b"\0" * 16
        if rsv_last:
            s_off = 40
            str_off = s_off + len(self.s)
            rsv_off = (str_off + len(self.strings) + 7) & ~7
            body = self.s + self.strings + b"\0" * (rsv_off - str_off - len(self.strings)) + rsvb
        else:
            rsv_off = 40
            s_off = rsv_off + len(rsvb)
            str_off = s_off + len(self.s)
            body = rsvb + self.s + self.strings
        f = dict(magic=0xd00dfeed, totalsize=40 + len(body), off_dt_struct=s_off, off_dt_strings=str_off,
                 off_mem_rsvmap=rsv_off, version=17, last_comp_version=16, boot_cpuid_phys=0,
                 size_dt_strings=len(self.strings), size_dt_struct=len(self.s))
        f.update(hdr)
        return struct.pack(">10I", *f.values()) + body


def header_edit(blob, **fields):
    """The blob with header fields (by name) replaced."""
    names = ["magic", "totalsize", "off_dt_struct", "off_dt_strings", "off_mem_rsvmap", "version",
             "last_comp_version", "boot_cpuid_phys", "size_dt_strings", "size_dt_struct"]
    h = list(struct.unpack(">10I", blob[:40]))
    for k, v in fields.items():
        h[names.index(k)] = v(h) if callable(v) else v
    return struct.pack(">10I", *h) + blob[40:]


def hdr(blob, name):
    names = ["magic", "totalsize", "off_dt_struct", "off_dt_strings", "off_mem_rsvmap", "version",
             "last_comp_version", "boot_cpuid_phys", "size_dt_strings", "size_dt_struct"]
    return struct.unpack(">10I", blob[:40])[names.index(name)]


class Board:
    """QEMU's DTB of the machine the coverage runs use, as dtc source, and edits of it."""

    def __init__(self, machine_args, work):
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        cmd = list(machine_args)
        m = cmd.index("-M")
        raw = work / "qemu.dtb"
        cmd[m + 1] += f",dumpdtb={raw}"
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(raw)], check=True,
                                  stdout=subprocess.PIPE, text=True).stdout

    def compile(self, dts, name):
        src = self.work / f"{name}.dts"
        src.write_text(dts)
        out = self.work / f"{name}.dtb"
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out), str(src)], check=True)
        return out.read_bytes()

    def edited(self, name, *subs):
        """The board's source with each (regex, replacement) applied once (each must match)."""
        dts = self.dts
        for pat, rep in subs:
            dts, n = re.subn(pat, rep, dts, count=1, flags=re.M | re.S)
            if n != 1:
                raise SystemExit(f"target_dtbs: case {name}: {pat!r} matches nothing in QEMU's DTB")
        return self.compile(dts, name)


def node(name):
    """Regex of a whole node (at any depth) by its name, e.g. node('psci')."""
    return rf"^(\t+){re.escape(name)} \{{.*?^\1\}};\n"


def unreadable(at, why):
    return [rf"^\[septum\] firmware DTB at {at:#x} unreadable \({re.escape(why)}\); board description trusted$"]


def accepted(at, mem=1, cpus=4, psci="smc"):
    return [rf"^\[septum\] firmware DTB at {at:#x}: {mem} memory range\(s\), {cpus} CPUs, PSCI {re.escape(psci)}$"]


def differs(*lines):
    return [rf"^\[septum\] firmware differs: {ln}$" for ln in lines] + [REFUSED]


def structure(build):
    """A minimal tree whose structure block is build(FdtWriter) (root, /memory, /cpus...)."""
    w = FdtWriter()
    build(w)
    return w.blob()


def good_tree(w, extra=lambda w: None):
    """Just enough of a board for fdt_facts(): root cells, one /memory, no more."""
    w.begin("").prop("#address-cells", struct.pack(">I", 2)).prop("#size-cells", struct.pack(">I", 2))
    w.begin("memory@40000000").prop("device_type", b"memory\0").prop("reg", struct.pack(">4I", 0, 0x40000000, 0, 0x40000000)).end()
    extra(w)
    w.end()
    return w


def cases(board):
    """(name, x0, blob or None, blob address, extra QEMU args, expected console regexes)."""
    qemu = board.compile(board.dts, "qemu")
    n = len(qemu)
    c = []

    def add(name, blob, expect, at=AT, x0=None, args=()):
        c.append((name, at if x0 is None else x0, blob, at, list(args), expect))

    # ---- where the firmware leaves it (as tests/integration/test_fwdtb.py)
    add("none", None, [r"^\[septum\] no firmware DTB \(x0 = 0\); board description trusted$"], x0=0)
    add("outside-ram", None, [r"^\[septum\] firmware DTB at 0x1000 is outside board RAM; board description trusted$"],
        x0=0x1000)
    add("qemu-at-ram-base", None, accepted(0x40000000), x0=0x40000000)
    add("top-of-ram", qemu, accepted(RAM_END - n), at=RAM_END - n)
    add("unaligned", qemu, accepted(0x48100003), at=0x48100003)
    add("less-memory", None, differs(r"/memory: firmware \[0x40000000\.\.0x48000000\), "
                                     r"board cluster 'ram' \[0x48000000\.\.0x4c000000\)"),
        x0=0x40000000, args=["-m", "128M"])
    # ---- fdt_open(): the header
    add("short", qemu[:20], unreadable(RAM_END - 20, "shorter than its header"), at=RAM_END - 20)
    add("bad-magic", header_edit(qemu, magic=0xd00dfeee), unreadable(AT, "bad magic"))
    add("version-16", header_edit(qemu, version=16), unreadable(AT, "unsupported version"))
    add("last-comp-18", header_edit(qemu, last_comp_version=18), unreadable(AT, "unsupported version"))
    layout = [
        ("struct-in-header", dict(off_dt_struct=36)),
        ("strings-in-header", dict(off_dt_strings=36)),
        ("rsvmap-in-header", dict(off_mem_rsvmap=32)),
        ("struct-unaligned", dict(off_dt_struct=lambda h: h[2] + 2)),
        ("rsvmap-unaligned", dict(off_mem_rsvmap=lambda h: h[4] + 4)),
        ("struct-past-end", dict(size_dt_struct=lambda h: h[1])),
        ("strings-past-end", dict(size_dt_strings=lambda h: h[1])),
        ("rsvmap-past-end", dict(off_mem_rsvmap=lambda h: (h[1] + 7) & ~7)),
        ("struct-empty", dict(size_dt_struct=0)),
    ]
    for name, f in layout:
        add(name, header_edit(qemu, **f), unreadable(AT, "blocks outside totalsize"))
    # ---- fdt_open(): cut by the end of RAM (the copy stops there)
    s_off, str_off = hdr(qemu, "off_dt_struct"), hdr(qemu, "off_dt_strings")
    cut = s_off + 64
    add("cut-in-struct", qemu[:cut], unreadable(RAM_END - cut, "larger than the 64 KiB the hypervisor reads"),
        at=RAM_END - cut)
    cut = str_off + 8
    add("cut-in-strings", qemu[:cut], unreadable(RAM_END - cut, "larger than the 64 KiB the hypervisor reads"),
        at=RAM_END - cut)
    last = good_tree(FdtWriter()).done().blob(rsv_last=True)
    cut = hdr(last, "off_mem_rsvmap")
    add("cut-at-rsvmap", last[:cut], unreadable(RAM_END - cut, "larger than the 64 KiB the hypervisor reads"),
        at=RAM_END - cut)
    # ---- fdt_next() and fdt_facts(): the structure block
    bad = "corrupt structure block"
    add("unknown-token", structure(lambda w: w.raw(5)), unreadable(AT, bad))
    add("no-end-token", structure(lambda w: good_tree(w)), unreadable(AT, bad))
    add("name-unterminated", structure(lambda w: w.raw(FDT_BEGIN_NODE, 0x61626364)), unreadable(AT, bad))
    add("name-padded-past-end", structure(lambda w: w.raw(FDT_NOP).begin("ab", pad=False)), unreadable(AT, bad))
    add("prop-header-cut", structure(lambda w: w.begin("").raw(FDT_PROP, 0)), unreadable(AT, bad))
    add("prop-value-past-end", structure(lambda w: w.begin("").prop("reg", b"", vlen=64).done()), unreadable(AT, bad))
    add("prop-name-outside-strings", structure(lambda w: w.begin("").prop("reg", b"", nameoff=4096).done()),
        unreadable(AT, bad))
    w = FdtWriter()
    w.begin("").prop("reg", b"").done()
    blob = header_edit(w.blob(), size_dt_strings=2)   # "reg\0" cut to "re": no NUL
    add("prop-name-unterminated", blob, unreadable(AT, bad))
    add("prop-value-at-end", structure(lambda w: w.begin("").prop("x", b"ab", pad=False)), unreadable(AT, bad))
    add("end-without-root", structure(lambda w: w.done()), unreadable(AT, bad))
    add("root-unclosed", structure(lambda w: w.begin("").done()), unreadable(AT, bad))
    add("second-root", structure(lambda w: w.begin("").end().begin("").end().done()), unreadable(AT, bad))
    add("end-node-outside", structure(lambda w: w.end().done()), unreadable(AT, bad))
    add("prop-outside", structure(lambda w: w.prop("reg", b"").done()), unreadable(AT, bad))

    def deep(w):
        for i in range(17):
            w.begin(f"n{i}")
        w.done()
    add("nested-17", structure(deep), unreadable(AT, "nested too deeply"))

    # A readable tree with NOPs, a second GIC, /memreserve/ entries (one at address 0), cells
    # fdt_node_done() refuses, properties fdt_prop() passes over:
    # read; then compared (differs: the minimal tree has no GIC, CPU, UART or PSCI).
    def odd(w):
        w.raw(FDT_NOP)
        w.begin("gic").prop("compatible", b"arm,gic-v3\0").prop("reg", struct.pack(">8I", 0, 0x8000000, 0, 0x10000,
                                                                                 0, 0x80a0000, 0, 0xf60000)).end()
        w.begin("gic2").prop("compatible", b"arm,gic-v3\0").prop("reg", struct.pack(">8I", 0, 0x1000000, 0, 0x10000,
                                                                                  0, 0x2000000, 0, 0x10000)).end()
        w.begin("bus").prop("#address-cells", struct.pack(">I", 0)).prop("#size-cells", struct.pack(">I", 0))
        w.begin("a").prop("reg", b"\0\0\0\0").end().end()
        w.begin("bus3").prop("#address-cells", struct.pack(">I", 3)).begin("a").prop("reg", b"\0" * 16).end().end()
        w.begin("bigsize").prop("#address-cells", struct.pack(">I", 1)).prop("#size-cells", struct.pack(">I", 3))
        w.begin("a").prop("reg", b"\0" * 16).end().end()
        w.begin("short").prop("#address-cells", struct.pack(">I", 1)).prop("#size-cells", struct.pack(">I", 1))
        w.begin("a").prop("reg", b"\0\0\0\0").end().end()
        w.begin("noreg").end()
        # properties fdt_prop() passes over: cells of the wrong length, a name that only starts
        # like one it reads, a PSCI method outside /psci, string lists without their last NUL
        w.begin("odd").prop("#address-cells", b"\0" * 8).prop("#size-cells", b"\0" * 8).prop("regs", b"\0" * 4)
        w.prop("method", b"hvc\0").prop("compatible", b"arm,gic-v3").end()
        w.begin("odd2").prop("compatible", b"arm,gic-v3x").end()
        w.raw(FDT_NOP)
    wr = FdtWriter()
    good_tree(wr, odd).raw(FDT_NOP).done()
    add("minimal-tree", wr.blob(rsv=[(0, 0x1000), (0x48000000, 0x1000)]),
        accepted(AT, cpus=0, psci=r"?")
        + differs(r"/reserved-memory: firmware \[0x48000000\.\.0x48001000\), board cluster 'ram' \[0x48000000\.\.0x4c000000\)",
                  r"/cpus: firmware 0 CPUs, board CPU 0 MPIDR 0x0 missing",
                  r"console UART: firmware none at 0x9000000, board 0x9000000",
                  r"/psci method: firmware none, board smc"))

    # ---- fwcheck_board(): QEMU's board, edited to differ in one thing each
    e = board.edited
    add("no-memory-node", e("no-memory-node", (node("memory@40000000"), "")),
        accepted(AT, mem=0) + differs(r"/memory: firmware none, board hypervisor 'memory' \[0x40000000\.\.0x42000000\)",
                                      r"/memory: firmware none, board cluster 'ram' \[0x48000000\.\.0x4c000000\)"))
    add("two-memory-ranges", e("two-memory-ranges", (r"(memory@40000000 \{\n\t\treg = )<[^>]*>",
                                                     r'\1<0x00 0x40000000 0x00 0x4000000 0x00 0x50000000 0x00 0x1000000>')),
        accepted(AT, mem=2) + differs(r"/memory: firmware \[0x40000000\.\.0x44000000\) and more, "
                                      r"board cluster 'ram' \[0x48000000\.\.0x4c000000\)"))
    add("memory-device-type-only", e("memory-device-type-only", (r"memory@40000000 \{", "ram@40000000 {"),
                                     (r"^\t\tdevice_type = \"memory\";", "\t\tdevice_type = \"memory\";\n\t\tstatus = \"okay\";")),
        accepted(AT))
    many = "".join(f"\tmemory@{0x40000000 + i * 0x1000:x} {{\n\t\treg = <0x00 {0x40000000 + i * 0x1000:#x} 0x00 0x1000>;\n"
                   f"\t\tdevice_type = \"memory\";\n\t}};\n" for i in range(1, 10))
    add("ten-memory-nodes", e("ten-memory-nodes", (r"^\tmemory@40000000 \{", many + "\tmemory@40000000 {")),
        accepted(AT, mem=10) + differs(r"/memory: firmware \[0x40001000\.\.0x40002000\) and more, "
                                       r"board hypervisor 'memory' \[0x40000000\.\.0x42000000\)",
                                       r"/memory: firmware \[0x40001000\.\.0x40002000\) and more, "
                                       r"board cluster 'ram' \[0x48000000\.\.0x4c000000\)"))
    resmem = ("\treserved-memory {\n\t\t#address-cells = <0x02>;\n\t\t#size-cells = <0x02>;\n\t\tranges;\n"
              "\t\tbelow@3f000000 {\n\t\t\treg = <0x00 0x3f000000 0x00 0x1000>;\n\t\t};\n"
              "\t\tempty@4a000000 {\n\t\t\treg = <0x00 0x4a000000 0x00 0x00>;\n\t\t};\n"
              "\t\tabove@50000000 {\n\t\t\treg = <0x00 0x50000000 0x00 0x1000>;\n\t\t};\n"
              "\t\tfw@4b000000 {\n\t\t\treg = <0x00 0x4b000000 0x00 0x10000>;\n\t\t};\n\t};\n")
    add("reserved-memory", e("reserved-memory", (r"^\tmemory@40000000 \{", resmem + "\tmemory@40000000 {")),
        accepted(AT) + differs(r"/reserved-memory: firmware \[0x4b000000\.\.0x4b010000\), "
                               r"board cluster 'ram' \[0x48000000\.\.0x4c000000\)"))
    add("memreserve-hypervisor", e("memreserve-hypervisor", (r"^/dts-v1/;\n", "/dts-v1/;\n/memreserve/ 0x41000000 0x2000;\n")),
        accepted(AT) + differs(r"/reserved-memory: firmware \[0x41000000\.\.0x41002000\), "
                               r"board hypervisor 'memory' \[0x40000000\.\.0x42000000\)"))
    add("gic-v2", e("gic-v2", (r"compatible = \"arm,gic-v3\";", "compatible = \"arm,cortex-a15-gic\";")),
        accepted(AT) + differs(r"GIC: firmware has no arm,gic-v3 node, board GICv3 GICD 0x8000000 GICR 0x80a0000"))
    add("gic-elsewhere", e("gic-elsewhere", (r"(intc@8000000 \{.*?reg = )<[^>]*>",
                                             r'\1<0x00 0x8010000 0x00 0x10000 0x00 0x80b0000 0x00 0xf60000>')),
        accepted(AT) + differs(r"GICD: firmware 0x8010000, board 0x8000000", r"GICR: firmware 0x80b0000, board 0x80a0000"))
    add("gic-one-range", e("gic-one-range", (r"(intc@8000000 \{.*?reg = )<[^>]*>", r'\1<0x00 0x8000000 0x00 0x10000>')),
        accepted(AT) + differs(r"GIC: firmware has no arm,gic-v3 node, board GICv3 GICD 0x8000000 GICR 0x80a0000"))
    add("gic-compatible-list", e("gic-compatible-list", (r"compatible = \"arm,gic-v3\";",
                                                          "compatible = \"arm,gic-v3x\", \"arm,gic-v\", \"arm,gic-v3\";")),
        accepted(AT))
    add("no-cpu0", e("no-cpu0", (node("cpu@0"), "")),
        accepted(AT, cpus=3) + differs(r"/cpus: firmware 3 CPUs, board CPU 0 MPIDR 0x0 missing"))
    add("cpu0-not-a-cpu", e("cpu0-not-a-cpu", (r"(cpu@0 \{.*?)device_type = \"cpu\";", r'\1device_type = "cpux";')),
        accepted(AT, cpus=3) + differs(r"/cpus: firmware 3 CPUs, board CPU 0 MPIDR 0x0 missing"))
    many = "".join(f"\t\tcpu@{i:x} {{\n\t\t\treg = <{i:#x}>;\n\t\t\tdevice_type = \"cpu\";\n\t\t}};\n" for i in range(0x100, 0x10d))
    add("seventeen-cpus", e("seventeen-cpus", (r"^\t\tcpu@0 \{", many + "\t\tcpu@0 {")),
        accepted(AT, cpus=17))
    add("uart-disabled", e("uart-disabled", (r"(pl011@9000000 \{.*?reg = <[^>]*>;)", r'\1\n\t\tstatus = "disabled";')),
        accepted(AT) + differs(r"console UART: firmware none at 0x9000000, board 0x9000000"))
    add("uart-status-ok", e("uart-status-ok", (r"(pl011@9000000 \{.*?reg = <[^>]*>;)", r'\1\n\t\tstatus = "ok";')),
        accepted(AT))
    add("psci-hvc", e("psci-hvc", (r"method = \"smc\";", "method = \"hvc\";")),
        accepted(AT, psci="hvc") + differs(r"/psci method: firmware hvc, board smc"))
    add("psci-other", e("psci-other", (r"method = \"smc\";", "method = \"smcc\";")),
        accepted(AT, psci="?") + differs(r"/psci method: firmware other, board smc"))
    add("no-psci", e("no-psci", (node("psci"), "")),
        accepted(AT, psci="?") + differs(r"/psci method: firmware none, board smc"))
    return c


def channel_cases(board):
    """Firmware DTBs for the errors image (tests/integration/systems/errors.yaml), whose
    channel 'pipe' at 0x42000000 fwcheck compares too: reserved by the firmware, and
    clear of a reservation that refuses the hypervisor's own range."""
    c = []
    e = board.edited
    for name, rsv, lines in (
            ("memreserve-channel", "0x42000000 0x1000",
             [r"/reserved-memory: firmware \[0x42000000\.\.0x42001000\), board channel 'pipe' \[0x42000000\.\.0x42010000\)"]),
            ("memreserve-hypervisor", "0x41000000 0x2000",
             [r"/reserved-memory: firmware \[0x41000000\.\.0x41002000\), board hypervisor 'memory' \[0x40000000\.\.0x42000000\)"])):
        blob = e(f"errors-{name}", (r"^/dts-v1/;\n", f"/dts-v1/;\n/memreserve/ {rsv};\n"))
        c.append((f"dtb-{name}", AT, blob, AT, [], accepted(AT) + differs(*lines)))
    return c
