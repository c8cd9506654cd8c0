// SPDX-License-Identifier: Apache-2.0
/*
 * make bench, restart time (issue 13; tests/bench/systems/restart.yaml): a bare-metal
 * partition with the IVI's memory size and image size (pad.S) that, in every life,
 * reads the virtual counter as the first thing main() does and prints it ("restart-bench
 * start"), then reads it again right before a load outside its memory and prints that
 * ("restart-bench fault") before the load. Its policy restarts it; tests/bench/run.py
 * takes start(n+1) - fault(n): the hypervisor's fault handling, scrub, clean, reload,
 * verify and start, plus the runtime's start code (stack, .bss, CNTKCTL) up to main().
 * CNTVOFF_EL2 is 0 in every life (kernel/arch/aarch64/arch.c), so the two counter
 * values are on one time base.
 */
#include <stdint.h>

#include "septum.h"

extern const uint8_t __ram_end[];
/* pad.S: the size of the IVI's kernel Image plus initramfs, loaded and verified as its image is. */
extern const uint8_t restart_pad[];

static inline uint64_t counter(void)
{
    uint64_t v;
    __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(v) : : "memory");
    return v;
}

int main(void)
{
    uint64_t start = counter();
    sp_printf("restart-bench start 0x%lx pad %u\n", (unsigned long)start, (unsigned)restart_pad[0]);
    volatile const uint8_t *outside = (volatile const uint8_t *)(uintptr_t)__ram_end;
    uint64_t fault = counter();
    sp_printf("restart-bench fault 0x%lx\n", (unsigned long)fault);
    (void)*outside;
    sp_printf("restart-bench ISOLATION BROKEN\n");
    return 0;
}
