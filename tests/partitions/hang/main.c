/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Watchdog probe: sends heartbeats for a while, then hangs (keeps running
 * but stops sending them). The health monitor must notice within the
 * partition's watchdog_ms and apply its policy.
 */
#include "septum.h"

int main(void)
{
    uint64_t hz = sp_counter_hz();
    uint64_t next = sp_counter();
    uint32_t i;

    sp_printf("hang up\n");
    for (i = 0u; i < 20u; i++) {
        (void)sp_hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u);
        next += hz / 20u;
        sp_wait_until(next);
    }
    sp_printf("hang: heartbeats stop now\n");
    for (;;) {
        __asm__ volatile("wfe");
    }
    return 0;
}
