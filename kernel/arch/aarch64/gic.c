/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The physical GICv3 (Arm IHI 0069), owned by the hypervisor: distributor,
 * redistributors, the EL2 view of the CPU interface (ICC_*), and the virtual
 * CPU interface control (ICH_*) that feeds the guests' ICV_* interface.
 * All interrupts are group 1; EOImode 1 separates priority drop from
 * deactivation so that a guest's EOI can deactivate a pass-through interrupt.
 */
#include "arch.h"
#include "arch_cpu.h"
#include "config.h"
#include "gicv3.h"
#include "sysreg.h"

/* Register offsets and fields: kernel/include/gicv3.h. */

/*
 * Priorities (lower value = more urgent, GICv3 spec 4.8): the EL2 watchdog
 * timer above the maintenance interrupt above the kick SGI above everything
 * else (guest devices, guest timers, the console), so that no stream of
 * kicks or maintenance interrupts keeps the watchdog from being acknowledged.
 */
#define GIC_PRIO 0x80u
#define GIC_PRIO_STOP 0x00u
#define GIC_PRIO_HYP_TIMER 0x20u
#define GIC_PRIO_MAINTENANCE 0x40u
#define GIC_PRIO_KICK 0x60u

/* Bound of every wait for a GIC register write to complete. */
#define GIC_POLL_LIMIT 1000000u

static uint64_t gicr_frame[CFG_NUM_CPUS];
static uint64_t ich_hcr[CFG_NUM_CPUS];
/* ICH_VTR_EL2 of each CPU, read once at its initialisation. */
static uint64_t ich_vtr[CFG_NUM_CPUS];
static inline uint32_t mmio_read32(uint64_t a)
{
    return *(volatile uint32_t *)(uintptr_t)a;
}

static inline void mmio_write32(uint64_t a, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)a = v;
}

static inline uint64_t mmio_read64(uint64_t a)
{
    return *(volatile uint64_t *)(uintptr_t)a;
}

static inline void mmio_write64(uint64_t a, uint64_t v)
{
    *(volatile uint64_t *)(uintptr_t)a = v;
}

static void gic_wait_clear(uint64_t reg, uint32_t bit)
{
    uint32_t i;

    for (i = 0u; (i < GIC_POLL_LIMIT) && ((mmio_read32(reg) & bit) != 0u); i++) {
        __asm__ volatile("yield");
    }
}

/* MPIDR affinity in the IROUTER / GICR_TYPER[63:32] layouts. */
static uint64_t gic_router_aff(uint64_t mpidr)
{
    return mpidr & MPIDR_AFF_MASK;
}

static uint32_t gic_typer_aff(uint64_t mpidr)
{
    return (uint32_t)((mpidr & 0xffffffu) | ((mpidr >> 8) & 0xff000000u));
}

void arch_gic_init(void)
{
    uint64_t d = cfg_hyp.gicd_pa;
    uint32_t lines = GICD_TYPER_LINES(mmio_read32(d + GICD_TYPER));
    uint32_t i;
    uint32_t f;

    mmio_write32(d + GICD_CTLR, 0u);
    gic_wait_clear(d + GICD_CTLR, GICD_CTLR_RWP);
    for (i = 1u; i < lines; i++) {
        mmio_write32(d + GICD_IGROUPR + ((uint64_t)i * 4u), 0xffffffffu);
        mmio_write32(d + GICD_ICENABLER + ((uint64_t)i * 4u), 0xffffffffu);
        mmio_write32(d + GICD_ICPENDR + ((uint64_t)i * 4u), 0xffffffffu);
        mmio_write32(d + GICD_ICACTIVER + ((uint64_t)i * 4u), 0xffffffffu);
    }
    for (i = 32u; i < (32u * lines); i += 4u) {
        mmio_write32(d + GICD_IPRIORITYR + i, GIC_PRIO * 0x01010101u);
    }
    gic_wait_clear(d + GICD_CTLR, GICD_CTLR_RWP);
    mmio_write32(d + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
    gic_wait_clear(d + GICD_CTLR, GICD_CTLR_RWP);

    /* Find each CPU's redistributor frame by its affinity (GICR_TYPER). */
    for (f = 0u; f < CFG_NUM_CPUS; f++) {
        uint64_t frame = cfg_hyp.gicr_pa + ((uint64_t)f * cfg_hyp.gicr_stride);
        uint64_t typer = mmio_read64(frame + GICR_TYPER);

        for (i = 0u; i < CFG_NUM_CPUS; i++) {
            if (gic_typer_aff(cfg_cpus[i].mpidr) == (uint32_t)(typer >> 32)) {
                gicr_frame[i] = frame;
            }
        }
        if ((typer & GICR_TYPER_LAST) != 0u) {
            break;
        }
    }
}

void arch_gic_cpu_init(void)
{
    uint32_t cpu = arch_cpu_index();
    uint64_t rd = gicr_frame[cpu];
    uint64_t sgi = rd + GICR_SGI_BASE;
    uint32_t i;

    mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
    gic_wait_clear(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP);
    mmio_write32(sgi + GICD_IGROUPR, 0xffffffffu);
    mmio_write32(sgi + GICD_ICENABLER, 0xffffffffu);
    mmio_write32(sgi + GICD_ICPENDR, 0xffffffffu);
    mmio_write32(sgi + GICD_ICACTIVER, 0xffffffffu);
    for (i = 0u; i < 32u; i += 4u) {
        mmio_write32(sgi + GICD_IPRIORITYR + i, GIC_PRIO * 0x01010101u);
    }
    /* GICR_IPRIORITYR<n> is byte-accessible (12.11.21). */
    *(volatile uint8_t *)(uintptr_t)(sgi + GICD_IPRIORITYR + ARCH_PPI_HYP_TIMER) = GIC_PRIO_HYP_TIMER;
    *(volatile uint8_t *)(uintptr_t)(sgi + GICD_IPRIORITYR + GIC_PPI_MAINTENANCE) = GIC_PRIO_MAINTENANCE;
    *(volatile uint8_t *)(uintptr_t)(sgi + GICD_IPRIORITYR + ARCH_SGI_KICK) = GIC_PRIO_KICK;
    *(volatile uint8_t *)(uintptr_t)(sgi + GICD_IPRIORITYR + ARCH_SGI_STOP) = GIC_PRIO_STOP;
    gic_wait_clear(rd + GICR_CTLR, GICR_CTLR_RWP);
    mmio_write32(sgi + GICD_ISENABLER, ((uint32_t)1u << ARCH_SGI_KICK) | ((uint32_t)1u << ARCH_SGI_STOP) |
                                           ((uint32_t)1u << GIC_PPI_MAINTENANCE));
    ich_vtr[cpu] = SYSREG_READ(ich_vtr_el2);

    SYSREG_WRITE(icc_sre_el2, 0xfu);
    isb();
    SYSREG_WRITE(icc_pmr_el1, 0xffu);
    SYSREG_WRITE(icc_bpr1_el1, 0u);
    SYSREG_WRITE(icc_ctlr_el1, 1u << 1); /* EOImode: drop and deactivate separately */
    SYSREG_WRITE(icc_igrpen1_el1, 1u);
    ich_hcr[cpu] = ICH_HCR_EN;
    SYSREG_WRITE(ich_hcr_el2, ich_hcr[cpu]);
    SYSREG_WRITE(cnthctl_el2, ARCH_CNTHCTL_EL2);
    isb();
}

void arch_gic_eoi(uint32_t intid)
{
    SYSREG_WRITE(icc_eoir1_el1, intid);
    isb();
}

void arch_gic_deactivate(uint32_t intid)
{
    SYSREG_WRITE(icc_dir_el1, intid);
    isb();
}

void arch_gic_clear_active(uint32_t intid, uint32_t cpu)
{
    uint64_t base = (intid < 32u) ? (gicr_frame[cpu] + GICR_SGI_BASE) : cfg_hyp.gicd_pa;

    /* GICv3 12.9.4 / 12.11.3: writing 1 to a bit of ICACTIVER deactivates that INTID. */
    mmio_write32(base + GICD_ICACTIVER + (((uint64_t)intid / 32u) * 4u), (uint32_t)1u << (intid % 32u));
    __asm__ volatile("dsb sy" : : : "memory");
}

uint64_t arch_gic_sgir(uint32_t cpu, uint32_t sgi)
{
    uint64_t m = cfg_cpus[cpu].mpidr;

    /* ICC_SGI1R_EL1 naming one PE (GICv3 spec 12.2.22): Aff3.Aff2.Aff1, RS = Aff0 / 16, one target bit. */
    return (((m >> 32) & 0xffu) << 48) | (((m >> 16) & 0xffu) << 32) | (((m >> 8) & 0xffu) << 16) |
           (((uint64_t)sgi & 0xfu) << 24) | (((m & 0xffu) >> 4) << 44) | (1ULL << (m & 0xfu));
}

void arch_gic_send_sgi(uint32_t cpu, uint32_t sgi)
{
    uint64_t v = arch_gic_sgir(cpu, sgi);

    __asm__ volatile("dsb ish" : : : "memory");
    SYSREG_WRITE(icc_sgi1r_el1, v);
    isb();
}

void arch_gic_set_enabled(uint32_t intid, uint32_t cpu, bool on)
{
    uint64_t base;
    uint32_t reg = on ? (uint32_t)GICD_ISENABLER : (uint32_t)GICD_ICENABLER;

    if (intid < 32u) {
        base = gicr_frame[cpu] + GICR_SGI_BASE;
    } else {
        base = cfg_hyp.gicd_pa;
    }
    mmio_write32(base + reg + (((uint64_t)intid / 32u) * 4u), (uint32_t)1u << (intid % 32u));
}

void arch_gic_set_edge(uint32_t intid, bool edge)
{
    uint64_t reg = cfg_hyp.gicd_pa + GICD_ICFGR + (((uint64_t)intid / 16u) * 4u);
    uint32_t bit = 2u << (2u * (intid % 16u));
    uint32_t v;
    /* Read-modify-writes of GICD_ICFGR: one register holds 16 SPIs of possibly several partitions. */
    static struct arch_lock gic_cfg_lock;

    arch_lock_acquire(&gic_cfg_lock);
    v = mmio_read32(reg);
    mmio_write32(reg, edge ? (v | bit) : (v & ~bit));
    arch_lock_release(&gic_cfg_lock);
}

/* The frame holding the per-INTID registers of intid: the CPU's SGI_base for SGIs/PPIs. */
static uint64_t gic_bank_base(uint32_t intid, uint32_t cpu)
{
    return (intid < GIC_NUM_PRIVATE) ? (gicr_frame[cpu] + GICR_SGI_BASE) : cfg_hyp.gicd_pa;
}

void arch_gic_set_pending(uint32_t intid, uint32_t cpu, bool on)
{
    uint32_t reg = on ? (uint32_t)GICD_ISPENDR : (uint32_t)GICD_ICPENDR;

    mmio_write32(gic_bank_base(intid, cpu) + reg + (((uint64_t)intid / 32u) * 4u), (uint32_t)1u << (intid % 32u));
}

void arch_gic_set_active(uint32_t intid, uint32_t cpu, bool on)
{
    uint32_t reg = on ? (uint32_t)GICD_ISACTIVER : (uint32_t)GICD_ICACTIVER;

    mmio_write32(gic_bank_base(intid, cpu) + reg + (((uint64_t)intid / 32u) * 4u), (uint32_t)1u << (intid % 32u));
}

bool arch_gic_pending(uint32_t intid, uint32_t cpu)
{
    uint32_t v = mmio_read32(gic_bank_base(intid, cpu) + GICD_ISPENDR + (((uint64_t)intid / 32u) * 4u));

    return ((v >> (intid % 32u)) & 1u) != 0u;
}

bool arch_timer_output(uint32_t intid)
{
    /* CNTx_CTL_EL0: ENABLE [0], IMASK [1], ISTATUS [2] (Arm ARM D17.12). */
    uint64_t ctl = (intid == GIC_PPI_VTIMER) ? SYSREG_READ(cntv_ctl_el0) : SYSREG_READ(cntp_ctl_el0);

    return (ctl & 7u) == 5u;
}

void arch_gic_route(uint32_t intid, uint32_t cpu)
{
    mmio_write64(cfg_hyp.gicd_pa + GICD_IROUTER + (8u * (uint64_t)intid), gic_router_aff(cfg_cpus[cpu].mpidr));
}

uint32_t arch_lr_count(void)
{
    return ICH_VTR_LRS(ich_vtr[arch_cpu_index()]);
}

uint32_t arch_lr_free_mask(void)
{
    return (uint32_t)(SYSREG_READ(ich_elrsr_el2) | SYSREG_READ(ich_eisr_el2));
}

uint64_t arch_lr_read(uint32_t i)
{
    switch (i) {
    case 0u: return SYSREG_READ(ich_lr0_el2);
    case 1u: return SYSREG_READ(ich_lr1_el2);
    case 2u: return SYSREG_READ(ich_lr2_el2);
    case 3u: return SYSREG_READ(ich_lr3_el2);
    case 4u: return SYSREG_READ(ich_lr4_el2);
    case 5u: return SYSREG_READ(ich_lr5_el2);
    case 6u: return SYSREG_READ(ich_lr6_el2);
    case 7u: return SYSREG_READ(ich_lr7_el2);
    case 8u: return SYSREG_READ(ich_lr8_el2);
    case 9u: return SYSREG_READ(ich_lr9_el2);
    case 10u: return SYSREG_READ(ich_lr10_el2);
    case 11u: return SYSREG_READ(ich_lr11_el2);
    case 12u: return SYSREG_READ(ich_lr12_el2);
    case 13u: return SYSREG_READ(ich_lr13_el2);
    case 14u: return SYSREG_READ(ich_lr14_el2);
    default: return SYSREG_READ(ich_lr15_el2);
    }
}

void arch_lr_write(uint32_t i, uint64_t lr)
{
    switch (i) {
    case 0u: SYSREG_WRITE(ich_lr0_el2, lr); break;
    case 1u: SYSREG_WRITE(ich_lr1_el2, lr); break;
    case 2u: SYSREG_WRITE(ich_lr2_el2, lr); break;
    case 3u: SYSREG_WRITE(ich_lr3_el2, lr); break;
    case 4u: SYSREG_WRITE(ich_lr4_el2, lr); break;
    case 5u: SYSREG_WRITE(ich_lr5_el2, lr); break;
    case 6u: SYSREG_WRITE(ich_lr6_el2, lr); break;
    case 7u: SYSREG_WRITE(ich_lr7_el2, lr); break;
    case 8u: SYSREG_WRITE(ich_lr8_el2, lr); break;
    case 9u: SYSREG_WRITE(ich_lr9_el2, lr); break;
    case 10u: SYSREG_WRITE(ich_lr10_el2, lr); break;
    case 11u: SYSREG_WRITE(ich_lr11_el2, lr); break;
    case 12u: SYSREG_WRITE(ich_lr12_el2, lr); break;
    case 13u: SYSREG_WRITE(ich_lr13_el2, lr); break;
    case 14u: SYSREG_WRITE(ich_lr14_el2, lr); break;
    default: SYSREG_WRITE(ich_lr15_el2, lr); break;
    }
}

void arch_lr_notify(uint32_t mode)
{
    uint32_t cpu = arch_cpu_index();
    uint64_t v = ich_hcr[cpu] & ~(ICH_HCR_NPIE | ICH_HCR_UIE);

    if (mode == ARCH_LR_NOTIFY_NO_PENDING) {
        v |= ICH_HCR_NPIE;
    } else if (mode == ARCH_LR_NOTIFY_UNDERFLOW) {
        v |= ICH_HCR_UIE;
    } else {
        /* none */
    }

    if (v != ich_hcr[cpu]) {
        ich_hcr[cpu] = v;
        SYSREG_WRITE(ich_hcr_el2, v);
    }
}

void arch_gic_vcpu_reset(void)
{
    uint32_t n = arch_lr_count();
    uint32_t i;

    for (i = 0u; i < n; i++) {
        uint64_t lr = arch_lr_read(i);

        /* A hardware interrupt still held here was acknowledged at EL2: release it, or it
         * would stay physically active (and silent) for the vCPU's next life. */
        if ((ICH_LR_STATE(lr) != 0u) && ((lr & ICH_LR_HW) != 0u)) {
            arch_gic_deactivate((uint32_t)((lr >> ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK));
        }
        arch_lr_write(i, 0u);
    }
    /* Every implemented active-priority register (12.4.1-2): 5 preemption bits use
     * AP<g>R0, 6 also AP<g>R1, 7 AP<g>R0-3. */
    n = ICH_VTR_PREBITS(ich_vtr[arch_cpu_index()]);
    SYSREG_WRITE(ich_ap0r0_el2, 0u);
    SYSREG_WRITE(ich_ap1r0_el2, 0u);
    if (n >= 6u) {
        SYSREG_WRITE(ich_ap0r1_el2, 0u);
        SYSREG_WRITE(ich_ap1r1_el2, 0u);
    }
    if (n >= 7u) {
        SYSREG_WRITE(ich_ap0r2_el2, 0u);
        SYSREG_WRITE(ich_ap1r2_el2, 0u);
        SYSREG_WRITE(ich_ap0r3_el2, 0u);
        SYSREG_WRITE(ich_ap1r3_el2, 0u);
    }
    SYSREG_WRITE(ich_vmcr_el2, 0u);
    isb();
}

/*
 * Time partitioning: the virtual CPU interface of the vCPU whose window ends
 * (list registers, active priorities, ICH_VMCR_EL2, ICH_HCR_EL2; GICv3 spec
 * 12.4) into w[ARCH_GIC_CTX_WORDS], and cleared without deactivating anything:
 * a hardware interrupt it holds stays its own, to be deactivated by its EOI in
 * its next window.
 */
/* The EL1 virtual and physical timer PPIs (27, 30) in GICR_ISENABLER0. */
#define GIC_TIMER_PPIS (((uint32_t)1u << ARCH_PPI_VTIMER) | ((uint32_t)1u << ARCH_PPI_PTIMER))

void arch_gic_vcpu_save(uint64_t *w)
{
    uint32_t cpu = arch_cpu_index();
    uint32_t n = arch_lr_count();
    uint32_t i;

    for (i = 0u; i < n; i++) {
        w[i] = arch_lr_read(i);
        arch_lr_write(i, 0u);
    }
    w[16] = SYSREG_READ(ich_ap0r0_el2);
    w[17] = SYSREG_READ(ich_ap1r0_el2);
    SYSREG_WRITE(ich_ap0r0_el2, 0u);
    SYSREG_WRITE(ich_ap1r0_el2, 0u);
    n = ICH_VTR_PREBITS(ich_vtr[cpu]);
    if (n >= 6u) {
        w[18] = SYSREG_READ(ich_ap0r1_el2);
        w[19] = SYSREG_READ(ich_ap1r1_el2);
        SYSREG_WRITE(ich_ap0r1_el2, 0u);
        SYSREG_WRITE(ich_ap1r1_el2, 0u);
    }
    if (n >= 7u) {
        w[20] = SYSREG_READ(ich_ap0r2_el2);
        w[21] = SYSREG_READ(ich_ap1r2_el2);
        w[22] = SYSREG_READ(ich_ap0r3_el2);
        w[23] = SYSREG_READ(ich_ap1r3_el2);
        SYSREG_WRITE(ich_ap0r2_el2, 0u);
        SYSREG_WRITE(ich_ap1r2_el2, 0u);
        SYSREG_WRITE(ich_ap0r3_el2, 0u);
        SYSREG_WRITE(ich_ap1r3_el2, 0u);
    }
    w[24] = SYSREG_READ(ich_vmcr_el2);
    w[25] = ich_hcr[cpu];
    /* Its EL1 timer PPIs: their physical enable follows its vGIC's (vgic_dist.c), so it is its state too. */
    w[26] = mmio_read32(gicr_frame[cpu] + GICR_SGI_BASE + GICD_ISENABLER) & GIC_TIMER_PPIS;
    mmio_write32(gicr_frame[cpu] + GICR_SGI_BASE + GICD_ICENABLER, GIC_TIMER_PPIS);
    SYSREG_WRITE(ich_vmcr_el2, 0u);
    ich_hcr[cpu] = ICH_HCR_EN;
    SYSREG_WRITE(ich_hcr_el2, ich_hcr[cpu]);
    isb();
}

/* The virtual CPU interface saved by arch_gic_vcpu_save(), back in place for the vCPU whose window begins. */
void arch_gic_vcpu_restore(const uint64_t *w)
{
    uint32_t cpu = arch_cpu_index();
    uint32_t n = arch_lr_count();
    uint32_t i;

    for (i = 0u; i < n; i++) {
        arch_lr_write(i, w[i]);
    }
    SYSREG_WRITE(ich_ap0r0_el2, w[16]);
    SYSREG_WRITE(ich_ap1r0_el2, w[17]);
    n = ICH_VTR_PREBITS(ich_vtr[cpu]);
    if (n >= 6u) {
        SYSREG_WRITE(ich_ap0r1_el2, w[18]);
        SYSREG_WRITE(ich_ap1r1_el2, w[19]);
    }
    if (n >= 7u) {
        SYSREG_WRITE(ich_ap0r2_el2, w[20]);
        SYSREG_WRITE(ich_ap1r2_el2, w[21]);
        SYSREG_WRITE(ich_ap0r3_el2, w[22]);
        SYSREG_WRITE(ich_ap1r3_el2, w[23]);
    }
    SYSREG_WRITE(ich_vmcr_el2, w[24]);
    mmio_write32(gicr_frame[cpu] + GICR_SGI_BASE + GICD_ISENABLER, (uint32_t)w[26] & GIC_TIMER_PPIS);
    ich_hcr[cpu] = w[25];
    SYSREG_WRITE(ich_hcr_el2, ich_hcr[cpu]);
    isb();
}
