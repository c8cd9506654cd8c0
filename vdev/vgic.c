/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual GICv3 (see vgic.h): state, ownership, the ready bitmaps and
 * injection. Register emulation lives in vgic_dist.c and vgic_redist.c, list
 * registers in vgic_lr.c. The partition sees a GICv3 with affinity routing
 * always on and a single security state (GICD_CTLR.DS = 1), no LPIs and no ITS
 * (Arm IHI 0069H).
 */
#include "arch.h"
#include "config.h"
#include "lib.h"
#include "vcpu.h"
#include "vgic_priv.h"

struct vgic_part vgic_parts[CFG_NUM_PARTITIONS];
uint32_t vgic_changed[CFG_NUM_VCPUS];
struct arch_lock vgic_locks[CFG_NUM_PARTITIONS];
/* Table sizes as objects: loops over an empty table then compile without warnings. */
static const uint32_t vgic_num_routes = CFG_NUM_IRQS;
static const uint32_t vgic_num_vdevs = CFG_NUM_VDEVS;
static const uint32_t vgic_num_peers = CFG_NUM_CHANNEL_PEERS;

struct vgic_part *vgic_get(uint32_t p)
{
    KASSERT(p < CFG_NUM_PARTITIONS);
    return &vgic_parts[p];
}

uint32_t vgic_vcpu_id(uint32_t p, uint32_t vcpu)
{
    return cfg_partitions[p].first_vcpu + vcpu;
}

uint32_t vgic_pcpu(uint32_t p, uint32_t vcpu)
{
    return cfg_vcpus[cfg_partitions[p].first_vcpu + vcpu].pcpu;
}

uint64_t vgic_vcpu_affinity(uint32_t p, uint32_t i)
{
    return cfg_vcpus[cfg_partitions[p].first_vcpu + i].vmpidr & MPIDR_AFF_MASK;
}

struct vgic_irq *vgic_irq(uint32_t p, uint32_t vcpu, uint32_t vintid)
{
    struct vgic_part *g = &vgic_parts[p];

    if (vintid < GIC_NUM_PRIVATE) {
        return &g->vcpu[vcpu].priv[vintid];
    }
    if (vintid < g->num_irqs) {
        return &g->spi[vintid - GIC_NUM_PRIVATE];
    }
    return NULL;
}

struct vgic_irq *vgic_owned(uint32_t p, uint32_t vcpu, uint32_t vintid)
{
    struct vgic_irq *irq = vgic_irq(p, vcpu, vintid);

    if ((irq == NULL) || !irq->owned) {
        return NULL;
    }
    return irq;
}


uint32_t vgic_irq_target(uint32_t vcpu, uint32_t vintid, const struct vgic_irq *irq)
{
    return (vintid < GIC_NUM_PRIVATE) ? vcpu : irq->target;
}

uint32_t vgic_hw_cpu(uint32_t p, uint32_t vcpu, const struct vgic_irq *irq)
{
    return vgic_pcpu(p, (irq->pintid < GIC_NUM_PRIVATE) ? vcpu : irq->target);
}

/* ---------------------------------------------------------------- change flag and kicks */

/* Set bits in vCPU id's changed word; kick its CPU when the word was 0. Any CPU, lock or not. */
void vgic_post(uint32_t id, uint32_t bits)
{
    uint32_t pcpu = cfg_vcpus[id].pcpu;

    /* Sequentially consistent fetch-or: the state written before it (under the lock) is
     * visible to the vCPU's CPU once it sees the bit; only a 0 -> non-zero change needs a
     * kick, because a word already non-zero has an exit on its way (or this CPU's own exit). */
    if ((__atomic_fetch_or(&vgic_changed[id], bits, __ATOMIC_SEQ_CST) == 0u) && (pcpu != arch_cpu_index())) {
        arch_gic_send_sgi(pcpu, ARCH_SGI_KICK);
    }
}

void vgic_signal(uint32_t p, uint32_t vcpu)
{
    vgic_post(vgic_vcpu_id(p, vcpu), VGIC_NEWS);
}

void vgic_wake(uint32_t p, uint32_t vcpu)
{
    /* No vGIC state changes: the flag and the kick alone, no lock. */
    vgic_signal(p, vcpu);
}

/* ---------------------------------------------------------------- reset */

/*
 * Power-on state of one interrupt (GICv3 spec 12.9: all fields reset to 0) in a
 * state vgic_init() has just zeroed whole: only the fields that are not 0 (a
 * memset per interrupt was 2,900 instructions of the boot).
 */
static void vgic_irq_reset(struct vgic_irq *irq, bool edge)
{
    irq->edge = edge;
    irq->lr = -1;
}

/* Own SPI vintid of g (out-of-range ids, e.g. CFG_NO_VINTID, are ignored). */
static struct vgic_irq *vgic_own_spi(struct vgic_part *g, uint32_t vintid)
{
    struct vgic_irq *irq;

    if ((vintid < GIC_NUM_PRIVATE) || (vintid >= g->num_irqs)) {
        return NULL;
    }
    irq = &g->spi[vintid - GIC_NUM_PRIVATE];
    irq->owned = true;
    g->owned[vintid / 32u] |= 1u << (vintid % 32u);
    return irq;
}

/* A purely virtual SPI (no physical source): edge-triggered. */
static void vgic_own_virtual(struct vgic_part *g, uint32_t vintid)
{
    struct vgic_irq *irq = vgic_own_spi(g, vintid);

    if (irq != NULL) {
        irq->edge = true;
    }
}

void vgic_init(uint32_t p)
{
    struct vgic_part *g = &vgic_parts[p];
    uint32_t i;
    uint32_t v;

    /*
     * Deliberately one memset: the whole state, bitmaps included, starts at zero.
     * Not at the first load of the cold boot (issue 11, "no double zeroing"): a state
     * never initialised (num_irqs 0; every initialisation sets 64 or more) is still the
     * .bss the boot cleared, because each writer of another CPU (vgic_inject,
     * vgic_post_spi, the level path) finds its interrupt through num_irqs and the
     * owned flags first, both 0 until this function, and only the partition's own
     * vCPUs, not yet started, write the rest. 4.3 KiB, about 600 instructions a partition.
     * The same holds for the fast paths' values of its vCPUs (arch_irq_fast_set,
     * arch_sgi_fast_set: written by their own flushes and by vgic_post_spi, which
     * also finds nothing before this): .bss zeros, about 400 instructions more.
     */
    bool cold = (g->num_irqs == 0u);

    if (!cold) {
        (void)memset(g, 0, sizeof(*g));
    }
    g->num_irqs = cfg_partitions[p].num_virqs;
    if ((g->num_irqs < 64u) || (g->num_irqs > CFG_MAX_VIRQS)) {
        g->num_irqs = 64u;
    }
    for (v = 0u; v < cfg_partitions[p].num_vcpus; v++) {
        /* The sync vector's ICC_SGI1R_EL1 path posts to the partition's changed words. */
        arch_sgi_send_bind(vgic_vcpu_id(p, v), vgic_vcpu_id(p, 0u), cfg_partitions[p].num_vcpus,
                           &vgic_changed[vgic_vcpu_id(p, 0u)]);
        /* Nothing new and an empty inbox: SGIs sent to the old life are gone with it. */
        vgic_changed[vgic_vcpu_id(p, v)] = 0u;
        arch_irq_fast_bind(vgic_vcpu_id(p, v), &vgic_changed[vgic_vcpu_id(p, v)]);
        if (!cold) {
            /* Disabled at reset: the C path until the guest enables its timer's PPI or an SGI. */
            arch_irq_fast_set(vgic_vcpu_id(p, v), 0u, 0u);
            for (i = 0u; i < ARCH_FAST_SLOTS; i++) {
                /* The SGIs and the posted SPI's slot. */
                arch_sgi_fast_set(vgic_vcpu_id(p, v), i, 0u, 0u);
            }
        }
    }
    for (v = 0u; v < CFG_MAX_VCPUS_PER_PARTITION; v++) {
        struct vgic_vcpu *vc = &g->vcpu[v];

        for (i = 0u; i < GIC_NUM_PRIVATE; i++) {
            /* SGIs are edge-triggered (ICFGR0 reads 0xaaaaaaaa); PPIs level. */
            vgic_irq_reset(&vc->priv[i], i < GIC_NUM_SGIS);
            vc->priv[i].owned = ((VGIC_PRIV_OWNED >> i) & 1u) != 0u;
        }
        vc->priv[GIC_PPI_VTIMER].hw = true;
        vc->priv[GIC_PPI_VTIMER].pintid = GIC_PPI_VTIMER;
        vc->priv[GIC_PPI_PTIMER].hw = true;
        vc->priv[GIC_PPI_PTIMER].pintid = GIC_PPI_PTIMER;
        vc->sleep = true;
        for (i = 0u; i < VGIC_MAX_LRS; i++) {
            vc->lr_intid[i] = VGIC_NO_IRQ;
        }
    }
    for (i = 0u; i < VGIC_MAX_SPIS; i++) {
        vgic_irq_reset(&g->spi[i], false);
    }
    for (i = 0u; i < vgic_num_routes; i++) {
        const struct cfg_irq *r = &cfg_irqs[i];
        struct vgic_irq *irq = (r->partition == p) ? vgic_own_spi(g, r->vintid) : NULL;

        if (irq != NULL) {
            irq->hw = true;
            irq->pintid = (uint16_t)r->pintid;
        }
    }
    for (i = 0u; i < vgic_num_vdevs; i++) {
        if (cfg_vdevs[i].partition == p) {
            (void)vgic_own_spi(g, cfg_vdevs[i].intid);
        }
    }
    /* Health notifications and channel doorbells are virtual SPIs of their own. */
    vgic_own_virtual(g, cfg_health[p].notify_vintid);
    for (i = 0u; i < vgic_num_peers; i++) {
        if (cfg_channel_peers[i].partition == p) {
            vgic_own_virtual(g, cfg_channel_peers[i].vintid);
        }
    }
}

/* ---------------------------------------------------------------- SGIs (12.2.20-22) */

uint32_t vgic_sgi_targets(uint32_t p, uint32_t src, uint64_t sgir)
{
    uint32_t n = vgic_num_vcpus(p);
    uint32_t mask = 0u;
    uint32_t i;

    (void)src;
    /* IRM ("every PE but me") is RES0 because GICD_TYPER.No1N = 1 (12.9.38): the
     * target list and affinity always apply. */
    for (i = 0u; i < n; i++) {
        uint64_t aff = vgic_vcpu_affinity(p, i);
        uint32_t aff0 = MPIDR_AFF(aff, 0u);
        bool upper_match = (MPIDR_AFF(aff, 1u) == SGIR_AFF1(sgir)) && (MPIDR_AFF(aff, 2u) == SGIR_AFF2(sgir)) &&
                           (MPIDR_AFF(aff, 3u) == SGIR_AFF3(sgir));

        if (upper_match && ((aff0 >> 4) == SGIR_RS(sgir)) && (((SGIR_TARGETS(sgir) >> (aff0 & 0xfu)) & 1u) != 0u)) {
            mask |= 1u << i;
        }
    }
    return mask;
}

/* Make an owned interrupt pending in software. Lock held. */
static void vgic_pend(uint32_t p, uint32_t vcpu, uint32_t vintid, struct vgic_irq *irq)
{
    irq->pending = true;
    irq->retract = false;
    vgic_ready_update(p, vcpu, vintid, irq);
    vgic_fast_priv(p, vcpu, vintid);
}

/* Make an owned interrupt pending in software and tell its vCPU. Lock held. */
static void vgic_make_pending(uint32_t p, uint32_t vcpu, uint32_t vintid, struct vgic_irq *irq)
{
    vgic_pend(p, vcpu, vintid, irq);
    if (irq->enabled) {
        /* A disabled interrupt gives its vCPU nothing to do until it is enabled. */
        vgic_signal(p, vgic_irq_target(vcpu, vintid, irq));
    }
}

/*
 * Inject vintid for its target, vCPU vcpu of p (for an SPI: vcpu is irq->target); here: on
 * that vCPU's CPU during its exit, so that a deliverable interrupt may go straight into a free
 * list register (direct injection). Lock held.
 */
static void vgic_inject_here(uint32_t p, uint32_t vcpu, uint32_t vintid, struct vgic_irq *irq)
{
    if (!vgic_lr_inject_direct(p, vcpu, vintid, irq)) {
        vgic_make_pending(p, vcpu, vintid, irq);
    }
}

/* Make vintid (for vCPU vcpu if private) pending, unless p does not own it. Lock held. */
static void vgic_inject_locked(uint32_t p, uint32_t vcpu, uint32_t vintid)
{
    struct vgic_irq *irq = vgic_owned(p, vcpu, vintid);

    if (irq != NULL) {
        vgic_make_pending(p, vcpu, vintid, irq);
    }
}

void vgic_sgi_take(uint32_t p, uint32_t vcpu, uint32_t bits, bool signal)
{
    struct vgic_irq *priv = vgic_parts[p].vcpu[vcpu].priv;
    uint32_t left;

    for (left = bits; left != 0u; left &= left - 1u) {
        uint32_t n = vgic_ctz(left);

        /* ICC_SGI1R_EL1 raises group-1 SGIs only (12.2.22): as configured when it arrives. */
        if (priv[n].group1) {
            vgic_pend(p, vcpu, n, &priv[n]);
            if (signal && priv[n].enabled) {
                vgic_signal(p, vcpu);
            }
        }
    }
}

void vgic_send_sgi(uint32_t p, uint32_t src, uint64_t sgir, bool group1)
{
    uint32_t mask = vgic_sgi_targets(p, src, sgir);
    uint32_t intid = SGIR_INTID(sgir);
    uint32_t remote;

    if (group1) {
        /* Another vCPU's group-1 SGI goes into its inbox without the lock (vgic_sgi_take()
         * checks the group when the target takes it); the sender's own takes the lock below. */
        for (remote = mask & ~(1u << src); remote != 0u; remote &= remote - 1u) {
            vgic_post(vgic_vcpu_id(p, vgic_ctz(remote)), 1u << intid);
        }
        mask &= 1u << src;
    }
    if (mask == 0u) {
        return;
    }
    arch_lock_acquire(&vgic_locks[p]);
    while (mask != 0u) {
        uint32_t t = vgic_ctz(mask);
        struct vgic_irq *irq = &vgic_parts[p].vcpu[t].priv[intid];

        mask &= mask - 1u;
        /* SGI0R raises group-0 SGIs only, SGI1R group-1 ones only (12.2.20, 12.2.22); every SGI is
         * owned. The sender's own: on its exit, straight into a free list register. */
        if (irq->group1 == group1) {
            if (t == src) {
                vgic_inject_here(p, t, intid, irq);
            } else {
                vgic_make_pending(p, t, intid, irq);
            }
        }
    }
    arch_lock_release(&vgic_locks[p]);
}

/* ---------------------------------------------------------------- injection */

/* The input level of emulated level-triggered line vintid of p (VGIC_LOW / VGIC_HIGH). */
static void vgic_set_level(uint32_t p, uint32_t vintid, bool level)
{
    struct vgic_irq *irq;
    uint32_t target;

    arch_lock_acquire(&vgic_locks[p]);
    irq = vgic_owned(p, 0u, vintid);
    if ((irq == NULL) || (irq->line == level)) {
        arch_lock_release(&vgic_locks[p]);
        return;
    }
    irq->line = level;
    if (level && (irq->lr < 0)) {
        irq->pending = true;
    }
    if (!level) {
        irq->pending = false;
        irq->retract = true;
    }
    target = vgic_irq_target(0u, vintid, irq);
    vgic_ready_update(p, 0u, vintid, irq);
    vgic_signal(p, target);
    arch_lock_release(&vgic_locks[p]);
}

/*
 * An edge of vintid of p injected on self's exit: when self is its target, into a free list
 * register at once (or pending) and true; false when it is another vCPU's (the caller takes
 * the any-CPU path). Interrupts p does not own: nothing, true. Lock held.
 */
static bool vgic_inject_self(uint32_t p, uint32_t vcpu, uint32_t vintid, const struct vcpu *self)
{
    struct vgic_irq *irq = vgic_owned(p, vcpu, vintid);
    uint32_t target;

    if (irq == NULL) {
        return true;
    }
    target = vgic_irq_target(vcpu, vintid, irq);
    if (self->id != vgic_vcpu_id(p, target)) {
        return false;
    }
    vgic_inject_here(p, target, vintid, irq);
    /* The timer's list register may have changed: what the IRQ vector may do next. */
    vgic_fast_update(p, target);
    return true;
}

/* @req SRS-IRQ-003 SRS-IRQ-010 */
void vgic_inject(uint32_t p, uint32_t vcpu, uint32_t vintid, enum vgic_line line, const struct vcpu *self)
{
    if (line != VGIC_EDGE) {
        vgic_set_level(p, vintid, line == VGIC_HIGH);
        return;
    }
    arch_lock_acquire(&vgic_locks[p]);
    /* On another vCPU's behalf (or none): a doorbell or health SPI that can be delivered at once
     * is posted for its vCPU's IRQ vector; anything else becomes pending and its vCPU is told. */
    if (((self == NULL) || !vgic_inject_self(p, vcpu, vintid, self)) && !vgic_post_spi(p, vintid)) {
        vgic_inject_locked(p, vcpu, vintid);
    }
    arch_lock_release(&vgic_locks[p]);
}

uint32_t vgic_spi_target(uint32_t p, uint32_t vintid)
{
    struct vgic_irq *irq = vgic_owned(p, 0u, vintid);

    return ((irq == NULL) || (vintid < GIC_NUM_PRIVATE)) ? 0u : irq->target;
}

void vgic_maintenance(uint32_t p, uint32_t vcpu)
{
    /* Own CPU: no kick, the flush at the end of this exit collects (the inbox is kept). */
    (void)__atomic_fetch_or(&vgic_changed[vgic_vcpu_id(p, vcpu)], VGIC_NEWS, __ATOMIC_RELEASE);
}

/* ---------------------------------------------------------------- the handler table */

/* @req SRS-IRQ-010 */
const struct vgic_handlers vgic_handlers = {
    .dist_mmio = vgic_dist_mmio,
    .redist_mmio = vgic_redist_mmio,
    .sgi_write = vgic_send_sgi,
    .flush = vgic_flush,
    .maintenance = vgic_maintenance,
    .stop = vgic_vcpu_stop,
    .reset = vgic_init,
    .release = vgic_release_hw_partition,
};
