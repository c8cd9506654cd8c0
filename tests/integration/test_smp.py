# SPDX-License-Identifier: Apache-2.0
"""Interrupt virtualisation on a 2-vCPU partition: every check of tests/partitions/smp passes."""
import pytest

from conftest import build

CHECKS = [
    "gicd-typer-matches-partition",
    "gicr-typer-affinity-and-last",
    "dist-hides-unowned-interrupt",
    "psci-version-1.1",
    "psci-features-smccc-version-supported",
    "smccc-version-1.1-or-later",
    "smccc-arch-features-truthful",
    "psci-cpu-suspend-validates-power-state",
    "psci-migrate-info-type-2",
    "psci-cpu-on-unknown-cpu-invalid",
    "psci-cpu-on-outside-memory-invalid-address",
    "psci-cpu-on-secondary",
    "psci-cpu-on-concurrent-already-on",
    "secondary-vcpu-runs",
    "psci-affinity-info-on",
    "vtimer-interrupts-on-vcpu0",
    "vtimer-interrupts-on-vcpu1",
    "timer-pending-while-disabled",
    "sgi-vcpu0-to-vcpu1-and-back",
    "sgi-irm-res0-with-no1n",
    "passthrough-rtc-alarm-interrupt",
    "no-unexpected-interrupts",
]


@pytest.mark.req("SRS-IRQ-001")
@pytest.mark.req("SRS-IRQ-002")
@pytest.mark.req("SRS-IRQ-003")
@pytest.mark.req("SRS-IRQ-004")
@pytest.mark.req("SRS-PSCI-001")
@pytest.mark.req("SRS-PSCI-002")
@pytest.mark.req("SRS-PSCI-003")
@pytest.mark.req("SRS-IRQ-006")
@pytest.mark.req("SRS-IRQ-007")
@pytest.mark.req("SRS-IRQ-008")
def test_smp_partition_passes_every_interrupt_and_psci_check(boot):
    image, _ = build("tests/integration/systems/smp.yaml", "smp")
    c = boot(image)
    c.expect(r"^\[smp\] smp: up, 2 vCPUs$", timeout=60)
    _, m = c.expect(r"^\[smp\] smp: (\d+) passed, (\d+) failed$", timeout=120)
    results = {mm.group(2): mm.group(1) for _, mm in c.matching(r"^\[smp\] (PASS|FAIL) (\S+)$")}
    assert results == {name: "PASS" for name in CHECKS}, c.tail()
    assert m.group(2) == "0", c.tail()
    c.expect(r"^\[smp\] measure vtimer-latency-ticks min \d+ avg \d+ max \d+ n 64$", timeout=5)
    c.expect(r"^\[smp\] measure sgi-roundtrip-ticks min \d+ avg \d+ max \d+ n 32$", timeout=5)
    # SYSTEM_OFF stops the test partition only: the cluster keeps rendering.
    i, _ = c.expect(r"^\[septum\] partition 'smp' powered off \(PSCI SYSTEM_OFF\)$", timeout=10)
    first, m0 = c.expect(r"^\[cluster\] frame (\d+) ", timeout=30, start=i + 1)
    c.expect(r"^\[cluster\] frame %d " % (int(m0.group(1)) + 5), timeout=30, start=first)
