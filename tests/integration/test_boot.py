# SPDX-License-Identifier: Apache-2.0
"""The default system boots: banner with fingerprint, the cluster renders, Linux starts in the IVI."""
import os

import pytest

from conftest import ROOT, build


def frame_numbers(console, start=0):
    return [int(m.group(1)) for _, m in console.matching(r"^\[cluster\] frame (\d+) ", start)]


@pytest.mark.req("SRS-BOOT-001")
@pytest.mark.req("SRS-CON-001")
def test_default_system_boots_and_both_partitions_print(boot):
    image, _ = build()
    with open(os.path.join(ROOT, "gen", "fingerprint")) as f:
        fingerprint = f.read().strip()
    c = boot(image)
    c.expect(r"^\[septum\] Septum \d+\.\d+\.\d+ \(config " + fingerprint + r"\)$", timeout=30)
    c.expect(r"^\[cluster\] cluster up: Septum ABI 0\.\d+", timeout=30)
    c.expect(r"^\[ivi\] \[\s*0\.000000\] Booting Linux on physical CPU 0x0+ ", timeout=60)
    c.expect(r"^\[cluster\] frame 20 ", timeout=60)
    frames = frame_numbers(c)
    assert frames[:21] == list(range(21)), c.tail()
    # Every line on the console keeps the prefix contract.
    for line in c.lines:
        if line.strip():
            assert line.startswith(("[septum] ", "[cluster] ", "[ivi] ")), line
