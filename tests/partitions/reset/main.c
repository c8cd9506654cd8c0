/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reset probe: a test partition that sets every EL1 register it can (thread
 * IDs, VBAR, translation registers, EL1 timers armed, PMU counting,
 * breakpoints and watchpoints, FP/SIMD), then faults. Its policy restarts it;
 * the first thing each life (and each vCPU started by PSCI CPU_ON) does is to
 * read those registers and print the ones that are not at their reset value.
 * It also checks that the virtual timer and a pass-through RTC interrupt that
 * was active when the partition faulted work in the next life.
 */
#include "partition.h"
#include "septum.h"

/* PL031 RTC registers (Arm DDI 0224). */
#define RTC_DR 0x000u
#define RTC_MR 0x004u
#define RTC_IMSC 0x010u
#define RTC_ICR 0x01cu
#define PPI_VTIMER 27u
/* Lives after which the probe stops faulting (1 + the soak's restarts). */
#define RESET_LIVES 101u
/* SCTLR_EL1 as Septum starts a vCPU: RES1 bits only, MMU and caches off. */
#define SCTLR_RESET 0x30d00800ull

extern char __ram_end[];

#define RD(reg) \
    ({ \
        uint64_t v_; \
        __asm__ volatile("mrs %0, " #reg : "=r"(v_)); \
        v_; \
    })
#define WR(reg, val) __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(val)))

/* One register and its reset value. */
struct reg {
    const char *name;
    uint64_t value;
    uint64_t reset;
};

#define NUM_REGS 48u

/* FP/SIMD: V0..V31 (both halves folded), FPCR, FPSR; CPACR must allow FP first. */
static uint64_t fp_fold(void)
{
    uint64_t acc = 0u;
    uint64_t lo;
    uint64_t hi;

#define FOLD(n) \
    __asm__ volatile("mov %0, v" #n ".d[0]; mov %1, v" #n ".d[1]" : "=r"(lo), "=r"(hi)); \
    acc |= lo | hi
    FOLD(0); FOLD(1); FOLD(2); FOLD(3); FOLD(4); FOLD(5); FOLD(6); FOLD(7);
    FOLD(8); FOLD(9); FOLD(10); FOLD(11); FOLD(12); FOLD(13); FOLD(14); FOLD(15);
    FOLD(16); FOLD(17); FOLD(18); FOLD(19); FOLD(20); FOLD(21); FOLD(22); FOLD(23);
    FOLD(24); FOLD(25); FOLD(26); FOLD(27); FOLD(28); FOLD(29); FOLD(30); FOLD(31);
#undef FOLD
    return acc;
}

static void fp_dirty(void)
{
    uint64_t p = 0x5eb7u;

#define SET(n) __asm__ volatile("mov v" #n ".d[0], %0; mov v" #n ".d[1], %0" : : "r"(p + (n)))
    SET(0); SET(1); SET(2); SET(3); SET(4); SET(5); SET(6); SET(7);
    SET(8); SET(9); SET(10); SET(11); SET(12); SET(13); SET(14); SET(15);
    SET(16); SET(17); SET(18); SET(19); SET(20); SET(21); SET(22); SET(23);
    SET(24); SET(25); SET(26); SET(27); SET(28); SET(29); SET(30); SET(31);
#undef SET
    WR(fpcr, 0x03c00000u);
    WR(fpsr, 0x1fu);
}

/* Read everything (before anything of this life writes it) into r[]; returns the count. */
static uint32_t snapshot(struct reg *r)
{
    uint32_t n = 0u;
    uint64_t cpacr = RD(cpacr_el1);

#define SNAP(nm, reg, rst) \
    do { \
        r[n].name = nm; \
        r[n].value = RD(reg); \
        r[n].reset = (rst); \
        n++; \
    } while (0)
    r[n].name = "CPACR_EL1";
    r[n].value = cpacr;
    r[n].reset = 0u;
    n++;
    SNAP("SCTLR_EL1", sctlr_el1, SCTLR_RESET);
    SNAP("TTBR0_EL1", ttbr0_el1, 0u);
    SNAP("TTBR1_EL1", ttbr1_el1, 0u);
    SNAP("TCR_EL1", tcr_el1, 0u);
    SNAP("MAIR_EL1", mair_el1, 0u);
    SNAP("AMAIR_EL1", amair_el1, 0u);
    SNAP("VBAR_EL1", vbar_el1, 0u);
    SNAP("CONTEXTIDR_EL1", contextidr_el1, 0u);
    SNAP("TPIDR_EL0", tpidr_el0, 0u);
    SNAP("TPIDRRO_EL0", tpidrro_el0, 0u);
    SNAP("TPIDR_EL1", tpidr_el1, 0u);
    SNAP("SP_EL0", sp_el0, 0u);
    SNAP("ELR_EL1", elr_el1, 0u);
    SNAP("SPSR_EL1", spsr_el1, 0u);
    SNAP("ESR_EL1", esr_el1, 0u);
    SNAP("FAR_EL1", far_el1, 0u);
    SNAP("PAR_EL1", par_el1, 0u);
    SNAP("AFSR0_EL1", afsr0_el1, 0u);
    SNAP("AFSR1_EL1", afsr1_el1, 0u);
    SNAP("CSSELR_EL1", csselr_el1, 0u);
    SNAP("CNTV_CTL_EL0", cntv_ctl_el0, 0u);
    SNAP("CNTV_CVAL_EL0", cntv_cval_el0, 0u);
    SNAP("CNTP_CTL_EL0", cntp_ctl_el0, 0u);
    SNAP("CNTP_CVAL_EL0", cntp_cval_el0, 0u);
    SNAP("MDSCR_EL1", mdscr_el1, 0u);
    SNAP("DBGBCR0_EL1", dbgbcr0_el1, 0u);
    SNAP("DBGBVR0_EL1", dbgbvr0_el1, 0u);
    SNAP("DBGBCR1_EL1", dbgbcr1_el1, 0u);
    SNAP("DBGWCR0_EL1", dbgwcr0_el1, 0u);
    SNAP("DBGWVR0_EL1", dbgwvr0_el1, 0u);
    SNAP("DBGWCR1_EL1", dbgwcr1_el1, 0u);
    /* PMCR_EL0: E, P, C, D, X, DP, LC all 0 (N and the ID fields are read-only). */
    r[n].name = "PMCR_EL0[6:0]";
    r[n].value = RD(pmcr_el0) & 0x7fu;
    r[n].reset = 0u;
    n++;
    SNAP("PMCNTENSET_EL0", pmcntenset_el0, 0u);
    SNAP("PMINTENSET_EL1", pmintenset_el1, 0u);
    SNAP("PMOVSSET_EL0", pmovsset_el0, 0u);
    SNAP("PMUSERENR_EL0", pmuserenr_el0, 0u);
    SNAP("PMSELR_EL0", pmselr_el0, 0u);
    SNAP("PMCCFILTR_EL0", pmccfiltr_el0, 0u);
    SNAP("PMCCNTR_EL0", pmccntr_el0, 0u);
    SNAP("PMEVCNTR0_EL0", pmevcntr0_el0, 0u);
    SNAP("PMEVTYPER0_EL0", pmevtyper0_el0, 0u);
    SNAP("ICC_PMR_EL1", S3_0_C4_C6_0, 0u);
    SNAP("ICC_IGRPEN1_EL1", S3_0_C12_C12_7, 0u);
    /* FP needs CPACR_EL1.FPEN: turned on only now that CPACR has been read. */
    WR(cpacr_el1, 3ull << 20);
    __asm__ volatile("isb");
    r[n].name = "V0-V31";
    r[n].value = fp_fold();
    r[n].reset = 0u;
    n++;
    SNAP("FPCR", fpcr, 0u);
    SNAP("FPSR", fpsr, 0u);
#undef SNAP
    return n;
}

/* Print the registers that survived (or "none"): one line, identical in every life that is reset right. */
static void report(const char *who, const struct reg *r, uint32_t n)
{
    uint32_t i;
    uint32_t bad = 0u;

    for (i = 0u; i < n; i++) {
        if (r[i].value != r[i].reset) {
            sp_printf("reset: %s: SURVIVED %s = 0x%lx (reset 0x%lx)\n", who, r[i].name, (unsigned long)r[i].value,
                      (unsigned long)r[i].reset);
            bad++;
        }
    }
    sp_printf("reset: %s: %u registers checked, %u survivors\n", who, (unsigned)n, (unsigned)bad);
}

/* Put every register above away from its reset value; timers armed to fire at once if asked. */
static void dirty(int arm_timers)
{
    uint64_t now = sp_counter();

    WR(sctlr_el1, SCTLR_RESET | (1ull << 15) | (1ull << 26)); /* UCT, UCI: harmless with the MMU off */
    WR(ttbr0_el1, 0x48001000u);
    WR(ttbr1_el1, 0x48002000u);
    WR(tcr_el1, 0x19u);
    WR(mair_el1, 0xffu);
    WR(amair_el1, 0x1u);
    WR(contextidr_el1, 0x1234u);
    WR(tpidr_el0, 0xa0u);
    WR(tpidrro_el0, 0xa1u);
    WR(tpidr_el1, 0xa2u);
    WR(sp_el0, 0x48003000u);
    WR(elr_el1, 0x48004000u);
    WR(spsr_el1, 0x3c5u);
    WR(esr_el1, 0x96000000u);
    WR(far_el1, 0xfa0u);
    WR(par_el1, 0x800u);
    WR(afsr0_el1, 0x1u);
    WR(afsr1_el1, 0x1u);
    WR(csselr_el1, 0x2u);
    WR(mdscr_el1, 1u << 12); /* TDCC */
    WR(dbgbvr0_el1, 0x48005000u);
    WR(dbgbcr0_el1, (0xfu << 5) | 1u);
    WR(dbgbcr1_el1, (0xfu << 5));
    WR(dbgwvr0_el1, 0x48006000u);
    WR(dbgwcr0_el1, (0xffu << 5) | (3u << 3) | (3u << 1) | 1u);
    WR(dbgwcr1_el1, (3u << 3) | (3u << 1));
    /* PMU: counting cycles and event 0x11 on counter 0, EL0 access, an interrupt enable. */
    WR(pmselr_el0, 0u);
    WR(pmevtyper0_el0, 0x11u);
    WR(pmccfiltr_el0, 1u << 27);
    WR(pmuserenr_el0, 1u);
    WR(pmintenset_el1, 2u);
    WR(pmcntenset_el0, 0x80000001u);
    WR(pmcr_el0, 1u);
    WR(pmselr_el0, 3u);
    fp_dirty();
    if (arm_timers) {
        /* Both EL1 timers armed to fire at once; interrupts are masked, so they stay pending. */
        __asm__ volatile("msr daifset, #2");
        WR(cntv_cval_el0, now);
        WR(cntv_ctl_el0, 1u);
        WR(cntp_cval_el0, now + 1000u);
        WR(cntp_ctl_el0, 1u);
        WR(vbar_el1, 0x48007000u);
    }
    __asm__ volatile("isb");
}

static volatile uint32_t vtimer_hits;
static volatile uint32_t rtc_hits;
static volatile uint32_t life;
static volatile uint32_t vcpu1_done;

static void fault(void)
{
    volatile const uint8_t *outside = (volatile const uint8_t *)(uintptr_t)__ram_end;

    (void)*outside;
    sp_printf("reset: FAIL the fault did not stop me\n");
}

static void on_irq(uint32_t intid)
{
    if (intid == PPI_VTIMER) {
        sp_vtimer_stop();
        vtimer_hits++;
    } else if (intid == SP_DEV_RTC_INTID) {
        rtc_hits++;
        if (life == 0u) {
            /* Fault inside the handler: the RTC interrupt is active (not EOIed) when the partition stops. */
            sp_printf("reset: rtc alarm taken; faulting before its EOI\n");
            dirty(0);
            fault();
        }
        sp_mmio_write32(SP_DEV_RTC_BASE + RTC_ICR, 1u);
    }
}

static int wait_for(volatile uint32_t *flag, uint32_t want, uint64_t timeout)
{
    uint64_t end = sp_counter() + timeout;

    while ((*flag < want) && (sp_counter() < end)) {
        __asm__ volatile("wfe");
    }
    return *flag >= want;
}

static void secondary(void)
{
    struct reg r[NUM_REGS];
    uint32_t n = snapshot(r);

    report("vcpu1", r, n);
    dirty(1);
    vcpu1_done = 1u;
    /* Returning powers this vCPU off (PSCI CPU_OFF); its next CPU_ON must find it reset. */
}

static void secondary_stay(void)
{
    struct reg r[NUM_REGS];
    uint32_t n = snapshot(r);

    report("vcpu1 again", r, n);
    dirty(1);
    vcpu1_done = 2u;
    /* Stays in the guest with its registers dirty until the partition faults. */
    for (;;) {
        __asm__ volatile("wfi");
    }
}

/* Arm the RTC alarm a second ahead, with the device's old state cleared first as a driver would. */
static void rtc_arm(void)
{
    sp_mmio_write32(SP_DEV_RTC_BASE + RTC_IMSC, 0u);
    sp_mmio_write32(SP_DEV_RTC_BASE + RTC_ICR, 1u);
    sp_irq_route(SP_DEV_RTC_INTID, 0u);
    sp_irq_enable(SP_DEV_RTC_INTID);
    sp_mmio_write32(SP_DEV_RTC_BASE + RTC_MR, sp_mmio_read32(SP_DEV_RTC_BASE + RTC_DR) + 1u);
    sp_mmio_write32(SP_DEV_RTC_BASE + RTC_IMSC, 1u);
}

int main(void)
{
    struct reg r[NUM_REGS];
    uint32_t n = snapshot(r);
    struct sp_hvc_result st = sp_hvc(SEPTUM_HVC_PARTITION_STATE, SP_PARTITION_INDEX, 0u, 0u);

    life = (uint32_t)st.x1;
    sp_printf("reset: life %u\n", (unsigned)life);
    report("vcpu0", r, n);
    (void)sp_hvc(SEPTUM_HVC_READY, 0u, 0u, 0u);

    sp_gic_init_dist();
    sp_gic_init_cpu(on_irq);
    sp_irq_enable(PPI_VTIMER);
    sp_irq_unmask();
    sp_vtimer_at(sp_counter() + (sp_counter_hz() / 1000u));
    sp_printf("reset: vtimer %s\n", wait_for(&vtimer_hits, 1u, sp_counter_hz()) ? "fires" : "FAIL silent");

    (void)sp_cpu_on(1u, secondary);
    if (!wait_for(&vcpu1_done, 1u, sp_counter_hz() * 4u)) {
        sp_printf("reset: FAIL vcpu1 did not start\n");
    }
    /* Wait until it is off (AFFINITY_INFO = 1), then start it again. */
    while (sp_psci(0xc4000004u, 1u, 0u, 0u) != 1) {
        __asm__ volatile("wfe");
    }
    (void)sp_cpu_on(1u, secondary_stay);
    if (!wait_for(&vcpu1_done, 2u, sp_counter_hz() * 4u)) {
        sp_printf("reset: FAIL vcpu1 did not start again\n");
    }

    if (life == 0u) {
        rtc_arm();
        if (!wait_for(&rtc_hits, 1u, sp_counter_hz() * 4u)) {
            sp_printf("reset: FAIL rtc alarm silent\n");
        }
    } else if (life == 1u) {
        rtc_arm();
        sp_printf("reset: rtc alarm after the restart %s\n",
                  wait_for(&rtc_hits, 1u, sp_counter_hz() * 4u) ? "fires" : "FAIL silent");
        sp_mmio_write32(SP_DEV_RTC_BASE + RTC_IMSC, 0u);
    }
    if (life >= (RESET_LIVES - 1u)) {
        sp_printf("reset: soak done\n");
        for (;;) {
            __asm__ volatile("wfi");
        }
    }
    dirty(1);
    fault();
    return 0;
}
