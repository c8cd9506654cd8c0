/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The spinner: a benign neighbour that only computes. It stands in for the
 * interferer in the reference run of the freedom-from-interference test
 * (tests/integration/systems/interference-quiet.yaml), on the same CPUs, so
 * that the two runs differ only in what the interferer does through shared
 * resources (console, doorbells, SGIs, set/way, CPU_OFF), not in whether its
 * CPUs are busy. It touches nothing it shares with another partition.
 */
#include "septum.h"

static volatile uint64_t work[2];

/*
 * Arithmetic, with a YIELD every 128 rounds (~1 us of icount time, about one of the interferer's trapped operations): under
 * icount QEMU runs all CPUs round-robin on one thread and switches away from a
 * CPU that never yields, traps or halts only every 100 ms of virtual time
 * (its TCG kick period), which would make every other CPU's timer look late
 * by up to 100 ms: a property of the simulator, not of the hypervisor.
 */
static void spin(void)
{
    uint32_t me = sp_cpu_id();

    for (;;) {
        uint32_t i;

        for (i = 0u; i < 128u; i++) {
            work[me & 1u]++;
        }
        __asm__ volatile("yield");
    }
}

int main(void)
{
    sp_printf("spinner up\n");
    if (sp_cpu_on(1u, spin) != 0) {
        sp_printf("spinner: vCPU 1 did not start\n");
    }
    spin();
    return 0;
}
