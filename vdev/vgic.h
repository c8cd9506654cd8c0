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
 * The kernel reaches the vGIC through two things only, which
 * verification/layers.py checks (no other vgic_ name in kernel/):
 * - vgic_inject(), the one injection function, for every source: an edge
 *   (doorbell, health notification, a hardware interrupt the GIC delivered,
 *   the EL1 timers) or the level of an emulated line (the vUART). The caller
 *   says on whose exit it runs (self); the vGIC decides: the target's own exit
 *   puts a deliverable interrupt straight into a free list register (direct
 *   injection), any other CPU posts a deliverable virtual edge SPI to the
 *   target's IRQ vector or makes the interrupt pending and kicks on 0 -> 1.
 * - vgic_handlers, its handler table: the trapped accesses it emulates (the
 *   distributor and redistributor windows from the vdev window dispatch, the
 *   SGI generation registers from the system-register trap), its part of an
 *   exit on the vCPU's own CPU (flush, maintenance, stop) and the partition's
 *   life cycle (reset, release of its hardware interrupts).
 * The exit tests vgic_has_news() (one load-acquire, no call) before it calls
 * the flush. Internals (state, list registers) are vgic_priv.h, for vgic*.c
 * and the unit tests only.
 */
#pragma once

#include "config.h"
#include "mmio.h"
#include "types.h"

struct vcpu;

/** What a source does to its interrupt line (vgic_inject()). */
enum vgic_line {
    VGIC_EDGE = 0,  /**< an event: the interrupt becomes pending once */
    VGIC_LOW,       /**< the input level of an emulated level-triggered line goes (or stays) low */
    VGIC_HIGH,      /**< ... high: pending while it stays high, again after each EOI */
};

/**
 * The one injection function (GICv3 spec 4.1, 11.1). Interrupt vintid of
 * partition p: an edge, or the level of its emulated line. vcpu names the
 * target of an SGI or PPI (vCPU index in p); an SPI goes where its routing
 * (GICD_IROUTER) says and vcpu is ignored. self is the vCPU whose exit the
 * calling CPU is in (NULL: none, or another partition's work: a doorbell, a
 * health notification, console input). When self is the target, a
 * deliverable edge goes straight into a free list register (direct
 * injection); otherwise the target is told through its changed flag (a
 * deliverable virtual edge SPI is posted to its IRQ vector) and its CPU
 * kicked on the flag's 0 -> 1. Interrupts p does not own are ignored. Any
 * CPU; takes p's vGIC lock.
 */
void vgic_inject(uint32_t p, uint32_t vcpu, uint32_t vintid, enum vgic_line line, const struct vcpu *self);

/** The vGIC's handler table: everything else the kernel calls in it (vgic.c defines it). */
struct vgic_handlers {
    /** Emulate an access of partition p to its distributor window; false only for a malformed access. */
    bool (*dist_mmio)(uint32_t p, struct mmio_access *a);
    /** Emulate an access of partition p to its redistributor window (all vCPUs' frames). */
    bool (*redist_mmio)(uint32_t p, struct mmio_access *a);
    /**
     * A trapped write of sgir to ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 (group1) or ICC_SGI0R_EL1
     * (!group1) by vCPU src of p: each target gets the SGI only if its copy is configured in
     * that group (GICv3 spec 12.2.20-22, DS = 1).
     */
    void (*sgi_write)(uint32_t p, uint32_t src, uint64_t sgir, bool group1);
    /**
     * On vCPU vcpu's own CPU, before it resumes, when vgic_has_news(): collect what the guest
     * did with its list registers, fill them with the highest-priority ready interrupts, and ask
     * for a maintenance interrupt when some did not fit.
     */
    void (*flush)(uint32_t p, uint32_t vcpu);
    /** The maintenance interrupt was taken on vCPU vcpu's CPU: its next flush collects. */
    void (*maintenance)(uint32_t p, uint32_t vcpu);
    /**
     * On vCPU vcpu's own CPU, when it leaves the guest for good (CPU_OFF, halt): empty its list
     * registers; interrupts not yet acknowledged become pending again, active hardware ones are
     * deactivated.
     */
    void (*stop)(uint32_t p, uint32_t vcpu);
    /** Reset partition p's vGIC to its power-on state, ownership from the generated tables. */
    void (*reset)(uint32_t p);
    /** Partition p has stopped for a restart or halt: its hardware SPIs back to their boot state. */
    void (*release)(uint32_t p);
};

/** The vGIC's handlers (read-only). */
extern const struct vgic_handlers vgic_handlers;

/**
 * Per vCPU (index into cfg_vcpus): what changed for it since its last flush
 * (the "changed" word: bit 31 VGIC_NEWS, the SGI inbox in bits 0-15 and the
 * posted SPI, vgic_priv.h). Set with a sequentially consistent fetch-or by
 * whoever gives the vCPU work (the kick goes on its 0 -> non-zero change),
 * emptied by the vCPU's own flush, or by the IRQ vector when the kick brings
 * one inbox SGI or the posted SPI only (vectors.S, exit_irq_fast).
 */
extern uint32_t vgic_changed[CFG_NUM_VCPUS];

/** The exit fast path: has anything changed for vCPU vcpu_id (index into cfg_vcpus)? One load-acquire. */
static inline bool vgic_has_news(uint32_t vcpu_id)
{
    return __atomic_load_n(&vgic_changed[vcpu_id], __ATOMIC_ACQUIRE) != 0u;
}

/*
 * For the other emulated devices (vdev/) only.
 */

/**
 * Another CPU left work for vCPU vcpu of partition p outside the vGIC (a link's
 * frames, vdev/virtio_net.c): set its change flag (sequentially consistent) and
 * kick its CPU on the flag's 0 -> 1, so that its next exit leaves the fast path
 * and runs the exit's device work. vcpu is a valid index (e.g. vgic_spi_target()).
 */
void vgic_wake(uint32_t p, uint32_t vcpu);

/** The vCPU index SPI vintid of partition p is delivered to. */
uint32_t vgic_spi_target(uint32_t p, uint32_t vintid);
