// SPDX-License-Identifier: Apache-2.0
/*
 * septum_chan_bench: channel doorbell latency between Linux (through the
 * septum_channel driver) and a bare-metal partition, for `make bench`
 * (tests/bench/systems/linux_chan.yaml, run under QEMU -icount).
 *
 *   septum_chan_bench CHANNEL ECHO_PEER [SAMPLES]
 *
 * ECHO_PEER runs tests/bench/partition as the channel's echo: its doorbell
 * handler stamps the generic counter into the shared region and NOTIFYs back.
 * Per sample: t0 = counter, NOTIFY the echo (ioctl), sleep in read() until
 * its doorbell comes back, t2 = counter; t1 = the echo's stamp. Printed, in
 * counter ticks, as tests/bench/run.py parses them:
 *   bench linux-to-baremetal   t1 - t0   (NOTIFY from Linux -> bare-metal handler)
 *   bench baremetal-to-linux   t2 - t1   (bare-metal NOTIFY -> read() returns in Linux)
 *   bench linux-roundtrip      t2 - t0
 * CNTVOFF_EL2 is 0 for every partition, so the two sides' counters agree.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "septum_channel.h"

#define MAX_SAMPLES 1000

/* The echo's stamps at offset 0 of the region (struct chan_shm of tests/bench/partition/main.c). */
struct echo_shm {
    volatile uint64_t echo_seen;
    volatile uint32_t echo_hits;
    volatile uint32_t echo_ready;
};

static uint64_t counter(void)
{
    uint64_t v;

    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

static void report(const char *name, uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof(v[0]), cmp);
    printf("bench %s min %llu median %llu max %llu n %d unit ticks\n", name, (unsigned long long)v[0],
           (unsigned long long)v[n / 2], (unsigned long long)v[n - 1], n);
}

static void na(const char *why)
{
    printf("bench linux-to-baremetal not available (%s)\n", why);
    printf("bench baremetal-to-linux not available (%s)\n", why);
    printf("bench linux-roundtrip not available (%s)\n", why);
    printf("bench linux done\n");
}

int main(int argc, char **argv)
{
    static uint64_t to_bm[MAX_SAMPLES], to_lx[MAX_SAMPLES], rt[MAX_SAMPLES];
    struct septum_channel ch;
    struct echo_shm *shm;
    uint32_t pending;
    int samples = argc > 3 ? atoi(argv[3]) : 200;
    int echo;
    int i;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 3 || samples < 1 || samples > MAX_SAMPLES) {
        fprintf(stderr, "usage: septum_chan_bench CHANNEL ECHO_PEER [SAMPLES <= %d]\n", MAX_SAMPLES);
        return 2;
    }
    if (septum_channel_open(&ch, argv[1]) != 0 || (shm = septum_channel_map(&ch)) == NULL) {
        na("no channel");
        return 1;
    }
    echo = septum_channel_peer_index(&ch, argv[2]);
    for (i = 0; i < 500 && echo >= 0 && shm->echo_ready == 0u; i++) {
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 10000000};

        nanosleep(&ts, NULL);
    }
    if (echo < 0 || shm->echo_ready == 0u) {
        na("the echo partition is not up");
        return 1;
    }
    /* Whatever the echo sent before (it answers state changes too) is not a sample. */
    while (septum_channel_wait(&ch, 100, &pending) > 0) {
    }
    for (i = 0; i <= samples; i++) {
        uint64_t t0;
        uint64_t t2;
        int r;

        t0 = counter();
        if (septum_channel_notify_mask(&ch, 1u << echo) != 0) {
            na("notify failed");
            return 1;
        }
        do {
            r = septum_channel_wait(&ch, 5000, &pending);
        } while (r > 0 && (pending & (1u << echo)) == 0u);
        t2 = counter();
        if (r <= 0) {
            printf("bench linux: sample %d: wait %d, pending 0x%x, echo hits %u\n", i, r, pending,
                   (unsigned)shm->echo_hits);
            na("no answer from the echo");
            return 1;
        }
        if (i > 0) { /* the first one also wakes the echo partition's CPU */
            to_bm[i - 1] = shm->echo_seen - t0;
            to_lx[i - 1] = t2 - shm->echo_seen;
            rt[i - 1] = t2 - t0;
        }
    }
    report("linux-to-baremetal", to_bm, samples);
    report("baremetal-to-linux", to_lx, samples);
    report("linux-roundtrip", rt, samples);
    printf("bench linux done\n");
    septum_channel_close(&ch);
    return 0;
}
