/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SMCCC Spectre workaround calls (Arm DEN0028, SMC Calling Convention
 * 1.1+: 7.5 SMCCC_ARCH_WORKAROUND_1, 7.7 SMCCC_ARCH_WORKAROUND_3), answered
 * truthfully per CPU type and firmware (spectre_probe()).
 */
#pragma once

#include "smccc.h"
#include "types.h"

struct vcpu;


/**
 * At boot, on CPU cpu itself: on a Cortex-A57/A72 whose EL3 firmware implements
 * SMCCC_ARCH_WORKAROUND_1, make every exit of this CPU call it. True if it does.
 */
bool spectre_probe(uint32_t cpu);

/** True if fid is SMCCC_ARCH_WORKAROUND_1 or _3. */
bool spectre_is_workaround(uint32_t fid);

/** What SMCCC_ARCH_FEATURES(fid) answers on the calling CPU for a workaround fid. */
int64_t spectre_features(uint32_t fid);

/** A guest's call of workaround fid: x0 = 0 where offered (the exit itself protects), else NOT_SUPPORTED. */
void spectre_call(struct vcpu *v, uint32_t fid);
