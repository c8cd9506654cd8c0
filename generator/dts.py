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
    lines = [f"/* {plan['header']} */", "/*", f" * Device tree of partition '{p['name']}': its CPUs, memory,",
             " * virtual GIC, timer, console, pass-through devices and channels.", " */", "/dts-v1/;", "",
             "/ {", '\tcompatible = "septum,partition";', f'\tmodel = "Septum partition {p["name"]}";',
             "\t#address-cells = <2>;", "\t#size-cells = <2>;", "\tinterrupt-parent = <&gic>;", ""]
    lin = p["linux"]
    lines.append("\tchosen {")
    lines.append(f'\t\tbootargs = "{p["image"]["bootargs"]}";')
    if p["vuart"]:
        lines.append(f'\t\tstdout-path = "/pl011@{p["vuart"]["ipa"]:x}";')
    if lin and lin["initrd_ipa"]:
        s = lin["initrd_ipa"]
        lines.append(f"\t\tlinux,initrd-start = <{s >> 32:#x} {s & 0xffffffff:#x}>;")
        lines.append("\t\t/* The build sets the end from the initrd's size (fdtput); empty until then. */")
        lines.append(f"\t\tlinux,initrd-end = <{s >> 32:#x} {s & 0xffffffff:#x}>;")
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
                  '\t\treg-names = "shm", "ctl";', f'\t\tseptum,name = "{c["name"]}";',
                  f"\t\tseptum,peer-index = <{c['peer_index']}>;"]
        if c["virq"] is not None:
            lines.append(f"\t\tinterrupts = {_irq_spec(c['virq'], 1)};")
        if c["perm"] == "r":
            lines.append("\t\tread-only;")
        lines += ["\t};", ""]
    for x in p.get("links", []):
        mac = " ".join(x["mac"].split(":"))
        lines += [f"\tlink_{x['link']}: virtio_mmio@{x['ipa']:x} {{", '\t\tcompatible = "virtio,mmio";',
                  f"\t\treg = {_reg2(x['ipa'], x['size'])};", f"\t\tinterrupts = {_irq_spec(x['vintid'], 4)};",
                  "\t\tdma-coherent;", f"\t\tlocal-mac-address = [{mac}];",
                  f"\t\t/* link '{x['link']}' to partition '{x['peer_name']}', MTU {x['mtu']} */", "\t};", ""]
    if p["health"]["notify_virq"] is not None:
        lines += ["\tseptum-health {", '\t\tcompatible = "septum,health";',
                  f"\t\tinterrupts = {_irq_spec(p['health']['notify_virq'], 1)};", "\t};", ""]
    if lines[-1] == "":
        lines.pop()
    lines.append("};")
    if fragment:
        lines += ["", f"/* merged from {p['image']['dtb_fragment']} */", fragment.rstrip()]
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
