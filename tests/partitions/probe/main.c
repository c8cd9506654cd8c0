/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Isolation probe: a test partition that misbehaves on purpose. It first
 * checks that the hypervisor rejects a hypercall buffer outside its memory,
 * then reads the first byte past its RAM, which its stage-2 tables do not map:
 * the hypervisor must halt this partition and nothing else.
 */
#include "partition.h"
#include "septum.h"

extern char __ram_end[];

int main(void)
{
    uint64_t t = sp_counter();
    int64_t rc;
    volatile const uint8_t *outside = (volatile const uint8_t *)(uintptr_t)__ram_end;
    uint8_t byte;

    volatile uint64_t *marker = (volatile uint64_t *)(uintptr_t)((uint64_t)(uintptr_t)__ram_end - 8u);

    sp_printf("probe up\n");
    /* A restart must scrub the partition's memory: the marker of a previous run must be gone. */
    sp_printf("probe: memory %s\n", (*marker == 0x5ce97u) ? "NOT SCRUBBED" : "clean");
    *marker = 0x5ce97u;
    rc = sp_hvc(SEPTUM_HVC_CONSOLE_WRITE, (uint64_t)(uintptr_t)__ram_end, 16u, 0u).x0;
    sp_printf("probe: console_write outside memory -> %ld\n", (long)rc);
    rc = sp_hvc(SEPTUM_HVC_CONSOLE_WRITE, (uint64_t)(uintptr_t)__ram_end - 8u, 16u, 0u).x0;
    sp_printf("probe: console_write straddling the end -> %ld\n", (long)rc);
    rc = sp_hvc(SEPTUM_HVC_BASE + 0x7fu, 0u, 0u, 0u).x0;
    sp_printf("probe: unknown hypercall -> %ld\n", (long)rc);
    /* The state of partition 0 (or 1): refused unless the probe watches or controls it. */
    rc = sp_hvc(SEPTUM_HVC_PARTITION_STATE, (SP_PARTITION_INDEX == 0u) ? 1u : 0u, 0u, 0u).x0;
    sp_printf("probe: state of another partition -> %ld\n", (long)rc);
    sp_wait_until(t + sp_counter_hz());
    sp_printf("probe: reading 0x%lx, outside my memory\n", (unsigned long)(uintptr_t)outside);
    byte = *outside;
    sp_printf("probe: ISOLATION BROKEN, read 0x%x\n", byte);
    return 0;
}
