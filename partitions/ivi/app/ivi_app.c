// SPDX-License-Identifier: Apache-2.0
/*
 * The IVI application: a stand-in navigation service of the infotainment
 * partition. It walks a fixed route and prints one guidance line every few
 * seconds ("IVI: nav <street> <distance> m") and publishes the same line on
 * the `nav` shared-memory channel for the cluster, ringing the other peers'
 * doorbells. The channel is found in the partition's device tree
 * (/proc/device-tree/septum-channel@*, "septum,name" = "nav") and reached
 * through /dev/mem: it is not RAM to Linux, so a strict /dev/mem allows it.
 * Message layout (shared with partitions/cluster): a 32-bit sequence number,
 * odd while the text is being written, then 60 bytes of NUL-terminated text.
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

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* Control page registers of a channel (kernel/include/chan.h). */
#define CHAN_NOTIFY 0x00u
#define CHAN_SELF 0x08u
#define CHAN_PEERS 0x0cu
#define CHAN_READY 0x20u

/** The nav message in the shared region. */
struct nav_msg {
    volatile uint32_t seq;
    char text[60];
};

/** The mapped nav channel, or NULL pointers when the partition has none. */
struct channel {
    struct nav_msg *msg;
    volatile uint32_t *ctl;
};

/* Read a whole small file into buf; returns its length or -1. */
static long read_file(const char *path, void *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    size_t n;

    if (f == NULL) {
        return -1;
    }
    n = fread(buf, 1, size, f);
    fclose(f);
    return (long)n;
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* Map the shared region and control page of the channel called name. */
static int channel_open(const char *name, struct channel *ch)
{
    DIR *d = opendir("/proc/device-tree");
    struct dirent *e;
    int found = -1;

    ch->msg = NULL;
    ch->ctl = NULL;
    if (d == NULL) {
        return -1;
    }
    while (found != 0 && (e = readdir(d)) != NULL) {
        char path[512];
        char cname[64] = {0};
        uint8_t reg[32];

        if (strncmp(e->d_name, "septum-channel@", 15) != 0) {
            continue;
        }
        snprintf(path, sizeof(path), "/proc/device-tree/%s/septum,name", e->d_name);
        if (read_file(path, cname, sizeof(cname) - 1) <= 0 || strcmp(cname, name) != 0) {
            continue;
        }
        snprintf(path, sizeof(path), "/proc/device-tree/%s/reg", e->d_name);
        if (read_file(path, reg, sizeof(reg)) != (long)sizeof(reg)) {
            continue;
        }
        int fd = open("/dev/mem", O_RDWR | O_SYNC);
        if (fd < 0) {
            fprintf(stderr, "ivi_app: /dev/mem: %s\n", strerror(errno));
            break;
        }
        void *shm = mmap(NULL, (size_t)be64(reg + 8), PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)be64(reg));
        void *ctl = mmap(NULL, (size_t)be64(reg + 24), PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)be64(reg + 16));
        close(fd);
        if (shm == MAP_FAILED || ctl == MAP_FAILED) {
            fprintf(stderr, "ivi_app: mmap of channel '%s': %s\n", name, strerror(errno));
            break;
        }
        ch->msg = shm;
        ch->ctl = ctl;
        found = 0;
    }
    closedir(d);
    return found;
}

/* Publish text on the channel and ring every other peer's doorbell. */
static void channel_publish(struct channel *ch, const char *text)
{
    uint32_t self;
    uint32_t peers;

    if (ch->msg == NULL) {
        return;
    }
    ch->msg->seq++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    snprintf(ch->msg->text, sizeof(ch->msg->text), "%s", text);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    ch->msg->seq++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    self = ch->ctl[CHAN_SELF / 4u];
    peers = ch->ctl[CHAN_PEERS / 4u];
    ch->ctl[CHAN_NOTIFY / 4u] = ((peers >= 32u) ? 0xffffffffu : ((1u << peers) - 1u)) & ~(1u << self);
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
    struct channel nav;

    /* Line buffered or not, each guidance line goes out in one write(). */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (channel_open("nav", &nav) == 0) {
        /* The IVI is ready when its application runs: tell Septum (STARTING -> RUNNING). */
        nav.ctl[CHAN_READY / 4u] = 1u;
        printf("IVI: publishing on channel 'nav'\n");
    }
    for (unsigned long n = 0; count == 0u || n < count; n++) {
        char text[60];

        snprintf(text, sizeof(text), "%s %u m", route[leg].street, left);
        printf("IVI: nav %s\n", text);
        channel_publish(&nav, text);
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
