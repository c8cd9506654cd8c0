/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SMCCC Spectre workaround calls (Arm DEN0028, SMC Calling Convention
 * 1.1+: 7.5 SMCCC_ARCH_WORKAROUND_1, 7.7 SMCCC_ARCH_WORKAROUND_3), answered
 * truthfully per CPU type (arch_spectre_state()).
 */
#pragma once

#include "smccc.h"
#include "types.h"

struct vcpu;


/** True if fid is SMCCC_ARCH_WORKAROUND_1 or _3. */
bool spectre_is_workaround(uint32_t fid);

/** What SMCCC_ARCH_FEATURES(fid) answers on the calling CPU for a workaround fid. */
int64_t spectre_features(uint32_t fid);

/** A guest's call of workaround fid: x0 = 0 where offered (the exit itself protects), else NOT_SUPPORTED. */
void spectre_call(struct vcpu *v, uint32_t fid);
