/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diagnostics partition: a second, independent bare-metal partition that
 * reports once a second. It stands beside the cluster until the IVI Linux
 * partition takes its CPU.
 */
#include "septum.h"

int main(void)
{
    uint64_t hz = sp_counter_hz();
    uint64_t next = sp_counter();
    uint32_t n;

    sp_printf("diag up\n");
    for (n = 0u;; n++) {
        sp_wait_until(next);
        sp_printf("diag alive %u\n", n);
        next += hz;
    }
    return 0;
}
