// SPDX-License-Identifier: Apache-2.0
/*
 * The IVI application: a stand-in navigation service of the infotainment
 * partition. It walks a fixed route and prints one guidance line every few
 * seconds ("IVI: nav <street> <distance> m") and publishes the same line on
 * the `nav` shared-memory channel for the cluster, through the septum_channel
 * driver and library (partitions/ivi/lib): no device-tree parsing, no
 * /dev/mem. The message layout (nav_msg.h) and its torn-read-safe convention
 * (septum_seq.h) are shared with partitions/cluster. Between two lines it
 * sleeps on the channel's doorbell: the cluster acknowledges each new message
 * with a NOTIFY, and a peer-state change (the cluster restarted) makes it
 * publish the current line again at once, so the cluster shows the route again
 * without waiting for the next line.
 *
 *   ivi_app [-i SECONDS] [-n COUNT]   guidance every SECONDS (default 3), COUNT lines (0 = forever)
 *   ivi_app --clock                   print the generic counter as time since it started
 *
 * --clock reads CNTVCT_EL0, which Linux lets EL0 read: on QEMU without a
 * hypervisor the counter starts at 0 at reset, so this is the (virtual, with
 * -icount) time from reset to now, including the firmware-less early boot that
 * the kernel's own uptime does not count.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nav_msg.h"
#include "septum_channel.h"
#include "septum_seq.h"

/** The nav channel, or ch.fd < 0 when this partition has none. */
struct nav_channel {
    struct septum_channel ch;
    struct nav_msg *msg;
    uint32_t running;      /**< peer-state mask last seen */
    unsigned long acks;    /**< acknowledgements from the cluster */
    int say_ack;           /**< print the next acknowledgement (the first, and the first after a republish) */
    int cluster;           /**< peer index of the cluster, or -1 */
};

static void nav_open(struct nav_channel *n)
{
    int r = septum_channel_open(&n->ch, "nav");

    n->msg = NULL;
    n->cluster = -1;
    n->acks = 0;
    n->say_ack = 1;
    if (r != 0) {
        printf("IVI: no channel 'nav' (%s): not publishing\n", strerror(-r));
        return;
    }
    n->msg = septum_channel_map(&n->ch);
    if (n->msg == NULL) {
        printf("IVI: cannot map channel 'nav' (%s): not publishing\n", strerror(errno));
        septum_channel_close(&n->ch);
        return;
    }
    n->cluster = septum_channel_peer_index(&n->ch, "cluster");
    /* The IVI is ready when its application runs: tell Septum (starting -> running). */
    if (septum_channel_ready(&n->ch) != 0) {
        printf("IVI: cannot say ready on 'nav' (%s)\n", strerror(errno));
    }
    if (septum_channel_peer_state(&n->ch, &n->running) != 0) {
        n->running = 0;
    }
    printf("IVI: channel 'nav': /dev/septum/nav, %" PRIu64 " bytes, peer %u of %u, peers running 0x%x\n",
           n->ch.size, n->ch.self, n->ch.num_peers, n->running);
    printf("IVI: publishing on channel 'nav'\n");
}

/* Publish text (septum_seq.h) and ring every other peer's doorbell. */
static void nav_publish(struct nav_channel *n, const char *text)
{
    char line[NAV_TEXT_MAX];

    if (n->msg == NULL) {
        return;
    }
    memset(line, 0, sizeof(line));
    snprintf(line, sizeof(line), "%s", text);
    septum_seq_write_begin(&n->msg->seq);
    septum_seq_copy(n->msg->text, line, sizeof(line));
    septum_seq_write_end(&n->msg->seq);
    if (septum_channel_notify_others(&n->ch) != 0) {
        printf("IVI: notify on 'nav' failed: %s\n", strerror(errno));
    }
}

/*
 * Sleep on the doorbell for up to ms. Returns 1 if text must be published
 * again now (a peer came back), else 0 at the end of the time.
 */
static int nav_wait(struct nav_channel *n, long ms, const char *text)
{
    struct timespec ts;
    uint32_t pending = 0;
    uint32_t state;
    uint32_t i;
    int r;

    if (n->msg == NULL) {
        ts.tv_sec = ms / 1000;
        ts.tv_nsec = (ms % 1000) * 1000000L;
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
        return 0;
    }
    r = septum_channel_wait(&n->ch, (int)ms, &pending);
    if (r <= 0) {
        if (r < 0) {
            printf("IVI: waiting on 'nav' failed: %s\n", strerror(-r));
            sleep(1);
        }
        return 0;
    }
    if (n->cluster >= 0 && (pending & (1u << n->cluster)) != 0) {
        n->acks++;
        if (n->say_ack) {
            n->say_ack = 0;
            printf("IVI: cluster acknowledged '%s' (%lu acknowledgements)\n", text, n->acks);
        }
    }
    if ((pending & SEPTUM_CHAN_PENDING_STATE) == 0 || septum_channel_peer_state(&n->ch, &state) != 0) {
        return 0;
    }
    r = 0;
    for (i = 0; i < n->ch.num_peers; i++) {
        uint32_t bit = 1u << i;

        if (i == n->ch.self) {
            continue;
        }
        if ((state & bit) == 0) {
            printf("IVI: peer '%s' stopped\n", n->ch.peers[i]);
        } else {
            /* Running now: it started, or restarted between two looks. Either way it lost the route. */
            printf("IVI: peer '%s' is running: republishing '%s'\n", n->ch.peers[i], text);
            n->say_ack = 1;
            r = 1;
        }
    }
    n->running = state;
    return r;
}

struct leg {
    const char *street;
    unsigned length_m;
};

/* A closed loop through a made-up town; lengths in metres. */
static const struct leg route[] = {
    {"Hauptstrasse", 1200}, {"Ringweg", 800},   {"Bahnhofallee", 450},
    {"Lindenplatz", 300},   {"Muehlgasse", 650}, {"Am_Hafen", 1500},
};

#define NUM_LEGS (sizeof(route) / sizeof(route[0]))
/* Distance covered between two guidance lines (about 50 km/h for 3 s). */
#define STEP_M 50u

static uint64_t read_cntvct(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static uint64_t read_cntfrq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

static int print_clock(void)
{
    uint64_t ticks = read_cntvct();
    uint64_t freq = read_cntfrq();
    if (freq == 0u) {
        fprintf(stderr, "ivi_app: CNTFRQ_EL0 is 0\n");
        return 1;
    }
    uint64_t us = (ticks / freq) * 1000000u + ((ticks % freq) * 1000000u) / freq;
    printf("IVI: counter %" PRIu64 " ticks at %" PRIu64 " Hz = %" PRIu64 ".%06" PRIu64 " s\n", ticks, freq,
           us / 1000000u, us % 1000000u);
    return 0;
}

static int parse_uint(const char *s, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > 86400ul) {
        return -1;
    }
    *out = v;
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int navigate(unsigned long interval, unsigned long count)
{
    size_t leg = 0;
    unsigned left = route[0].length_m;
    struct nav_channel nav;

    /* Line buffered or not, each guidance line goes out in one write(). */
    setvbuf(stdout, NULL, _IOLBF, 0);
    nav_open(&nav);
    for (unsigned long n = 0; count == 0u || n < count; n++) {
        char text[NAV_TEXT_MAX];
        int64_t deadline;

        snprintf(text, sizeof(text), "%s %u m", route[leg].street, left);
        printf("IVI: nav %s\n", text);
        nav_publish(&nav, text);
        if (left > STEP_M) {
            left -= STEP_M;
        } else {
            leg = (leg + 1u) % NUM_LEGS;
            left = route[leg].length_m;
        }
        if (count != 0u && n + 1u >= count) {
            break;
        }
        /* Until the next line: acknowledgements, and peers coming back (publish again, full interval again). */
        deadline = now_ms() + (int64_t)interval * 1000;
        for (int64_t t = now_ms(); t < deadline; t = now_ms()) {
            int r = nav_wait(&nav, (long)(deadline - t), text);

            if (r > 0) {
                nav_publish(&nav, text);
                deadline = now_ms() + (int64_t)interval * 1000;
            }
        }
    }
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: ivi_app [-i SECONDS] [-n COUNT] | --clock\n");
}

int main(int argc, char **argv)
{
    unsigned long interval = 3, count = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--clock") == 0) {
            return print_clock();
        }
        unsigned long *dst = NULL;
        if (strcmp(argv[i], "-i") == 0) {
            dst = &interval;
        } else if (strcmp(argv[i], "-n") == 0) {
            dst = &count;
        }
        if (dst == NULL || i + 1 >= argc || parse_uint(argv[i + 1], dst) != 0) {
            usage();
            return 2;
        }
        i++;
    }
    return navigate(interval, count);
}
