// SPDX-License-Identifier: Apache-2.0
/*
 * septum_chan_test: exercises the septum_channel driver from the IVI's
 * initramfs and prints one "septum_chan_test: PASS <case>" or
 * "septum_chan_test: FAIL <case>: <why>" line per case, then a summary
 * (tests/integration/test_ivi_channel.py requires every case to pass).
 *
 *   septum_chan_test RW_CHANNEL [RO_CHANNEL]
 *
 * RW_CHANNEL must be writable by this partition and shared with a running
 * 'cluster' that acknowledges new nav messages (partitions/cluster);
 * RO_CHANNEL, if given, read-only. Every misuse the driver documents
 * (septum_channel_uapi.h) is tried and must fail with its errno, never hang.
 * The last cases unbind the driver from RW_CHANNEL's device while a file is
 * open and bind it again (what module unload does to open files).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nav_msg.h"
#include "septum_channel.h"
#include "septum_seq.h"

static int passed;
static int failed;

static void result(int ok, const char *name, const char *fmt, ...)
{
    va_list ap;

    if (ok) {
        passed++;
        printf("septum_chan_test: PASS %s\n", name);
        return;
    }
    failed++;
    printf("septum_chan_test: FAIL %s: ", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* rc must be -1 with errno want. */
static void expect_errno(const char *name, long rc, int want)
{
    int e = errno;

    result(rc == -1 && e == want, name, "returned %ld, errno %d (%s), wanted %s", rc, rc == -1 ? e : 0,
           rc == -1 ? strerror(e) : "-", strerror(want));
}

static void expect_map_errno(const char *name, void *p, size_t len, int want)
{
    int e = errno;

    if (p != MAP_FAILED) {
        munmap(p, len);
    }
    result(p == MAP_FAILED && e == want, name, "mmap %s, errno %d (%s), wanted %s",
           p == MAP_FAILED ? "failed" : "succeeded", p == MAP_FAILED ? e : 0, p == MAP_FAILED ? strerror(e) : "-",
           strerror(want));
}

static int open_dev(const char *name, int flags)
{
    char path[64];

    snprintf(path, sizeof(path), "/dev/septum/%s", name);
    return open(path, flags);
}

/* Take whatever is pending, so that the next checks start from nothing. */
static void drain(int fd)
{
    uint32_t v;
    int i;

    for (i = 0; i < 64 && read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v); i++) {
    }
}

static void rw_cases(const char *name)
{
    struct septum_chan_info info;
    struct septum_chan_peer peer;
    struct stat st;
    uint32_t mask;
    uint32_t v;
    char path[64];
    char buf[2];
    void *p;
    int fd;

    snprintf(path, sizeof(path), "/dev/septum/%s", name);
    result(stat(path, &st) == 0 && S_ISCHR(st.st_mode), "device_node_exists", "%s: %s", path, strerror(errno));
    fd = open_dev(name, O_RDWR | O_NONBLOCK);
    if (fd < 0) {
        result(0, "open", "%s: %s", path, strerror(errno));
        return;
    }
    memset(&info, 0, sizeof(info));
    result(ioctl(fd, SEPTUM_CHAN_IOC_INFO, &info) == 0 && strcmp(info.name, name) == 0 && info.num_peers >= 2 &&
               info.self < info.num_peers && info.size >= 4096 && (info.perm & SEPTUM_CHAN_PERM_W) != 0,
           "info_describes_the_channel", "name '%s' size %llu self %u peers %u perm %u", info.name,
           (unsigned long long)info.size, info.self, info.num_peers, info.perm);
    result((info.peer_state >> info.self) & 1u, "peer_state_shows_self_running", "peer_state 0x%x", info.peer_state);
    peer.index = info.self;
    result(ioctl(fd, SEPTUM_CHAN_IOC_PEER, &peer) == 0 && strcmp(peer.name, "ivi") == 0 && peer.running == 1,
           "peer_ioctl_names_self", "'%s' running %u", peer.name, peer.running);
    peer.index = info.num_peers;
    expect_errno("peer_index_out_of_range_is_einval", ioctl(fd, SEPTUM_CHAN_IOC_PEER, &peer), EINVAL);

    /* mmap */
    p = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p != MAP_FAILED) {
        volatile uint8_t *last = (volatile uint8_t *)p + info.size - 1;
        uint8_t old = *last;

        *last = (uint8_t)(old ^ 0x5a);
        result(*last == (uint8_t)(old ^ 0x5a), "mmap_whole_region_rw", "read back differs");
        *last = old;
        munmap(p, info.size);
    } else {
        result(0, "mmap_whole_region_rw", "%s", strerror(errno));
    }
    p = mmap(NULL, info.size + 4096, PROT_READ, MAP_SHARED, fd, 0);
    expect_map_errno("mmap_beyond_region_is_einval", p, info.size + 4096, EINVAL);
    p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, (off_t)info.size);
    expect_map_errno("mmap_offset_past_region_is_einval", p, 4096, EINVAL);
    p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    expect_map_errno("mmap_private_is_einval", p, 4096, EINVAL);

    /* notify */
    mask = 1u << info.self;
    expect_errno("notify_self_is_einval", ioctl(fd, SEPTUM_CHAN_IOC_NOTIFY, &mask), EINVAL);
    expect_errno("write_notify_self_is_einval", write(fd, &mask, sizeof(mask)), EINVAL);
    mask = 1u << info.num_peers;
    expect_errno("notify_non_peer_is_einval", ioctl(fd, SEPTUM_CHAN_IOC_NOTIFY, &mask), EINVAL);
    mask = SEPTUM_CHAN_PENDING_STATE;
    expect_errno("notify_state_bit_is_einval", write(fd, &mask, sizeof(mask)), EINVAL);
    mask = 0;
    expect_errno("notify_nobody_is_einval", ioctl(fd, SEPTUM_CHAN_IOC_NOTIFY, &mask), EINVAL);
    expect_errno("write_of_2_bytes_is_einval", write(fd, buf, 2), EINVAL);
    expect_errno("unknown_ioctl_is_enotty", ioctl(fd, _IO(SEPTUM_CHAN_IOC_MAGIC, 0x7f), 0), ENOTTY);
    expect_errno("foreign_ioctl_is_enotty", ioctl(fd, _IOR('T', 0x13, int), &v), ENOTTY);

    /* read / poll */
    expect_errno("read_into_2_bytes_is_einval", read(fd, buf, 2), EINVAL);
    drain(fd);
    expect_errno("nonblocking_read_with_nothing_pending_is_eagain", read(fd, &v, sizeof(v)), EAGAIN);
    {
        struct pollfd pfd = {.fd = fd, .events = POLLIN | POLLOUT};
        int r = poll(&pfd, 1, 0);

        result(r == 1 && (pfd.revents & POLLOUT) && !(pfd.revents & POLLIN), "poll_is_writable_not_readable",
               "poll %d revents 0x%x", r, pfd.revents);
    }
    close(fd);
}

/* Publish a message; the cluster acknowledges it: the library's wait sees its bit. */

/*
 * The channel's rate bound (notify_rate, default 1,000/s with a burst of 10):
 * back-to-back NOTIFYs beyond it are refused as a whole, and the driver says so
 * with EAGAIN instead of pretending they were delivered; after a pause a NOTIFY
 * is delivered again.
 */
static void storm_cases(struct septum_channel *ch)
{
    int delivered = 0;
    int refused = 0;
    int other = 0;
    int r;
    int i;

    for (i = 0; i < 64; i++) {
        r = septum_channel_notify(ch, "cluster");
        if (r == 0) {
            delivered++;
        } else if (r == -EAGAIN) {
            refused++;
        } else {
            other++;
        }
    }
    result(delivered > 0 && refused > 0 && other == 0, "notify_storm_is_throttled_with_eagain",
           "%d delivered, %d refused, %d other errors", delivered, refused, other);
    usleep(100000);
    r = septum_channel_notify(ch, "cluster");
    result(r == 0, "notify_after_a_pause_is_delivered", "notify %d", r);
}

static void doorbell_case(const char *name)
{
    struct septum_channel ch;
    struct nav_msg *m;
    uint32_t pending = 0;
    int cluster;
    int r;
    int i;

    r = septum_channel_open(&ch, name);
    if (r != 0) {
        result(0, "library_open", "%s", strerror(-r));
        return;
    }
    cluster = septum_channel_peer_index(&ch, "cluster");
    result(cluster >= 0 && septum_channel_peer_running(&ch, "cluster") == 1, "library_finds_running_cluster",
           "index %d", cluster);
    result(septum_channel_notify(&ch, "ivi") == -EINVAL && septum_channel_notify(&ch, "nobody") == -ENOENT,
           "library_notify_rejects_self_and_strangers", "");
    m = septum_channel_map(&ch);
    if (m == NULL || cluster < 0) {
        result(0, "doorbell_round_trip", "map: %s", strerror(errno));
        septum_channel_close(&ch);
        return;
    }
    drain(ch.fd);
    septum_seq_write_begin(&m->seq);
    septum_seq_copy(m->text, "septum_chan_test", sizeof("septum_chan_test"));
    septum_seq_write_end(&m->seq);
    r = septum_channel_notify(&ch, "cluster");
    /* The cluster acknowledges within a frame or two; allow for a slow host. */
    for (i = 0; i < 30 && r == 0; i++) {
        r = septum_channel_wait(&ch, 1000, &pending);
        if (r > 0 && (pending & (1u << cluster)) != 0) {
            break;
        }
        r = 0;
    }
    result(r > 0 && (pending & (1u << cluster)) != 0, "doorbell_round_trip_cluster_acknowledges",
           "wait %d pending 0x%x", r, pending);
    r = septum_channel_wait(&ch, 0, &pending);
    result(r == 0, "wait_with_zero_timeout_returns_0", "wait %d pending 0x%x", r, pending);
    storm_cases(&ch);
    septum_channel_close(&ch);
}

static void ro_cases(const char *name)
{
    struct septum_chan_info info;
    void *p;
    int fd;

    fd = open_dev(name, O_RDWR | O_NONBLOCK);
    if (fd < 0 || ioctl(fd, SEPTUM_CHAN_IOC_INFO, &info) != 0) {
        result(0, "ro_open", "/dev/septum/%s: %s", name, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    result((info.perm & SEPTUM_CHAN_PERM_W) == 0, "ro_info_says_read_only", "perm %u", info.perm);
    p = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    expect_map_errno("ro_writable_mapping_is_eacces", p, info.size, EACCES);
    p = mmap(NULL, info.size, PROT_READ, MAP_SHARED, fd, 0);
    result(p != MAP_FAILED, "ro_readonly_mapping_works", "%s", strerror(errno));
    if (p != MAP_FAILED) {
        expect_errno("ro_mprotect_to_writable_is_eacces", mprotect(p, info.size, PROT_READ | PROT_WRITE), EACCES);
        munmap(p, info.size);
    }
    close(fd);
}

static int write_str(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY);
    int ok;

    if (fd < 0) {
        return -1;
    }
    ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
    close(fd);
    return ok ? 0 : -1;
}

/* Unbind the driver from the channel while a file is open, then bind it again. */
static void unbind_cases(const char *name)
{
    char link[128];
    char target[256];
    char dev[128];
    char node[64];
    struct septum_chan_info info;
    uint32_t v;
    ssize_t n;
    int fd;
    int i;

    snprintf(link, sizeof(link), "/sys/class/misc/septum_%s/device", name);
    n = readlink(link, target, sizeof(target) - 1);
    if (n <= 0) {
        result(0, "unbind_find_device", "%s: %s", link, strerror(errno));
        return;
    }
    target[n] = '\0';
    snprintf(dev, sizeof(dev), "%s", basename(target));
    snprintf(node, sizeof(node), "/dev/septum/%s", name);
    fd = open_dev(name, O_RDWR);
    if (fd < 0 || ioctl(fd, SEPTUM_CHAN_IOC_INFO, &info) != 0 ||
        write_str("/sys/bus/platform/drivers/septum_channel/unbind", dev) != 0) {
        result(0, "unbind_with_open_file", "%s: %s", dev, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    /* The file outlives the device: every use is ENODEV now, none blocks. */
    expect_errno("read_after_unbind_is_enodev", read(fd, &v, sizeof(v)), ENODEV);
    v = 1u << (info.self == 0u ? 1u : 0u);
    expect_errno("notify_after_unbind_is_enodev", ioctl(fd, SEPTUM_CHAN_IOC_NOTIFY, &v), ENODEV);
    expect_errno("info_after_unbind_is_enodev", ioctl(fd, SEPTUM_CHAN_IOC_INFO, &info), ENODEV);
    result(access(node, F_OK) != 0, "device_node_gone_after_unbind", "still there");
    close(fd);
    if (write_str("/sys/bus/platform/drivers/septum_channel/bind", dev) != 0) {
        result(0, "rebind", "%s: %s", dev, strerror(errno));
        return;
    }
    for (i = 0; i < 50 && access(node, F_OK) != 0; i++) {
        usleep(100000);
    }
    fd = open_dev(name, O_RDWR);
    result(fd >= 0, "rebind_brings_the_device_back", "%s", strerror(errno));
    if (fd >= 0) {
        close(fd);
    }
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        fprintf(stderr, "usage: septum_chan_test RW_CHANNEL [RO_CHANNEL]\n");
        return 2;
    }
    /*
     * The self-test runs from /init before the IVI application, which is what says
     * READY: say it here, so the partition is 'running' (PEER_STATE shows itself, the
     * cluster answers a running IVI) as it will be once the application runs.
     */
    {
        struct septum_channel ch;

        if (septum_channel_open(&ch, argv[1]) == 0) {
            if (septum_channel_ready(&ch) != 0) {
                printf("septum_chan_test: READY not said (%s)\n", strerror(errno));
            }
            septum_channel_close(&ch);
        }
    }
    rw_cases(argv[1]);
    doorbell_case(argv[1]);
    if (argc > 2) {
        ro_cases(argv[2]);
    }
    unbind_cases(argv[1]);
    printf("septum_chan_test: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
