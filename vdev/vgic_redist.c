/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual GICv3 redistributors (Arm IHI 0069H 12.10 RD_base, 12.11 SGI_base):
 * one 128 KiB frame pair per vCPU, all in one window per partition. The
 * SGI_base frame repeats the distributor's per-INTID banks for INTIDs 0-31
 * of its vCPU (vgic_dist.c implements them).
 */
#include "arch.h"
#include "config.h"
#include "lib.h"
#include "vgic_priv.h"

static void vgic_rd_access(uint32_t p, uint32_t vcpu, struct mmio_access *a)
{
    struct vgic_part *g = &vgic_parts[p];
    uint64_t aff = vgic_vcpu_affinity(p, vcpu);
    /* GICR_TYPER (12.10.33): Affinity_Value [63:32] = Aff3.Aff2.Aff1.Aff0, Processor_Number [23:8], Last [4]. */
    uint64_t typer = ((((uint64_t)MPIDR_AFF(aff, 3u) << 24) | (aff & 0xffffffu)) << 32) |
                     ((uint64_t)vcpu << GICR_TYPER_PROC_SHIFT);

    if ((vcpu + 1u) == vgic_num_vcpus(p)) {
        typer |= GICR_TYPER_LAST;
    }
    switch (a->offset) {
    case GICR_CTLR:
        a->value = 0u;
        break;
    case GICR_IIDR:
        a->value = GIC_IIDR_ARM;
        break;
    case GICR_TYPER:
        a->value = (a->size == 8u) ? typer : (typer & 0xffffffffu);
        break;
    case GICR_TYPER_HI:
        a->value = (a->size == 4u) ? (uint64_t)(typer >> 32u) : 0u;
        break;
    case GICR_WAKER:
        if (a->write) {
            g->vcpu[vcpu].sleep = (a->value & GICR_WAKER_SLEEP) != 0u;
        }
        a->value = g->vcpu[vcpu].sleep ? (GICR_WAKER_SLEEP | GICR_WAKER_CHILDREN_ASLEEP) : 0u;
        break;
    case GIC_PIDR2:
        a->value = GIC_PIDR2_GICV3;
        break;
    default:
        g->unhandled++;
        a->value = 0u;
        break;
    }
}

static void vgic_sgi_frame_access(uint32_t p, uint32_t vcpu, struct mmio_access *a)
{
    uint64_t off = a->offset - GICR_SGI_BASE;
    enum vgic_bit what;
    enum vgic_bank_kind kind;

    if ((off >= GICD_IPRIORITYR) && (off < (GICD_IPRIORITYR + GIC_NUM_PRIVATE))) {
        vgic_prio_access(p, vcpu, (uint32_t)(off - GICD_IPRIORITYR), a);
    } else if ((off == GICD_ICFGR) || (off == (GICD_ICFGR + 4u))) {
        vgic_cfg_access(p, vcpu, (off == GICD_ICFGR) ? 0u : 16u, a);
    } else if (vgic_bank_of(off, &what, &kind) && ((off % GICD_BANK_SIZE) == 0u)) {
        vgic_bits_access(p, vcpu, 0u, a, what, kind);
    } else {
        vgic_parts[p].unhandled++;
        a->value = 0u;
    }
}

bool vgic_redist_mmio(uint32_t p, struct mmio_access *a)
{
    uint32_t vcpu = (uint32_t)(a->offset / GICR_STRIDE);
    uint64_t off = a->offset % GICR_STRIDE;
    bool prio = (off >= (GICR_SGI_BASE + GICD_IPRIORITYR)) && (off < (GICR_SGI_BASE + GICD_IPRIORITYR + 32u));

    if (!vgic_size_ok(a, prio, off == GICR_TYPER)) {
        return false;
    }
    if (vcpu >= vgic_num_vcpus(p)) {
        /* Beyond the last frame: the window is bigger than this partition's vCPUs need. */
        a->value = 0u;
        return true;
    }
    a->offset = off;
    arch_lock_acquire(&vgic_locks[p]);
    if (off < GICR_SGI_BASE) {
        vgic_rd_access(p, vcpu, a);
    } else {
        /* Its inbox's SGIs first: pending state the frame reads and writes (ISPENDR0, ICPENDR0). */
        vgic_sgi_take(p, vcpu, __atomic_fetch_and(&vgic_changed[vgic_vcpu_id(p, vcpu)], ~VGIC_INBOX,
                                                  __ATOMIC_SEQ_CST) & VGIC_INBOX, true);
        vgic_sgi_frame_access(p, vcpu, a);
        /* Enable, priority, group or pending state of its timer PPI and SGIs may have changed. */
        vgic_fast_update(p, vcpu);
        vgic_fast_sgis(p, vcpu);
    }
    arch_lock_release(&vgic_locks[p]);
    return true;
}
