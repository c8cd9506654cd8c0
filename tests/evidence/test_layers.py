# SPDX-License-Identifier: Apache-2.0
"""Include layering (verification/layers.py): the tree passes, and the check
refuses a device that includes a kernel-internal header, a lower layer that
includes a device header, and a kernel file that reaches the vGIC other than
through vgic_inject() and vgic_handlers."""
import json
import pathlib
import re
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "verification"))
import layers  # noqa: E402


def _copy(tmp_path):
    for sub in ("vdev", "kernel"):
        shutil.copytree(ROOT / sub, tmp_path / sub)
    return tmp_path


def test_tree_keeps_its_layers():
    assert layers.violations(ROOT) == []


def test_device_including_a_kernel_header_is_refused(tmp_path):
    root = _copy(tmp_path)
    src = root / "vdev" / "vuart.c"
    src.write_text(src.read_text() + '\n#include "console.h"\n')
    found = layers.violations(root)
    assert len(found) == 1 and found[0].startswith("vdev/vuart.c:") and '"console.h"' in found[0]


def test_lower_layer_including_a_device_header_is_refused(tmp_path):
    root = _copy(tmp_path)
    src = root / "kernel" / "lib" / "fmt.c"
    src.write_text('#include "vgic.h"\n' + src.read_text())
    assert layers.violations(root) == ['kernel/lib/fmt.c:1: error: kernel/lib/ includes the device header "vgic.h"']


def test_main_exits_1_on_a_violation(tmp_path, capsys):
    root = _copy(tmp_path)
    src = root / "vdev" / "virtio_net.c"
    src.write_text('#include "health.h"\n' + src.read_text())
    assert layers.main(["layers.py", str(root)]) == 1
    assert "vdev/virtio_net.c:1: error:" in capsys.readouterr().out


def test_kernel_calling_a_vgic_function_directly_is_refused(tmp_path):
    root = _copy(tmp_path)
    src = root / "kernel" / "core" / "trap.c"
    text = src.read_text()
    assert "vgic_handlers.flush(" in text
    src.write_text(text.replace("vgic_handlers.flush(", "vgic_flush(", 1))
    found = layers.violations(root)
    assert len(found) == 1 and found[0].startswith("kernel/core/trap.c:") and '"vgic_flush"' in found[0]


def test_kernel_including_the_vgic_internals_is_refused(tmp_path):
    root = _copy(tmp_path)
    src = root / "kernel" / "core" / "irq.c"
    src.write_text('#include "vgic_priv.h"\n' + src.read_text())
    assert layers.violations(root) == [
        'kernel/core/irq.c:1: error: kernel/ includes the vGIC\'s internal header "vgic_priv.h"']


def test_vgic_names_in_kernel_comments_are_not_calls(tmp_path):
    root = _copy(tmp_path)
    src = root / "kernel" / "core" / "sched.c"
    src.write_text("/* vgic_flush() runs here,\n * and vgic_post_spi() too */\n// vgic_init\n" + src.read_text())
    assert layers.violations(root) == []


def test_every_vgic_handler_is_set_and_a_listed_indirect_target():
    """The handler table sets every member vgic.h declares, and the stack analysis knows each
    function behind it as a target of the kernel's calls through the table."""
    table = re.search(r"const struct vgic_handlers vgic_handlers = \{(.*?)\};",
                      (ROOT / "vdev" / "vgic.c").read_text(), re.S).group(1)
    members = dict(re.findall(r"\.(\w+)\s*=\s*(\w+)", table))
    declared = re.findall(r"\(\*(\w+)\)\(", (ROOT / "vdev" / "vgic.h").read_text())
    assert sorted(members) == sorted(declared) and len(declared) == 8
    entries = json.loads((ROOT / "verification" / "stack" / "entries.json").read_text())
    targets = {t for ts in entries["indirect"].values() for t in ts}
    assert set(members.values()) <= targets, set(members.values()) - targets
