/* SPDX-License-Identifier: Apache-2.0 */
/* Per-CPU state of the aarch64 port; TPIDR_EL2 points at the CPU's record. */
#pragma once

#include "config.h"
#include "types.h"

struct vcpu;
struct vcpu_regs;

/*
 * CNTHCTL_EL2: EL1PCTEN | EL1PCEN (the guest owns the EL1 timers of its CPU),
 * EVNTEN with EVNTI = 14: an event every 2^15 ticks (0.5 ms at 62.5 MHz) so
 * that WFE waits at EL2 wake up to poll.
 */
#define ARCH_CNTHCTL_EL2 (0x3ULL | (1ULL << 2) | (14ULL << 4))

/** Bytes of EL2 stack per physical CPU. */
#define ARCH_STACK_SIZE_VALUE 16384u

/**
 * Per vCPU: what the IRQ vector's fast path reads and writes (arch.h, arch_irq_fast_*).
 * lr and news are written by C (lr from any CPU, single-copy atomic 64-bit store), lrs only on
 * the vCPU's own CPU (by the vector, with interrupts masked, and by arch_irq_fast_take());
 * slot 16 of sgi_lr / sgi_hold (the posted SPI) by the SPI's sender, from any CPU.
 */
struct arch_irq_fast {
    uint16_t vintid[16];      /**< the vINTID the vector last put into each list register (offset 0) */
    uint64_t lr;              /**< ICH_LR value for the virtual timer PPI; 0: take the C path */
    const uint32_t *news;     /**< the vCPU's vGIC change word */
    uint32_t lrs;             /**< list registers the vector filled, not yet taken by the vGIC */
    uint32_t hold;            /**< the list register the vGIC put the timer in (0: none): must be empty */
    /* The sync vector's ICC_SGI1R_EL1 path (set once per partition reset, arch_sgi_send_bind). */
    uint32_t *sgi_news;       /**< changed word of the partition's vCPU 0 (vCPU i's at [i]) */
    const uint64_t *sgi_kick; /**< ICC_SGI1R_EL1 value kicking vCPU 0's CPU (vCPU i's at [i]) */
    uint32_t sgi_self;        /**< this vCPU's bit in a target list */
    uint32_t sgi_vcpus;       /**< target-list bits that name the partition's vCPUs; 0: the C path */
    /* After the send path's words: its ldp of sgi_self, sgi_vcpus needs an offset below 256. */
    uint64_t sgi_lr[ARCH_FAST_SLOTS];   /**< ICH_LR value for SGI n from the inbox (16: the posted SPI); 0: the C path */
    uint32_t sgi_hold[ARCH_FAST_SLOTS]; /**< the list register the vGIC put SGI n in (0: none): must be empty */
};
/* The vector reads lrs and hold as one 64-bit word (lrs in its low half): vectors.S checks it. */

/** The console's words the exit fast paths check (arch_exit_fast_console), read by vectors.S. */
struct arch_fast_console {
    const uint32_t *queued;   /**< lines queued anywhere (console.c) */
    const bool *typed;        /**< a typed byte waits to be shown */
};
/* vectors.S loads the pair with one ldp: it checks that typed follows queued. */
extern struct arch_fast_console arch_fast_console;

struct arch_lock;

/**
 * Per partition: what the sync vector's vUART path reads (arch.h, arch_vuart_fast_bind and
 * arch_console_line_bind). Written before the partition's vCPUs run (console_init, vdev_reset);
 * the addresses never change afterwards. 64 bytes: vectors.S indexes it with a shift.
 */
struct arch_vuart_fast {
    uint64_t dr_page;         /**< the HPFAR_EL2 value of its vUART DR's page; ARCH_VUART_NONE: none */
    const uint32_t *cr;       /**< its CR (LBE set: the C path) */
    const bool *level;        /**< the level last driven on its interrupt line (high: the C path) */
    uint64_t *tx_bytes;       /**< its count of transmitted bytes */
    char *text;               /**< the partition's unfinished console line */
    uint32_t *len;            /**< its length in bytes */
    struct arch_lock *lock;   /**< that line's writer lock */
    uint64_t dr_offset;       /**< the DR's offset in that page (FAR_EL2[11:0]) */
};
/* vectors.S checks the size and that cr/level and text/len are ldp pairs. */
extern struct arch_vuart_fast arch_vuart_fast[CFG_NUM_PARTITIONS];

/** Per physical CPU: where exits save the guest registers, and the stack. */
struct arch_cpu {
    struct vcpu_regs *regs;   /**< registers of the vCPU running here */
    struct vcpu *vcpu;        /**< that vCPU */
    uint64_t stack_top;       /**< initial SP_EL2, reset on every guest entry */
    uint32_t index;           /**< index into cfg_cpus */
    uint32_t bhb_loops;       /**< branch-history loop count run on every exit (Spectre-BHB), 0: none needed */
    uint32_t irq_intid;       /**< interrupt the IRQ vector acknowledged, for the C steps */
    struct arch_irq_fast *irq_fast;  /**< the running vCPU's fast-path record */
    struct arch_vuart_fast *vuart_fast;  /**< its partition's vUART byte record (sync vector) */
};

/** ICC_SGI1R_EL1 value that sends SGI sgi to physical CPU cpu alone (gic.c). */
uint64_t arch_gic_sgir(uint32_t cpu, uint32_t sgi);

/** What an exit's C step tells vectors.S. */
#define ARCH_EXIT_RESUME 0u
#define ARCH_EXIT_STOP 1u
#define ARCH_EXIT_FULL 2u
/**
 * Exception entry from a lower EL, light step (vectors.S: x0-x19, x30, PC, PSTATE saved):
 * 0 resume, 1 stop the vCPU, 2 the full step is needed (nothing done yet).
 */
uint64_t arch_trap_hvc(struct arch_cpu *c);
uint32_t arch_trap_dabt(struct arch_cpu *c);  /* an ARCH_EXIT_* code in w0 (vectors.S tests w0) */
uint64_t arch_trap_irq(struct arch_cpu *c);
/** Full step (every register saved): 0 resume, nonzero stop the vCPU. */
uint64_t arch_trap_sync(struct arch_cpu *c);
uint64_t arch_trap_irq_full(struct arch_cpu *c);
/** Where a CPU goes when its vCPU stops: wait for PSCI CPU_ON (boot_cpu_idle). */
void arch_cpu_idle_current(void) NORETURN;
/** Clear this CPU's list registers and virtual CPU interface state for a fresh vCPU. */
void arch_gic_vcpu_reset(void);
/** Words of arch_gic_vcpu_save(): 16 list registers, 8 active-priority registers, VMCR, HCR, timer PPI enables. */
#define ARCH_GIC_CTX_WORDS 27u
/** Save this CPU's virtual CPU interface into w and clear it (nothing deactivated). */
void arch_gic_vcpu_save(uint64_t *w);
/** Put back a virtual CPU interface saved by arch_gic_vcpu_save(). */
void arch_gic_vcpu_restore(const uint64_t *w);
/** Save Q0..Q31, FPCR, FPSR into w[66] (el1_reset.S); restore them. */
void arch_fp_save(uint64_t *w);
void arch_fp_restore(const uint64_t *w);
/** Zero V0..V31, FPCR and FPSR of the calling CPU (el1_reset.S). */
void arch_fp_reset(void);
/** Zero the first brps breakpoint and wrps watchpoint register pairs (el1_reset.S; at most 16 each). */
void arch_debug_reset(uint64_t brps, uint64_t wrps);
/** The EL1 virtual and physical timer PPIs. */
#define ARCH_PPI_VTIMER 27u
#define ARCH_PPI_PTIMER 30u
/** Exception entry from a lower EL: SError. Returns nonzero to stop the CPU. */
uint64_t arch_trap_serror(struct arch_cpu *c);
/** An exception taken from EL2 itself: a hypervisor bug. Stops this CPU. */
void arch_trap_el2(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far) NORETURN;
/** C entry of the boot CPU (start.S). */
void arch_primary_main(uint32_t cpu, uint64_t fw_dtb, uint64_t fw_dtb_len) NORETURN;
/** C entry of the other CPUs (start.S). */
void arch_secondary_main(uint32_t cpu) NORETURN;
/** Restore the registers at regs and ERET (vectors.S). */
void arch_guest_eret(struct vcpu_regs *regs, uint64_t stack_top) NORETURN;
