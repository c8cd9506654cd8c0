/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The physical side of a partition's reset: its hardware-backed SPIs are
 * released and their routing and configuration restored before the vGIC is
 * reset, so that a device interrupt that was in flight when the partition
 * stopped works again in its next life. Kept apart from vgic.c: it reads only
 * the generated route table.
 */
#include "arch.h"
#include "config.h"
#include "vgic_priv.h"

void vgic_release_hw_partition(uint32_t p)
{
    /* CFG_NUM_IRQS as an object, so a loop over an empty table compiles without warnings. */
    const uint32_t num_routes = CFG_NUM_IRQS;
    uint32_t cpu0 = cfg_vcpus[cfg_partitions[p].first_vcpu].pcpu;
    uint32_t i;

    for (i = 0u; i < num_routes; i++) {
        const struct cfg_irq *r = &cfg_irqs[i];

        if (r->partition != p) {
            continue;
        }
        /* Clearing a bit that is not active is harmless (GICv3 12.9.4): no need to know which were. */
        arch_gic_clear_active(r->pintid, cpu0);
        arch_gic_set_edge(r->pintid, false);
        arch_gic_route(r->pintid, cpu0);
    }
}
