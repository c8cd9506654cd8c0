# SPDX-License-Identifier: Apache-2.0
"""Include layering (verification/layers.py): the tree passes, and the check
refuses a device that includes a kernel-internal header or a lower layer that
includes a device header."""
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "verification"))
import layers  # noqa: E402


def _copy(tmp_path):
    for sub in ("vdev", "kernel/lib", "kernel/arch"):
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
