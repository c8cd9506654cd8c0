#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Include layering of the hypervisor's sources (issue 11, "Structure").

The emulated devices (vdev/) reach the kernel only through the device
interface headers: vdev.h (dispatch, console output, fault reports) and
vcpu.h (the vCPU they serve), plus the layers below the kernel core that
every part may use (arch.h, lib.h, types.h, mmio.h, the generated config.h
and its types, the GICv3 and ABI constant headers). Any other kernel header
included from vdev/ closes a circle kernel/core <-> vdev, which is what this
check refuses. kernel/lib and kernel/arch may not include vdev/ headers.

The kernel reaches the vGIC through one injection function and its handler
table: outside comments, the only vGIC names in kernel/ are vgic_inject (with
its enum vgic_line values), vgic_handlers and vgic_has_news (the exit's flag
test), and no kernel file includes the vGIC's internal header vgic_priv.h.

Prints "file:line: error: ..." per violation and exits 1 if there is one.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
VGIC_NAME = re.compile(r'\b(vgic_\w+|VGIC_\w+)')
COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)

# What kernel/ may name of the vGIC (vdev/vgic.h): the one injection function, the handler
# table, the exit's flag test.
KERNEL_VGIC_ALLOWED = {"vgic_inject", "vgic_line", "VGIC_EDGE", "VGIC_LOW", "VGIC_HIGH", "vgic_handlers",
                       "vgic_has_news"}

# kernel/include headers that vdev/ may use.
VDEV_ALLOWED = {"arch.h", "cfg_types.h", "config.h", "gicv3.h", "lib.h", "mmio.h", "types.h",
                "vcpu.h", "vdev.h"}


def violations(root):
    vdev_own = {p.name for p in (root / "vdev").glob("*.h")}
    out = []
    for path in sorted((root / "vdev").glob("*.[ch]")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            inc = m.group(1)
            if inc in vdev_own or inc in VDEV_ALLOWED or inc.startswith("septum/"):
                continue
            out.append(f"{path.relative_to(root)}:{n}: error: vdev/ includes \"{inc}\"; devices reach "
                       "the kernel only through vdev.h and vcpu.h")
    for sub in ("kernel/lib", "kernel/arch"):
        for path in sorted((root / sub).rglob("*.[chS]")):
            for n, line in enumerate(path.read_text().splitlines(), 1):
                m = INCLUDE.match(line)
                if m and m.group(1) in vdev_own:
                    out.append(f"{path.relative_to(root)}:{n}: error: {sub}/ includes the device "
                               f"header \"{m.group(1)}\"")
    out.extend(kernel_vgic_names(root))
    return out


def kernel_vgic_names(root):
    """kernel/ names of the vGIC other than its injection function and handler table."""
    out = []
    for path in sorted((root / "kernel").rglob("*.[chS]")):
        text = path.read_text()
        # Comments blanked, newlines kept, so that line numbers stay true.
        code = COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
        for n, line in enumerate(code.splitlines(), 1):
            m = INCLUDE.match(line)
            if m:
                if m.group(1) == "vgic_priv.h":
                    out.append(f"{path.relative_to(root)}:{n}: error: kernel/ includes the vGIC's internal "
                               "header \"vgic_priv.h\"")
                continue
            for name in VGIC_NAME.findall(line):
                if name not in KERNEL_VGIC_ALLOWED:
                    out.append(f"{path.relative_to(root)}:{n}: error: kernel/ names \"{name}\"; the kernel "
                               "reaches the vGIC only through vgic_inject() and vgic_handlers")
    return out


def main(argv):
    root = pathlib.Path(argv[1]) if len(argv) > 1 else ROOT
    found = violations(root)
    for v in found:
        print(v)
    if not found:
        print("  OK      include layering: vdev/ reaches the kernel only through vdev.h and vcpu.h; "
              "the kernel reaches the vGIC only through vgic_inject() and vgic_handlers")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
