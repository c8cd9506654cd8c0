# SPDX-License-Identifier: Apache-2.0
"""A partition that reaches outside its memory is halted; the others keep running."""
import pytest

from conftest import build


@pytest.mark.req("SRS-ISO-001")
@pytest.mark.req("SRS-ISO-004")
@pytest.mark.req("SRS-HVC-003")
def test_probe_reading_outside_its_memory_is_halted_and_cluster_keeps_running(boot):
    image, _ = build("tests/integration/systems/isolation.yaml", "isolation")
    c = boot(image)
    c.expect(r"^\[probe\] probe: console_write outside memory -> -3$", timeout=60)
    c.expect(r"^\[probe\] probe: console_write straddling the end -> -3$", timeout=30)
    c.expect(r"^\[probe\] probe: unknown hypercall -> -1$", timeout=30)
    i, m = c.expect(r"^\[septum\] partition 'probe' fault: data abort, translation fault level \d, read "
                    r"at IPA 0x(4c200000) \(ESR 0x[0-9a-f]+\) \u2014 halted$", timeout=60)
    # The cluster goes on: ten more frames after the fault, numbered without a gap.
    first, m0 = c.expect(r"^\[cluster\] frame (\d+) ", timeout=30, start=i + 1)
    n0 = int(m0.group(1))
    c.expect(r"^\[cluster\] frame %d " % (n0 + 10), timeout=60, start=first)
    after = [int(mm.group(1)) for _, mm in c.matching(r"^\[cluster\] frame (\d+) ", first)]
    assert after[:11] == list(range(n0, n0 + 11)), c.tail()
    assert not c.matching(r"ISOLATION BROKEN"), c.tail()
    # Nothing more from the halted probe after its fault line.
    assert not c.matching(r"^\[probe\] ", i + 1), c.tail()
