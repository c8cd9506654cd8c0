/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Secondary vCPUs of a bare-metal partition: PSCI CPU_ON through Septum,
 * a stack per vCPU, and the function each runs.
 */
#include "partition.h"
#include "septum.h"

/** Bytes of stack per secondary vCPU. */
#define SP_STACK_SIZE 0x4000u

/* Beside the boot stack, outside .bss: a stack needs no zeroing (start.S clears .bss). */
uint8_t sp_stacks[SP_NUM_VCPUS][SP_STACK_SIZE] __attribute__((aligned(16), section(".stack.secondary")));
static void (*volatile sp_entry[SP_NUM_VCPUS])(void);

extern char sp_secondary_start[];

int64_t sp_psci(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return sp_hvc(fid, a1, a2, a3).x0;
}

int64_t sp_cpu_on(uint32_t cpu, void (*fn)(void))
{
    if (cpu >= SP_NUM_VCPUS) {
        return sp_psci(0xc4000003u, cpu, (uint64_t)(uintptr_t)sp_secondary_start, cpu);
    }
    sp_entry[cpu] = fn;
    __asm__ volatile("dsb sy" : : : "memory");
    return sp_psci(0xc4000003u, cpu, (uint64_t)(uintptr_t)sp_secondary_start, cpu);
}

void sp_secondary_main(uint64_t cpu)
{
    void (*fn)(void) = sp_entry[cpu];

    if (fn != NULL) {
        fn();
    }
    /* Nothing left to do: power this vCPU off. */
    (void)sp_psci(0x84000002u, 0u, 0u, 0u);
}

void sp_vtimer_at(uint64_t deadline)
{
    __asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" : : "r"(deadline), "r"(1ULL));
}

void sp_vtimer_stop(void)
{
    __asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(2ULL));
}

void sp_system_off(void)
{
    (void)sp_psci(0x84000008u, 0u, 0u, 0u);
}
