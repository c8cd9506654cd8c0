/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual GICv3 (see vgic.h). Register offsets and fields follow the GICv3
 * architecture specification (Arm IHI 0069), chapter 12: distributor 12.9,
 * redistributor 12.10 and 12.11, list registers 12.4. The partition sees a
 * GICv3 with affinity routing always on and a single security state
 * (GICD_CTLR.DS = 1), no LPIs and no ITS.
 *
 * Locking: one lock per partition guards all of its vGIC state. List
 * registers are only touched by vgic_flush() on the vCPU's own CPU; other
 * CPUs change the software state and kick that CPU.
 */
#include "arch.h"
#include "config.h"
#include "lib.h"
#include "vcpu.h"
#include "vgic.h"

/* Distributor registers (12.9). */
#define GICD_CTLR 0x0000u
#define GICD_TYPER 0x0004u
#define GICD_IIDR 0x0008u
#define GICD_IGROUPR 0x0080u
#define GICD_ISENABLER 0x0100u
#define GICD_ICENABLER 0x0180u
#define GICD_ISPENDR 0x0200u
#define GICD_ICPENDR 0x0280u
#define GICD_ISACTIVER 0x0300u
#define GICD_ICACTIVER 0x0380u
#define GICD_IPRIORITYR 0x0400u
#define GICD_IPRIORITYR_END 0x0800u
#define GICD_ICFGR 0x0c00u
#define GICD_ICFGR_END 0x0d00u
#define GICD_IROUTER 0x6000u
#define GICD_IROUTER_END 0x8000u
#define GIC_PIDR2 0xffe8u

/* GICD_CTLR with DS = 1: EnableGrp0, EnableGrp1, ARE (RAO), DS (RAO). */
#define GICD_CTLR_GRP0 (1u << 0)
#define GICD_CTLR_GRP1 (1u << 1)
#define GICD_CTLR_RAO ((1u << 4) | (1u << 6))

/* Redistributor RD_base (12.10) and SGI_base (12.11) registers. */
#define GICR_CTLR 0x0000u
#define GICR_IIDR 0x0004u
#define GICR_TYPER 0x0008u
#define GICR_TYPER_HI 0x000cu
#define GICR_WAKER 0x0014u
#define GICR_SGI_BASE 0x10000u
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* Identification: implementer Arm (JEP106 0x43B), GICv3 (PIDR2.ArchRev = 3). */
#define VGIC_IIDR 0x0000043bu
#define VGIC_PIDR2 0x3bu

/* ICH_LR<n>_EL2 fields (12.4.6). */
#define LR_STATE_SHIFT 62u
#define LR_STATE_PENDING 1u
#define LR_STATE_ACTIVE 2u
#define LR_HW (1ull << 61)
#define LR_GROUP1 (1ull << 60)
#define LR_PRIO_SHIFT 48u
#define LR_PINTID_SHIFT 32u

/* ICC_SGI1R_EL1 fields (12.11.9). */
#define SGI1R_TARGETS(v) ((uint32_t)((v) & 0xffffu))
#define SGI1R_AFF1(v) (((v) >> 16) & 0xffu)
#define SGI1R_INTID(v) ((uint32_t)(((v) >> 24) & 0xfu))
#define SGI1R_AFF2(v) (((v) >> 32) & 0xffu)
#define SGI1R_IRM (1ull << 40)
#define SGI1R_RS(v) (((v) >> 44) & 0xfu)
#define SGI1R_AFF3(v) (((v) >> 48) & 0xffu)

static struct vgic_part vgic_parts[CFG_NUM_PARTITIONS];
/* Table sizes as objects: loops over an empty table then compile without warnings. */
static const uint32_t vgic_num_routes = CFG_NUM_IRQS;
static const uint32_t vgic_num_vdevs = CFG_NUM_VDEVS;
static const uint32_t vgic_num_peers = CFG_NUM_CHANNEL_PEERS;
static struct arch_lock vgic_locks[CFG_NUM_PARTITIONS];

struct vgic_part *vgic_get(uint32_t p)
{
    KASSERT(p < CFG_NUM_PARTITIONS);
    return &vgic_parts[p];
}

static uint32_t vgic_num_vcpus(uint32_t p)
{
    return cfg_partitions[p].num_vcpus;
}

/* The MPIDR affinity of vCPU i of p, in ICC_SGI1R/GICD_IROUTER layout: Aff3 at [39:32]. */
static uint64_t vgic_vcpu_affinity(uint32_t p, uint32_t i)
{
    uint64_t m = cfg_vcpus[cfg_partitions[p].first_vcpu + i].vmpidr;

    return m & 0xff00ffffffull;
}

/* The state of vintid as seen by vCPU vcpu, or NULL when p does not implement it. */
static struct vgic_irq *vgic_irq(uint32_t p, uint32_t vcpu, uint32_t vintid)
{
    struct vgic_part *g = &vgic_parts[p];

    if (vintid < 32u) {
        return &g->vcpu[vcpu].priv[vintid];
    }
    if (vintid < g->num_irqs) {
        return &g->spi[vintid - 32u];
    }
    return NULL;
}

/* Like vgic_irq(), but only interrupts the partition owns. */
static struct vgic_irq *vgic_owned(uint32_t p, uint32_t vcpu, uint32_t vintid)
{
    struct vgic_irq *irq = vgic_irq(p, vcpu, vintid);

    if ((irq == NULL) || !irq->owned) {
        return NULL;
    }
    return irq;
}

static void vgic_irq_reset(struct vgic_irq *irq, bool edge)
{
    memset(irq, 0, sizeof(*irq));
    irq->edge = edge;
    irq->lr = -1;
}

/* Mark a purely virtual SPI (no physical source) as owned; CFG_NO_VINTID and out-of-range ids are ignored. */
static void vgic_own_virtual(struct vgic_part *g, uint32_t vintid)
{
    if ((vintid >= 32u) && (vintid < g->num_irqs)) {
        g->spi[vintid - 32u].owned = true;
        g->spi[vintid - 32u].edge = true;
    }
}

void vgic_init(uint32_t p)
{
    struct vgic_part *g = &vgic_parts[p];
    uint32_t i;
    uint32_t v;

    memset(g, 0, sizeof(*g));
    g->num_irqs = cfg_partitions[p].num_virqs;
    if ((g->num_irqs < 64u) || (g->num_irqs > CFG_MAX_VIRQS)) {
        g->num_irqs = 64u;
    }
    for (v = 0u; v < CFG_MAX_VCPUS_PER_PARTITION; v++) {
        for (i = 0u; i < 32u; i++) {
            /* SGIs are edge-triggered (ICFGR0 reads 0xaaaaaaaa); PPIs level. */
            vgic_irq_reset(&g->vcpu[v].priv[i], i < 16u);
            g->vcpu[v].priv[i].owned = (i < 16u);
        }
        g->vcpu[v].priv[VGIC_PPI_VTIMER].owned = true;
        g->vcpu[v].priv[VGIC_PPI_VTIMER].hw = true;
        g->vcpu[v].priv[VGIC_PPI_VTIMER].pintid = VGIC_PPI_VTIMER;
        g->vcpu[v].priv[VGIC_PPI_PTIMER].owned = true;
        g->vcpu[v].priv[VGIC_PPI_PTIMER].hw = true;
        g->vcpu[v].priv[VGIC_PPI_PTIMER].pintid = VGIC_PPI_PTIMER;
        g->vcpu[v].sleep = true;
        g->vcpu[v].recheck = true;
        for (i = 0u; i < VGIC_MAX_LRS; i++) {
            g->vcpu[v].lr_intid[i] = VGIC_NO_IRQ;
        }
    }
    for (i = 0u; i < VGIC_MAX_SPIS; i++) {
        vgic_irq_reset(&g->spi[i], false);
    }
    for (i = 0u; i < vgic_num_routes; i++) {
        const struct cfg_irq *r = &cfg_irqs[i];

        if ((r->partition == p) && (r->vintid >= 32u) && (r->vintid < g->num_irqs)) {
            g->spi[r->vintid - 32u].owned = true;
            g->spi[r->vintid - 32u].hw = true;
            g->spi[r->vintid - 32u].pintid = (uint16_t)r->pintid;
        }
    }
    for (i = 0u; i < vgic_num_vdevs; i++) {
        const struct cfg_vdev *d = &cfg_vdevs[i];

        if ((d->partition == p) && (d->intid >= 32u) && (d->intid < g->num_irqs)) {
            g->spi[d->intid - 32u].owned = true;
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

/* ---------------------------------------------------------------- kicks */

/*
 * Make vCPU vcpu of p look at its interrupts at its next exit, and cause
 * that exit with an SGI if it runs on another CPU. Called with p's lock held.
 */
static void vgic_kick(uint32_t p, uint32_t vcpu)
{
    uint32_t pcpu = cfg_vcpus[cfg_partitions[p].first_vcpu + vcpu].pcpu;

    vgic_parts[p].vcpu[vcpu].recheck = true;
    if (pcpu != arch_cpu_index()) {
        arch_gic_send_sgi(pcpu, ARCH_SGI_KICK);
    }
}

/* vCPU an interrupt of p is delivered to (SGI/PPI: the given vCPU). */
static uint32_t vgic_irq_target(uint32_t vcpu, uint32_t vintid, const struct vgic_irq *irq)
{
    return (vintid < 32u) ? vcpu : irq->target;
}

/* ---------------------------------------------------------------- physical side effects */

/* Mirror the guest's enable of a hardware-backed interrupt on the physical GIC. */
static void vgic_hw_enable(uint32_t p, uint32_t vcpu, const struct vgic_irq *irq)
{
    uint32_t target = (irq->pintid < 32u) ? vcpu : irq->target;
    uint32_t pcpu = cfg_vcpus[cfg_partitions[p].first_vcpu + target].pcpu;

    arch_gic_set_enabled(irq->pintid, pcpu, irq->enabled);
}

/* ---------------------------------------------------------------- bit-array registers */

/* What a set-/clear-bit register bank changes. */
enum vgic_bit {
    VGIC_BIT_GROUP = 0,
    VGIC_BIT_ENABLE,
    VGIC_BIT_PEND,
    VGIC_BIT_ACTIVE,
};

static bool vgic_bit_get(const struct vgic_irq *irq, enum vgic_bit what)
{
    switch (what) {
    case VGIC_BIT_GROUP:
        return irq->group1;
    case VGIC_BIT_ENABLE:
        return irq->enabled;
    case VGIC_BIT_PEND:
        return irq->pending || (irq->lr >= 0);
    default:
        return irq->active;
    }
}

/*
 * Apply a set (on) or clear of one bit of an owned interrupt. Returns true
 * when the target vCPU must re-evaluate its list registers.
 */
static bool vgic_bit_set(uint32_t p, uint32_t vcpu, struct vgic_irq *irq, enum vgic_bit what, bool on)
{
    switch (what) {
    case VGIC_BIT_GROUP:
        if (irq->group1 == on) {
            return false;
        }
        irq->group1 = on;
        /* A pending interrupt may just have entered an enabled group. */
        return irq->pending;
    case VGIC_BIT_ENABLE:
        irq->enabled = on;
        irq->retract = !on;
        if (irq->hw) {
            vgic_hw_enable(p, vcpu, irq);
        }
        /* Only a pending interrupt can become deliverable, or one in an LR need withdrawing. */
        return irq->pending || (irq->lr >= 0);
    case VGIC_BIT_PEND:
        irq->pending = on;
        irq->retract = !on;
        return on || (irq->lr >= 0);
    default:
        irq->active = on;
        return false;
    }
}

/*
 * A 32-bit register of one bit per INTID: word n covers INTIDs 32n..32n+31.
 * set_clear: 0 = plain read/write (IGROUPR), 1 = write-1-to-set, 2 = write-1-to-clear.
 */
static void vgic_bits_access(uint32_t p, uint32_t vcpu, uint32_t first, struct mmio_access *a, enum vgic_bit what,
                             uint32_t set_clear)
{
    uint32_t val = 0u;
    uint32_t kick = 0u;
    uint32_t i;

    for (i = 0u; i < 32u; i++) {
        struct vgic_irq *irq = vgic_owned(p, vcpu, first + i);
        bool bit = ((a->value >> i) & 1u) != 0u;
        bool changed = false;

        if (irq == NULL) {
            continue;
        }
        if (!a->write) {
            val |= vgic_bit_get(irq, what) ? (1u << i) : 0u;
        } else if (set_clear == 0u) {
            changed = vgic_bit_set(p, vcpu, irq, what, bit);
        } else if (bit) {
            changed = vgic_bit_set(p, vcpu, irq, what, set_clear == 1u);
        } else {
            /* Writing 0 to a set/clear register has no effect. */
        }
        if (changed) {
            kick |= 1u << vgic_irq_target(vcpu, first + i, irq);
        }
    }
    if (!a->write) {
        a->value = val;
    }
    for (i = 0u; i < vgic_num_vcpus(p); i++) {
        if ((kick & (1u << i)) != 0u) {
            vgic_kick(p, i);
        }
    }
}

/* IPRIORITYR: one byte per INTID; byte and word accesses. */
static void vgic_prio_access(uint32_t p, uint32_t vcpu, uint32_t first, struct mmio_access *a)
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
            val |= (uint64_t)irq->priority << (8u * i);
        }
    }
    if (!a->write) {
        a->value = val;
    }
}

/* ICFGR: two bits per INTID, bit 1 of each field = edge. SGIs are always edge. */
static void vgic_cfg_access(uint32_t p, uint32_t vcpu, uint32_t first, struct mmio_access *a)
{
    uint32_t val = 0u;
    uint32_t i;

    for (i = 0u; i < 16u; i++) {
        uint32_t vintid = first + i;
        struct vgic_irq *irq = vgic_owned(p, vcpu, vintid);

        if (irq == NULL) {
            continue;
        }
        if (a->write && (vintid >= 16u)) {
            irq->edge = ((a->value >> ((2u * i) + 1u)) & 1u) != 0u;
            if (irq->hw && (vintid >= 32u)) {
                arch_gic_set_edge(irq->pintid, irq->edge);
            }
        }
        val |= irq->edge ? (2u << (2u * i)) : 0u;
    }
    if (!a->write) {
        a->value = val;
    }
}

/* ---------------------------------------------------------------- distributor */

/* The vCPU whose affinity matches an IROUTER value, or num_vcpus if none. */
static uint32_t vgic_router_target(uint32_t p, uint64_t irouter)
{
    uint32_t n = vgic_num_vcpus(p);
    uint32_t i;

    if ((irouter & (1ull << 31)) != 0u) {
        /* Interrupt_Routing_Mode 1 ("any PE"): vCPU 0 is always a valid choice. */
        return 0u;
    }
    for (i = 0u; i < n; i++) {
        if (vgic_vcpu_affinity(p, i) == (irouter & 0xff00ffffffull)) {
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

    if ((irq == NULL) || (vintid < 32u)) {
        a->value = 0u;
        return;
    }
    if (!a->write) {
        a->value = (irq->irouter & word) >> shift;
        return;
    }
    irq->irouter = ((irq->irouter & ~word) | ((a->value << shift) & word)) & (0xff00ffffffull | (1ull << 31));
    t = vgic_router_target(p, irq->irouter);
    /* No matching vCPU: the interrupt stays with its current target rather than get lost. */
    if (t < vgic_num_vcpus(p)) {
        irq->target = t;
        if (irq->pending) {
            /* Already pending: its new vCPU must look at it. */
            vgic_kick(p, t);
        }
        if (irq->hw) {
            arch_gic_route(irq->pintid, cfg_vcpus[cfg_partitions[p].first_vcpu + t].pcpu);
        }
    }
}

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
                vgic_kick(p, i);
            }
        }
        a->value = g->ctlr | GICD_CTLR_RAO;
        break;
    case GICD_TYPER:
        /* ITLinesNumber, CPUNumber, IDbits = 9 (10 bits), No1N. */
        a->value = ((g->num_irqs / 32u) - 1u) | ((vgic_num_vcpus(p) - 1u) << 5) | (9u << 19) | (1u << 25);
        break;
    case GICD_IIDR:
        a->value = VGIC_IIDR;
        break;
    case GIC_PIDR2:
        a->value = VGIC_PIDR2;
        break;
    default:
        g->unhandled++;
        a->value = 0u;
        break;
    }
}

/* The per-INTID bit banks, shared by the distributor and the SGI_base frame. */
static const struct {
    uint32_t base;
    enum vgic_bit what;
    uint32_t set_clear;
} vgic_banks[] = {
    { GICD_IGROUPR, VGIC_BIT_GROUP, 0u },    { GICD_ISENABLER, VGIC_BIT_ENABLE, 1u },
    { GICD_ICENABLER, VGIC_BIT_ENABLE, 2u }, { GICD_ISPENDR, VGIC_BIT_PEND, 1u },
    { GICD_ICPENDR, VGIC_BIT_PEND, 2u },     { GICD_ISACTIVER, VGIC_BIT_ACTIVE, 1u },
    { GICD_ICACTIVER, VGIC_BIT_ACTIVE, 2u },
};

/* Word n of a per-INTID bit bank at base: which bank, and the first INTID. */
static bool vgic_in_bank(uint64_t off, uint32_t base, uint32_t *first)
{
    if ((off < base) || (off >= (base + 0x80u))) {
        return false;
    }
    *first = (uint32_t)((off - base) / 4u) * 32u;
    return true;
}

/* Distributor accesses to the per-INTID banks; INTIDs < 32 live in the redistributor. */
static bool vgic_dist_bank_access(uint32_t p, struct mmio_access *a)
{
    uint32_t first;
    uint32_t i;

    for (i = 0u; i < ARRAY_SIZE(vgic_banks); i++) {
        if (!vgic_in_bank(a->offset, vgic_banks[i].base, &first)) {
            continue;
        }
        if (first == 0u) {
            a->value = 0u;
        } else {
            vgic_bits_access(p, 0u, first, a, vgic_banks[i].what, vgic_banks[i].set_clear);
        }
        return true;
    }
    return false;
}

/* Access sizes the GIC architecture allows (12.1.3): 32-bit everywhere, 8-bit for byte arrays, 64-bit for IROUTER. */
static bool vgic_size_ok(const struct mmio_access *a, bool bytes_ok, bool dword_ok)
{
    if (a->size == 4u) {
        return (a->offset & 3u) == 0u;
    }
    if (a->size == 8u) {
        return dword_ok && ((a->offset & 7u) == 0u);
    }
    return (a->size == 1u) && bytes_ok;
}

bool vgic_dist_mmio(uint32_t p, struct mmio_access *a)
{
    uint64_t off = a->offset;
    bool prio = (off >= GICD_IPRIORITYR) && (off < GICD_IPRIORITYR_END);
    bool router = (off >= GICD_IROUTER) && (off < GICD_IROUTER_END);

    if (!vgic_size_ok(a, prio, router)) {
        return false;
    }
    arch_lock_acquire(&vgic_locks[p]);
    if (prio) {
        uint32_t first = (uint32_t)(off - GICD_IPRIORITYR);

        if (first < 32u) {
            a->value = 0u;
        } else {
            vgic_prio_access(p, 0u, first, a);
        }
    } else if (router) {
        vgic_irouter_access(p, a);
    } else if ((off >= GICD_ICFGR) && (off < GICD_ICFGR_END)) {
        uint32_t first = (uint32_t)((off - GICD_ICFGR) / 4u) * 16u;

        if (first < 32u) {
            a->value = 0u;
        } else {
            vgic_cfg_access(p, 0u, first, a);
        }
    } else if (!vgic_dist_bank_access(p, a)) {
        vgic_dist_ctl_access(p, a);
    } else {
        /* handled by the bank access */
    }
    arch_lock_release(&vgic_locks[p]);
    return true;
}

/* ---------------------------------------------------------------- redistributor */

static void vgic_rd_access(uint32_t p, uint32_t vcpu, struct mmio_access *a)
{
    struct vgic_part *g = &vgic_parts[p];
    uint64_t typer = (vgic_vcpu_affinity(p, vcpu) & 0xffffffull) | ((vgic_vcpu_affinity(p, vcpu) >> 8) & 0xff000000ull);

    /* GICR_TYPER: Affinity_Value [63:32], Processor_Number [23:8], Last [4]. */
    typer = (typer << 32) | ((uint64_t)vcpu << 8);
    if ((vcpu + 1u) == vgic_num_vcpus(p)) {
        typer |= 1u << 4;
    }
    switch (a->offset) {
    case GICR_CTLR:
        a->value = 0u;
        break;
    case GICR_IIDR:
        a->value = VGIC_IIDR;
        break;
    case GICR_TYPER:
        a->value = (a->size == 8u) ? typer : (typer & 0xffffffffu);
        break;
    case GICR_TYPER_HI:
        a->value = (a->size == 4u) ? (typer >> 32) : 0u;
        break;
    case GICR_WAKER:
        if (a->write) {
            g->vcpu[vcpu].sleep = (a->value & GICR_WAKER_SLEEP) != 0u;
        }
        a->value = g->vcpu[vcpu].sleep ? (GICR_WAKER_SLEEP | GICR_WAKER_CHILDREN_ASLEEP) : 0u;
        break;
    case GIC_PIDR2:
        a->value = VGIC_PIDR2;
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

    /* The SGI_base frame mirrors the distributor layout for INTIDs 0..31 (12.11). */
    if ((off >= GICD_IPRIORITYR) && (off < (GICD_IPRIORITYR + 32u))) {
        vgic_prio_access(p, vcpu, (uint32_t)(off - GICD_IPRIORITYR), a);
    } else if ((off == GICD_ICFGR) || (off == (GICD_ICFGR + 4u))) {
        vgic_cfg_access(p, vcpu, (off == GICD_ICFGR) ? 0u : 16u, a);
    } else {
        uint32_t i;

        for (i = 0u; i < ARRAY_SIZE(vgic_banks); i++) {
            if (off == vgic_banks[i].base) {
                vgic_bits_access(p, vcpu, 0u, a, vgic_banks[i].what, vgic_banks[i].set_clear);
                return;
            }
        }
        vgic_parts[p].unhandled++;
        a->value = 0u;
    }
}

bool vgic_redist_mmio(uint32_t p, struct mmio_access *a)
{
    uint32_t vcpu = (uint32_t)(a->offset / VGIC_GICR_STRIDE);
    bool prio = ((a->offset % VGIC_GICR_STRIDE) >= (GICR_SGI_BASE + GICD_IPRIORITYR)) &&
                ((a->offset % VGIC_GICR_STRIDE) < (GICR_SGI_BASE + GICD_IPRIORITYR + 32u));
    bool typer = (a->offset % VGIC_GICR_STRIDE) == GICR_TYPER;

    if (!vgic_size_ok(a, prio, typer)) {
        return false;
    }
    if (vcpu >= vgic_num_vcpus(p)) {
        /* Beyond the last frame: the window is bigger than this partition's vCPUs need. */
        a->value = 0u;
        return true;
    }
    arch_lock_acquire(&vgic_locks[p]);
    a->offset %= VGIC_GICR_STRIDE;
    if (a->offset < GICR_SGI_BASE) {
        vgic_rd_access(p, vcpu, a);
    } else {
        vgic_sgi_frame_access(p, vcpu, a);
    }
    arch_lock_release(&vgic_locks[p]);
    return true;
}

/* ---------------------------------------------------------------- injection */

uint32_t vgic_sgi_targets(uint32_t p, uint32_t src, uint64_t sgi1r)
{
    uint32_t n = vgic_num_vcpus(p);
    uint32_t mask = 0u;
    uint32_t i;

    for (i = 0u; i < n; i++) {
        uint64_t aff = vgic_vcpu_affinity(p, i);
        uint32_t aff0 = (uint32_t)(aff & 0xffu);
        bool upper_match = (((aff >> 8) & 0xffu) == SGI1R_AFF1(sgi1r)) && (((aff >> 16) & 0xffu) == SGI1R_AFF2(sgi1r)) &&
                           (((aff >> 32) & 0xffu) == SGI1R_AFF3(sgi1r));

        if ((sgi1r & SGI1R_IRM) != 0u) {
            /* IRM = 1: every PE but the sender. */
            mask |= (i != src) ? (1u << i) : 0u;
        } else if (upper_match && ((aff0 >> 4) == SGI1R_RS(sgi1r))) {
            mask |= (((SGI1R_TARGETS(sgi1r) >> (aff0 & 0xfu)) & 1u) != 0u) ? (1u << i) : 0u;
        } else {
            /* not addressed */
        }
    }
    return mask;
}

void vgic_send_sgi(uint32_t p, uint32_t src, uint64_t sgi1r)
{
    uint32_t mask = vgic_sgi_targets(p, src, sgi1r);
    uint32_t i;

    for (i = 0u; i < vgic_num_vcpus(p); i++) {
        if ((mask & (1u << i)) != 0u) {
            vgic_inject(p, i, SGI1R_INTID(sgi1r));
        }
    }
}

void vgic_inject(uint32_t p, uint32_t vcpu, uint32_t vintid)
{
    struct vgic_irq *irq;
    uint32_t target;

    arch_lock_acquire(&vgic_locks[p]);
    irq = vgic_owned(p, vcpu, vintid);
    if (irq == NULL) {
        arch_lock_release(&vgic_locks[p]);
        return;
    }
    irq->pending = true;
    irq->retract = false;
    target = vgic_irq_target(vcpu, vintid, irq);
    vgic_kick(p, target);
    arch_lock_release(&vgic_locks[p]);
}

void vgic_set_level(uint32_t p, uint32_t vintid, bool level)
{
    struct vgic_irq *irq;
    uint32_t target;
    bool changed;

    arch_lock_acquire(&vgic_locks[p]);
    irq = vgic_owned(p, 0u, vintid);
    if (irq == NULL) {
        arch_lock_release(&vgic_locks[p]);
        return;
    }
    changed = irq->line != level;
    irq->line = level;
    if (level && (irq->lr < 0)) {
        irq->pending = true;
    }
    if (!level) {
        irq->pending = false;
        irq->retract = true;
    }
    target = vgic_irq_target(0u, vintid, irq);
    if (changed) {
        vgic_kick(p, target);
    }
    arch_lock_release(&vgic_locks[p]);
}

uint32_t vgic_spi_target(uint32_t p, uint32_t vintid)
{
    struct vgic_irq *irq = vgic_owned(p, 0u, vintid);

    return ((irq == NULL) || (vintid < 32u)) ? 0u : irq->target;
}

/* ---------------------------------------------------------------- list registers */

static bool vgic_group_enabled(const struct vgic_part *g, const struct vgic_irq *irq)
{
    uint32_t bit = irq->group1 ? GICD_CTLR_GRP1 : GICD_CTLR_GRP0;

    return (g->ctlr & bit) != 0u;
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

/* Read back list register i of vCPU vc into the software state. */
static void vgic_lr_sync(struct vgic_vcpu *vc, struct vgic_irq *irq, uint32_t i)
{
    uint32_t state = (uint32_t)(arch_lr_read(i) >> LR_STATE_SHIFT);

    if ((state == LR_STATE_PENDING) && vgic_should_withdraw(irq)) {
        arch_lr_write(i, 0u);
        state = 0u;
        if (irq->hw) {
            /* Acknowledged and priority-dropped at EL2, never delivered: release it. */
            arch_gic_deactivate(irq->pintid);
        }
    }
    irq->retract = false;
    irq->active = (state & LR_STATE_ACTIVE) != 0u;
    if ((state == LR_STATE_ACTIVE) && irq->pending && !irq->hw) {
        /* Pending again while the guest still handles it: pending and active in the same LR,
         * so the guest takes it again right after its EOI, without another exit. */
        arch_lr_write(i, arch_lr_read(i) | ((uint64_t)LR_STATE_PENDING << LR_STATE_SHIFT));
        state |= LR_STATE_PENDING;
        irq->pending = false;
    }
    if ((state & LR_STATE_PENDING) != 0u) {
        /* An edge while it is still pending in the LR: one interrupt (edges coalesce). */
        irq->pending = false;
    }
    if (state != 0u) {
        return;
    }
    /* Done, or withdrawn: the list register is free again, so something else may fit. */
    vc->lr_intid[i] = VGIC_NO_IRQ;
    vc->recheck = true;
    irq->lr = -1;
    if (!irq->edge && !irq->hw && irq->line) {
        /* Level-sensitive and still asserted: pending again (GICv3 4.1.2). */
        irq->pending = true;
    }
}

/* Can irq go into a list register now? */
static bool vgic_deliverable(const struct vgic_part *g, const struct vgic_irq *irq)
{
    if (!irq->pending || !irq->enabled) {
        return false;
    }
    return (irq->lr < 0) && vgic_group_enabled(g, irq);
}

/* The highest-priority deliverable interrupt for vCPU vcpu, or VGIC_NO_IRQ. */
static uint32_t vgic_best_pending(uint32_t p, uint32_t vcpu)
{
    const struct vgic_part *g = &vgic_parts[p];
    uint32_t best = VGIC_NO_IRQ;
    uint32_t best_prio = 0x100u;
    uint32_t i;

    /* Two plain array walks (this vCPU's SGIs/PPIs, then the SPIs): this runs on exits. */
    for (i = 0u; i < 32u; i++) {
        const struct vgic_irq *irq = &g->vcpu[vcpu].priv[i];

        if (irq->pending && (irq->priority < best_prio) && vgic_deliverable(g, irq)) {
            best = i;
            best_prio = irq->priority;
        }
    }
    for (i = 0u; i < (g->num_irqs - 32u); i++) {
        const struct vgic_irq *irq = &g->spi[i];

        if (!irq->pending || (irq->priority >= best_prio) || (irq->target != vcpu)) {
            continue;
        }
        if (vgic_deliverable(g, irq)) {
            best = i + 32u;
            best_prio = irq->priority;
        }
    }
    return best;
}

static uint64_t vgic_lr_value(uint32_t vintid, const struct vgic_irq *irq)
{
    uint64_t lr = (uint64_t)vintid | ((uint64_t)irq->priority << LR_PRIO_SHIFT) |
                  ((uint64_t)LR_STATE_PENDING << LR_STATE_SHIFT);

    if (irq->group1) {
        lr |= LR_GROUP1;
    }
    if (irq->hw) {
        lr |= LR_HW | ((uint64_t)irq->pintid << LR_PINTID_SHIFT);
    }
    return lr;
}

/* A list register to (re)use for an interrupt of priority prio: a free one, else the
 * lowest-priority one still only pending if prio beats it; VGIC_MAX_LRS if none. */
static uint32_t vgic_lr_slot(uint32_t p, uint32_t vcpu, uint32_t n, uint8_t prio)
{
    struct vgic_vcpu *vc = &vgic_parts[p].vcpu[vcpu];
    uint32_t victim = VGIC_MAX_LRS;
    uint32_t victim_prio = prio;
    uint32_t i;

    for (i = 0u; i < n; i++) {
        uint32_t id = vc->lr_intid[i];
        const struct vgic_irq *irq;

        if (id == VGIC_NO_IRQ) {
            return i;
        }
        irq = vgic_irq(p, vcpu, id);
        if (!irq->active && (irq->priority > victim_prio)) {
            victim = i;
            victim_prio = irq->priority;
        }
    }
    return victim;
}

void vgic_flush(uint32_t p, uint32_t vcpu)
{
    struct vgic_vcpu *vc = &vgic_parts[p].vcpu[vcpu];
    uint32_t n = arch_lr_count();
    bool overflow = false;
    uint32_t i;

    if (n > VGIC_MAX_LRS) {
        n = VGIC_MAX_LRS;
    }
    arch_lock_acquire(&vgic_locks[p]);
    for (i = 0u; i < n; i++) {
        if (vc->lr_intid[i] != VGIC_NO_IRQ) {
            vgic_lr_sync(vc, vgic_irq(p, vcpu, vc->lr_intid[i]), i);
        }
    }
    if (!vc->recheck) {
        /* Nothing became pending and no list register freed since the last flush: the
         * common exit (a hypercall, a device access) costs no search. */
        arch_lock_release(&vgic_locks[p]);
        return;
    }
    /* Fill: each round places the best remaining interrupt; at most one round per LR. */
    for (i = 0u; i < n; i++) {
        uint32_t best = vgic_best_pending(p, vcpu);
        struct vgic_irq *irq;
        uint32_t slot;

        if (best == VGIC_NO_IRQ) {
            break;
        }
        irq = vgic_irq(p, vcpu, best);
        slot = vgic_lr_slot(p, vcpu, n, irq->priority);
        if (slot == VGIC_MAX_LRS) {
            overflow = true;
            break;
        }
        if (vc->lr_intid[slot] != VGIC_NO_IRQ) {
            /* Evict a lower-priority pending interrupt back to software. */
            struct vgic_irq *old = vgic_irq(p, vcpu, vc->lr_intid[slot]);

            old->lr = -1;
            old->pending = true;
        }
        arch_lr_write(slot, vgic_lr_value(best, irq));
        vc->lr_intid[slot] = best;
        irq->lr = (int8_t)slot;
        irq->pending = false;
    }
    if (!overflow) {
        overflow = vgic_best_pending(p, vcpu) != VGIC_NO_IRQ;
    }
    /* What did not fit is looked at again at the maintenance interrupt. */
    vc->recheck = overflow;
    arch_lock_release(&vgic_locks[p]);
    arch_lr_notify_when_free(overflow);
}
