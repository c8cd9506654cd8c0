/* SPDX-License-Identifier: Apache-2.0 */
/* Septum's SMCCC hypercalls (see septum/hvc_abi.h for the ABI). */
#pragma once

#include "types.h"

struct vcpu;

/**
 * Handle the SMCCC call in v->regs (function ID in w0), made with HVC
 * (conduit CFG_CONDUIT_HVC) or SMC (CFG_CONDUIT_SMC); results go to x0..x3.
 * PSCI is answered on the partition's PSCI conduit, Septum's calls on HVC.
 * Unknown IDs return SMCCC_NOT_SUPPORTED, bad arguments
 * SMCCC_INVALID_PARAMETER; nothing is changed before all arguments are checked.
 */
void hypercall_handle(struct vcpu *v, uint32_t conduit);

/** A call answered with constants only: its function ID and result registers x0..x(nregs-1). */
struct hypercall_answer {
    uint32_t fid;
    uint32_t nregs;     /**< 1..4; x(nregs)..x17 are left as they are (SMCCC 1.1, DEN0028 2.6) */
    uint64_t x[4];
};
/** Entries of hypercall_answers. */
#define HYPERCALL_ANSWERS 4u
/**
 * Septum's calls that only return constants (VERSION, CALL_COUNT, CALL_UID, REVISION), over
 * HVC. hypercall_handle() answers them from this table, and so does the HVC vector by itself
 * (vectors.S, exit_hvc_fast) when the exit has nothing else to do.
 */
extern const struct hypercall_answer hypercall_answers[HYPERCALL_ANSWERS];
