/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one interface between portable code (kernel/core, vdev) and the
 * hardware. Implemented in kernel/arch/aarch64 for the real image and in
 * tests/unit/fake_arch.c for host tests; the build picks the variant.
 */
#pragma once

#include "types.h"

struct vcpu;

/** A fair (ticket) spinlock; zero-initialised means unlocked. The layout of word is the implementation's. */
struct arch_lock {
    volatile uint32_t word;
};

/** Take lock, in the order CPUs asked for it, waiting with an event wait (so QEMU icount progresses). */
void arch_lock_acquire(struct arch_lock *lock);
/** Take lock if it is free; true if taken. */
bool arch_lock_try(struct arch_lock *lock);
/** Release lock. */
void arch_lock_release(struct arch_lock *lock);

/** Write one byte to the hypervisor's physical console, waiting (bounded) for space: only when the system stops. */
void arch_console_putc(char c);
/**
 * Write s[0..n) to the physical console while its transmit FIFO has room, up to and
 * including the first '\n' (a line's end: the console sends one line at a time); returns
 * how many bytes went (fewer than n: the FIFO is full, or a '\n' ended them). Never waits.
 */
uint32_t arch_console_tx_write(const char *s, uint32_t n);
/** Unmask (true) or mask the physical console's transmit interrupt (FIFO at or below its trigger level). */
void arch_console_tx_irq(bool on);
/** Clear a pending transmit interrupt of the physical console (before refilling its FIFO). */
void arch_console_tx_ack(void);
/** Read one received byte of the physical console into *c; false if none is waiting. */
bool arch_console_getc(char *c);
/** Enable the physical console's receive interrupt (cfg_hyp.console_intid, routed to the calling CPU). */
void arch_console_rx_enable(void);

/** SMCCC_ARCH_FEATURES answers for the Spectre workarounds (DEN0028 7.5, 7.7; Linux proton-pack.c). */
#define ARCH_SPECTRE_MITIGATED 0
#define ARCH_SPECTRE_UNAFFECTED 1
#define ARCH_SPECTRE_NOT_SUPPORTED (-1)
/** The calling CPU's type as Spectre-v2/BHB sees it (arch_spectre_core()). */
#define ARCH_SPECTRE_CORE_UNKNOWN 0u     /**< not known to Septum: nothing is claimed */
#define ARCH_SPECTRE_CORE_UNAFFECTED 1u  /**< Cortex-A35/A53/A55 */
#define ARCH_SPECTRE_CORE_FIRMWARE 2u    /**< Cortex-A57/A72: branch-predictor invalidation only by EL3 */
/** The calling CPU's type: an ARCH_SPECTRE_CORE_* value (from MIDR_EL1). */
uint32_t arch_spectre_core(void);
/**
 * An SMC32 fast call (fid, arg in x1) to the board's EL3 firmware; w0 as a signed result.
 * NOT_SUPPORTED without calling when the board's firmware conduit is not SMC.
 */
int32_t arch_firmware_call(uint32_t fid, uint32_t arg);
/** From now on every exit of the calling CPU calls SMCCC_ARCH_WORKAROUND_1 (el2_vectors_fw). */
void arch_spectre_firmware_on(void);

/** Index (into cfg_cpus) of the calling physical CPU. */
uint32_t arch_cpu_index(void);

/**
 * Start physical CPU cpu (index into cfg_cpus) at the kernel's secondary
 * entry through the firmware's PSCI CPU_ON. Returns the PSCI status (0 = ok).
 */
int64_t arch_cpu_start(uint32_t cpu);

/** Stop the calling CPU for good (interrupts masked, waits forever). */
void arch_cpu_park(void) NORETURN;
/**
 * Bring the whole system to its safe state after a hypervisor error: every
 * other CPU gets ARCH_SGI_STOP (the highest priority) and parks, leaving its
 * partition, then the calling CPU parks. Partitions never run again.
 */
void arch_stop_system(void) NORETURN;

/**
 * The boot CPU's copy of the firmware DTB, made before its MMU went on
 * (at most FWCHECK_DTB_MAX bytes, only from board RAM); *len = 0 if none.
 */
const uint8_t *arch_fw_dtb_copy(uint32_t *len);

/** A pointer through which the hypervisor reaches physical address pa. */
void *arch_phys_to_virt(uint64_t pa);

/** Zero physical memory [pa, pa+len) (scrubbing a partition's RAM before a restart). */
void arch_zero(uint64_t pa, uint64_t len);

/**
 * Arm the calling CPU's EL2 physical timer (CNTHP) to interrupt at counter
 * value deadline (ARCH_PPI_HYP_TIMER), or stop it when deadline is 0.
 */
void arch_hyp_timer_set(uint64_t deadline);
/** The EL2 physical timer's interrupt (PPI 26). */
#define ARCH_PPI_HYP_TIMER 26u

/** The system counter (CNTPCT_EL0), and its frequency in Hz. */
uint64_t arch_counter(void);
uint64_t arch_counter_hz(void);

/**
 * Clean and invalidate the data cache for [pa, pa+len) to the point of
 * coherency (Arm ARM D7.5.9, DC CIVAC): after a scrub, so that no dirty line of
 * the hypervisor's cacheable alias can later overwrite what a caches-off guest
 * writes; and before the hypervisor reads guest memory, so that it sees what
 * such a guest wrote rather than a stale line.
 */
void arch_dcache_clean_inval(uint64_t pa, uint64_t len);

/** Make [pa, pa+len) coherent for instruction fetch by a guest with MMU off. */
void arch_sync_guest_image(uint64_t pa, uint64_t len);

/** Wait for an event (WFE); returns at the latest after arch_send_event(). */
void arch_wait_event(void);
/** Wake every CPU waiting in arch_wait_event() (DSB; SEV). */
void arch_send_event(void);

/* ---- Physical GIC (GICv3), owned by the hypervisor ---- */

/** Hypervisor SGIs between physical CPUs. */
#define ARCH_SGI_KICK 0u   /**< re-evaluate the vCPU's interrupts / state */
#define ARCH_SGI_STOP 1u   /**< the system stops: park this CPU (arch_stop_system) */

/** Initialise the distributor (boot CPU, once). */
void arch_gic_init(void);
/** Initialise the calling CPU's redistributor, CPU interface and ICH state. */
void arch_gic_cpu_init(void);
/** Priority drop of intid (EOImode 1: it stays active until deactivated). */
void arch_gic_eoi(uint32_t intid);
/** Deactivate intid (after a priority drop). */
void arch_gic_deactivate(uint32_t intid);
/**
 * Clear the active state of physical intid from any CPU (GICD_ICACTIVER, or
 * GICR_ICACTIVER0 of CPU cpu for SGIs/PPIs): release an interrupt acknowledged
 * at EL2 whose virtual copy will never be deactivated by the guest.
 */
void arch_gic_clear_active(uint32_t intid, uint32_t cpu);
/** Send hypervisor SGI sgi to physical CPU cpu (index into cfg_cpus). */
void arch_gic_send_sgi(uint32_t cpu, uint32_t sgi);
/** Enable or disable physical intid; SGIs/PPIs on CPU cpu's redistributor. */
void arch_gic_set_enabled(uint32_t intid, uint32_t cpu, bool on);
/** Configure physical SPI intid as edge- (true) or level-triggered (read-modify-write under the driver's lock). */
void arch_gic_set_edge(uint32_t intid, bool edge);
/** Set or clear the pending state of physical intid (GICD/GICR_ISPENDR, _ICPENDR); PPIs on CPU cpu. */
void arch_gic_set_pending(uint32_t intid, uint32_t cpu, bool on);
/** Set or clear the active state of physical intid (GICD/GICR_ISACTIVER, _ICACTIVER); PPIs on CPU cpu. */
void arch_gic_set_active(uint32_t intid, uint32_t cpu, bool on);
/** Is physical intid pending (GICD/GICR_ISPENDR)? PPIs on CPU cpu. */
bool arch_gic_pending(uint32_t intid, uint32_t cpu);
/**
 * The output of the calling CPU's EL1 timer whose PPI is intid (27 virtual,
 * 30 physical): CNTx_CTL_EL0.ISTATUS = 1 and IMASK = 0 (Arm ARM D11.2.4).
 */
bool arch_timer_output(uint32_t intid);
/** Route physical SPI intid to CPU cpu. */
void arch_gic_route(uint32_t intid, uint32_t cpu);

/* ---- List registers of the calling CPU (ICH_LR<n>_EL2) ---- */

/** Number of implemented list registers (ICH_VTR_EL2.ListRegs, read once per CPU). */
uint32_t arch_lr_count(void);
/**
 * List registers that hold no interrupt any more: ICH_ELRSR_EL2 (empty) |
 * ICH_EISR_EL2 (completed, with an EOI maintenance request), bit n = LR n.
 */
uint32_t arch_lr_free_mask(void);
/** Read list register i. */
uint64_t arch_lr_read(uint32_t i);
/** Write list register i. */
void arch_lr_write(uint32_t i, uint64_t lr);
/*
 * The IRQ vector's fast path (vectors.S, exit_irq_fast): when the running vCPU's EL1 virtual
 * timer PPI is acknowledged, the vector itself writes the ICH_LR value the vGIC published for
 * it into a list register that ICH_ELRSR_EL2 shows empty, drops the priority and returns to
 * the guest, provided the value is non-zero and the vCPU's vGIC change flag is clear. The vGIC
 * publishes the value (arch_irq_fast_set) whenever what decides it changes, and takes the
 * list registers so filled into its own state (arch_irq_fast_take) before it touches any list
 * register of that vCPU.
 */
/**
 * Tell the exit fast paths where the console's "work waiting" words are (console.c: lines
 * queued anywhere, a typed byte to show): while either is non-zero they leave the exit to C,
 * whose console_poll() sends this CPU's burst, as on every other exit.
 */
void arch_exit_fast_console(const uint32_t *queued, const bool *typed);
/** Tell the IRQ vector where vCPU vcpu_id's vGIC change flag is (0 = nothing new). */
void arch_irq_fast_bind(uint32_t vcpu_id, const uint32_t *news);
/**
 * The ICH_LR value for vCPU vcpu_id's virtual timer PPI, or 0 for the C path, and hold: the
 * list registers the vGIC has the timer's interrupt in (the vector goes on only when all of
 * them are empty). Under the partition's vGIC lock.
 */
void arch_irq_fast_set(uint32_t vcpu_id, uint64_t lr, uint32_t hold);
/** List registers the vector filled for vCPU vcpu_id since the last call (its own CPU only); cleared. */
uint32_t arch_irq_fast_take(uint32_t vcpu_id);
/** The vINTID the vector last put into list register i for vCPU vcpu_id (the timer's, an SGI or the posted SPI). */
uint32_t arch_irq_fast_vintid(uint32_t vcpu_id, uint32_t i);
/**
 * The kick's fast path: when the kick SGI finds only one SGI in vCPU vcpu_id's inbox (its vGIC
 * changed word), or only its posted SPI (ARCH_IRQ_POSTED: n = ARCH_FAST_POSTED), the vector
 * empties the word and writes the ICH_LR value published here for that SGI or SPI n into a list
 * register ICH_ELRSR_EL2 shows empty, provided the value is non-zero and hold (the list register
 * the vGIC has it in) and every register the vector filled are empty. Under the partition's
 * vGIC lock.
 */
void arch_sgi_fast_set(uint32_t vcpu_id, uint32_t n, uint64_t lr, uint32_t hold);
/**
 * The sync vector's ICC_SGI1R_EL1 path for vCPU vcpu_id, one of the num vCPUs of a partition
 * whose first is first_id: news = that first vCPU's changed word (the others' follow). When
 * every vCPU i of the partition has affinity 0.0.0.i (i < 16), a write with Aff1-3 and RS zero
 * naming only other vCPUs is done there: each target's inbox bit set, its CPU kicked when its
 * word was 0 (as vgic_send_sgi()); any other write takes the C path. Once per partition reset.
 */
void arch_sgi_send_bind(uint32_t vcpu_id, uint32_t first_id, uint32_t num, uint32_t *news);
/**
 * The sync vector's vUART path (vectors.S, exit_dabt_fast; issue 12): a guest's store of a
 * printable byte (0x20..0x7e) to its own partition's vUART DR is appended to the partition's
 * console line there, without C, when it changes nothing else: the vUART's interrupt line is
 * low and not in loopback (as vuart_tx_direct()), the line has room, its writer lock is free
 * (taken and released there: several vCPUs of a partition write one line), the vCPU's vGIC
 * change flag is clear and no console work waits. Anything else takes the C path unchanged.
 * arch_vuart_fast_bind() tells it partition p's DR (ARCH_VUART_NONE: no vUART) and state
 * (vdev.c, each reset); arch_console_line_bind() its console line and the line's lock (console.c).
 */
#define ARCH_VUART_NONE 0xffffffffffffffffULL
/** The bit of the vUART's CR the vector tests for loopback (PL011 CR.LBE, DDI 0183G 3.3.8; vdev.c checks it). */
#define ARCH_VUART_CR_LBE_BIT 7u
void arch_vuart_fast_bind(uint32_t p, uint64_t dr_ipa, const uint32_t *cr, const bool *level, uint64_t *tx_bytes);
void arch_console_line_bind(uint32_t p, char *text, uint32_t *len, struct arch_lock *lock);
/** The bits of a vCPU's changed word that are its SGI inbox (bit n: SGI n). */
#define ARCH_SGI_INBOX 0x0000ffffu
/** The bit of a vCPU's changed word that is its posted SPI (a virtual SPI the vector may deliver); the bits
 * above are "other news". */
#define ARCH_IRQ_POSTED 0x00010000u
/** arch_sgi_fast_set()'s n of the posted SPI (after the 16 SGIs), and the number of such slots. */
#define ARCH_FAST_POSTED 16u
#define ARCH_FAST_SLOTS 17u
/** Maintenance interrupt requests (ICH_HCR_EL2, GICv3 spec 12.4.4). */
#define ARCH_LR_NOTIFY_NONE 0u
#define ARCH_LR_NOTIFY_NO_PENDING 1u  /**< NPIE: no list register is pending */
#define ARCH_LR_NOTIFY_UNDERFLOW 2u   /**< UIE: at most one list register is valid */
/** Ask for the maintenance interrupt mode (ARCH_LR_NOTIFY_*). */
void arch_lr_notify(uint32_t mode);

/** VBAR_EL1 of the vCPU running on the calling CPU (its exception vector base). */
uint64_t arch_el1_vbar(void);

/**
 * Set the calling CPU's ESR_EL1, FAR_EL1, ELR_EL1 and SPSR_EL1: the EL1 side
 * of an exception the hypervisor delivers to its guest (the caller then sets
 * the vCPU's PC to the vector and its PSTATE to EL1h, Arm ARM D1.10).
 */
void arch_el1_exception(uint64_t esr, uint64_t far, uint64_t elr, uint64_t spsr);

/** 64-bit words of a vCPU's CPU state beyond its general registers (arch_vcpu_save()). */
#define ARCH_VCPU_CTX_WORDS 128u

/**
 * Time partitioning: what a vCPU owns in the registers of the CPU it shares:
 * EL1 system registers, FP/SIMD, EL1 virtual and physical timers, the virtual
 * GIC CPU interface (list registers, APRs, ICH_VMCR_EL2, ICH_HCR_EL2).
 */
struct arch_vcpu_ctx {
    uint64_t w[ARCH_VCPU_CTX_WORDS];
};

/**
 * The window of the vCPU running on the calling CPU ends: save its state into
 * ctx, stop its EL1 timers and release their PPIs (its saved CNTV/CNTP
 * compare values keep it: an expired timer fires when it is restored) and
 * clear the virtual CPU interface, so the next vCPU starts with none of it.
 * Bounded work: a fixed list of registers.
 */
void arch_vcpu_save(struct arch_vcpu_ctx *ctx);

/**
 * The window of v begins: restore what arch_vcpu_save() kept and program its
 * stage-2 translation (VTTBR_EL2 with its partition's VMID: TLB entries are
 * tagged by VMID, so nothing is invalidated) and EL2 controls. The caller may
 * then add to its list registers what arrived while it was out.
 */
void arch_vcpu_restore(struct vcpu *v, const struct arch_vcpu_ctx *ctx);

/**
 * Trap (on) or not the PMU and debug registers of the vCPUs the calling CPU
 * enters from now on: MDCR_EL2.TPM, TPMCR, TDA, TDOSA, TDRA (Arm ARM D13.2.x
 * MDCR_EL2). The traps come to trap.c as EC 0x18 system register accesses.
 */
void arch_cpu_trap_debug_pmu(bool on);

/** ERET into v, restored by arch_vcpu_restore() on the calling CPU. Never returns. */
void arch_vcpu_resume(struct vcpu *v) NORETURN;

/**
 * Enter v for a fresh start (boot, restart, PSCI CPU_ON) on the calling CPU:
 * put every EL1 register the guest can observe at its reset value (or the one
 * the Linux boot protocol requires), program v's stage-2 translation and EL2
 * controls, restore its registers and ERET. Never returns; the next exit
 * arrives in trap_sync()/trap_irq() on a fresh stack.
 */
void arch_vcpu_enter(struct vcpu *v) NORETURN;

