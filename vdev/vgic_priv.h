/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface of the virtual GIC, shared by vgic.c (state, ownership,
 * injection), vgic_dist.c (distributor, 12.9), vgic_redist.c
 * (redistributors, 12.10-12.11) and vgic_lr.c (list registers, 12.4). Not for
 * use outside vdev/vgic*.c.
 *
 * Locking: one lock per partition guards all of its vGIC state. List
 * registers are only touched on the vCPU's own CPU; other CPUs change the
 * software state, set the vCPU's changed flag and kick its CPU on 0 -> 1.
 */
#pragma once

#include "arch.h"
#include "vgic.h"
#include "config.h"
#include "gicv3.h"

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

/** Marks a free list register. */
#define VGIC_NO_IRQ 0xffffffffu

/*
 * The functions behind vgic_handlers (vgic.h): the kernel calls them only through the table;
 * vgic*.c and the unit tests name them.
 */

/** Reset partition p's vGIC to its power-on state, ownership from the generated tables. */
void vgic_init(uint32_t p);

/**
 * Partition p has stopped (every vCPU out of the guest): deactivate each
 * hardware-backed SPI it owns at the physical GIC (one acknowledged at EL2
 * and still pending in the vGIC, or held in a list register, would stay
 * active and silent in its next life) and put back the physical routing and
 * trigger configuration its guest may have changed (IROUTER, ICFGR) to their
 * boot values: routed to vCPU 0's CPU, level-triggered as the reset vGIC says.
 * The timer PPIs are released by each stopping CPU (arch_vcpu_quiesce).
 */
void vgic_release_hw_partition(uint32_t p);

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

_Static_assert(CFG_MAX_VIRQS <= 1024u, "a two-level bitmap covers 32 x 32 INTIDs");
_Static_assert((CFG_MAX_VIRQS % 32u) == 0u, "INTIDs come in words of 32");
_Static_assert(CFG_MAX_VCPUS_PER_PARTITION <= 32u, "vCPU masks (SGI targets, vgic_part.posted) have a bit per vCPU");

/** Ownership of the private INTIDs of every vCPU: the 16 SGIs and the EL1 timer PPIs. */
#define VGIC_PRIV_OWNED (0xffffu | ((uint32_t)1u << GIC_PPI_VTIMER) | ((uint32_t)1u << GIC_PPI_PTIMER))

extern struct vgic_part vgic_parts[CFG_NUM_PARTITIONS];
extern struct arch_lock vgic_locks[CFG_NUM_PARTITIONS];

/** vCPUs of partition p (inline: every distributor access may ask). */
static inline uint32_t vgic_num_vcpus(uint32_t p)
{
    return cfg_partitions[p].num_vcpus;
}
/** Physical CPU of vCPU vcpu of p. */
uint32_t vgic_pcpu(uint32_t p, uint32_t vcpu);
/** MPIDR affinity of vCPU i of p, in ICC_SGI1R/GICD_IROUTER layout (Aff3 at [39:32]). */
uint64_t vgic_vcpu_affinity(uint32_t p, uint32_t i);
/** State of vintid as seen by vCPU vcpu, or NULL when p does not implement it. */
struct vgic_irq *vgic_irq(uint32_t p, uint32_t vcpu, uint32_t vintid);
/** Like vgic_irq(), but only interrupts the partition owns. */
struct vgic_irq *vgic_owned(uint32_t p, uint32_t vcpu, uint32_t vintid);
/** Ownership bits of INTIDs first..first+31 (first a multiple of 32). */
static inline uint32_t vgic_owned_word(uint32_t p, uint32_t first)
{
    const struct vgic_part *g = &vgic_parts[p];

    if (first == 0u) {
        return VGIC_PRIV_OWNED;
    }
    return (first < g->num_irqs) ? g->owned[first / 32u] : 0u;
}
/** vCPU an interrupt is delivered to (SGI/PPI: the given vCPU). */
/* The state of INTIDs first ... first + 31 (first a multiple of 32, a word p owns INTIDs of, so implemented:
 * no bound check, unlike vgic_irq()): entry i is INTID first + i. */
static inline struct vgic_irq *vgic_irq_word(uint32_t p, uint32_t vcpu, uint32_t first)
{
    struct vgic_part *g = &vgic_parts[p];

    return (first < GIC_NUM_PRIVATE) ? g->vcpu[vcpu].priv : &g->spi[first - GIC_NUM_PRIVATE];
}
uint32_t vgic_irq_target(uint32_t vcpu, uint32_t vintid, const struct vgic_irq *irq);
/** Clear vintid's ready bit at vCPU target (before its target changes). */
static inline void vgic_ready_clear(uint32_t p, uint32_t target, uint32_t vintid)
{
    struct vgic_vcpu *vc = &vgic_parts[p].vcpu[target];
    uint32_t w = vintid / 32u;

    if ((vc->ready[w] & (1u << (vintid % 32u))) != 0u) {
        vc->ready[w] &= ~(1u << (vintid % 32u));
        if (vc->ready[w] == 0u) {
            vc->ready_words &= ~(1u << w);
        }
    }
}

/** Recompute vintid's ready bit at its target after pending, enabled, lr or target changed. */
static inline void vgic_ready_update(uint32_t p, uint32_t vcpu, uint32_t vintid, const struct vgic_irq *irq)
{
    uint32_t target = (vintid < GIC_NUM_PRIVATE) ? vcpu : irq->target;

    if (irq->pending && irq->enabled && (irq->lr < 0)) {
        struct vgic_vcpu *vc = &vgic_parts[p].vcpu[target];

        vc->ready[vintid / 32u] |= 1u << (vintid % 32u);
        vc->ready_words |= 1u << (vintid / 32u);
    } else {
        vgic_ready_clear(p, target, vintid);
    }
}
/** Tell vCPU vcpu of p that something changed for it; kick its CPU on the flag's 0 -> 1. Lock held. */
void vgic_signal(uint32_t p, uint32_t vcpu);
/** Set bits in the changed word of vCPU id (index into cfg_vcpus); kick its CPU when the word was 0. */
void vgic_post(uint32_t id, uint32_t bits);
/** The state of a vINTID the IRQ vector recorded for vCPU vcpu (private, or p's posted SPI): no bound test. */
static inline struct vgic_irq *vgic_irq_rec(uint32_t p, uint32_t vcpu, uint32_t vintid)
{
    struct vgic_part *g = &vgic_parts[p];

    return (vintid < GIC_NUM_PRIVATE) ? &g->vcpu[vcpu].priv[vintid]
                                      : &g->spi[(vintid - GIC_NUM_PRIVATE) % VGIC_MAX_SPIS];
}
/** Is the group of irq enabled in p's GICD_CTLR? */
static inline bool vgic_group_enabled(const struct vgic_part *g, const struct vgic_irq *irq)
{
    uint32_t bit = irq->group1 ? (uint32_t)GICD_CTLR_GRP1 : (uint32_t)GICD_CTLR_GRP0;

    return (g->ctlr & bit) != 0u;
}
/** The physical CPU whose GIC holds hardware interrupt irq (its target's, for SPIs). */
uint32_t vgic_hw_cpu(uint32_t p, uint32_t vcpu, const struct vgic_irq *irq);

/** What a set-/clear-bit register bank changes. */
enum vgic_bit {
    VGIC_BIT_GROUP = 0,
    VGIC_BIT_ENABLE,
    VGIC_BIT_PEND,
    VGIC_BIT_ACTIVE,
};

/** How a bank is written: plain (IGROUPR), write-1-to-set, write-1-to-clear. */
enum vgic_bank_kind {
    VGIC_BANK_PLAIN = 0,
    VGIC_BANK_SET,
    VGIC_BANK_CLEAR,
};

/** One word (INTIDs first..first+31) of a per-INTID bank, as seen from vCPU vcpu. Lock held. */
void vgic_bits_access(uint32_t p, uint32_t vcpu, uint32_t first, struct mmio_access *a, enum vgic_bit what,
                      enum vgic_bank_kind kind);
/** IPRIORITYR bytes from INTID first. Lock held. */
void vgic_prio_access(uint32_t p, uint32_t vcpu, uint32_t first, struct mmio_access *a);
/** ICFGR word of INTIDs first..first+15. Lock held. */
void vgic_cfg_access(uint32_t p, uint32_t vcpu, uint32_t first, struct mmio_access *a);
/** The bank at offset off (0 if none): fills *what and *kind. Shared by the two frames. */
bool vgic_bank_of(uint64_t off, enum vgic_bit *what, enum vgic_bank_kind *kind);
/** Access sizes the GIC architecture allows (12.1.3). */
bool vgic_size_ok(const struct mmio_access *a, bool bytes_ok, bool dword_ok);

/**
 * Direct injection on vCPU vcpu's own CPU: release the list registers the guest
 * has completed, then put irq (vintid) into a free one if it can be delivered
 * now; false if it cannot or none is free. Lock held.
 */
bool vgic_lr_inject_direct(uint32_t p, uint32_t vcpu, uint32_t vintid, struct vgic_irq *irq);
/** Publish the ICH_LR value the IRQ vector may write for vCPU vcpu's virtual timer PPI (vgic_lr.c,
 * vgic_fast_lr(); 0: the C path) and the timer's list register to the IRQ vector (arch_irq_fast_set). Lock held. */
void vgic_fast_update(uint32_t p, uint32_t vcpu);
/** Publish the ICH_LR value the IRQ vector may write for SGI n (< 16) of vCPU vcpu, taken from its inbox
 * (vgic_lr.c; 0: the C path), and the list register the vGIC holds it in (arch_sgi_fast_set). Lock held. */
void vgic_fast_sgi(uint32_t p, uint32_t vcpu, uint32_t n);
/**
 * Post SPI vintid of p to its target vCPU for the IRQ vector (VGIC_POSTED, the ICH_LR value in its slot
 * ARCH_FAST_POSTED) instead of making it pending: a virtual edge SPI, enabled, its group enabled, not pending,
 * in no list register of another vCPU, while that vCPU has no other SPI posted. False: the caller makes it
 * pending. Lock held, any CPU.
 */
bool vgic_post_spi(uint32_t p, uint32_t vintid);
/**
 * vCPU vcpu's posted SPI is settled: no longer posted; raised (was still in the changed word, taken by the
 * caller): pending in software again, and vcpu told when signal. Called with every list register the vector
 * filled adopted, or with raised. Lock held.
 */
void vgic_posted_settle(uint32_t p, uint32_t vcpu, bool raised, bool signal);
/** Take every SPI posted in p and still raised back into software (before the distributor reads or changes
 * state). Lock held, any CPU. */
void vgic_posted_recall_all(uint32_t p);
/** vgic_posted_recall_all() when p has a posted SPI at all (one test on every distributor access). Lock held. */
static inline void vgic_posted_recall(uint32_t p)
{
    if (vgic_parts[p].posted != 0u) {
        vgic_posted_recall_all(p);
    }
}
/** vgic_fast_sgi() for every SGI of vCPU vcpu (enable, priority, group or GICD_CTLR written). Lock held. */
void vgic_fast_sgis(uint32_t p, uint32_t vcpu);
/** After a change of private INTID vintid of vCPU vcpu: republish it when it is an SGI. Lock held. */
static inline void vgic_fast_priv(uint32_t p, uint32_t vcpu, uint32_t vintid)
{
    if (vintid < GIC_NUM_SGIS) {
        vgic_fast_sgi(p, vcpu, vintid);
    }
}
/**
 * Take the SGIs of bits (bit n: SGI n, from vCPU vcpu's inbox) into its state: each one that is
 * group 1 at the target becomes pending (12.2.22); signal: also tell the vCPU (not on its own
 * flush, which places them itself). Lock held.
 */
void vgic_sgi_take(uint32_t p, uint32_t vcpu, uint32_t bits, bool signal);
/** Global index (into cfg_vcpus) of vCPU vcpu of p. */
uint32_t vgic_vcpu_id(uint32_t p, uint32_t vcpu);

/** Index of the lowest set bit of a non-zero word. */
static inline uint32_t vgic_ctz(uint32_t w)
{
    return (uint32_t)__builtin_ctz(w);
}
