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
#include "sysreg.h"

/* Distributor (12.9). */
#define GICD_CTLR 0x0000u
#define GICD_TYPER 0x0004u
#define GICD_IGROUPR 0x0080u
#define GICD_ISENABLER 0x0100u
#define GICD_ICENABLER 0x0180u
#define GICD_ICPENDR 0x0280u
#define GICD_ICACTIVER 0x0380u
#define GICD_IPRIORITYR 0x0400u
#define GICD_ICFGR 0x0c00u
#define GICD_IROUTER 0x6000u
#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_GRP1 (1u << 1)

/* Redistributor RD_base and SGI_base (12.10, 12.11). */
#define GICR_CTLR 0x0000u
#define GICR_TYPER 0x0008u
#define GICR_WAKER 0x0014u
#define GICR_SGI 0x10000u
#define GICR_CTLR_RWP (1u << 3)
#define GICR_TYPER_LAST (1u << 4)
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* Default priority of every interrupt the hypervisor configures. */
#define GIC_PRIO 0x80u
/* The virtual CPU interface's maintenance interrupt and our kick SGI. */
#define GIC_PPI_MAINTENANCE 25u

/* ICH_HCR_EL2: En, NPIE. */
#define ICH_HCR_EN 1ULL
#define ICH_HCR_NPIE (1ULL << 3)

/* Bound of every wait for a GIC register write to complete. */
#define GIC_POLL_LIMIT 1000000u

static uint64_t gicr_frame[CFG_NUM_CPUS];
static uint64_t ich_hcr[CFG_NUM_CPUS];

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
    return mpidr & 0xff00ffffffULL;
}

static uint32_t gic_typer_aff(uint64_t mpidr)
{
    return (uint32_t)((mpidr & 0xffffffu) | ((mpidr >> 8) & 0xff000000u));
}

void arch_gic_init(void)
{
    uint64_t d = cfg_hyp.gicd_pa;
    uint32_t lines = (mmio_read32(d + GICD_TYPER) & 0x1fu) + 1u;
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
    uint64_t sgi = rd + GICR_SGI;
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
    gic_wait_clear(rd + GICR_CTLR, GICR_CTLR_RWP);
    mmio_write32(sgi + GICD_ISENABLER, (1u << ARCH_SGI_KICK) | (1u << GIC_PPI_MAINTENANCE));

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

uint32_t arch_gic_ack(void)
{
    uint32_t intid = (uint32_t)SYSREG_READ(icc_iar1_el1);

    __asm__ volatile("dsb sy" : : : "memory");
    return intid & 0xffffffu;
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

void arch_gic_send_sgi(uint32_t cpu, uint32_t sgi)
{
    uint64_t m = cfg_cpus[cpu].mpidr;
    uint64_t v = (((m >> 32) & 0xffu) << 48) | (((m >> 16) & 0xffu) << 32) | (((m >> 8) & 0xffu) << 16) |
                 (((uint64_t)sgi & 0xfu) << 24) | (((m & 0xffu) >> 4) << 44) | (1ULL << (m & 0xfu));

    __asm__ volatile("dsb ish" : : : "memory");
    SYSREG_WRITE(icc_sgi1r_el1, v);
    isb();
}

void arch_gic_set_enabled(uint32_t intid, uint32_t cpu, bool on)
{
    uint64_t base;
    uint32_t reg = on ? GICD_ISENABLER : GICD_ICENABLER;

    if (intid < 32u) {
        base = gicr_frame[cpu] + GICR_SGI;
    } else {
        base = cfg_hyp.gicd_pa;
    }
    mmio_write32(base + reg + (((uint64_t)intid / 32u) * 4u), 1u << (intid % 32u));
}

void arch_gic_set_edge(uint32_t intid, bool edge)
{
    uint64_t reg = cfg_hyp.gicd_pa + GICD_ICFGR + (((uint64_t)intid / 16u) * 4u);
    uint32_t bit = 2u << (2u * (intid % 16u));
    uint32_t v = mmio_read32(reg);

    mmio_write32(reg, edge ? (v | bit) : (v & ~bit));
}

void arch_gic_route(uint32_t intid, uint32_t cpu)
{
    mmio_write64(cfg_hyp.gicd_pa + GICD_IROUTER + (8u * (uint64_t)intid), gic_router_aff(cfg_cpus[cpu].mpidr));
}

uint32_t arch_lr_count(void)
{
    return (uint32_t)(SYSREG_READ(ich_vtr_el2) & 0x1fu) + 1u;
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

void arch_lr_notify_when_free(bool on)
{
    uint32_t cpu = arch_cpu_index();
    uint64_t v = on ? (ich_hcr[cpu] | ICH_HCR_NPIE) : (ich_hcr[cpu] & ~ICH_HCR_NPIE);

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
        if (((lr >> 62) != 0u) && ((lr & (1ULL << 61)) != 0u)) {
            arch_gic_deactivate((uint32_t)((lr >> 32) & 0x1fffu));
        }
        arch_lr_write(i, 0u);
    }
    SYSREG_WRITE(ich_ap0r0_el2, 0u);
    SYSREG_WRITE(ich_ap1r0_el2, 0u);
    SYSREG_WRITE(ich_vmcr_el2, 0u);
    isb();
}
