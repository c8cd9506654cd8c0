/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Idle neighbour of the benchmark partition (tests/bench/systems/parts4.yaml):
 * says it is up, then waits for interrupts forever with none enabled. Under
 * QEMU -icount all CPUs share one instruction count, so a neighbour that runs
 * (the cluster polls its counter between frames) adds its own instructions to
 * every figure the bench partition times; an idle one adds none, and the
 * 1-vs-4-partitions rows then compare what the hypervisor does.
 */
#include "septum.h"

int main(void)
{
    sp_printf("idle up\n");
    for (;;) {
        __asm__ volatile("wfi");
    }
    return 0;
}
