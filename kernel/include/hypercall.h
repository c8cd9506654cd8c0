/* SPDX-License-Identifier: Apache-2.0 */
/* Septum's SMCCC hypercalls (see septum/hvc_abi.h for the ABI). */
#pragma once

#include "types.h"

struct vcpu;

/**
 * Handle the hypercall in v->regs (function ID in x0); results are written to
 * x0..x3. Unknown IDs return SMCCC_NOT_SUPPORTED, bad arguments
 * SMCCC_INVALID_PARAMETER; nothing is changed before all arguments are checked.
 */
void hypercall_handle(struct vcpu *v);
