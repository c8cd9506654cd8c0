# SPDX-License-Identifier: Apache-2.0
"""Error paths: a partition that misuses every interface gets the documented answer each time
(tests/partitions/errors), is restarted by its fault budget and by its reset request, and the
hypervisor goes on. Its own SGIs also go through the list-register states (cleared, disabled,
raised again while active, by priority, a disabled group, more than the list registers)."""
import pytest

from conftest import build


@pytest.mark.req("SRS-HVC-003")
@pytest.mark.req("SRS-HVC-004")
@pytest.mark.req("SRS-PSCI-001")
@pytest.mark.req("SRS-PSCI-002")
@pytest.mark.req("SRS-VDEV-001")
@pytest.mark.req("SRS-CHAN-001")
@pytest.mark.req("SRS-HEALTH-007")
@pytest.mark.req("SRS-IRQ-003")
@pytest.mark.req("SRS-IRQ-006")
@pytest.mark.req("SRS-NET-002")
@pytest.mark.req("SRS-CON-005")
def test_every_misuse_gets_its_answer_then_faults_and_a_reset_request_restart_it(boot):
    image, _ = build("tests/integration/systems/errors.yaml", "errors")
    c = boot(image)
    i, m = c.expect(r"^\[errors\] errors: (\d+) passed, (\d+) failed$", timeout=240)
    assert m.group(2) == "0", "\n".join(l for l in c.lines if "FAIL" in l) + "\n" + c.tail()
    assert int(m.group(1)) >= 60, c.tail()
    # The same console line written byte by byte to the vUART (the sync vector's byte path for the
    # printable bytes, C for the rest) and through CONSOLE_WRITE (C): byte for byte the same, control
    # bytes escaped, split at 160 bytes into two prefixed lines (SRS-CON-005, SRS-CON-001).
    pair = {}
    for path in ("1", "2"):
        k, _ = c.expect(r"^\[errors\] errors: console path %s: " % path, timeout=60)
        rest = [line for line in c.lines[k + 1:] if line.startswith("[errors] ")][0]
        pair[path] = (c.lines[k].replace("path %s:" % path, "path N:"), rest)
    assert pair["1"] == pair["2"], pair
    first, rest = pair["1"]
    assert first.startswith("[errors] errors: console path N: ok \\x01\t\\x1b[2J\\x7f\\xe9 ~ abcdef"), first
    assert len(first) == len("[errors] ") + 160, first
    assert rest == "[errors] " + "".join(chr(ord("a") + i % 26) for i in range(190))[190 - (len(rest) - 9):], rest
    # Refused accesses and reads outside its memory are aborts given to it (on_fault: inject) until its
    # budget of 40 is used up; the next fault restarts it (restart 1). Then it asks for a reset (restart 2).
    # A burst of hypervisor lines may lose some on the console: only the first is required.
    c.expect(r"^\[septum\] partition 'errors' fault: data abort, .* injected \(1 of 40\)$", timeout=120)
    i, _ = c.expect(r"^\[errors\] errors up \(restarts 1\)$", timeout=120, start=i)
    i, _ = c.expect(r"^\[errors\] errors up \(restarts 2\)$", timeout=120, start=i)
    i, _ = c.expect(r"^\[errors\] errors: done$", timeout=120, start=i)
    # Hypervisor lines and the partition's own are queued apart: their order is not compared.
    c.expect(r"^\[septum\] partition 'errors' powered off \(PSCI SYSTEM_OFF\)$", timeout=60)
    assert not c.matching(r"FAIL|ISOLATION BROKEN|NOT SCRUBBED"), c.tail()
