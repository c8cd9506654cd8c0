/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual GICv3: one emulated distributor per partition and one emulated
 * redistributor per vCPU, reached through stage-2 faults on their windows;
 * interrupts reach the guest through the hardware list registers, and the
 * guest's CPU interface is the hardware ICV_* interface.
 *
 * A partition owns: all SGIs (0-15, virtual, local to the partition), the
 * EL1 timer PPIs (27 virtual, 30 physical), and the SPIs the generated tables
 * give it (pass-through routes and its emulated devices). Everything else
 * reads as zero and ignores writes.
 *
 * Cost model: every vCPU keeps a two-level bitmap of the interrupts that are
 * pending, enabled, targeted at it and not in a list register ("ready"),
 * updated wherever one of those facts changes; delivery walks only its set
 * bits. Whoever gives a vCPU work sets its "changed" flag (release) and kicks
 * its CPU only when the flag goes from 0 to 1; an exit that finds the flag
 * clear (acquire) takes no lock and does no vGIC work.
 *
 * Group-1 SGIs between vCPUs go through the target's inbox (bits of its
 * changed word) without the lock: the sender sets the SGI's bit; the target
 * takes it into its state at its next flush, or its IRQ vector puts it
 * straight into a list register (vgic_fast_sgi() publishes when it may).
 * A virtual edge SPI (channel doorbell, health notification) injected from
 * another CPU is posted the same way when it can be delivered at once
 * (vgic_post_spi()): one SPI per vCPU at a time, its ICH_LR value published
 * with it, the rest of the vGIC state left as it was until the target
 * settles it (vgic_posted_settle()).
 *
 * The public interface is this file; vgic_priv.h is shared by vgic*.c only.
 * The kernel reaches the vGIC through vgic_inject() / vgic_inject_local() /
 * vgic_set_level() / vgic_send_sgi() (injection), vgic_flush() /
 * vgic_maintenance() / vgic_vcpu_stop() (its exit path), the two MMIO
 * handlers (the vdev table) and vgic_init() (partition reset).
 */
#pragma once

#include "arch.h"
#include "config.h"
#include "gicv3.h"
#include "mmio.h"
#include "types.h"

#ifndef CFG_MAX_VIRQS
/** INTIDs of the largest vGIC; the generator emits the exact figure. */
#define CFG_MAX_VIRQS 128u
#endif

/** SPIs of the largest vGIC. */
#define VGIC_MAX_SPIS (CFG_MAX_VIRQS - 32u)
/** 32-bit words of a bitmap of every INTID of the largest vGIC (at most 32: GICv3 has 1,020). */
#define VGIC_WORDS (CFG_MAX_VIRQS / 32u)
/** List registers tracked per vCPU (the architecture allows at most 16). */
#define VGIC_MAX_LRS 16u
/** The vCPU's EL1 virtual and physical timer PPIs. */
#define VGIC_PPI_VTIMER GIC_PPI_VTIMER
#define VGIC_PPI_PTIMER GIC_PPI_PTIMER
/** The GIC's virtual CPU interface maintenance interrupt (PPI 25). */
#define VGIC_PPI_MAINTENANCE GIC_PPI_MAINTENANCE

/** Bytes of one vCPU's redistributor: RD_base and SGI_base frames. */
#define VGIC_GICR_STRIDE GICR_STRIDE

/** Emulated state of one interrupt of one partition (or one vCPU for SGI/PPI). */
struct vgic_irq {
    bool owned;      /**< the partition may see and change it */
    bool enabled;
    bool pending;    /**< pending and not yet in a list register */
    bool active;     /**< as last seen in (or before) a list register */
    bool edge;       /**< edge-triggered; level-triggered otherwise */
    bool group1;
    bool hw;         /**< backed by physical INTID pintid (HW bit in the LR) */
    bool line;       /**< input level of an emulated level-triggered source */
    bool retract;    /**< remove from its list register at the next flush */
    bool posted;     /**< SPIs: posted to a vCPU (vgic_vcpu.posted) and not yet settled: raised and not in
                      *   software; in that vCPU's changed word, or in a list register its vector filled */
    int8_t lr;       /**< list register holding it, or -1 */
    uint8_t priority;
    uint16_t pintid;
    uint64_t irouter;  /**< SPIs: GICD_IROUTER value */
    uint32_t target;   /**< SPIs: vCPU index the interrupt is delivered to */
};

/** Per-vCPU part of the vGIC. */
struct vgic_vcpu {
    struct vgic_irq priv[32];          /**< SGIs and PPIs */
    uint32_t lr_intid[VGIC_MAX_LRS];   /**< INTID in each list register, VGIC_NO_IRQ if free */
    uint32_t lr_used;                  /**< bit i: lr_intid[i] is valid */
    uint32_t lr_eoi;                   /**< bit i: list register i asks for an EOI maintenance interrupt */
    uint32_t ready[VGIC_WORDS];        /**< pending, enabled, not in a list register, delivered to this vCPU */
    uint32_t ready_words;              /**< bit w: ready[w] != 0 */
    bool sleep;                        /**< GICR_WAKER.ProcessorSleep */
    uint32_t fast_hold;                /**< last published to the IRQ vector: the timer's LR mask */
    uint64_t fast_lr;                  /**< last published to the IRQ vector: its ICH_LR value (0: C path) */
    uint32_t posted;                   /**< the vINTID of the SPI posted to it (VGIC_POSTED), 0: none */
    uint32_t post_hold;                /**< last published to the IRQ vector for a posted SPI: hold */
    uint64_t post_lr;                  /**< ... and its ICH_LR value */
};

/** Per-partition vGIC. */
struct vgic_part {
    uint32_t ctlr;                           /**< GICD_CTLR: EnableGrp0/1 */
    uint32_t num_irqs;                       /**< implemented INTIDs (from the generated table) */
    uint32_t unhandled;                      /**< RAZ/WI accesses to unsupported offsets */
    uint32_t posted;                         /**< bit i: vcpu[i].posted is not 0 */
    uint32_t owned[VGIC_WORDS];              /**< bit per SPI the partition owns (word 0 unused) */
    struct vgic_irq spi[VGIC_MAX_SPIS];
    struct vgic_vcpu vcpu[CFG_MAX_VCPUS_PER_PARTITION];
};

/** vgic_changed[]: something other than an inbox SGI changed for the vCPU. */
#define VGIC_NEWS 0x80000000u
/** vgic_changed[]: bit n (n < 16) is group-1 SGI n, sent by another vCPU, not yet taken (the inbox). */
#define VGIC_INBOX ARCH_SGI_INBOX
/** vgic_changed[]: the vCPU's posted SPI (vgic_vcpu.posted) is raised and not yet taken. */
#define VGIC_POSTED ARCH_IRQ_POSTED

/**
 * Per vCPU (index into cfg_vcpus): what changed for it since its last flush
 * (the "changed" word, see above): VGIC_NEWS, the SGI inbox (VGIC_INBOX) and the
 * posted SPI (VGIC_POSTED).
 * Set with a sequentially consistent fetch-or by whoever gives the vCPU work
 * (the kick goes on its 0 -> non-zero change), emptied by the vCPU's own
 * flush, or by the IRQ vector when the kick brings one inbox SGI or the posted
 * SPI only (vectors.S, exit_irq_fast).
 */
extern uint32_t vgic_changed[CFG_NUM_VCPUS];

/** The exit fast path: has anything changed for vCPU vcpu_id (index into cfg_vcpus)? One load-acquire. */
static inline bool vgic_has_news(uint32_t vcpu_id)
{
    return __atomic_load_n(&vgic_changed[vcpu_id], __ATOMIC_ACQUIRE) != 0u;
}

/** Marks a free list register. */
#define VGIC_NO_IRQ 0xffffffffu

/** Reset partition p's vGIC to its power-on state, ownership from the generated tables. */
void vgic_init(uint32_t p);

/** The state of partition p (unit tests and statistics). */
struct vgic_part *vgic_get(uint32_t p);

/** Emulate an access of partition p to its distributor window. Returns false only for a malformed access. */
bool vgic_dist_mmio(uint32_t p, struct mmio_access *a);

/** Emulate an access of partition p to its redistributor window (all vCPUs' frames). */
bool vgic_redist_mmio(uint32_t p, struct mmio_access *a);

/**
 * The vCPUs (bit i = vCPU index i) that a write of sgir to ICC_SGI0R_EL1 /
 * ICC_SGI1R_EL1 by vCPU src of partition p targets (GICv3 spec 12.2.20-22).
 * IRM is RES0: the vGIC reports GICD_TYPER.No1N = 1.
 */
uint32_t vgic_sgi_targets(uint32_t p, uint32_t src, uint64_t sgir);

/**
 * Deliver the SGI written to ICC_SGI1R_EL1 (group1) or ICC_SGI0R_EL1 (!group1)
 * by vCPU src of partition p: each target gets it only if its copy of that SGI
 * is configured in the same group (GICv3 spec 12.2.20-22, DS = 1).
 */
void vgic_send_sgi(uint32_t p, uint32_t src, uint64_t sgir, bool group1);

/** Make vintid pending (edge event) for partition p; SGI/PPI go to vCPU vcpu. Any CPU. */
void vgic_inject(uint32_t p, uint32_t vcpu, uint32_t vintid);

/**
 * Like vgic_inject(), called on the CPU of vCPU vcpu while it is in the
 * hypervisor for that vCPU (an exit): if the interrupt can be delivered and a
 * list register is free, it goes there at once (direct injection).
 */
void vgic_inject_local(uint32_t p, uint32_t vcpu, uint32_t vintid);

/**
 * Another CPU left work for vCPU vcpu of partition p outside the vGIC (a link's
 * frames, vdev/virtio_net.c): set its change flag (sequentially consistent) and
 * kick its CPU on the flag's 0 -> 1, so that its next exit leaves the fast path
 * and runs the exit's device work. vcpu is a valid index (e.g. vgic_spi_target()).
 */
void vgic_wake(uint32_t p, uint32_t vcpu);

/** Set the input level of an emulated level-triggered interrupt of partition p. */
void vgic_set_level(uint32_t p, uint32_t vintid, bool level);

/** The vCPU index SPI vintid of partition p is delivered to. */
uint32_t vgic_spi_target(uint32_t p, uint32_t vintid);

/**
 * On vCPU vcpu's own CPU, before it resumes: when something changed for it,
 * collect what the guest did with its list registers, fill them with the
 * highest-priority ready interrupts, and ask for a maintenance interrupt when
 * some did not fit. When nothing changed: one load-acquire, nothing else.
 */
void vgic_flush(uint32_t p, uint32_t vcpu);

/** The maintenance interrupt was taken on vCPU vcpu's CPU: its next flush collects. */
void vgic_maintenance(uint32_t p, uint32_t vcpu);

/**
 * On vCPU vcpu's own CPU, when it leaves the guest for good (CPU_OFF, halt):
 * empty its list registers; interrupts not yet acknowledged become pending
 * again (delivered when it runs again), active hardware ones are deactivated.
 */
void vgic_vcpu_stop(uint32_t p, uint32_t vcpu);
