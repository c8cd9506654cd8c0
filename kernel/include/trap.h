/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exits from a partition to EL2: decoding of the exception syndrome and
 * dispatch to the hypercall handler or the partition fault policy.
 */
#pragma once

#include "types.h"

struct vcpu;

/** What the exception entry code does after a handler. */
enum trap_action {
    TRAP_RESUME = 0,  /**< return to the guest */
    TRAP_STOP,        /**< the vCPU is off or halted: its CPU waits in boot_cpu_idle() */
    TRAP_FULL,        /**< a light step did nothing: the exit takes the full step (trap_dabt_exit) */
};

/** Syndrome of a synchronous exit, as read from ESR_EL2, FAR_EL2 and HPFAR_EL2. */
struct trap_info {
    uint64_t esr;
    uint64_t far;
    uint64_t hpfar;
};

/** ESR_EL2 exception classes used by the kernel (Arm ARM D17.2.37). */
/** Bytes of its own memory one trapped set/way operation of a guest cleans by address. */
#define TRAP_SW_SLICE 0x10000u

#define ESR_EC_SHIFT 26u
#define ESR_EC_UNKNOWN 0x00u
#define ESR_EC_WFX 0x01u
#define ESR_EC_HVC64 0x16u
#define ESR_EC_SMC64 0x17u
#define ESR_EC_SYSREG 0x18u
#define ESR_EC_IABT_LOW 0x20u
#define ESR_EC_DABT_LOW 0x24u

/* ESR_EL2 ISS of a trapped MSR/MRS (EC 0x18, Arm ARM D17.2.37): Op0, Op2, Op1, CRn, Rt, CRm, direction. */
#define SYSREG_ISS_MASK 0x003ffc1eu  /**< Op0, Op2, Op1, CRn, CRm */
#define SYSREG_ISS(op0, op1, crn, crm, op2) \
    (((uint32_t)(op0) << 20) | ((uint32_t)(op2) << 17) | ((uint32_t)(op1) << 14) | ((uint32_t)(crn) << 10) | \
     ((uint32_t)(crm) << 1))
/** ICC_SGI1R_EL1 (GICv3 spec 12.2.22); the SGI exit's fast path (vectors.S) matches it too. */
#define SYSREG_ICC_SGI1R_EL1 SYSREG_ISS(3u, 0u, 12u, 11u, 5u)
/** ESR_EL2.IL: a 32-bit instruction. */
#define ESR_IL ((uint32_t)1u << 25)
/* ESR_EL2 ISS of a data abort (Arm ARM D17.2.37); the vUART byte's fast path (vectors.S) tests them too. */
#define ESR_ISS_ISV ((uint32_t)1u << 24)  /**< valid syndrome */
#define ESR_ISS_S1PTW (1u << 7)           /**< on a stage-1 translation table walk */
#define ESR_ISS_WNR (1u << 6)             /**< a write */

/**
 * SPSR_EL2 of an entry at EL1h with D, A, I and F masked (Arm ARM C5.2.19): the state of an
 * exception taken to EL1 (D1.10.1) and of a vCPU started by PSCI CPU_ON (DEN0022 6.4).
 */
#define SPSR_EL1H_DAIF 0x3c5u

/** Handle a synchronous exit of v. */
enum trap_action trap_sync(struct vcpu *v, const struct trap_info *t);

/**
 * True when the light exit step (x20-x29 not saved) may emulate data abort
 * esr: a valid syndrome whose transfer register is x0-x19, x30 or xzr.
 */
bool trap_dabt_light(uint64_t esr);

/** Handle data abort t of v: emulate the MMIO access, or apply the fault policy. */
enum trap_action trap_data_abort(struct vcpu *v, const struct trap_info *t);

/**
 * The light step of a data abort with syndrome esr, far, hpfar (the exit's ESR_EL2,
 * FAR_EL2, HPFAR_EL2): TRAP_FULL having done nothing when trap_dabt_light(esr) says
 * no, otherwise the access emulated as trap_data_abort() does and the exit finished
 * as trap_exit_done() does (one frame for both: the trapped-MMIO fast path).
 */
enum trap_action trap_dabt_exit(struct vcpu *v, uint64_t esr, uint64_t far, uint64_t hpfar);

/**
 * Last step of every exit: if v may go on running, bring its list registers
 * up to date and return TRAP_RESUME; otherwise TRAP_STOP.
 */
enum trap_action trap_exit_done(struct vcpu *v, enum trap_action action);

/**
 * True when the light step can handle interrupt intid: everything except the
 * EL2 timer (a window switch saves the whole vCPU) and the stop SGI.
 */
bool trap_irq_light(uint32_t intid);

/** Handle a physical interrupt intid, acknowledged while v was running. */
void trap_irq(struct vcpu *v, uint32_t intid);

/** Handle an SError taken from the guest: a fault of its partition. */
enum trap_action trap_serror(struct vcpu *v, uint64_t esr);

/**
 * Describe the fault of t in buf ("data abort, translation fault level 1,
 * read"). Exposed for unit tests.
 */
void trap_describe_fault(const struct trap_info *t, char *buf, size_t size);

/** The guest-physical address of a stage-2 abort (HPFAR_EL2.FIPA and FAR page offset). */
uint64_t trap_fault_ipa(const struct trap_info *t);

/** Program the physical routing of every SPI in cfg_irqs (boot CPU, once). */
void irq_init_routes(void);

/** Physical interrupts taken that no partition owns. */
uint32_t irq_unowned_count(void);

/** Disable the physical interrupts routed to partition p (it was halted). */
void irq_silence_partition(uint32_t p);

