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
