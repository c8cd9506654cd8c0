// SPDX-License-Identifier: Apache-2.0
/*
 * make bench, link frame cost (tests/bench/systems/netframe.yaml): the sending end. Once the
 * link is up it sends 200 frames of 60 bytes and 200 of 1,514 (Ethernet header included, an
 * experimental ethertype the sink ignores), each written into the TX slot first and then timed
 * with the virtual counter around sp_net_tx_commit(): the driver's virtio-net header and descriptor
 * writes (about 60 instructions), the trapped QUEUE_NOTIFY store and the
 * hypervisor's work at it (walk, copy into the sink's posted RX buffer, used rings, the
 * sink's interrupt). Between frames it yields its turn to the sink, which reposts its buffer.
 */
#include <stdint.h>

#include "partition.h"
#include "septum.h"
#include "sp_net.h"

#define N_FRAMES 200u

static struct sp_net net;
static uint8_t frame[1514];
static uint64_t ticks[N_FRAMES];

static inline uint64_t counter(void)
{
    uint64_t v;
    __asm__ volatile("isb\n mrs %0, cntvct_el0\n isb" : "=r"(v) : : "memory");
    return v;
}

static void sort(uint64_t *a, uint32_t n)
{
    for (uint32_t i = 1u; i < n; i++) {
        uint64_t v = a[i];
        uint32_t j = i;
        while ((j > 0u) && (a[j - 1u] > v)) {
            a[j] = a[j - 1u];
            j--;
        }
        a[j] = v;
    }
}

static void measure(const char *name, uint32_t len)
{
    uint32_t n = 0u;
    for (uint32_t i = 0u; i < N_FRAMES; i++) {
        uint8_t *b = sp_net_tx_begin(&net);
        if (b != 0) {
            for (uint32_t k = 0u; k < len; k++) {
                b[k] = frame[k];
            }
            uint64_t t0 = counter();
            sp_net_tx_commit(&net, len);
            uint64_t t1 = counter();
            ticks[n++] = t1 - t0;
        }
        sp_net_poll(&net);
        /* Under -icount QEMU runs the CPUs in turn: YIELD lets the sink take the frame and
         * post its buffer again before the next one. */
        for (uint32_t k = 0u; k < 4u; k++) {
            __asm__ volatile("yield");
        }
    }
    sort(ticks, n);
    if (n == 0u) {
        sp_printf("bench %s not available (no frame sent)\n", name);
        return;
    }
    sp_printf("bench %s min %lu median %lu max %lu n %u unit ticks\n", name, (unsigned long)ticks[0],
              (unsigned long)ticks[n / 2u], (unsigned long)ticks[n - 1u], (unsigned)n);
}

int main(void)
{
    static const uint8_t ip[4] = {10u, 43u, 0u, 1u};

    if (sp_net_init(&net, SP_LINK_BENCH_BASE, ip, 9u, 0) != 0) {
        sp_printf("netsend: no device\n");
        return 0;
    }
    while (!sp_net_link_up(&net)) {
        sp_net_poll(&net);
    }
    /* Give the sink time to post its RX buffers. */
    uint64_t until = counter() + 62500u;
    while (counter() < until) {
        sp_net_poll(&net);
    }
    for (uint32_t i = 0u; i < 6u; i++) {
        frame[i] = 0xffu;
        frame[6u + i] = net.mac[i];
    }
    frame[12] = 0x88u;
    frame[13] = 0xb5u;
    measure("link-frame-60", 60u);
    measure("link-frame-1514", 1514u);
    sp_printf("netsend: TX full %u times\n", (unsigned)net.stats.tx_full);
    sp_printf("bench done\n");
    return 0;
}
