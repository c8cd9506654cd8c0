# SPDX-License-Identifier: Apache-2.0
"""Error paths: a partition that misuses every interface gets the documented answer each time
(tests/partitions/errors), is restarted by its fault budget and by its reset request, and the
hypervisor goes on."""
import pytest

from conftest import build


@pytest.mark.req("SRS-HVC-003")
@pytest.mark.req("SRS-PSCI-001")
@pytest.mark.req("SRS-PSCI-002")
@pytest.mark.req("SRS-VDEV-001")
@pytest.mark.req("SRS-CHAN-001")
@pytest.mark.req("SRS-HEALTH-007")
def test_every_misuse_gets_its_answer_then_faults_and_a_reset_request_restart_it(boot):
    image, _ = build("tests/integration/systems/errors.yaml", "errors")
    c = boot(image)
    i, m = c.expect(r"^\[errors\] errors: (\d+) passed, (\d+) failed$", timeout=240)
    assert m.group(2) == "0", "\n".join(l for l in c.lines if "FAIL" in l) + "\n" + c.tail()
    assert int(m.group(1)) >= 60, c.tail()
    # Aborts are given to it until its budget (40) is used up; the next fault restarts it.
    c.expect(r"^\[septum\] partition 'errors' fault: data abort, .* injected \(20 of 40\)$", timeout=120)
    i, _ = c.expect(r"^\[errors\] errors up \(restarts 1\)$", timeout=120, start=i)
    # Hypervisor lines and the partition's own are queued apart: their order is not compared.
    c.expect(r"^\[septum\] partition 'errors' asked for a reset \(PSCI SYSTEM_RESET\) .* restarting "
             r"\(restart 2, not a fault\)$", timeout=120)
    i, _ = c.expect(r"^\[errors\] errors: done$", timeout=120, start=i)
    c.expect(r"^\[septum\] partition 'errors' powered off \(PSCI SYSTEM_OFF\)$", timeout=60)
    assert not c.matching(r"FAIL|ISOLATION BROKEN|NOT SCRUBBED"), c.tail()
