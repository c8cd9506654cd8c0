# SPDX-License-Identifier: Apache-2.0
"""Device tree of a Linux partition: only what the partition owns, at its guest-physical addresses.

Facts the output relies on (see shared notes on the Linux guest): interrupt-parent
at the root is mandatory; a PL011 with "arm,primecell" needs an apb_pclk
fixed-clock; all four timer PPIs make Linux use the virtual timer; PSCI over HVC.
"""

from __future__ import annotations

import re
import string
import subprocess
from typing import List

from .board import Board, FdtNode

#: Properties that hold phandles into the board tree; a partition's tree has none of those nodes.
_PHANDLE_PROPS = re.compile(
    r"^(phandle|linux,phandle|interrupt-parent|interrupts-extended|clocks|clock-names|assigned-clocks|"
    r"assigned-clock-parents|assigned-clock-rates|resets|reset-names|power-domains|power-domain-names|"
    r"iommus|iommu-map|msi-parent|msi-map|dmas|dma-names|phys|phy-names|pinctrl-\d+|pinctrl-names|"
    r".*-gpios?|.*-supply|memory-region|nvmem-cells|nvmem-cell-names|ti,sci.*)$")
_PRINTABLE = set(string.printable.encode()) - set(b"\t\n\r\x0b\x0c\"\\")


def _cells(vals: List[int]) -> str:
    return "<" + " ".join(f"{v:#x}" for v in vals) + ">"


def _reg2(base: int, size: int) -> str:
    return f"<{base >> 32:#x} {base & 0xffffffff:#x} {size >> 32:#x} {size & 0xffffffff:#x}>"


def prop_value(raw: bytes) -> str:
    """A property value in DTS syntax (empty string for a boolean property)."""
    if not raw:
        return ""
    if raw.endswith(b"\0") and all(part and all(b in _PRINTABLE for b in part)
                                   for part in raw[:-1].split(b"\0")):
        return ", ".join('"' + part.decode() + '"' for part in raw[:-1].split(b"\0"))
    if len(raw) % 4 == 0:
        import struct
        return _cells(list(struct.unpack(">%dI" % (len(raw) // 4), raw)))
    return "[" + " ".join(f"{b:02x}" for b in raw) + "]"


def dts_string(text: str) -> str:
    """text as a DTS string literal: quotes, backslashes and every non-printable byte escaped.

    dtc reads backslash-backslash, backslash-quote and backslash-xNN escapes (dtc's util.c), so the
    property holds exactly the UTF-8 bytes of text and nothing can end the string early.
    """
    out = []
    for b in text.encode("utf-8"):
        if b in (0x22, 0x5C):
            out.append("\\" + chr(b))
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append(f"\\x{b:02x}")
    return '"' + "".join(out) + '"'


def comment_text(text: str) -> str:
    """text made safe inside a /* */ comment on one line."""
    return "".join(c if c.isprintable() else "?" for c in text).replace("*/", "* /")


def _prop(name: str, value: str, ind: str) -> str:
    return f"{ind}{name};" if value == "" else f"{ind}{name} = {value};"


def device_node(node: FdtNode, label: str, regs, irqs, ind: str = "\t") -> List[str]:
    """A pass-through device: board properties minus phandles; reg at its IPA; interrupts as virtual."""
    head = f"{ind}{label + ': ' if label else ''}{node.name} {{"
    out = [head]
    for name in sorted(node.props):
        if _PHANDLE_PROPS.match(name) or name in ("reg", "interrupts", "status"):
            continue
        out.append(_prop(name, prop_value(node.props[name]), ind + "\t"))
    if regs:
        out.append(f"{ind}\treg = " + ", ".join(_reg2(b, s) for b, s in regs) + ";")
    if irqs:
        out.append(f"{ind}\tinterrupts = " + ", ".join(irqs) + ";")
    out.append(f"{ind}\tstatus = \"okay\";")
    out.append(f"{ind}}};")
    return out


def _irq_spec(virq: int, flags: int) -> str:
    return f"<0x0 {virq - 32:#x} {flags:#x}>"


def partition_dts(plan: dict, p: dict, board: Board, fragment: str) -> str:
    """The partition's DTS text."""
    lines = [f"/* {comment_text(plan['header'])} */", "/*",
             f" * Device tree of partition '{p['name']}': its CPUs, memory,",
             " * virtual GIC, timer, console, pass-through devices and channels.", " */", "/dts-v1/;", "",
             "/ {", '\tcompatible = "septum,partition";', f'\tmodel = {dts_string("Septum partition " + p["name"])};',
             "\t#address-cells = <2>;", "\t#size-cells = <2>;", "\tinterrupt-parent = <&gic>;", ""]
    lin = p["linux"]
    lines.append("\tchosen {")
    lines.append(f'\t\tbootargs = {dts_string(p["image"]["bootargs"])};')
    if p["vuart"]:
        lines.append(f'\t\tstdout-path = "/pl011@{p["vuart"]["ipa"]:x}";')
    if lin and lin["initrd_ipa"]:
        s = lin["initrd_ipa"]
        r0 = p["regions"][0]
        # One cell when the initrd's region lies below 4 GiB (the chosen binding's uint32; Linux reads
        # either width), else two; the build keeps the same width for the end.
        cells = f"{s:#x}" if r0["ipa"] + r0["size"] <= 1 << 32 else f"{s >> 32:#x} {s & 0xffffffff:#x}"
        lines.append(f"\t\tlinux,initrd-start = <{cells}>;")
        lines.append("\t\t/* The build sets the end from the initrd's size (fdtput); empty until then. */")
        lines.append(f"\t\tlinux,initrd-end = <{cells}>;")
    lines += ["\t};", ""]
    for r in p["regions"]:
        lines += [f"\tmemory@{r['ipa']:x} {{", '\t\tdevice_type = "memory";',
                  f"\t\treg = {_reg2(r['ipa'], r['size'])};", "\t};", ""]
    lines += ["\tcpus {", "\t\t#address-cells = <1>;", "\t\t#size-cells = <0>;"]
    for v in range(p["num_vcpus"]):
        lines += ["", f"\t\tcpu@{v} {{", '\t\t\tdevice_type = "cpu";', '\t\t\tcompatible = "arm,armv8";',
                  f"\t\t\treg = <{v:#x}>;", '\t\t\tenable-method = "psci";', "\t\t};"]
    lines += ["\t};", "", "\tpsci {", '\t\tcompatible = "arm,psci-1.0", "arm,psci-0.2";', '\t\tmethod = "hvc";',
              "\t};", ""]
    g = p["vgic"]
    lines += [f"\tgic: interrupt-controller@{g['gicd_ipa']:x} {{", '\t\tcompatible = "arm,gic-v3";',
              "\t\tinterrupt-controller;", "\t\t#interrupt-cells = <3>;", "\t\t#redistributor-regions = <1>;",
              f"\t\treg = {_reg2(g['gicd_ipa'], g['gicd_size'])},",
              f"\t\t      {_reg2(g['gicr_ipa'], g['gicr_size'])};", "\t};", ""]
    tflags = plan["board"]["timer_flags"]
    tspec = ", ".join(f"<0x1 {i - 16:#x} {f:#x}>" for i, f in zip(plan["board"]["timer_intids"], tflags))
    lines += ["\ttimer {", '\t\tcompatible = "arm,armv8-timer";', f"\t\tinterrupts = {tspec};",
              "\t\talways-on;", "\t};", ""]
    if p["vuart"]:
        u = p["vuart"]
        lines += ["\tapb_pclk: clock-24000000 {", '\t\tcompatible = "fixed-clock";', "\t\t#clock-cells = <0>;",
                  "\t\tclock-frequency = <24000000>;", '\t\tclock-output-names = "clk24mhz";', "\t};", "",
                  f"\tvuart: pl011@{u['ipa']:x} {{", '\t\tcompatible = "arm,pl011", "arm,primecell";',
                  f"\t\treg = {_reg2(u['ipa'], u['size'])};"] + (
                      [f"\t\tinterrupts = {_irq_spec(u['virq'], 4)};"] if u["virq"] else []) + [
                  "\t\tclocks = <&apb_pclk>, <&apb_pclk>;", '\t\tclock-names = "uartclk", "apb_pclk";',
                  "\t};", ""]
    for d in p["devices"]:
        dev = board.devices[d["path"]]
        flags = {q.intid: q.flags for q in dev.irqs}
        irqs = [_irq_spec(q["virq"], flags.get(q["intid"], 4)) for q in d["irqs"]]
        regs = [(b, s) for b, s in dev.regs if s]
        lines += device_node(dev.node, d["label"], regs, irqs) + [""]
    for c in p["channels"]:
        lines += [f"\tchannel_{c['name']}: septum-channel@{c['ipa']:x} {{", '\t\tcompatible = "septum,channel";',
                  f"\t\treg = {_reg2(c['ipa'], c['size'])}, {_reg2(c['ctl_ipa'], 0x1000)};",
                  '\t\treg-names = "shm", "ctl";', f'\t\tseptum,name = {dts_string(c["name"])};',
                  f"\t\tseptum,peer-index = <{c['peer_index']}>;",
                  "\t\tseptum,peers = " + ", ".join(dts_string(n) for n in c["peers"]) + ";"]
        if c["virq"] is not None:
            lines.append(f"\t\tinterrupts = {_irq_spec(c['virq'], 1)};")
        if c["perm"] == "r":
            lines.append("\t\tread-only;")
        lines += ["\t};", ""]
    for x in p.get("links", []):
        lines += [f"\tlink_{x['link']}: virtio_mmio@{x['ipa']:x} {{", '\t\tcompatible = "virtio,mmio";',
                  f"\t\treg = {_reg2(x['ipa'], x['size'])};", f"\t\tinterrupts = {_irq_spec(x['vintid'], 4)};",
                  "\t\tdma-coherent;",
                  f"\t\t/* link '{x['link']}' to partition '{x['peer_name']}', MTU {x['mtu']}, MAC {x['mac']} (virtio config space) */",
                  "\t};", ""]
    if p["health"]["notify_virq"] is not None:
        lines += ["\tseptum-health {", '\t\tcompatible = "septum,health";',
                  f"\t\tinterrupts = {_irq_spec(p['health']['notify_virq'], 1)};", "\t};", ""]
    if lines[-1] == "":
        lines.pop()
    lines.append("};")
    if fragment:
        lines += ["", f"/* merged from {comment_text(p['image']['dtb_fragment'])} */", fragment.rstrip()]
    return "\n".join(lines) + "\n"


def strip_fragment(text: str) -> str:
    return re.sub(r"^\s*/dts-v1/\s*;\s*$", "", text, flags=re.M).strip()


def compile_check(text: str) -> str:
    """'' if dtc compiles text, else dtc's first error line."""
    r = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "/dev/null", "-"], input=text.encode(),
                       capture_output=True, timeout=60, check=False)
    if r.returncode == 0:
        return ""
    msg = r.stderr.decode("utf-8", "replace").strip().splitlines()
    return msg[0] if msg else f"dtc exit {r.returncode}"


def compile_dtb(text: str) -> bytes:
    """The DTB of DTS text (dtc), or b'' if it does not compile."""
    r = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "-", "-"], input=text.encode(),
                       capture_output=True, timeout=60, check=False)
    return r.stdout if r.returncode == 0 else b""


#: Properties dtc adds to a node a fragment refers to by <&label>: not a change of the node.
_IGNORED_PROPS = {"phandle", "linux,phandle"}
#: Properties of /chosen the generator owns (the rest of /chosen a fragment may set).
_OWNED_CHOSEN = ("linux,initrd-start", "linux,initrd-end")


def _tree(dtb: bytes):
    import libfdt
    from .board import _read_tree
    return _read_tree(libfdt.Fdt(dtb))


def _flat(node, out=None) -> dict:
    """path -> (props without phandles, sorted child names) for node and its subtree."""
    out = {} if out is None else out
    stack = [node]
    while stack:
        n = stack.pop()
        out[n.path] = ({k: v for k, v in n.props.items() if k not in _IGNORED_PROPS},
                       sorted(c.name for c in n.children))
        stack.extend(n.children)
    return out


def fragment_changes(base_dtb: bytes, merged_dtb: bytes) -> List[tuple]:
    """(node path, what) for each way the merged tree changes a node the generator owns.

    Owned: every node of the generated tree except the root and /chosen (memory,
    cpus, GIC, timer, vUART and its clock, PSCI, channels, health, pass-through
    devices) with all its properties and children; the root's own properties;
    /chosen's linux,initrd-*. A fragment may add nodes (but no memory node) and
    properties elsewhere.
    """
    base, merged = _tree(base_dtb), _tree(merged_dtb)
    b, m = _flat(base), _flat(merged)
    out = []
    for path, (props, kids) in sorted(b.items()):
        if path not in m:
            out.append((path, "the node is deleted"))
            continue
        mprops, mkids = m[path]
        if path == "/chosen":
            for k in _OWNED_CHOSEN:
                if props.get(k) != mprops.get(k):
                    out.append((path, f"its property '{k}' is changed"))
            continue
        for k in sorted(set(props) | set(mprops)):
            if k not in mprops:
                out.append((path, f"its property '{k}' is deleted"))
            elif k not in props:
                if path != "/":
                    out.append((path, f"the property '{k}' is added"))
            elif props[k] != mprops[k]:
                out.append((path, f"its property '{k}' is changed"))
        if path != "/" and kids != mkids:
            out.append((path, "its child nodes are changed"))
    for path, (props, _) in sorted(m.items()):
        if path in b:
            continue
        name = path.rsplit("/", 1)[-1]
        if name.split("@")[0] == "memory" or props.get("device_type", b"").rstrip(b"\0") == b"memory":
            parent = path.rsplit("/", 1)[0] or "/"
            if parent == "/" or parent not in b:
                out.append((path, "memory"))
    # one finding per node and kind of change, children first collapse into the owning node
    seen, res = set(), []
    for path, what in out:
        if (path, what) not in seen:
            seen.add((path, what))
            res.append((path, what))
    return res


def locate_in_fragment(fragment: str, path: str, labels: dict) -> tuple:
    """(line, column) in the fragment text that most likely makes the change to node path; (1, 1) if unknown."""
    name = path.rsplit("/", 1)[-1] or "/"
    keys = []
    label = labels.get(path)
    if label:
        keys.append("&" + label)
    if name != "/":
        keys += [name + " {", name + "{", name]
    keys.append(path)
    lines = fragment.splitlines()
    for k in keys:
        for i, line in enumerate(lines):
            col = line.find(k)
            if col >= 0:
                return i + 1, col + 1
    return 1, 1


def labels_of(dts_text: str) -> dict:
    """path -> label of the top-level labelled nodes of a generated DTS (label: name {)."""
    out = {}
    for m in re.finditer(r"^\t([A-Za-z_][A-Za-z0-9_]*): ([^\s{]+) \{$", dts_text, flags=re.M):
        out["/" + m.group(2)] = m.group(1)
    return out
