/* SPDX-License-Identifier: Apache-2.0 */
/* The EL1 virtual counter, as seen by a partition. */
#include "septum.h"

uint64_t sp_counter(void)
{
    uint64_t v;

    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
    return v;
}

uint64_t sp_counter_hz(void)
{
    uint64_t v;

    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

void sp_wait_until(uint64_t deadline)
{
    /* The event stream (start.S) ends each WFE within 1024 ticks. */
    while (sp_counter() < deadline) {
        __asm__ volatile("wfe");
    }
}
