/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMCCC_ARCH_WORKAROUND_1 and _3 (see spectre.h). The hypervisor's own
 * hardening happens on every exit: the branch-history loop of vectors.S on
 * the cores that need it, and on Cortex-A57/A72 whose EL3 firmware offers it,
 * the firmware's branch-predictor invalidation (spectre_probe() at boot
 * switches that CPU to el2_vectors_fw). Here a guest learns, truthfully for
 * the CPU it runs on, whether calling a workaround would protect it.
 */
#include "arch.h"
#include "config.h"
#include "psci.h"
#include "septum/hvc_abi.h"
#include "spectre.h"
#include "vcpu.h"

/* Per physical CPU: its exits call the firmware's SMCCC_ARCH_WORKAROUND_1 (set once, at boot). */
static bool spectre_firmware[CFG_NUM_CPUS];

/*
 * Does the EL3 firmware implement SMCCC_ARCH_WORKAROUND_1? Discovery as
 * DEN0028 7.2 and 7.3 and PSCI (DEN0022 5.1.14) ask, at most four calls:
 * PSCI 1.0 or later, PSCI_FEATURES(SMCCC_VERSION) implemented (an SMCCC 1.0
 * firmware may not even know SMCCC_VERSION), SMCCC 1.1 or later, and
 * SMCCC_ARCH_FEATURES(SMCCC_ARCH_WORKAROUND_1) = 0.
 */
static bool spectre_firmware_has_wa1(void)
{
    bool has = arch_firmware_call(PSCI_VERSION, 0u) >= (int32_t)PSCI_VERSION_1_0;

    if (has) {
        has = arch_firmware_call(PSCI_FEATURES, SMCCC_VERSION) >= PSCI_SUCCESS;
    }
    if (has) {
        has = arch_firmware_call(SMCCC_VERSION, 0u) >= (int32_t)SMCCC_VERSION_1_1;
    }
    if (has) {
        has = arch_firmware_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1) == SMCCC_SUCCESS;
    }
    return has;
}

bool spectre_probe(uint32_t cpu)
{
    bool on = false;

    if (arch_spectre_core() == ARCH_SPECTRE_CORE_FIRMWARE) {
        on = spectre_firmware_has_wa1();
    }
    spectre_firmware[cpu] = on;
    if (on) {
        arch_spectre_firmware_on();
    }
    return on;
}

bool spectre_is_workaround(uint32_t fid)
{
    return (fid == SMCCC_ARCH_WORKAROUND_1) || (fid == SMCCC_ARCH_WORKAROUND_3);
}

int64_t spectre_features(uint32_t fid)
{
    int64_t state;

    if (!spectre_is_workaround(fid)) {
        return ARCH_SPECTRE_NOT_SUPPORTED;
    }
    if (arch_spectre_core() == ARCH_SPECTRE_CORE_UNAFFECTED) {
        state = ARCH_SPECTRE_UNAFFECTED;
    } else if (spectre_firmware[arch_cpu_index()]) {
        /*
         * A57/A72 with the firmware call on every exit, after the branch-history loop
         * (vectors.S): the trap to EL2 invalidates the branch predictor and clears the
         * history, which is what both _1 and _3 promise (DEN0028 7.5, 7.7).
         */
        state = ARCH_SPECTRE_MITIGATED;
    } else {
        /*
         * Affected without firmware help, or an unknown core: not offered; the guest knows it
         * is not protected by them (Linux then reports "Vulnerable" or uses its own loop).
         */
        state = ARCH_SPECTRE_NOT_SUPPORTED;
    }
    return state;
}

void spectre_call(struct vcpu *v, uint32_t fid)
{
    int64_t state = spectre_features(fid);

    /* Unaffected: nothing to do; mitigated: the trap to EL2 itself did it. */
    v->regs.x[0] = (uint64_t)(((state == ARCH_SPECTRE_UNAFFECTED) || (state == ARCH_SPECTRE_MITIGATED))
                                  ? SMCCC_SUCCESS
                                  : SMCCC_NOT_SUPPORTED);
}
