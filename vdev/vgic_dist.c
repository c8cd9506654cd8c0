/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual GICv3 distributor (Arm IHI 0069H 12.9) and the per-INTID register
 * banks it shares with the redistributors' SGI_base frames (12.11): enable,
 * pending, active, group, priority and configuration. A bank write visits only
 * the bits that are written as one and owned by the partition.
 */
#include "arch.h"
#include "config.h"
#include "lib.h"
#include "vgic_priv.h"

/* ---------------------------------------------------------------- bit banks */

/* ISPENDR of a hardware-backed interrupt: the physical state too; the EL1 timers' PPIs show
 * the timer's output (CNTx_CTL.ISTATUS and not IMASK, Arm ARM D11.2.4) on their own CPU, even
 * while the guest has the PPI disabled and the physical PPI is masked (12.9.13). */
static bool vgic_hw_pending(uint32_t p, uint32_t vcpu, const struct vgic_irq *irq)
{
    uint32_t cpu = vgic_hw_cpu(p, vcpu, irq);

    if (irq->pintid < GIC_NUM_PRIVATE) {
        return (cpu == arch_cpu_index()) && arch_timer_output(irq->pintid);
    }
    return arch_gic_pending(irq->pintid, cpu);
}

static bool vgic_bit_get(uint32_t p, uint32_t vcpu, const struct vgic_irq *irq, enum vgic_bit what)
{
    switch (what) {
    case VGIC_BIT_GROUP:
        return irq->group1;
    case VGIC_BIT_ENABLE:
        return irq->enabled;
    case VGIC_BIT_PEND:
        if (irq->pending || (irq->lr >= 0) || irq->posted) {
            /* posted: delivered by its vCPU's vector, not yet settled (vgic_posted_recall took back the rest). */
            return true;
        }
        return irq->hw && vgic_hw_pending(p, vcpu, irq);
    default:
        return irq->active;
    }
}

/* Pending / active writes of a hardware-backed interrupt reach the physical GIC (12.9.13-16):
 * a physical pending set fires through the physical GIC and comes back injected. */
static void vgic_hw_state(uint32_t p, uint32_t vcpu, const struct vgic_irq *irq, enum vgic_bit what, bool on)
{
    uint32_t cpu = vgic_hw_cpu(p, vcpu, irq);

    if (what == VGIC_BIT_PEND) {
        arch_gic_set_pending(irq->pintid, cpu, on);
    } else {
        arch_gic_set_active(irq->pintid, cpu, on);
    }
}

/*
 * Apply a set (on) or clear of one bit of an owned interrupt. Returns true
 * when the target vCPU must re-evaluate its list registers.
 */
static bool vgic_bit_set(uint32_t p, uint32_t vcpu, uint32_t vintid, struct vgic_irq *irq, enum vgic_bit what,
                         bool on)
{
    bool kick;

    switch (what) {
    case VGIC_BIT_GROUP:
        kick = (irq->group1 != on) && irq->pending;
        /* A pending interrupt may just have entered an enabled group. */
        irq->group1 = on;
        return kick;
    case VGIC_BIT_ENABLE:
        /* Only a change, or a hardware-backed interrupt (vgic_enable_changes). A disable withdraws a pending
         * LR by itself (vgic_should_withdraw looks at enabled) and is not a clear: retract stays as ICPENDR
         * left it, so a disabled edge stays pending. An atomic store: vgic_dist_bank reads it unlocked. */
        __atomic_store_n(&irq->enabled, on, __ATOMIC_RELAXED);
        if (irq->hw) {
            arch_gic_set_enabled(irq->pintid, vgic_hw_cpu(p, vcpu, irq), on);
        }
        vgic_ready_update(p, vcpu, vintid, irq);
        /* Only a pending interrupt can become deliverable, or one in an LR need withdrawing. */
        return irq->pending || (irq->lr >= 0) || irq->posted;
    case VGIC_BIT_PEND:
        if (irq->hw) {
            vgic_hw_state(p, vcpu, irq, what, on);
        }
        if (irq->hw && on) {
            /* The physical interrupt fires and is injected like any other. */
            return false;
        }
        irq->pending = on;
        irq->retract = !on;
        vgic_ready_update(p, vcpu, vintid, irq);
        return on || (irq->lr >= 0) || irq->posted;
    default:
        if (irq->hw) {
            vgic_hw_state(p, vcpu, irq, what, on);
        }
        irq->active = on;
        return false;
    }
}

/* The vCPUs whose list registers vgic_bits_access() changed or must collect: each re-evaluates them. */
static void vgic_kick_all(uint32_t p, uint32_t kick)
{
    uint32_t k;

    for (k = kick; k != 0u; k &= k - 1u) {
        vgic_signal(p, vgic_ctz(k));
    }
}

/* A bank read: every owned bit. */
static void __attribute__((noinline)) vgic_bits_read(uint32_t p, uint32_t vcpu, uint32_t first,
                                                     struct mmio_access *a, enum vgic_bit what, uint32_t owned)
{
    uint32_t val = 0u;
    uint32_t kick = 0u;
    uint32_t bits;

    for (bits = owned; bits != 0u; bits &= bits - 1u) {
        uint32_t i = vgic_ctz(bits);
        const struct vgic_irq *irq = &vgic_irq_word(p, vcpu, first)[i];

        val |= (vgic_bit_get(p, vcpu, irq, what) ? ((uint32_t)1u << i) : 0u);
        if ((what >= VGIC_BIT_PEND) && ((irq->lr >= 0) || irq->posted)) {
            /* Its list register may hold newer state: have its vCPU collect it, so
             * that a guest polling this bit (Linux's synchronize_irq) sees it change. */
            kick |= 1u << vgic_irq_target(vcpu, first + i, irq);
        }
    }
    a->value = val;
    vgic_kick_all(p, kick);
}

/* A bank write: only the owned bits it changes (bits = owned & written as one, or every owned bit of a
 * plain register), each bit found with one count of trailing zeros. */
static void __attribute__((noinline)) vgic_bits_write(uint32_t p, uint32_t vcpu, uint32_t first,
                                                      const struct mmio_access *a, enum vgic_bit what,
                                                      enum vgic_bank_kind kind, uint32_t bits)
{
    uint32_t kick = 0u;
    uint32_t b;

    for (b = bits; b != 0u; b &= b - 1u) {
        uint32_t i = vgic_ctz(b);
        struct vgic_irq *irq = &vgic_irq_word(p, vcpu, first)[i];
        bool on = (kind == VGIC_BANK_PLAIN) ? (((a->value >> i) & 1u) != 0u) : (kind == VGIC_BANK_SET);

        if (vgic_bit_set(p, vcpu, first + i, irq, what, on)) {
            kick |= 1u << vgic_irq_target(vcpu, first + i, irq);
        }
    }
    vgic_kick_all(p, kick);
}

/*
 * Of the bits an ISENABLER (on) or ICENABLER write names, those it changes: re-enabling an
 * enabled interrupt, or disabling a disabled one, updates nothing, kicks nobody, and leaves a
 * withdrawal an earlier ICPENDR write asked for (retract) standing. A hardware-backed one is
 * always written through (its physical enable follows the guest's, 12.9.22 / 12.9.6). Only
 * reads, in a small frame: Linux's enable_irq() re-enables an enabled interrupt often.
 */
static inline __attribute__((always_inline)) uint32_t vgic_enable_changes(uint32_t p, uint32_t vcpu, uint32_t first,
                                                                          uint32_t bits, bool on)
{
    uint32_t out = 0u;
    uint32_t b;

    for (b = bits; b != 0u; b &= b - 1u) {
        uint32_t i = vgic_ctz(b);
        const struct vgic_irq *word = vgic_irq_word(p, vcpu, first);

        /* Atomic: read without the lock too (vgic_dist_bank); hw is fixed by the description. */
        if ((__atomic_load_n(&word[i].enabled, __ATOMIC_RELAXED) != on) || word[i].hw) {
            out |= 1u << i;
        }
    }
    return out;
}

/* vgic_bits_access(), inlined into the distributor's bank path (vgic_dist_bank). */
static inline __attribute__((always_inline)) void vgic_bits_do(uint32_t p, uint32_t vcpu, uint32_t first,
                                                                struct mmio_access *a, enum vgic_bit what,
                                                                enum vgic_bank_kind kind)
{
    uint32_t owned = vgic_owned_word(p, first);
    uint32_t bits;

    if (!a->write) {
        vgic_bits_read(p, vcpu, first, a, what, owned);
        return;
    }
    /* Plain registers change every owned bit that differs; set/clear ones only bits written as 1. */
    bits = owned & ((kind == VGIC_BANK_PLAIN) ? ~0u : (uint32_t)a->value);
    if (what == VGIC_BIT_ENABLE) {
        /* IS/ICENABLER: set/clear registers (12.9.22, 12.9.6). */
        bits = vgic_enable_changes(p, vcpu, first, bits, kind == VGIC_BANK_SET);
    }
    if (bits != 0u) {
        vgic_bits_write(p, vcpu, first, a, what, kind, bits);
    }
}

/* IPRIORITYR: one byte per INTID; byte and word accesses. */
void vgic_prio_access(uint32_t p, uint32_t vcpu, uint32_t first, struct mmio_access *a)
{
    uint64_t val = 0u;
    uint32_t i;

    for (i = 0u; i < a->size; i++) {
        struct vgic_irq *irq = vgic_owned(p, vcpu, first + i);

        if (irq == NULL) {
            continue;
        }
        if (a->write) {
            irq->priority = (uint8_t)(a->value >> (8u * i));
        } else {
            val |= (uint64_t)irq->priority << ((uint64_t)i * 8u);
        }
    }
    if (!a->write) {
        a->value = val;
    }
}

/*
 * ICFGR: two bits per INTID, bit 1 of each field = edge (12.9.9). SGIs are
 * always edge. Changing the configuration of an enabled interrupt is
 * UNPREDICTABLE (12.9.9): the vGIC keeps it. Runs under the partition's lock;
 * the physical register is shared by several partitions' SPIs, so the
 * physical driver changes it under its own lock.
 */
void vgic_cfg_access(uint32_t p, uint32_t vcpu, uint32_t first, struct mmio_access *a)
{
    uint32_t val = 0u;
    uint32_t i;

    for (i = 0u; i < 16u; i++) {
        uint32_t vintid = first + i;
        struct vgic_irq *irq = vgic_owned(p, vcpu, vintid);
        bool edge;

        if (irq == NULL) {
            continue;
        }
        edge = ((a->value >> ((2u * i) + 1u)) & 1u) != 0u;
        if (a->write && (vintid >= GIC_NUM_SGIS) && !irq->enabled && (irq->edge != edge)) {
            irq->edge = edge;
            if (irq->hw && (vintid >= GIC_NUM_PRIVATE)) {
                arch_gic_set_edge(irq->pintid, irq->edge);
            }
        }
        val |= irq->edge ? (2u << (2u * i)) : 0u;
    }
    if (!a->write) {
        a->value = val;
    }
}

/* ---------------------------------------------------------------- routing */

/* The vCPU whose affinity matches an IROUTER value, or num_vcpus if none. */
static uint32_t vgic_router_target(uint32_t p, uint64_t irouter)
{
    uint32_t n = vgic_num_vcpus(p);
    uint32_t i;

    if ((irouter & GICD_IROUTER_IRM) != 0u) {
        /* Interrupt_Routing_Mode 1 ("any PE"): vCPU 0 is always a valid choice. */
        return 0u;
    }
    for (i = 0u; i < n; i++) {
        if (vgic_vcpu_affinity(p, i) == (irouter & MPIDR_AFF_MASK)) {
            return i;
        }
    }
    return n;
}

static void vgic_irouter_access(uint32_t p, struct mmio_access *a)
{
    uint32_t vintid = (uint32_t)((a->offset - GICD_IROUTER) / 8u);
    struct vgic_irq *irq = vgic_owned(p, 0u, vintid);
    /* A 64-bit register that 32-bit accesses reach word by word (12.1.3; AArch32 Linux does that). */
    uint32_t shift = (uint32_t)(a->offset & 4u) * 8u;
    uint64_t word = (a->size == 8u) ? UINT64_MAX : (0xffffffffull << shift);
    uint32_t t;

    if ((irq == NULL) || (vintid < GIC_NUM_PRIVATE)) {
        a->value = 0u;
        return;
    }
    if (!a->write) {
        a->value = (irq->irouter & word) >> shift;
        return;
    }
    irq->irouter = ((irq->irouter & ~word) | ((a->value << shift) & word)) & (MPIDR_AFF_MASK | GICD_IROUTER_IRM);
    t = vgic_router_target(p, irq->irouter);
    /* No matching vCPU: the interrupt stays with its current target rather than get lost. */
    if ((t < vgic_num_vcpus(p)) && (t != irq->target)) {
        vgic_ready_clear(p, irq->target, vintid);
        irq->target = t;
        vgic_ready_update(p, t, vintid, irq);
        if (irq->pending) {
            /* Already pending: its new vCPU must look at it. */
            vgic_signal(p, t);
        }
        if (irq->hw) {
            arch_gic_route(irq->pintid, vgic_pcpu(p, t));
        }
    }
}

void vgic_bits_access(uint32_t p, uint32_t vcpu, uint32_t first, struct mmio_access *a, enum vgic_bit what,
                      enum vgic_bank_kind kind)
{
    vgic_bits_do(p, vcpu, first, a, what, kind);
}

/* ---------------------------------------------------------------- distributor */

/* Registers of the distributor that are not per-INTID. */
static void vgic_dist_ctl_access(uint32_t p, struct mmio_access *a)
{
    struct vgic_part *g = &vgic_parts[p];
    uint32_t i;

    switch (a->offset) {
    case GICD_CTLR:
        if (a->write) {
            g->ctlr = (uint32_t)a->value & (GICD_CTLR_GRP0 | GICD_CTLR_GRP1);
            for (i = 0u; i < vgic_num_vcpus(p); i++) {
                vgic_signal(p, i);
                /* The group enables decide the IRQ vector's timer and SGI paths (vgic_fast_lr, _sgi). */
                vgic_fast_update(p, i);
                vgic_fast_sgis(p, i);
            }
        }
        a->value = g->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
        break;
    case GICD_TYPER:
        /* ITLinesNumber, CPUNumber, IDbits = 9 (10 bits), No1N (12.9.38). */
        a->value = ((g->num_irqs / 32u) - 1u) | ((vgic_num_vcpus(p) - 1u) << GICD_TYPER_CPUS_SHIFT) |
                   ((uint32_t)9u << GICD_TYPER_IDBITS_SHIFT) | GICD_TYPER_NO1N;
        break;
    case GICD_IIDR:
        a->value = GIC_IIDR_ARM;
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

bool vgic_bank_of(uint64_t off, enum vgic_bit *what, enum vgic_bank_kind *kind)
{
    /* IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER: consecutive GICD_BANK_SIZE blocks. */
    static const uint8_t bits[7] = { VGIC_BIT_GROUP,  VGIC_BIT_ENABLE, VGIC_BIT_ENABLE, VGIC_BIT_PEND,
                                     VGIC_BIT_PEND,   VGIC_BIT_ACTIVE, VGIC_BIT_ACTIVE };
    static const uint8_t kinds[7] = { VGIC_BANK_PLAIN, VGIC_BANK_SET,   VGIC_BANK_CLEAR, VGIC_BANK_SET,
                                      VGIC_BANK_CLEAR, VGIC_BANK_SET,   VGIC_BANK_CLEAR };
    uint64_t n;

    if ((off < GICD_IGROUPR) || (off >= (GICD_ICACTIVER + GICD_BANK_SIZE))) {
        return false;
    }
    n = (off - GICD_IGROUPR) / GICD_BANK_SIZE;
    *what = (enum vgic_bit)bits[n];
    *kind = (enum vgic_bank_kind)kinds[n];
    return true;
}

bool vgic_size_ok(const struct mmio_access *a, bool bytes_ok, bool dword_ok)
{
    if (a->size == 4u) {
        return (a->offset & 3u) == 0u;
    }
    if (a->size == 8u) {
        return dword_ok && ((a->offset & 7u) == 0u);
    }
    return (a->size == 1u) && bytes_ok;
}

/* The distributor under p's lock; INTIDs < 32 live in the redistributors (RAZ/WI here, 12.9). */
static void vgic_dist_locked(uint32_t p, struct mmio_access *a, bool prio, bool router)
{
    uint64_t off = a->offset;

    if (prio) {
        uint32_t first = (uint32_t)(off - GICD_IPRIORITYR);

        if (first < GIC_NUM_PRIVATE) {
            a->value = 0u;
        } else {
            vgic_prio_access(p, 0u, first, a);
        }
    } else if (router) {
        vgic_irouter_access(p, a);
    } else if ((off >= GICD_ICFGR) && (off < GICD_ICFGR_END)) {
        uint32_t first = (uint32_t)((off - GICD_ICFGR) / 4u) * 16u;

        if (first < GIC_NUM_PRIVATE) {
            a->value = 0u;
        } else {
            vgic_cfg_access(p, 0u, first, a);
        }
    } else {
        vgic_dist_ctl_access(p, a);
    }
}

/* A bit bank (IGROUPR ... ICACTIVER, vgic_bank_of), 32-bit accesses only, under p's lock but for an enable write
 * that changes nothing; word 0 is the SGIs' and PPIs' (RAZ/WI here). Out of line: the other registers' decode
 * stays out of its frame. */
static bool __attribute__((noinline)) vgic_dist_bank(uint32_t p, struct mmio_access *a, enum vgic_bit what,
                                                     enum vgic_bank_kind kind)
{
    uint32_t first = (uint32_t)((a->offset % GICD_BANK_SIZE) / 4u) * 32u;

    if (!vgic_size_ok(a, false, false)) {
        return false;
    }
    if ((what == VGIC_BIT_ENABLE) && a->write && (first != 0u) &&
        (vgic_enable_changes(p, 0u, first, vgic_owned_word(p, first) & (uint32_t)a->value, kind == VGIC_BANK_SET) ==
         0u)) {
        /*
         * An IS/ICENABLER write that changes nothing (Linux's enable_irq() of an enabled interrupt) takes
         * no lock: the enables are read atomically and only written under the lock, so the write takes
         * effect (as nothing) at those reads, before or after any other vCPU's locked change, as two
         * writes to the register from two PEs may be ordered either way.
         */
        return true;
    }
    arch_lock_acquire(&vgic_locks[p]);
    /* A posted SPI still raised is pending in software for what follows (vgic_post_spi()). */
    vgic_posted_recall(p);
    if (first == 0u) {
        a->value = 0u;
    } else {
        vgic_bits_do(p, 0u, first, a, what, kind);
    }
    arch_lock_release(&vgic_locks[p]);
    return true;
}

/* The registers other than GICD_TYPER and the bit banks. */
static bool __attribute__((noinline)) vgic_dist_other(uint32_t p, struct mmio_access *a)
{
    uint64_t off = a->offset;
    bool prio = (off >= GICD_IPRIORITYR) && (off < GICD_IPRIORITYR_END);
    bool router = (off >= GICD_IROUTER) && (off < GICD_IROUTER_END);

    if (!vgic_size_ok(a, prio, router)) {
        return false;
    }
    arch_lock_acquire(&vgic_locks[p]);
    vgic_posted_recall(p);
    vgic_dist_locked(p, a, prio, router);
    arch_lock_release(&vgic_locks[p]);
    return true;
}

bool vgic_dist_mmio(uint32_t p, struct mmio_access *a)
{
    uint64_t off = a->offset;
    enum vgic_bit what;
    enum vgic_bank_kind kind;

    if ((off == GICD_TYPER) && (a->size == 4u)) {
        /* Constant for the partition's life: no lock, no further decode. */
        vgic_dist_ctl_access(p, a);
        return true;
    }
    if (vgic_bank_of(off, &what, &kind)) {
        /* The most frequent (enable, pending): decoded before the rest. */
        return vgic_dist_bank(p, a, what, kind);
    }
    return vgic_dist_other(p, a);
}
