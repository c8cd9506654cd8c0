/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual GICv3 list registers (Arm IHI 0069H 12.4, ICH_LR<n>_EL2): on a
 * vCPU's own CPU, collect what the guest did with them and fill them from the
 * vCPU's ready bitmap. Free and completed list registers come from
 * ICH_ELRSR_EL2 / ICH_EISR_EL2 (arch_lr_free_mask()); a list register is read
 * only when it is still in use. Costs depend on the number of list registers
 * and of ready interrupts, never on the number of implemented INTIDs.
 */
#include "arch.h"
#include "config.h"
#include "lib.h"
#include "vgic_priv.h"

/* Mask of the n (at most VGIC_MAX_LRS) implemented list registers. */
static uint32_t vgic_lr_mask(uint32_t n)
{
    return (1u << n) - 1u;
}

/* Implemented list registers, at most VGIC_MAX_LRS (ICH_VTR_EL2, read once by the arch). */
static uint32_t vgic_lr_num(void)
{
    uint32_t n = arch_lr_count();

    return (n > VGIC_MAX_LRS) ? VGIC_MAX_LRS : n;
}

static uint64_t vgic_lr_value(uint32_t vintid, const struct vgic_irq *irq)
{
    uint64_t lr = (uint64_t)vintid | ((uint64_t)irq->priority << ICH_LR_PRIO_SHIFT) |
                  ((uint64_t)ICH_LR_STATE_PENDING << ICH_LR_STATE_SHIFT);

    if (irq->group1) {
        lr |= ICH_LR_GROUP1;
    }
    if (irq->hw) {
        lr |= ICH_LR_HW | ((uint64_t)irq->pintid << ICH_LR_PINTID_SHIFT);
    } else if (!irq->edge) {
        /* An emulated level source: its EOI must be seen, to make it pending again while
         * its line is still up (GICv3 4.1.2), so ask for an EOI maintenance interrupt. */
        lr |= ICH_LR_EOI;
    } else {
        /* An emulated edge source: nothing more to ask for (MISRA C:2012 Rule 15.7). */
    }
    return lr;
}

/* Write irq into list register slot of vCPU vc. Lock held. */
static void vgic_lr_put(uint32_t p, uint32_t vcpu, uint32_t slot, uint32_t vintid, struct vgic_irq *irq)
{
    struct vgic_vcpu *vc = &vgic_parts[p].vcpu[vcpu];
    uint64_t lr = vgic_lr_value(vintid, irq);
    bool was_ready = irq->pending && irq->enabled;

    arch_lr_write(slot, lr);
    vc->lr_intid[slot] = vintid;
    vc->lr_used |= 1u << slot;
    vc->lr_eoi = ((lr & ICH_LR_EOI) != 0u) ? (vc->lr_eoi | (1u << slot)) : (vc->lr_eoi & ~(1u << slot));
    irq->lr = (int8_t)slot;
    irq->pending = false;
    if (was_ready) {
        vgic_ready_clear(p, vgic_irq_target(vcpu, vintid, irq), vintid);
    }
    vgic_fast_priv(p, vcpu, vintid);
}

/* List register i no longer holds its interrupt (done, or withdrawn). Lock held. */
static void vgic_lr_release(uint32_t p, uint32_t vcpu, uint32_t i, struct vgic_irq *irq)
{
    struct vgic_vcpu *vc = &vgic_parts[p].vcpu[vcpu];
    uint32_t vintid = vc->lr_intid[i];

    if ((vc->lr_eoi & (1u << i)) != 0u) {
        /* ICH_EISR_EL2 keeps the maintenance interrupt up until the entry is rewritten. */
        arch_lr_write(i, 0u);
    }
    vc->lr_intid[i] = VGIC_NO_IRQ;
    vc->lr_used &= ~(1u << i);
    vc->lr_eoi &= ~(1u << i);
    irq->lr = -1;
    irq->active = false;
    irq->retract = false;
    if (!irq->edge && !irq->hw && irq->line) {
        /* Level-sensitive and still asserted: pending again (GICv3 4.1.2); a release
         * outside a flush (direct injection) leaves it to this exit's flush. */
        irq->pending = true;
        vgic_signal(p, vcpu);
    }
    vgic_ready_update(p, vcpu, vintid, irq);
    vgic_fast_priv(p, vcpu, vintid);
}

/* A list register still pending (not yet acknowledged) should be withdrawn. */
static bool vgic_should_withdraw(const struct vgic_irq *irq)
{
    if (irq->retract || !irq->enabled) {
        return true;
    }
    /* An emulated level source whose line dropped. */
    return !irq->edge && !irq->hw && !irq->line;
}

/*
 * The IRQ vector's fast path (vectors.S, exit_irq_fast) writes the virtual timer PPI, and an
 * SGI a kick brought through the inbox, into an empty list register by itself, with the value
 * vgic_fast_lr() / vgic_fast_sgi() published, and records the vINTID of each register it
 * filled (arch_irq_fast_vintid). Before the vGIC reads or writes a list register of the vCPU
 * (collection, direct injection, stop) it takes those list registers into its state here, as
 * if vgic_lr_put() had filled them: what it had recorded in such a register was completed
 * before the vector reused it (the vector takes only registers ICH_ELRSR_EL2 shows empty:
 * IHI 0069H 12.4), and of the registers the vector filled at most one still holds a given
 * vINTID (the vector checks that every list register that may hold it is empty: for the
 * timer the physical PPI also stays active, HW = 1, until the guest deactivates it). A posted
 * SPI the vector delivered stays posted (irq->posted) until vgic_posted_settle(). Lock
 * held, the vCPU's own CPU.
 */
static inline void vgic_lr_adopt(uint32_t p, uint32_t vcpu, uint32_t id)
{
    struct vgic_vcpu *vc = &vgic_parts[p].vcpu[vcpu];
    uint32_t filled = arch_irq_fast_take(id);
    uint32_t free;

    if (filled == 0u) {
        return;
    }
    free = arch_lr_free_mask();
    for (; filled != 0u; filled &= filled - 1u) {
        uint32_t i = vgic_ctz(filled);

        if ((vc->lr_used & (1u << i)) != 0u) {
            /* Completed before the vector reused it: no EOI request can be left (not empty). */
            vc->lr_eoi &= ~(1u << i);
            vgic_lr_release(p, vcpu, i, vgic_irq(p, vcpu, vc->lr_intid[i]));
        }
        if ((free & (1u << i)) == 0u) {
            /* The vector records only the timer (27), SGIs (0-15) and the vCPU's posted SPI. */
            uint32_t vintid = arch_irq_fast_vintid(id, i);
            struct vgic_irq *irq = vgic_irq_rec(p, vcpu, vintid);

            if (irq->lr >= 0) {
                /* An older list register of the same interrupt, empty when the vector went on. */
                vgic_lr_release(p, vcpu, (uint32_t)irq->lr, irq);
            }
            vc->lr_intid[i] = vintid;
            vc->lr_used |= 1u << i;
            irq->lr = (int8_t)i;
            vgic_ready_update(p, vcpu, vintid, irq);
            vgic_fast_priv(p, vcpu, vintid);
        }
    }
}

/*
 * The ICH_LR value the IRQ vector may write by itself for vCPU vcpu's virtual timer PPI, or 0
 * when the C path must take it: the interrupt is enabled, its group is enabled and it is not
 * pending in software (a pending one is placed, or coalesced, by the flush). The value is
 * vgic_lr_put()'s: pending, the guest's priority and group, HW = 1 with pINTID 27. Lock held.
 */
static uint64_t vgic_fast_lr(uint32_t p, uint32_t vcpu)
{
    const struct vgic_irq *irq = &vgic_parts[p].vcpu[vcpu].priv[GIC_PPI_VTIMER];

    if (!irq->enabled || irq->pending) {
        return 0u;
    }
    if (!irq->hw || !vgic_group_enabled(&vgic_parts[p], irq)) {
        return 0u;
    }
    return vgic_lr_value(GIC_PPI_VTIMER, irq);
}

/*
 * The ICH_LR value the IRQ vector may write by itself for SGI n of vCPU vcpu when a kick brings
 * it through the inbox, or 0 when the C path must take it: enabled, group 1 (what the inbox
 * carries: ICC_SGI1R_EL1) with group 1 enabled, and not pending in software. hold: the list
 * register the vGIC has it in; the vector goes on only when it is empty. Lock held, any CPU.
 */
void vgic_fast_sgi(uint32_t p, uint32_t vcpu, uint32_t n)
{
    const struct vgic_irq *irq = &vgic_parts[p].vcpu[vcpu].priv[n];
    uint64_t lr = 0u;

    if (irq->enabled && irq->group1 && !irq->pending && vgic_group_enabled(&vgic_parts[p], irq)) {
        lr = vgic_lr_value(n, irq);
    }
    arch_sgi_fast_set(vgic_vcpu_id(p, vcpu), n, lr, (irq->lr >= 0) ? (1u << (uint32_t)irq->lr) : 0u);
}

/* Can SPI irq of g be posted: an owned virtual edge SPI, deliverable now (enabled, its group enabled) and
 * not pending already (a pending one is placed, or coalesced, by the flush)? */
static bool vgic_postable(const struct vgic_part *g, const struct vgic_irq *irq)
{
    if (!irq->owned || irq->hw || !irq->edge || irq->pending) {
        return false;
    }
    return irq->enabled && vgic_group_enabled(g, irq);
}

bool vgic_post_spi(uint32_t p, uint32_t vintid)
{
    struct vgic_part *g = &vgic_parts[p];
    struct vgic_irq *irq;
    struct vgic_vcpu *vc;
    uint32_t hold = 0u;
    uint32_t id;
    uint64_t lr;

    /* An SPI of p (the sender's path: the lookup inline, not through vgic_owned()). */
    if ((vintid < GIC_NUM_PRIVATE) || (vintid >= g->num_irqs)) {
        return false;
    }
    irq = &g->spi[vintid - GIC_NUM_PRIVATE];
    if (!vgic_postable(g, irq)) {
        return false;
    }
    vc = &g->vcpu[irq->target];
    /* One SPI per vCPU: its slot free (and the SPI posted nowhere else), or this SPI's already. */
    if ((vc->posted != vintid) && ((vc->posted != 0u) || irq->posted)) {
        return false;
    }
    if (irq->lr >= 0) {
        if (vc->lr_intid[irq->lr] != vintid) {
            /* In a list register of its previous target: that vCPU collects it first. */
            return false;
        }
        /* Still in a list register of the target: the vector goes on only once it is empty. */
        hold = 1u << (uint32_t)irq->lr;
    }
    vc->posted = vintid;
    irq->posted = true;
    g->posted |= 1u << irq->target;
    id = cfg_partitions[p].first_vcpu + irq->target;
    lr = vgic_lr_value(vintid, irq);
    /* Most doorbells repeat the last value (vgic_init() published 0, 0): publish only a change. */
    if ((lr != vc->post_lr) || (hold != vc->post_hold)) {
        vc->post_lr = lr;
        vc->post_hold = hold;
        arch_sgi_fast_set(id, ARCH_FAST_POSTED, lr, hold);
    }
    vgic_post(id, VGIC_POSTED);
    return true;
}

void vgic_posted_settle(uint32_t p, uint32_t vcpu, bool raised, bool signal)
{
    struct vgic_part *g = &vgic_parts[p];
    struct vgic_vcpu *vc = &g->vcpu[vcpu];
    uint32_t vintid = vc->posted;
    struct vgic_irq *irq;

    if (vintid == 0u) {
        return;
    }
    irq = vgic_irq_rec(p, vcpu, vintid);
    vc->posted = 0u;
    irq->posted = false;
    g->posted &= ~(1u << vcpu);
    if (raised) {
        /* Not delivered: pending, with its state as the distributor has it now (one edge). */
        irq->pending = true;
        irq->retract = false;
        vgic_ready_update(p, vcpu, vintid, irq);
        /* Its target is vcpu (a route change takes it back first, vgic_posted_recall): the caller's own flush
         * places it, or another CPU (signal) tells it. */
        if (signal) {
            vgic_signal(p, vcpu);
        }
    }
}

void vgic_posted_recall_all(uint32_t p)
{
    uint32_t left;

    for (left = vgic_parts[p].posted; left != 0u; left &= left - 1u) {
        uint32_t v = vgic_ctz(left);
        uint32_t was = __atomic_fetch_and(&vgic_changed[vgic_vcpu_id(p, v)], ~VGIC_POSTED, __ATOMIC_SEQ_CST);

        /* Still raised: taken back. Gone: the vector delivered it; its vCPU settles it at its next flush. */
        if ((was & VGIC_POSTED) != 0u) {
            vgic_posted_settle(p, v, true, true);
        }
    }
}

void vgic_fast_sgis(uint32_t p, uint32_t vcpu)
{
    uint32_t n;

    for (n = 0u; n < GIC_NUM_SGIS; n++) {
        vgic_fast_sgi(p, vcpu, n);
    }
}

void vgic_fast_update(uint32_t p, uint32_t vcpu)
{
    struct vgic_vcpu *vc = &vgic_parts[p].vcpu[vcpu];
    const struct vgic_irq *irq = &vc->priv[GIC_PPI_VTIMER];
    uint32_t hold = (irq->lr >= 0) ? (1u << (uint32_t)irq->lr) : 0u;
    uint64_t lr = vgic_fast_lr(p, vcpu);

    /* Most exits change nothing of it: publish only a change (vgic_init() published 0, 0). */
    if ((lr != vc->fast_lr) || (hold != vc->fast_hold)) {
        vc->fast_lr = lr;
        vc->fast_hold = hold;
        arch_irq_fast_set(vgic_vcpu_id(p, vcpu), lr, hold);
    }
}

/* Bring list register i, still in use, into the software state; true if it is still pending. */
static bool vgic_lr_sync(uint32_t p, uint32_t vcpu, uint32_t i, struct vgic_irq *irq)
{
    uint64_t lr = arch_lr_read(i);
    uint32_t state = ICH_LR_STATE(lr);

    if ((state == ICH_LR_STATE_PENDING) && vgic_should_withdraw(irq)) {
        if (irq->hw) {
            /* Acknowledged and priority-dropped at EL2, never delivered: release it. */
            arch_gic_deactivate(irq->pintid);
        }
        /*
         * Disabled while pending (the only other reason for an emulated edge): it stays
         * pending, to be delivered once enabled again (GICv3, IHI 0069 12.9.7 GICD_ICENABLER:
         * disabling does not change the pending state). Cleared (retract), a level source
         * whose line dropped (vgic_lr_release() looks at the line), and a hardware interrupt
         * (its physical state is the GIC's) are not.
         */
        if (!irq->hw && !irq->retract && irq->edge) {
            irq->pending = true;
        }
        arch_lr_write(i, 0u);
        vgic_lr_release(p, vcpu, i, irq);
        return false;
    }
    irq->retract = false;
    irq->active = (state & ICH_LR_STATE_ACTIVE) != 0u;
    if ((state == ICH_LR_STATE_ACTIVE) && irq->pending && !irq->hw) {
        /* Pending again while the guest still handles it: pending and active in the same LR,
         * so the guest takes it again right after its EOI, without another exit. */
        arch_lr_write(i, lr | ((uint64_t)ICH_LR_STATE_PENDING << ICH_LR_STATE_SHIFT));
        state |= ICH_LR_STATE_PENDING;
    }
    if ((state & ICH_LR_STATE_PENDING) != 0u) {
        /* An edge while it is still pending in the LR: one interrupt (edges coalesce). */
        irq->pending = false;
    }
    vgic_fast_priv(p, vcpu, vgic_parts[p].vcpu[vcpu].lr_intid[i]);
    return state == ICH_LR_STATE_PENDING;
}

/* Collect every list register in use; returns the mask of those still pending. Lock held. */
static uint32_t vgic_lr_collect(uint32_t p, uint32_t vcpu, uint32_t n)
{
    struct vgic_vcpu *vc = &vgic_parts[p].vcpu[vcpu];
    uint32_t free = arch_lr_free_mask();
    uint32_t pending = 0u;
    uint32_t used;

    for (used = vc->lr_used & vgic_lr_mask(n); used != 0u; used &= used - 1u) {
        uint32_t i = vgic_ctz(used);
        struct vgic_irq *irq = vgic_irq(p, vcpu, vc->lr_intid[i]);

        if ((free & (1u << i)) != 0u) {
            /* Invalid again: the guest completed it (ICH_ELRSR_EL2 / ICH_EISR_EL2). */
            vgic_lr_release(p, vcpu, i, irq);
        } else if (vgic_lr_sync(p, vcpu, i, irq)) {
            pending |= 1u << i;
        } else {
            /* active, or withdrawn */
        }
    }
    return pending;
}

/* The highest-priority ready interrupt of vCPU vcpu whose group is enabled, or VGIC_NO_IRQ.
 * Visits the ready interrupts only (two-level bitmap); ties go to the lowest INTID. */
static uint32_t vgic_best_ready(uint32_t p, uint32_t vcpu)
{
    const struct vgic_part *g = &vgic_parts[p];
    const struct vgic_vcpu *vc = &g->vcpu[vcpu];
    uint32_t best = VGIC_NO_IRQ;
    uint32_t best_prio = 0x100u;
    uint32_t words;

    for (words = vc->ready_words; words != 0u; words &= words - 1u) {
        uint32_t w = vgic_ctz(words);
        uint32_t bits;

        for (bits = vc->ready[w]; bits != 0u; bits &= bits - 1u) {
            uint32_t vintid = (32u * w) + vgic_ctz(bits);
            const struct vgic_irq *irq = vgic_irq(p, vcpu, vintid);

            if ((irq->priority < best_prio) && vgic_group_enabled(g, irq)) {
                best = vintid;
                best_prio = irq->priority;
            }
        }
    }
    return best;
}

/* A list register for an interrupt of priority prio: a free one, else the lowest-priority
 * one still only pending if prio beats it; VGIC_MAX_LRS if none. */
static uint32_t vgic_lr_slot(uint32_t p, uint32_t vcpu, uint32_t n, uint32_t pending, uint8_t prio)
{
    const struct vgic_vcpu *vc = &vgic_parts[p].vcpu[vcpu];
    uint32_t free = ~vc->lr_used & vgic_lr_mask(n);
    uint32_t victim = VGIC_MAX_LRS;
    uint32_t victim_prio = prio;
    uint32_t left = pending;

    if (free != 0u) {
        return vgic_ctz(free);
    }
    for (; left != 0u; left &= left - 1u) {
        uint32_t i = vgic_ctz(left);
        const struct vgic_irq *irq = vgic_irq(p, vcpu, vc->lr_intid[i]);

        if (irq->priority > victim_prio) {
            victim = i;
            victim_prio = irq->priority;
        }
    }
    return victim;
}

/* Fill the list registers from the ready bitmap. *pending: the LRs in pending state, updated.
 * Returns true when a deliverable interrupt found no list register. Lock held. */
static bool vgic_lr_fill(uint32_t p, uint32_t vcpu, uint32_t n, uint32_t *pending)
{
    struct vgic_vcpu *vc = &vgic_parts[p].vcpu[vcpu];
    uint32_t round;

    /* Each round places one interrupt; one more round than LRs finds an overflow. */
    for (round = 0u; round <= n; round++) {
        uint32_t best = vgic_best_ready(p, vcpu);
        struct vgic_irq *irq;
        uint32_t slot;

        if (best == VGIC_NO_IRQ) {
            return false;
        }
        irq = vgic_irq(p, vcpu, best);
        slot = vgic_lr_slot(p, vcpu, n, *pending, irq->priority);
        if (slot == VGIC_MAX_LRS) {
            return true;
        }
        if ((vc->lr_used & (1u << slot)) != 0u) {
            /* Evict a lower-priority pending interrupt back to software. */
            struct vgic_irq *old = vgic_irq(p, vcpu, vc->lr_intid[slot]);

            old->lr = -1;
            old->pending = true;
            vgic_ready_update(p, vcpu, vc->lr_intid[slot], old);
            vgic_fast_priv(p, vcpu, vc->lr_intid[slot]);
        }
        vgic_lr_put(p, vcpu, slot, best, irq);
        *pending |= 1u << slot;
    }
    return true;
}

/*
 * How to learn that a list register frees up when some interrupt did not fit
 * (12.4.4 ICH_HCR_EL2): NPIE when at least one entry is still pending (it fires
 * once the guest has acknowledged them all); with every entry active, NPIE would
 * fire at once and for ever, so UIE (at most one valid entry left) instead. A
 * single list register cannot be waited on: the next exit collects it.
 */
static uint32_t vgic_notify_mode(bool overflow, uint32_t pending, uint32_t n)
{
    if (!overflow) {
        return ARCH_LR_NOTIFY_NONE;
    }
    if (pending != 0u) {
        return ARCH_LR_NOTIFY_NO_PENDING;
    }
    return (n >= 2u) ? ARCH_LR_NOTIFY_UNDERFLOW : ARCH_LR_NOTIFY_NONE;
}

void vgic_flush(uint32_t p, uint32_t vcpu)
{
    uint32_t id = vgic_vcpu_id(p, vcpu);
    const struct vgic_irq *timer = &vgic_parts[p].vcpu[vcpu].priv[GIC_PPI_VTIMER];
    int8_t timer_lr;
    bool timer_pending;
    uint32_t n;
    uint32_t pending;
    uint32_t news;
    bool overflow;

    /* The fast path: nothing changed for this vCPU since its last flush. */
    if (!vgic_has_news(id)) {
        return;
    }
    /* Empty before looking, so that a change made from now on is seen at the next exit. */
    news = __atomic_exchange_n(&vgic_changed[id], 0u, __ATOMIC_SEQ_CST);
    n = vgic_lr_num();
    arch_lock_acquire(&vgic_locks[p]);
    timer_lr = timer->lr;
    timer_pending = timer->pending;
    vgic_lr_adopt(p, vcpu, id);
    /* The inbox's SGIs and a posted SPI not delivered: pending now, placed below with the rest. */
    vgic_sgi_take(p, vcpu, news & VGIC_INBOX, false);
    if (vgic_parts[p].vcpu[vcpu].posted != 0u) {
        /* Posted under the lock, perhaps after the exchange above: its bit is taken here, with the lock. */
        news |= __atomic_fetch_and(&vgic_changed[id], ~VGIC_POSTED, __ATOMIC_SEQ_CST);
    }
    vgic_posted_settle(p, vcpu, (news & VGIC_POSTED) != 0u, false);
    pending = vgic_lr_collect(p, vcpu, n);
    overflow = vgic_lr_fill(p, vcpu, n, &pending);
    /* What else decides the IRQ vector's timer path (enable, priority, group, GICD_CTLR) is
     * published where it is written (vgic_redist_mmio, the GICD_CTLR write). */
    if ((timer->lr != timer_lr) || (timer->pending != timer_pending)) {
        vgic_fast_update(p, vcpu);
    }
    arch_lock_release(&vgic_locks[p]);
    arch_lr_notify(vgic_notify_mode(overflow, pending, n));
}

bool vgic_lr_inject_direct(uint32_t p, uint32_t vcpu, uint32_t vintid, struct vgic_irq *irq)
{
    struct vgic_vcpu *vc = &vgic_parts[p].vcpu[vcpu];
    uint32_t mask = vgic_lr_mask(vgic_lr_num());
    uint32_t done;
    uint32_t free;

    vgic_lr_adopt(p, vcpu, vgic_vcpu_id(p, vcpu));
    done = vc->lr_used & arch_lr_free_mask() & mask;

    /* Release the list registers the guest has completed since the last collection
     * (the previous timer interrupt's, typically): the fast path never collected them. */
    for (; done != 0u; done &= done - 1u) {
        uint32_t i = vgic_ctz(done);

        vgic_lr_release(p, vcpu, i, vgic_irq(p, vcpu, vc->lr_intid[i]));
    }
    free = ~vc->lr_used & mask;
    /* Deliverable now (enabled, group on, not pending or in an LR already) and a free LR. */
    if (!irq->enabled || irq->pending || (irq->lr >= 0) || !vgic_group_enabled(&vgic_parts[p], irq) ||
        (free == 0u)) {
        return false;
    }
    vgic_lr_put(p, vcpu, vgic_ctz(free), vintid, irq);
    return true;
}

void vgic_vcpu_stop(uint32_t p, uint32_t vcpu)
{
    struct vgic_vcpu *vc = &vgic_parts[p].vcpu[vcpu];
    uint32_t used;
    uint32_t was;

    arch_lock_acquire(&vgic_locks[p]);
    /* Its posted SPI: pending again for when it returns, unless the vector delivered it (then in an LR). */
    was = __atomic_fetch_and(&vgic_changed[vgic_vcpu_id(p, vcpu)], ~VGIC_POSTED, __ATOMIC_SEQ_CST);
    vgic_lr_adopt(p, vcpu, vgic_vcpu_id(p, vcpu));
    vgic_posted_settle(p, vcpu, (was & VGIC_POSTED) != 0u, false);
    for (used = vc->lr_used; used != 0u; used &= used - 1u) {
        uint32_t i = vgic_ctz(used);
        uint32_t vintid = vc->lr_intid[i];
        struct vgic_irq *irq = vgic_irq(p, vcpu, vintid);
        uint32_t state = ICH_LR_STATE(arch_lr_read(i));

        if ((state & ICH_LR_STATE_ACTIVE) != 0u) {
            if (irq->hw) {
                /* The guest will never deactivate it: release the physical interrupt. */
                arch_gic_deactivate(irq->pintid);
            }
        } else if (state == ICH_LR_STATE_PENDING) {
            /* Never acknowledged: still pending, for when its vCPU runs again. */
            irq->pending = true;
        } else {
            /* completed */
        }
        arch_lr_write(i, 0u);
        vc->lr_eoi &= ~(1u << i);
        vgic_lr_release(p, vcpu, i, irq);
    }
    /* Its next run starts with a collection and a fill (its inbox is kept for it). */
    (void)__atomic_fetch_or(&vgic_changed[vgic_vcpu_id(p, vcpu)], VGIC_NEWS, __ATOMIC_SEQ_CST);
    vgic_fast_update(p, vcpu);
    arch_lock_release(&vgic_locks[p]);
}
