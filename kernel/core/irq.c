/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Physical interrupts taken at EL2 while a partition runs. The generated
 * cfg_irqs table says which partition owns each SPI and which virtual INTID it
 * sees; the EL1 timer PPIs belong to the vCPU of the CPU they fire on.
 * Guest-owned interrupts are only priority-dropped here: the guest's EOI of
 * the virtual interrupt deactivates the physical one (HW bit in the LR).
 */
#include "arch.h"
#include "config.h"
#include "console.h"
#include "gicv3.h"
#include "health.h"
#include "sched.h"
#include "trap.h"
#include "vcpu.h"
#include "vgic.h"

/* Counters for interrupts nobody owns (spurious routing would be a generator bug). */
static uint32_t irq_unowned;
/* CFG_NUM_IRQS as an object, so loops over an empty table compile without warnings. */
static const uint32_t irq_num_routes = CFG_NUM_IRQS;

/* Index of the route of SPI pintid in cfg_irqs (sorted), or CFG_NUM_IRQS. */
/* @req SRS-IRQ-002 */
static uint32_t irq_route(uint32_t pintid)
{
    uint32_t lo = 0u;
    uint32_t hi = irq_num_routes;

    while (lo < hi) {
        uint32_t mid = lo + ((hi - lo) / 2u);

        if (cfg_irqs[mid].pintid == pintid) {
            return mid;
        }
        if (cfg_irqs[mid].pintid < pintid) {
            lo = mid + 1u;
        } else {
            hi = mid;
        }
    }
    return irq_num_routes;
}

void irq_init_routes(void)
{
    uint32_t i;

    for (i = 0u; i < irq_num_routes; i++) {
        const struct cfg_partition *cp = &cfg_partitions[cfg_irqs[i].partition];

        arch_gic_set_enabled(cfg_irqs[i].pintid, 0u, false);
        arch_gic_route(cfg_irqs[i].pintid, cfg_vcpus[cp->first_vcpu].pcpu);
    }
}

void irq_silence_partition(uint32_t p)
{
    uint32_t i;

    for (i = 0u; i < irq_num_routes; i++) {
        if (cfg_irqs[i].partition == p) {
            arch_gic_set_enabled(cfg_irqs[i].pintid, 0u, false);
        }
    }
}

uint32_t irq_unowned_count(void)
{
    return irq_unowned;
}

bool trap_irq_light(uint32_t intid)
{
    return (intid != ARCH_PPI_HYP_TIMER) && (intid != ARCH_SGI_STOP);
}

/* @req SRS-IRQ-002 SRS-IRQ-004 */
void trap_irq(struct vcpu *v, uint32_t intid)
{
    uint32_t r;

    if (intid >= GIC_INTID_SPECIAL) {
        /* Spurious: nothing was acknowledged. */
        return;
    }
    arch_gic_eoi(intid);
    if (intid == ARCH_SGI_STOP) {
        /* Another CPU hit a hypervisor error: this partition's vCPU never runs again. */
        arch_cpu_park();
    }
    if (intid == ARCH_PPI_HYP_TIMER) {
        /* The watchdog of this CPU's partition (only vCPU 0's CPU arms it), or the end of a window. */
        arch_gic_deactivate(intid);
        if (sched_of_cpu(arch_cpu_index()) != CFG_NO_SCHED) {
            sched_tick(v);
            return;
        }
        (void)health_watchdog_tick(v->partition);
        return;
    }
    if ((intid == GIC_PPI_VTIMER) || (intid == GIC_PPI_PTIMER)) {
        /* This CPU's vCPU, in the hypervisor for this exit: straight into a free list register. */
        vgic_inject(v->partition, vcpu_index(v), intid, VGIC_EDGE, v);
        return;
    }
    r = (intid >= 32u) ? irq_route(intid) : irq_num_routes;
    if (r < irq_num_routes) {
        uint32_t p = cfg_irqs[r].partition;

        /* Its vCPU is v (this exit's): straight into a free list register; another's is told. */
        vgic_inject(p, 0u, cfg_irqs[r].vintid, VGIC_EDGE, v);
        return;
    }
    /* The hypervisor's own: SGI kick (work is done on the way back to the guest), maintenance, console. */
    arch_gic_deactivate(intid);
    if ((intid == cfg_hyp.console_intid) && (intid >= 32u)) {
        /* Input (bounded) and the continuation of this CPU's own line. */
        console_uart_irq();
        return;
    }
    if (intid == GIC_PPI_MAINTENANCE) {
        /* A list register freed up or was completed (NPIE, UIE, EOI): collect at this exit. */
        vgic_handlers.maintenance(v->partition, vcpu_index(v));
        return;
    }
    if (intid >= GIC_NUM_SGIS) {
        irq_unowned++;
    }
}
