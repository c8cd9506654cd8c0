/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Faults to the guest (inject.c): under on_fault: inject, a stage-2 abort
 * outside the partition's mappings becomes a synchronous external abort taken
 * at the guest's EL1, as KVM and Xen do, within max_injected_faults per window.
 */
#pragma once

#include "trap.h"
#include "types.h"

struct vcpu;

/** Vector offsets from VBAR_EL1 of a synchronous exception (Arm ARM D1.10.2, table D1-5). */
#define INJECT_VEC_CUR_SP0 0x000u   /**< from EL1 with SP_EL0 (EL1t) */
#define INJECT_VEC_CUR_SPX 0x200u   /**< from EL1 with SP_EL1 (EL1h) */
#define INJECT_VEC_LOW_A64 0x400u   /**< from EL0 in AArch64 */
#define INJECT_VEC_LOW_A32 0x600u   /**< from EL0 in AArch32 */

/**
 * If v's partition injects faults and its budget allows, deliver the data or
 * instruction abort t to the guest as a synchronous external abort and return
 * true (v resumes at its EL1 vector); false if the fault is the health
 * monitor's to handle (not an abort, no inject policy, budget used up).
 */
bool inject_abort(struct vcpu *v, const struct trap_info *t);
