/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Spectre-v2 answers under EL3 firmware (tests/el3stub, test_spectre_fw.py):
 * asks SMCCC_ARCH_FEATURES about SMCCC_ARCH_WORKAROUND_1 and _3, calls them,
 * then takes a known number of exits (null hypercalls), each of which the
 * hypervisor must pair with a firmware SMCCC_ARCH_WORKAROUND_1 call.
 */
#include "partition.h"
#include "septum.h"

#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_ARCH_WORKAROUND_1 0x80008000u
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffu
#define SPECTRE_EXITS 5000u

int main(void)
{
    uint32_t i;

    sp_printf("spectre: features of workaround_1 -> %ld\n",
              (long)sp_hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0u, 0u).x0);
    sp_printf("spectre: features of workaround_3 -> %ld\n",
              (long)sp_hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_3, 0u, 0u).x0);
    sp_printf("spectre: workaround_1 -> %ld\n", (long)sp_hvc(SMCCC_ARCH_WORKAROUND_1, 0u, 0u, 0u).x0);
    for (i = 0u; i < SPECTRE_EXITS; i++) {
        (void)sp_hvc(SEPTUM_HVC_VERSION, 0u, 0u, 0u);
    }
    sp_printf("spectre: %u exits done\n", (unsigned)SPECTRE_EXITS);
    for (;;) {
        sp_wait_until(sp_counter() + sp_counter_hz());
    }
    return 0;
}
