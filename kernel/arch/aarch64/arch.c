/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The aarch64 implementation of arch.h: per-CPU records and stacks, the
 * physical console, PSCI client calls, cache maintenance, guest entry and the
 * C side of the exception vectors.
 */
#include "arch.h"
#include "arch_cpu.h"
#include "boot.h"
#include "config.h"
#include "lib.h"
#include "console.h"
#include "fwcheck.h"
#include "gicv3.h"
#include "hypercall.h"
#include "septum/hvc_abi.h"
#include "sysreg.h"
#include "trap.h"
#include "vcpu.h"

/*
 * HCR_EL2 (Arm ARM D13.2.48): RW | TSW | TACR | TSC | BSU=IS | FB | AMO | IMO | FMO | SWIO | VM.
 * TSW: set/way cache maintenance traps (trap.c turns it into by-address maintenance of the
 * partition's own memory: a guest cannot flush the shared caches). TACR: ACTLR_EL1 traps
 * (read as zero, writes ignored: no implementation-defined behaviour changes from a guest).
 */
#define HCR_EL2_GUEST 0x8068063bULL
/*
 * ACTLR_EL2 = 0: EL1 may not access the implementation-defined CPU, L2 and extended
 * control registers (Cortex-A57/A72 TRM 4.3.2 ACTLR_EL2: CPUACTLR, CPUECTLR, L2CTLR,
 * L2ECTLR, L2ACTLR access bits all 0); such an access is UNDEFINED at EL1.
 */
#define ACTLR_EL2_GUEST 0x0ULL
/* VTCR_EL2: RES1 | SH0 inner | ORGN0/IRGN0 WB-WA | SL0 = level 1 | T0SZ 25; PS added. */
#define VTCR_EL2_GUEST 0x80003559ULL
/* SCTLR_EL1 reset state for a guest: RES1 bits only, MMU and caches off. */
#define SCTLR_EL1_RESET 0x30d00800ULL
/* CPTR_EL2: RES1 bits, nothing trapped (FP/SIMD belongs to the only vCPU here). */
#define CPTR_EL2_GUEST 0x33ffULL
/*
 * MDCR_EL2 (Arm ARM D13.2.x): TPMCR (5) and TPM (6) trap the Performance Monitors registers,
 * TDA (9) the debug registers, TDOSA (10) the OS lock and power-down registers, TDRA (11)
 * MDRAR_EL1; set on a CPU that partitions share (sched.c), where trap.c emulates them.
 */
#define MDCR_EL2_TRAP_DEBUG_PMU ((1ULL << 5) | (1ULL << 6) | (1ULL << 9) | (1ULL << 10) | (1ULL << 11))
/* ICC_SRE_EL2: Enable | DIB | DFB | SRE. */
#define ICC_SRE_EL2_VALUE 0xfULL
/* PSCI 0.2+ function IDs (Arm DEN0022). */
#define PSCI_CPU_ON_64 0xc4000003ULL

/* PL011 registers (Arm DDI0183). */
#define PL011_DR 0x00u
#define PL011_FR 0x18u
#define PL011_IMSC 0x38u
#define PL011_ICR 0x44u
#define PL011_FR_RXFE (1u << 4)
#define PL011_FR_TXFF (1u << 5)
#define PL011_INT_RX (1u << 4)
#define PL011_INT_TX (1u << 5)
#define PL011_INT_RT (1u << 6)
/* NS16550 with 32-bit register stride: word indexes. */
#define NS16550_THR 0u
#define NS16550_IER 1u
#define NS16550_LSR 5u
#define NS16550_LSR_DR (1u << 0)
#define NS16550_LSR_THRE (1u << 5)
#define NS16550_IER_ERBFI (1u << 0)
#define NS16550_IER_ETBEI (1u << 1)
/* Bound of a wait for UART FIFO space. */
#define UART_POLL_LIMIT 100000u

static void arch_vcpu_quiesce(void);

struct arch_cpu arch_cpus[CFG_NUM_CPUS];
/* The IRQ vector's fast-path records, one per vCPU (arch_cpu.h). */
static struct arch_irq_fast arch_irq_fast[CFG_NUM_VCPUS];
uint8_t arch_stacks[CFG_NUM_CPUS][ARCH_STACK_SIZE_VALUE] __attribute__((aligned(4096), section(".stacks")));
/*
 * The firmware DTB, copied by start.S with the MMU off (it may lie anywhere in
 * RAM, which the EL2 tables do not map). In .stacks, not .bss: the .bss is
 * zeroed after the copy.
 */
uint8_t arch_fw_dtb[FWCHECK_DTB_MAX] __attribute__((aligned(4096), section(".stacks")));
static uint32_t arch_fw_dtb_len;

/* Entry point of CPUs started through PSCI (start.S). */
extern char secondary_entry[];

/* MIDR_EL1 (Arm ARM D13.2.85): implementer Arm (0x41) and the part numbers of the cores named here. */
#define MIDR_IMPL_ARM 0x41u
#define MIDR_PART_A35 0xd04u
#define MIDR_PART_A53 0xd03u
#define MIDR_PART_A55 0xd05u
#define MIDR_PART_A57 0xd07u
#define MIDR_PART_A72 0xd08u
/* Branch-history loop iterations of Cortex-A57/A72 (Linux arch/arm64/kernel/proton-pack.c). */
#define BHB_LOOPS_A57_A72 8u

/* The Arm part number of the calling CPU, or 0 for another implementer. */
static uint32_t arch_arm_part(void)
{
    uint64_t midr = SYSREG_READ(midr_el1);

    return (((midr >> 24) & 0xffu) == MIDR_IMPL_ARM) ? (uint32_t)((midr >> 4) & 0xfffu) : 0u;
}

/* Cortex-A57 and A72: on Linux's lists of cores affected by Spectre-v2 and Spectre-BHB. */
static bool arch_spectre_affected(uint32_t part)
{
    return (part == MIDR_PART_A57) || (part == MIDR_PART_A72);
}

/* Cores without branch prediction across privilege the variants use (Arm's Spectre tables). */
static bool arch_spectre_unaffected(uint32_t part)
{
    return (part == MIDR_PART_A35) || (part == MIDR_PART_A53) || (part == MIDR_PART_A55);
}

uint32_t arch_spectre_core(void)
{
    uint32_t part = arch_arm_part();
    uint32_t core = ARCH_SPECTRE_CORE_UNKNOWN;

    if (arch_spectre_unaffected(part)) {
        core = ARCH_SPECTRE_CORE_UNAFFECTED;
    } else if (arch_spectre_affected(part)) {
        /*
         * Invalidating the branch predictor of an A57/A72 takes EL3 (CPUACTLR_EL1 "BTB
         * invalidate" + IC IALLU): only the firmware's SMCCC_ARCH_WORKAROUND_1 can.
         */
        core = ARCH_SPECTRE_CORE_FIRMWARE;
    } else {
        /* Another core: nothing claimed. */
    }
    return core;
}

int32_t arch_firmware_call(uint32_t fid, uint32_t arg)
{
    register uint64_t x0 __asm__("x0") = fid;
    register uint64_t x1 __asm__("x1") = arg;
    register uint64_t x2 __asm__("x2") = 0u;
    register uint64_t x3 __asm__("x3") = 0u;

    if (cfg_hyp.psci_smc == 0u) {
        return SMCCC_NOT_SUPPORTED;
    }
    /* SMCCC 1.1 (DEN0028 2.6): x0-x3 results, x4-x17 preserved; an SMC32 result is w0. */
    __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return (int32_t)(uint32_t)x0;
}

extern char el2_vectors_fw[];

void arch_spectre_firmware_on(void)
{
    SYSREG_WRITE(vbar_el2, (uint64_t)(uintptr_t)el2_vectors_fw);
    __asm__ volatile("isb" : : : "memory");
}

static void arch_cpu_setup(uint32_t cpu)
{
    arch_cpus[cpu].index = cpu;
    arch_cpus[cpu].bhb_loops = arch_spectre_affected(arch_arm_part()) ? BHB_LOOPS_A57_A72 : 0u;
}

void arch_primary_main(uint32_t cpu, uint64_t fw_dtb, uint64_t fw_dtb_len)
{
    arch_fw_dtb_len = (fw_dtb_len <= FWCHECK_DTB_MAX) ? (uint32_t)fw_dtb_len : 0u;
    arch_cpu_setup(cpu);
    boot_primary(cpu, fw_dtb);
}

void arch_secondary_main(uint32_t cpu)
{
    arch_cpu_setup(cpu);
    boot_secondary(cpu);
}

/*
 * Ticket locks: bits 15:0 of the word are the ticket being served, bits 31:16
 * the next ticket to hand out, so CPUs get the lock in the order they asked
 * (a CPU hammering a lock cannot starve another). A waiter reads the served
 * ticket with a load-acquire exclusive (LDAXRH), which arms its exclusive
 * monitor; the owner's store-release to that word clears the monitor, and
 * that is an event that ends the waiter's WFE (Arm ARM D1.6.1 "Wait For Event",
 * B2.9.5 exclusive monitors and the event register), so release needs neither
 * DSB nor SEV. WFE also yields the CPU under QEMU icount.
 */
#define LOCK_TICKET 0x10000u

void arch_lock_acquire(struct arch_lock *lock)
{
    uint32_t mine = __atomic_fetch_add(&lock->word, LOCK_TICKET, __ATOMIC_ACQUIRE) >> 16;
    uint32_t served;

    __asm__ volatile("   ldaxrh  %w0, [%1]\n"
                     "   cmp     %w0, %w2\n"
                     "   b.eq    2f\n"
                     "   sevl\n"
                     "1: wfe\n"
                     "   ldaxrh  %w0, [%1]\n"
                     "   cmp     %w0, %w2\n"
                     "   b.ne    1b\n"
                     "2:\n"
                     : "=&r"(served)
                     : "r"(&lock->word), "r"(mine & 0xffffu)
                     : "memory", "cc");
}

bool arch_lock_try(struct arch_lock *lock)
{
    uint32_t old = __atomic_load_n(&lock->word, __ATOMIC_RELAXED);

    if ((old >> 16) != (old & 0xffffu)) {
        return false;
    }
    return __atomic_compare_exchange_n(&lock->word, &old, old + LOCK_TICKET, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

void arch_lock_release(struct arch_lock *lock)
{
    /* Only the owner writes the served half: serve the next ticket with a store-release (STLRH). */
    uint32_t next = (lock->word + 1u) & 0xffffu;

    __asm__ volatile("stlrh %w0, [%1]" : : "r"(next), "r"(&lock->word) : "memory");
}

void arch_console_putc(char c)
{
    volatile uint32_t *base = (volatile uint32_t *)(uintptr_t)cfg_hyp.console_pa;
    uint32_t i;

    /* Bounded wait for FIFO space: a stuck UART must not stop the hypervisor. */
    for (i = 0u; i < UART_POLL_LIMIT; i++) {
        bool full = (cfg_hyp.console_kind == CFG_UART_NS16550) ? ((base[NS16550_LSR] & NS16550_LSR_THRE) == 0u)
                                                                 : ((base[PL011_FR / 4u] & PL011_FR_TXFF) != 0u);

        if (!full) {
            break;
        }
        __asm__ volatile("yield");
    }
    base[(cfg_hyp.console_kind == CFG_UART_NS16550) ? NS16550_THR : (PL011_DR / 4u)] = (uint32_t)(uint8_t)c;
}

uint32_t arch_console_tx_write(const char *s, uint32_t n)
{
    volatile uint32_t *base = (volatile uint32_t *)(uintptr_t)cfg_hyp.console_pa;
    uint32_t i = 0u;
    char c = '\0';

    /* One status read per byte, nothing else (8 instructions a byte; 12 with the loop's two exits
     * and copies of its counter). The line's end is found here, in the same loop, not by a scan of
     * its own before it: the loop ends after the '\n'. */
    if (cfg_hyp.console_kind == CFG_UART_NS16550) {
        /* Room while LSR.THRE is set (transmit holding register empty). */
        while ((i != n) && (c != '\n') && ((base[NS16550_LSR] & NS16550_LSR_THRE) != 0u)) {
            c = s[i];
            i++;
            base[NS16550_THR] = (uint32_t)(uint8_t)c;
        }
    } else {
        /* Room while FR.TXFF is clear (PL011 TRM 3.3.3, transmit FIFO full). */
        while ((i != n) && (c != '\n') && ((base[PL011_FR / 4u] & PL011_FR_TXFF) == 0u)) {
            c = s[i];
            i++;
            base[PL011_DR / 4u] = (uint32_t)(uint8_t)c;
        }
    }
    return i;
}

void arch_console_tx_irq(bool on)
{
    volatile uint32_t *base = (volatile uint32_t *)(uintptr_t)cfg_hyp.console_pa;

    if (cfg_hyp.console_kind == CFG_UART_NS16550) {
        base[NS16550_IER] = (uint32_t)NS16550_IER_ERBFI | (on ? (uint32_t)NS16550_IER_ETBEI : 0u);
    } else {
        base[PL011_IMSC / 4u] = (uint32_t)PL011_INT_RX | (uint32_t)PL011_INT_RT | (on ? (uint32_t)PL011_INT_TX : 0u);
    }
}

void arch_console_tx_ack(void)
{
    volatile uint32_t *base = (volatile uint32_t *)(uintptr_t)cfg_hyp.console_pa;

    /* PL011 TXIC (DDI 0183G 3.3.13); a 16550's THRE interrupt clears when THR is written. */
    if (cfg_hyp.console_kind != CFG_UART_NS16550) {
        base[PL011_ICR / 4u] = PL011_INT_TX;
    }
}

bool arch_console_getc(char *c)
{
    volatile uint32_t *base = (volatile uint32_t *)(uintptr_t)cfg_hyp.console_pa;

    if (cfg_hyp.console_kind == CFG_UART_NS16550) {
        if ((base[NS16550_LSR] & NS16550_LSR_DR) == 0u) {
            return false;
        }
        *c = (char)base[NS16550_THR];
        return true;
    }
    if ((base[PL011_FR / 4u] & PL011_FR_RXFE) != 0u) {
        return false;
    }
    *c = (char)base[PL011_DR / 4u];
    return true;
}

void arch_console_rx_enable(void)
{
    volatile uint32_t *base = (volatile uint32_t *)(uintptr_t)cfg_hyp.console_pa;

    if (cfg_hyp.console_intid < 32u) {
        return;
    }
    if (cfg_hyp.console_kind == CFG_UART_NS16550) {
        base[NS16550_IER] = 1u; /* ERBFI */
    } else {
        base[PL011_IMSC / 4u] = PL011_INT_RX | PL011_INT_RT;
    }
    arch_gic_route(cfg_hyp.console_intid, arch_cpu_index());
    arch_gic_set_enabled(cfg_hyp.console_intid, arch_cpu_index(), true);
}

uint32_t arch_cpu_index(void)
{
    const struct arch_cpu *c = (const struct arch_cpu *)(uintptr_t)SYSREG_READ(tpidr_el2);

    return c->index;
}

int64_t arch_cpu_start(uint32_t cpu)
{
    register uint64_t x0 __asm__("x0") = PSCI_CPU_ON_64;
    register uint64_t x1 __asm__("x1") = cfg_cpus[cpu].mpidr;
    register uint64_t x2 __asm__("x2") = (uint64_t)(uintptr_t)secondary_entry;
    register uint64_t x3 __asm__("x3") = cpu;

    if (cfg_hyp.psci_smc != 0u) {
        __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    } else {
        __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    }
    return (int64_t)x0;
}

void arch_wait_event(void)
{
    __asm__ volatile("wfe" : : : "memory");
}

void arch_send_event(void)
{
    __asm__ volatile("dsb ish; sev" : : : "memory");
}

void arch_cpu_idle_current(void)
{
    arch_vcpu_quiesce();
    boot_cpu_idle(arch_cpu_index());
}

void arch_cpu_park(void)
{
    __asm__ volatile("msr daifset, #0xf");
    for (;;) {
        __asm__ volatile("wfi");
    }
}

const uint8_t *arch_fw_dtb_copy(uint32_t *len)
{
    *len = arch_fw_dtb_len;
    return arch_fw_dtb;
}

void arch_stop_system(void)
{
    uint32_t self = arch_cpu_index();
    uint32_t i;

    for (i = 0u; i < CFG_NUM_CPUS; i++) {
        if ((i != self) && (cfg_cpus[i].vcpu != CFG_NO_VCPU)) {
            arch_gic_send_sgi(i, ARCH_SGI_STOP);
        }
    }
    boot_stop_requested();
    arch_cpu_park();
}

void *arch_phys_to_virt(uint64_t pa)
{
    /* The EL2 tables map everything the hypervisor touches at VA == PA. */
    return (void *)(uintptr_t)pa;
}

void arch_zero(uint64_t pa, uint64_t len)
{
    uint64_t dczid = SYSREG_READ(dczid_el0);
    uint64_t block = 4ULL << (dczid & 0xfu);
    uint64_t a = pa;
    uint64_t end = pa + len;

    /* DC ZVA zeroes a whole block per instruction when permitted (DCZID_EL0.DZP = 0). */
    if ((dczid & 0x10u) == 0u) {
        for (; ((a & (block - 1u)) == 0u) && ((a + block) <= end); a += block) {
            __asm__ volatile("dc zva, %0" : : "r"(a) : "memory");
        }
    }
    (void)memset(arch_phys_to_virt(a), 0, (size_t)(end - a));
    dsb_ish();
}

void arch_hyp_timer_set(uint64_t deadline)
{
    if (deadline == 0u) {
        SYSREG_WRITE(cnthp_ctl_el2, 2u); /* IMASK, disabled */
        return;
    }
    SYSREG_WRITE(cnthp_cval_el2, deadline);
    SYSREG_WRITE(cnthp_ctl_el2, 1u); /* ENABLE, not masked */
    isb();
    arch_gic_set_enabled(ARCH_PPI_HYP_TIMER, arch_cpu_index(), true);
}

uint64_t arch_counter(void)
{
    isb();
    return SYSREG_READ(cntpct_el0);
}

uint64_t arch_counter_hz(void)
{
    return SYSREG_READ(cntfrq_el0);
}

void arch_dcache_clean_inval(uint64_t pa, uint64_t len)
{
    uint64_t ctr = SYSREG_READ(ctr_el0);
    uint64_t line = 4ULL << ((ctr >> 16) & 0xfu); /* DminLine, in bytes */
    uint64_t a;

    for (a = pa & ~(line - 1u); a < (pa + len); a += line) {
        __asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
    }
    dsb_ish();
}

void arch_sync_guest_image(uint64_t pa, uint64_t len)
{
    uint64_t ctr = SYSREG_READ(ctr_el0);
    uint64_t line = 4ULL << ((ctr >> 16) & 0xfu); /* DminLine, in bytes */
    uint64_t end = pa + len;
    uint64_t a = pa & ~(line - 1u);

    /* Clean to the point of coherency: the guest starts with its caches off. Eight lines per
     * step while eight start below end (a <= pa <= end: no wrap), then one (a line a step was
     * 4 instructions a line, about 1,270 of the boot's for its 20 KiB guest; eight, 2.4). */
    while ((end - a) > (7u * line)) {
        /* Written out: the compiler (-Os) keeps an inner loop a loop. */
        __asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
        __asm__ volatile("dc cvac, %0" : : "r"(a + line) : "memory");
        __asm__ volatile("dc cvac, %0" : : "r"(a + (2u * line)) : "memory");
        __asm__ volatile("dc cvac, %0" : : "r"(a + (3u * line)) : "memory");
        __asm__ volatile("dc cvac, %0" : : "r"(a + (4u * line)) : "memory");
        __asm__ volatile("dc cvac, %0" : : "r"(a + (5u * line)) : "memory");
        __asm__ volatile("dc cvac, %0" : : "r"(a + (6u * line)) : "memory");
        __asm__ volatile("dc cvac, %0" : : "r"(a + (7u * line)) : "memory");
        a += 8u * line;
    }
    for (; a < end; a += line) {
        __asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
    }
    dsb_ish();
    __asm__ volatile("ic ialluis" : : : "memory");
    dsb_ish();
    isb();
}

/* ID_AA64DFR0_EL1 fields (Arm ARM D19.2.63): breakpoints, watchpoints, PMU version. */
#define DFR0_BRPS(d) ((((d) >> 12) & 0xfu) + 1u)
#define DFR0_WRPS(d) ((((d) >> 20) & 0xfu) + 1u)
#define DFR0_PMUVER(d) (((d) >> 8) & 0xfu)
/* PMCR_EL0 (D19.4.7): E = 0 (stopped), P (bit 1) resets the event counters, C (bit 2) the cycle counter; N = counters. */
#define PMCR_EL0_RESET_PC 0x6u
#define PMCR_EL0_N(r) (((r) >> 11) & 0x1fu)
/* All 31 event counters and the cycle counter (bit 31) of PM*CLR registers. */
#define PM_ALL_COUNTERS 0xffffffffULL

/* Every breakpoint and watchpoint disabled and cleared (DBGBCR<n>.E = 0, DBGWCR<n>.E = 0). */
static void arch_el1_reset_debug(uint64_t dfr0)
{
    SYSREG_WRITE(mdscr_el1, 0u);
    SYSREG_WRITE(mdccint_el1, 0u);
    arch_debug_reset(DFR0_BRPS(dfr0), DFR0_WRPS(dfr0));
}

/* PMU stopped, counters zeroed, no overflow/interrupt/EL0 access, every event type 0 (PMUv3, D12). */
static void arch_el1_reset_pmu(uint64_t dfr0)
{
    uint64_t n;
    uint64_t i;

    if ((DFR0_PMUVER(dfr0) == 0u) || (DFR0_PMUVER(dfr0) == 0xfu)) {
        return;
    }
    n = PMCR_EL0_N(SYSREG_READ(pmcr_el0));
    SYSREG_WRITE(pmcntenclr_el0, PM_ALL_COUNTERS);
    SYSREG_WRITE(pmintenclr_el1, PM_ALL_COUNTERS);
    SYSREG_WRITE(pmovsclr_el0, PM_ALL_COUNTERS);
    SYSREG_WRITE(pmuserenr_el0, 0u);
    SYSREG_WRITE(pmccfiltr_el0, 0u);
    for (i = 0u; i < n; i++) {
        SYSREG_WRITE(pmselr_el0, i);
        isb();
        SYSREG_WRITE(pmxevtyper_el0, 0u);
    }
    SYSREG_WRITE(pmselr_el0, 0u);
    /* E = 0 (stopped); P and C zero every counter. */
    SYSREG_WRITE(pmcr_el0, PMCR_EL0_RESET_PC);
}

/*
 * The EL1/EL0 registers of a fresh vCPU: what a reset leaves (Arm ARM
 * D1.9 and the register descriptions in D19/D23: UNKNOWN resets are made 0 so
 * that nothing of a previous life shows), MMU and caches off as the Linux boot
 * protocol requires, no translation, no vectors, no thread IDs, EL1 timers
 * stopped, FP/SIMD zero, PMU and debug reset.
 */
static void arch_el1_reset(void)
{
    uint64_t dfr0 = SYSREG_READ(id_aa64dfr0_el1);

    SYSREG_WRITE(sctlr_el1, SCTLR_EL1_RESET);
    isb();
    SYSREG_WRITE(ttbr0_el1, 0u);
    SYSREG_WRITE(ttbr1_el1, 0u);
    SYSREG_WRITE(tcr_el1, 0u);
    SYSREG_WRITE(mair_el1, 0u);
    SYSREG_WRITE(amair_el1, 0u);
    SYSREG_WRITE(vbar_el1, 0u);
    SYSREG_WRITE(contextidr_el1, 0u);
    SYSREG_WRITE(tpidr_el0, 0u);
    SYSREG_WRITE(tpidrro_el0, 0u);
    SYSREG_WRITE(tpidr_el1, 0u);
    SYSREG_WRITE(sp_el0, 0u);
    SYSREG_WRITE(sp_el1, 0u);
    SYSREG_WRITE(elr_el1, 0u);
    SYSREG_WRITE(spsr_el1, 0u);
    SYSREG_WRITE(esr_el1, 0u);
    SYSREG_WRITE(far_el1, 0u);
    SYSREG_WRITE(par_el1, 0u);
    SYSREG_WRITE(afsr0_el1, 0u);
    SYSREG_WRITE(afsr1_el1, 0u);
    SYSREG_WRITE(csselr_el1, 0u);
    SYSREG_WRITE(cntkctl_el1, 0u);
    /* FP/SIMD trapped at EL1 and EL0 until the guest enables it (CPACR_EL1.FPEN = 0). */
    SYSREG_WRITE(cpacr_el1, 0u);
    SYSREG_WRITE(cntv_ctl_el0, 0u);
    SYSREG_WRITE(cntv_cval_el0, 0u);
    SYSREG_WRITE(cntp_ctl_el0, 0u);
    SYSREG_WRITE(cntp_cval_el0, 0u);
    arch_el1_reset_debug(dfr0);
    arch_el1_reset_pmu(dfr0);
    arch_fp_reset();
    isb();
}

/* The EL1 timers of this CPU stopped, their interrupt lines low (CNTx_CTL.ENABLE = 0). */
static void arch_el1_timers_stop(void)
{
    SYSREG_WRITE(cntv_ctl_el0, 0u);
    SYSREG_WRITE(cntp_ctl_el0, 0u);
    isb();
}

uint64_t arch_el1_vbar(void)
{
    return SYSREG_READ(vbar_el1);
}

void arch_el1_exception(uint64_t esr, uint64_t far, uint64_t elr, uint64_t spsr)
{
    SYSREG_WRITE(esr_el1, esr);
    SYSREG_WRITE(far_el1, far);
    SYSREG_WRITE(elr_el1, elr);
    SYSREG_WRITE(spsr_el1, spsr);
}

/*
 * The calling CPU's vCPU has stopped (halt, restart, CPU_OFF): its EL1 timers
 * stop, and every interrupt its list registers and timer PPIs still hold at
 * the physical GIC is released, so that nothing of this life fires into the
 * next one (or stays active and silent in it).
 */
static void arch_vcpu_quiesce(void)
{
    uint32_t cpu = arch_cpu_index();

    arch_el1_timers_stop();
    /* LR-held hardware interrupts are deactivated by the reset of the CPU interface. */
    arch_gic_vcpu_reset();
    /* A timer PPI acknowledged at EL2 but never put in a list register is still active. */
    arch_gic_clear_active(ARCH_PPI_VTIMER, cpu);
    arch_gic_clear_active(ARCH_PPI_PTIMER, cpu);
}

/* Per CPU: MDCR_EL2 trap bits its vCPUs run with (arch_cpu_trap_debug_pmu). */
static uint64_t arch_mdcr_traps[CFG_NUM_CPUS];

void arch_cpu_trap_debug_pmu(bool on)
{
    arch_mdcr_traps[arch_cpu_index()] = on ? MDCR_EL2_TRAP_DEBUG_PMU : 0u;
}

/* The EL2 controls of v's partition: stage-2 translation with its VMID, traps, virtual IDs. */
static void arch_vcpu_el2_setup(const struct vcpu *v)
{
    const struct cfg_partition *cp = &cfg_partitions[v->partition];
    uint64_t parange = SYSREG_READ(id_aa64mmfr0_el1) & 0xfu;
    uint64_t ps = (parange < 2u) ? parange : 2u;

    SYSREG_WRITE(vtcr_el2, VTCR_EL2_GUEST | (ps << 16));
    SYSREG_WRITE(vttbr_el2, (uint64_t)(uintptr_t)cp->s2_root | ((uint64_t)cp->vmid << 48));
    SYSREG_WRITE(hcr_el2, HCR_EL2_GUEST);
    SYSREG_WRITE(actlr_el2, ACTLR_EL2_GUEST);
    SYSREG_WRITE(vpidr_el2, SYSREG_READ(midr_el1));
    SYSREG_WRITE(vmpidr_el2, (1ULL << 31) | cfg_vcpus[v->id].vmpidr);
    SYSREG_WRITE(cptr_el2, CPTR_EL2_GUEST);
    /* MDCR_EL2.HPMN = all counters to EL1. On a pinned CPU nothing is trapped: the guest owns PMU
     * and debug; on a shared CPU they trap (and stay at their reset values for every partition). */
    SYSREG_WRITE(mdcr_el2, PMCR_EL0_N(SYSREG_READ(pmcr_el0)) | arch_mdcr_traps[arch_cpu_index()]);
}

/* Words of struct arch_vcpu_ctx: EL1 registers, timers, virtual CPU interface, FP/SIMD. */
#define CTX_EL1 0u
#define CTX_EL1_WORDS 24u
#define CTX_TIMER (CTX_EL1 + CTX_EL1_WORDS)
#define CTX_GIC (CTX_TIMER + 4u)
#define CTX_FP (CTX_GIC + ARCH_GIC_CTX_WORDS)
#define CTX_FP_WORDS 66u
_Static_assert((CTX_FP + CTX_FP_WORDS) <= ARCH_VCPU_CTX_WORDS, "struct arch_vcpu_ctx too small");

/* One EL1/EL0 register a vCPU owns: saved at the end of its window, restored at its start. */
#define EL1_REGS(X) \
    X(0u, sctlr_el1) X(1u, ttbr0_el1) X(2u, ttbr1_el1) X(3u, tcr_el1) X(4u, mair_el1) X(5u, amair_el1) \
    X(6u, vbar_el1) X(7u, contextidr_el1) X(8u, tpidr_el0) X(9u, tpidrro_el0) X(10u, tpidr_el1) X(11u, sp_el0) \
    X(12u, sp_el1) X(13u, elr_el1) X(14u, spsr_el1) X(15u, esr_el1) X(16u, far_el1) X(17u, par_el1) \
    X(18u, afsr0_el1) X(19u, afsr1_el1) X(20u, csselr_el1) X(21u, cntkctl_el1) X(22u, cpacr_el1) X(23u, mdscr_el1)
#define EL1_SAVE(i, r) ctx->w[CTX_EL1 + (i)] = SYSREG_READ(r);
#define EL1_RESTORE(i, r) SYSREG_WRITE(r, ctx->w[CTX_EL1 + (i)]);

void arch_vcpu_save(struct arch_vcpu_ctx *ctx)
{
    uint32_t cpu = arch_cpu_index();

    EL1_REGS(EL1_SAVE)
    /* Timers (Arm ARM D11.2.4): the compare values stay; stopped here, an expired one
     * asserts its PPI again when restored, and the vGIC takes it then. */
    ctx->w[CTX_TIMER + 0u] = SYSREG_READ(cntv_ctl_el0);
    ctx->w[CTX_TIMER + 1u] = SYSREG_READ(cntv_cval_el0);
    ctx->w[CTX_TIMER + 2u] = SYSREG_READ(cntp_ctl_el0);
    ctx->w[CTX_TIMER + 3u] = SYSREG_READ(cntp_cval_el0);
    arch_el1_timers_stop();
    /* A timer PPI acknowledged at EL2 for this vCPU must not block the next vCPU's. */
    arch_gic_clear_active(ARCH_PPI_VTIMER, cpu);
    arch_gic_clear_active(ARCH_PPI_PTIMER, cpu);
    arch_gic_vcpu_save(&ctx->w[CTX_GIC]);
    arch_fp_save(&ctx->w[CTX_FP]);
}

void arch_vcpu_restore(struct vcpu *v, const struct arch_vcpu_ctx *ctx)
{
    arch_vcpu_el2_setup(v);
    EL1_REGS(EL1_RESTORE)
    arch_fp_restore(&ctx->w[CTX_FP]);
    arch_gic_vcpu_restore(&ctx->w[CTX_GIC]);
    SYSREG_WRITE(cntv_cval_el0, ctx->w[CTX_TIMER + 1u]);
    SYSREG_WRITE(cntp_cval_el0, ctx->w[CTX_TIMER + 3u]);
    SYSREG_WRITE(cntv_ctl_el0, ctx->w[CTX_TIMER + 0u] & 3u); /* ENABLE, IMASK; ISTATUS is read-only */
    SYSREG_WRITE(cntp_ctl_el0, ctx->w[CTX_TIMER + 2u] & 3u);
    isb();
}

/* Read by the exit fast paths (vectors.S): the console's words, see arch_exit_fast_console(). */
struct arch_fast_console arch_fast_console;

void arch_exit_fast_console(const uint32_t *queued, const bool *typed)
{
    arch_fast_console.queued = queued;
    arch_fast_console.typed = typed;
}

void arch_irq_fast_bind(uint32_t vcpu_id, const uint32_t *news)
{
    arch_irq_fast[vcpu_id].news = news;
}

void arch_irq_fast_set(uint32_t vcpu_id, uint64_t lr, uint32_t hold)
{
    /* Single-copy atomic stores: the vector of the vCPU's CPU reads the old value or the new one.
     * hold only changes on that CPU (list registers are written there only), so it never tears
     * against the vector. */
    __atomic_store_n(&arch_irq_fast[vcpu_id].hold, hold, __ATOMIC_RELAXED);
    __atomic_store_n(&arch_irq_fast[vcpu_id].lr, lr, __ATOMIC_RELEASE);
}

uint32_t arch_irq_fast_take(uint32_t vcpu_id)
{
    /* Own CPU with interrupts masked: the vector cannot run meanwhile, no atomics needed. */
    uint32_t lrs = arch_irq_fast[vcpu_id].lrs;

    arch_irq_fast[vcpu_id].lrs = 0u;
    return lrs;
}

uint32_t arch_irq_fast_vintid(uint32_t vcpu_id, uint32_t i)
{
    return arch_irq_fast[vcpu_id].vintid[i % 16u];
}

void arch_sgi_send_bind(uint32_t vcpu_id, uint32_t first_id, uint32_t num, uint32_t *news)
{
    /* Per vCPU: the ICC_SGI1R_EL1 value that kicks its CPU (read by the sync vector's SGI path). */
    static uint64_t arch_kick_sgir[CFG_NUM_VCPUS];
    struct arch_irq_fast *f = &arch_irq_fast[vcpu_id];
    uint32_t vcpus = 0u;
    bool plain = num <= 16u;
    uint32_t i;

    arch_kick_sgir[vcpu_id] = arch_gic_sgir(cfg_vcpus[vcpu_id].pcpu, ARCH_SGI_KICK);
    f->sgi_news = news;
    f->sgi_kick = &arch_kick_sgir[first_id];
    f->sgi_self = 1u << ((vcpu_id - first_id) % 32u);
    /* The vector decodes a target list as vCPU bits only where vCPU i is 0.0.0.i (the
     * generator's plan: vmpidr = i) and every vCPU has its own CPU (a kick for each target). */
    for (i = 0u; i < num; i++) {
        if (((cfg_vcpus[first_id + i].vmpidr & MPIDR_AFF_MASK) != i) ||
            ((i != (vcpu_id - first_id)) && (cfg_vcpus[first_id + i].pcpu == cfg_vcpus[vcpu_id].pcpu))) {
            plain = false;
        }
        vcpus |= 1u << (i % 32u);
    }
    f->sgi_vcpus = plain ? vcpus : 0u;
}

void arch_sgi_fast_set(uint32_t vcpu_id, uint32_t n, uint64_t lr, uint32_t hold)
{
    /* As arch_irq_fast_set(): single-copy atomic stores, an SGI's hold changes only on the vCPU's CPU. The posted
     * SPI's slot is written by its sender (any CPU) before it sets the word's bit, which the vector reads first
     * (ldaxr); a re-post while the bit is set writes the word again, so a vector that read the old slot fails
     * its stlxr and leaves the kick to C. */
    __atomic_store_n(&arch_irq_fast[vcpu_id].sgi_hold[n % ARCH_FAST_SLOTS], hold, __ATOMIC_RELAXED);
    __atomic_store_n(&arch_irq_fast[vcpu_id].sgi_lr[n % ARCH_FAST_SLOTS], lr, __ATOMIC_RELEASE);
}

/* Read by the sync vector's vUART path (vectors.S, exit_dabt_fast), per partition. */
struct arch_vuart_fast arch_vuart_fast[CFG_NUM_PARTITIONS];

void arch_vuart_fast_bind(uint32_t p, uint64_t dr_ipa, const uint32_t *cr, const bool *level, uint64_t *tx_bytes)
{
    struct arch_vuart_fast *f = &arch_vuart_fast[p];

    /* Before the partition's vCPUs run (its reset), with the same addresses each time. */
    f->cr = cr;
    f->level = level;
    f->tx_bytes = tx_bytes;
    /* As HPFAR_EL2 gives it (FIPA, bits [43:4] = IPA[51:12]; RES0 below: never all ones) and the page offset. */
    f->dr_page = (dr_ipa == ARCH_VUART_NONE) ? ARCH_VUART_NONE : ((dr_ipa >> 12) << 4);
    f->dr_offset = dr_ipa & 0xfffu;
}

void arch_console_line_bind(uint32_t p, char *text, uint32_t *len, struct arch_lock *lock)
{
    struct arch_vuart_fast *f = &arch_vuart_fast[p];

    f->text = text;
    f->len = len;
    f->lock = lock;
}

void arch_vcpu_resume(struct vcpu *v)
{
    struct arch_cpu *c = (struct arch_cpu *)(uintptr_t)SYSREG_READ(tpidr_el2);

    c->vcpu = v;
    c->regs = &v->regs;
    c->irq_fast = &arch_irq_fast[v->id];
    c->vuart_fast = &arch_vuart_fast[v->partition];
    arch_guest_eret(&v->regs, c->stack_top);
}

void arch_vcpu_enter(struct vcpu *v)
{
    struct arch_cpu *c = (struct arch_cpu *)(uintptr_t)SYSREG_READ(tpidr_el2);

    arch_vcpu_el2_setup(v);
    arch_el1_reset();
    SYSREG_WRITE(cnthctl_el2, ARCH_CNTHCTL_EL2);
    SYSREG_WRITE(cntvoff_el2, 0u);
    SYSREG_WRITE(icc_sre_el2, ICC_SRE_EL2_VALUE);
    isb();
    arch_gic_vcpu_reset();
    __asm__ volatile("tlbi vmalls12e1" : : : "memory");
    __asm__ volatile("dsb nsh" : : : "memory");
    isb();

    c->vcpu = v;
    c->regs = &v->regs;
    c->irq_fast = &arch_irq_fast[v->id];
    c->vuart_fast = &arch_vuart_fast[v->partition];
    /* Its list registers are empty: nothing the vector filled is left to take. */
    c->irq_fast->lrs = 0u;
    arch_guest_eret(&v->regs, c->stack_top);
}

_Static_assert(((uint32_t)TRAP_RESUME == ARCH_EXIT_RESUME) && ((uint32_t)TRAP_STOP == ARCH_EXIT_STOP) &&
                   ((uint32_t)TRAP_FULL == ARCH_EXIT_FULL),
               "arch_trap_dabt returns a trap_action as the vector's exit code");

static uint64_t arch_exit_result(enum trap_action a)
{
    return (a == TRAP_STOP) ? ARCH_EXIT_STOP : ARCH_EXIT_RESUME;
}

/* Light step of an HVC exit (vectors.S checked ESR_EL2.EC): no syndrome decoding, no fault
 * address; ELR_EL2 already points past the HVC. */
uint64_t arch_trap_hvc(struct arch_cpu *c)
{
    hypercall_handle(c->vcpu, CFG_CONDUIT_HVC);
    return arch_exit_result(trap_exit_done(c->vcpu, TRAP_RESUME));
}

/*
 * Light step of a data abort (vectors.S checked ESR_EL2.EC): an MMIO access
 * whose transfer register the light step saved is emulated here
 * (trap_data_abort() reads or writes no other guest register); any other
 * abort returns ARCH_EXIT_FULL having done nothing, for arch_trap_sync().
 */
uint32_t arch_trap_dabt(struct arch_cpu *c)
{
    /* trap_dabt_exit answers TRAP_RESUME, TRAP_STOP or TRAP_FULL: the ARCH_EXIT_* values; 32 bits, so that
     * this is a tail call (the vector tests w0). */
    return (uint32_t)trap_dabt_exit(c->vcpu, SYSREG_READ(esr_el2), SYSREG_READ(far_el2), SYSREG_READ(hpfar_el2));
}

/* A synchronous exit other than HVC: every guest register is in c->regs. */
uint64_t arch_trap_sync(struct arch_cpu *c)
{
    struct trap_info t;

    t.esr = SYSREG_READ(esr_el2);
    t.far = SYSREG_READ(far_el2);
    t.hpfar = SYSREG_READ(hpfar_el2);
    return arch_exit_result(trap_exit_done(c->vcpu, trap_sync(c->vcpu, &t)));
}

/* Light step of an IRQ exit (the vector acknowledged the interrupt into c->irq_intid and did not
 * take it itself); the scheduler's tick and the stop SGI take the full step. */
uint64_t arch_trap_irq(struct arch_cpu *c)
{
    uint32_t intid = c->irq_intid;

    if (!trap_irq_light(intid)) {
        c->irq_intid = intid;
        return ARCH_EXIT_FULL;
    }
    trap_irq(c->vcpu, intid);
    return arch_exit_result(trap_exit_done(c->vcpu, TRAP_RESUME));
}

uint64_t arch_trap_irq_full(struct arch_cpu *c)
{
    trap_irq(c->vcpu, c->irq_intid);
    return arch_exit_result(trap_exit_done(c->vcpu, TRAP_RESUME));
}

uint64_t arch_trap_serror(struct arch_cpu *c)
{
    return arch_exit_result(trap_exit_done(c->vcpu, trap_serror(c->vcpu, SYSREG_READ(esr_el2))));
}

void arch_trap_el2(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far)
{
    char text[CONSOLE_LINE_MAX];

    /* No lock is taken on this path: the CPU may have died holding any of them. */
    (void)fmt_snprintf(text, sizeof(text),
                       "[septum] hypervisor exception %lu on CPU %u: ESR 0x%lx ELR 0x%lx FAR 0x%lx; "
                       "all partitions stopped",
                       (unsigned long)kind, (unsigned)arch_cpu_index(), (unsigned long)esr, (unsigned long)elr,
                       (unsigned long)far);
    console_emergency(text);
    arch_stop_system();
}
