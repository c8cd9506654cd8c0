// SPDX-License-Identifier: Apache-2.0
/* make bench, link frame cost (tests/bench/systems/netframe.yaml): the receiving end; it polls
 * its virtio-net device without pause, so that an RX buffer is posted for every frame sent. */
#include <stdint.h>

#include "partition.h"
#include "septum.h"
#include "sp_net.h"

static struct sp_net net;

int main(void)
{
    static const uint8_t ip[4] = {10u, 43u, 0u, 2u};

    if (sp_net_init(&net, SP_LINK_BENCH_BASE, ip, 9u, 0) != 0) {
        sp_printf("netsink: no device\n");
        return 0;
    }
    sp_printf("netsink up\n");
    uint32_t told = 0u;
    for (;;) {
        sp_net_poll(&net);
        /* Under -icount QEMU runs the CPUs in turn; YIELD hands the turn to the sender. */
        __asm__ volatile("yield");
        if (net.stats.rx_frames >= (told + 100u)) {
            told += 100u;
            sp_printf("netsink rx %u ignored %u\n", (unsigned)net.stats.rx_frames, (unsigned)net.stats.rx_ignored);
        }
    }
}
