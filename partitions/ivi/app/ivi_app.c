// SPDX-License-Identifier: Apache-2.0
/*
 * The IVI application: a stand-in navigation service of the infotainment
 * partition. It walks a fixed route and prints one guidance line every few
 * seconds ("IVI: nav <street> <distance> m"); later it publishes the same data
 * on the `nav` shared-memory channel for the cluster.
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

static void sleep_s(unsigned long s)
{
    struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = 0};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int navigate(unsigned long interval, unsigned long count)
{
    size_t leg = 0;
    unsigned left = route[0].length_m;
    /* Line buffered or not, each guidance line goes out in one write(). */
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (unsigned long n = 0; count == 0u || n < count; n++) {
        printf("IVI: nav %s %u m\n", route[leg].street, left);
        if (left > STEP_M) {
            left -= STEP_M;
        } else {
            leg = (leg + 1u) % NUM_LEGS;
            left = route[leg].length_m;
        }
        if (count == 0u || n + 1u < count) {
            sleep_s(interval);
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
