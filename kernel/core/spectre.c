/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMCCC_ARCH_WORKAROUND_1 and _3 (see spectre.h). The hypervisor's own
 * hardening happens on every exit (the branch-history loop of vectors.S on
 * the cores that need it); here a guest learns, truthfully for the CPU it
 * runs on, whether calling a workaround would protect it.
 */
#include "arch.h"
#include "septum/hvc_abi.h"
#include "spectre.h"
#include "vcpu.h"

bool spectre_is_workaround(uint32_t fid)
{
    return (fid == SMCCC_ARCH_WORKAROUND_1) || (fid == SMCCC_ARCH_WORKAROUND_3);
}

int64_t spectre_features(uint32_t fid)
{
    if (!spectre_is_workaround(fid)) {
        return SMCCC_NOT_SUPPORTED;
    }
    return arch_spectre_state(fid);
}

void spectre_call(struct vcpu *v, uint32_t fid)
{
    int64_t state = spectre_features(fid);

    /* Unaffected: nothing to do; mitigated: the trap to EL2 itself did it. */
    v->regs.x[0] = (uint64_t)(((state == ARCH_SPECTRE_UNAFFECTED) || (state == ARCH_SPECTRE_MITIGATED))
                                  ? SMCCC_SUCCESS
                                  : SMCCC_NOT_SUPPORTED);
}
