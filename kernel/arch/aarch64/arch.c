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
#include "sysreg.h"
#include "trap.h"
#include "vcpu.h"

/* HCR_EL2: RW | TSC | BSU=IS | FB | AMO | IMO | FMO | SWIO | VM. */
#define HCR_EL2_GUEST 0x8008063bULL
/* VTCR_EL2: RES1 | SH0 inner | ORGN0/IRGN0 WB-WA | SL0 = level 1 | T0SZ 25; PS added. */
#define VTCR_EL2_GUEST 0x80003559ULL
/* SCTLR_EL1 reset state for a guest: RES1 bits only, MMU and caches off. */
#define SCTLR_EL1_RESET 0x30d00800ULL
/* CPTR_EL2: RES1 bits, nothing trapped (FP/SIMD belongs to the only vCPU here). */
#define CPTR_EL2_GUEST 0x33ffULL
/* ICC_SRE_EL2: Enable | DIB | DFB | SRE. */
#define ICC_SRE_EL2_VALUE 0xfULL
/* PSCI 0.2+ function IDs (Arm DEN0022). */
#define PSCI_CPU_ON_64 0xc4000003ULL

/* PL011 registers (Arm DDI0183). */
#define PL011_DR 0x00u
#define PL011_FR 0x18u
#define PL011_IMSC 0x38u
#define PL011_FR_RXFE (1u << 4)
#define PL011_FR_TXFF (1u << 5)
#define PL011_INT_RX (1u << 4)
#define PL011_INT_RT (1u << 6)
/* NS16550 with 32-bit register stride: word indexes. */
#define NS16550_THR 0u
#define NS16550_IER 1u
#define NS16550_LSR 5u
#define NS16550_LSR_DR (1u << 0)
#define NS16550_LSR_THRE (1u << 5)
/* Bound of a wait for UART FIFO space. */
#define UART_POLL_LIMIT 100000u

struct arch_cpu arch_cpus[CFG_NUM_CPUS];
uint8_t arch_stacks[CFG_NUM_CPUS][ARCH_STACK_SIZE_VALUE] __attribute__((aligned(4096), section(".stacks")));

/* Entry point of CPUs started through PSCI (start.S). */
extern char secondary_entry[];

void arch_primary_main(uint32_t cpu, uint64_t fw_dtb)
{
    arch_cpus[cpu].index = cpu;
    boot_primary(cpu, fw_dtb);
}

void arch_secondary_main(uint32_t cpu)
{
    arch_cpus[cpu].index = cpu;
    boot_secondary(cpu);
}

void arch_lock_acquire(struct arch_lock *lock)
{
    /* Wait with WFE: it yields the CPU under QEMU icount and saves power on hardware. */
    while (__atomic_exchange_n(&lock->word, 1u, __ATOMIC_ACQUIRE) != 0u) {
        __asm__ volatile("sevl; wfe");
    }
}

bool arch_lock_try(struct arch_lock *lock)
{
    return __atomic_exchange_n(&lock->word, 1u, __ATOMIC_ACQUIRE) == 0u;
}

void arch_lock_release(struct arch_lock *lock)
{
    __atomic_store_n(&lock->word, 0u, __ATOMIC_RELEASE);
    __asm__ volatile("dsb ish; sev" : : : "memory");
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
    boot_cpu_idle(arch_cpu_index());
}

void arch_cpu_park(void)
{
    __asm__ volatile("msr daifset, #0xf");
    for (;;) {
        __asm__ volatile("wfi");
    }
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

void arch_sync_guest_image(uint64_t pa, uint64_t len)
{
    uint64_t ctr = SYSREG_READ(ctr_el0);
    uint64_t line = 4ULL << ((ctr >> 16) & 0xfu); /* DminLine, in bytes */
    uint64_t a;

    /* Clean to the point of coherency: the guest starts with its caches off. */
    for (a = pa & ~(line - 1u); a < (pa + len); a += line) {
        __asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
    }
    dsb_ish();
    __asm__ volatile("ic ialluis" : : : "memory");
    dsb_ish();
    isb();
}

/* @req SRS-ISO-001: the partition's own stage-2 tables and VMID are installed before it runs. */
void arch_vcpu_enter(struct vcpu *v)
{
    const struct cfg_partition *cp = &cfg_partitions[v->partition];
    struct arch_cpu *c = (struct arch_cpu *)(uintptr_t)SYSREG_READ(tpidr_el2);
    uint64_t parange = SYSREG_READ(id_aa64mmfr0_el1) & 0xfu;
    uint64_t ps = (parange < 2u) ? parange : 2u;

    SYSREG_WRITE(vtcr_el2, VTCR_EL2_GUEST | (ps << 16));
    SYSREG_WRITE(vttbr_el2, (uint64_t)(uintptr_t)cp->s2_root | ((uint64_t)cp->vmid << 48));
    SYSREG_WRITE(hcr_el2, HCR_EL2_GUEST);
    SYSREG_WRITE(vpidr_el2, SYSREG_READ(midr_el1));
    SYSREG_WRITE(vmpidr_el2, (1ULL << 31) | cfg_vcpus[v->id].vmpidr);
    SYSREG_WRITE(sctlr_el1, SCTLR_EL1_RESET);
    SYSREG_WRITE(cptr_el2, CPTR_EL2_GUEST);
    SYSREG_WRITE(mdcr_el2, (SYSREG_READ(pmcr_el0) >> 11) & 0x1fu);
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
    arch_guest_eret(&v->regs, c->stack_top);
}

uint64_t arch_trap_sync(struct arch_cpu *c)
{
    struct trap_info t;

    t.esr = SYSREG_READ(esr_el2);
    t.far = SYSREG_READ(far_el2);
    t.hpfar = SYSREG_READ(hpfar_el2);
    return (trap_exit_done(c->vcpu, trap_sync(c->vcpu, &t)) == TRAP_STOP) ? 1u : 0u;
}

uint64_t arch_trap_irq(struct arch_cpu *c)
{
    trap_irq(c->vcpu, arch_gic_ack());
    return (trap_exit_done(c->vcpu, TRAP_RESUME) == TRAP_STOP) ? 1u : 0u;
}

uint64_t arch_trap_serror(struct arch_cpu *c)
{
    return (trap_exit_done(c->vcpu, trap_serror(c->vcpu, SYSREG_READ(esr_el2))) == TRAP_STOP) ? 1u : 0u;
}

void arch_trap_el2(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far)
{
    console_hyp_printf("hypervisor exception %lu: ESR 0x%lx ELR 0x%lx FAR 0x%lx; CPU stopped", (unsigned long)kind,
                       (unsigned long)esr, (unsigned long)elr, (unsigned long)far);
    arch_cpu_park();
}
