/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hog: the control experiment of the freedom-from-interference
 * measurement (tests/integration/systems/interference-hog.yaml). Like the
 * spinner it only computes and touches nothing shared, but it never traps,
 * halts or yields. Under icount QEMU runs all CPUs round-robin on one host
 * thread and takes the thread from a CPU that never gives it up only at its
 * TCG kick, every 100 ms of virtual time: beside the hog the other CPUs' timer
 * interrupts are taken up to ~100 ms late although the hypervisor does
 * nothing at all for the hog. That lateness is the simulator's, and is why the
 * interferer and the spinner yield (a hint without effect on silicon) between
 * their operations.
 */
#include "septum.h"

static volatile uint64_t work[2];

static void hog(void)
{
    uint32_t me = sp_cpu_id();

    for (;;) {
        work[me & 1u]++;
    }
}

int main(void)
{
    sp_printf("hog up\n");
    if (sp_cpu_on(1u, hog) != 0) {
        sp_printf("hog: vCPU 1 did not start\n");
    }
    hog();
    return 0;
}
