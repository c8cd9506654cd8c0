/* SPDX-License-Identifier: Apache-2.0 */
/* Septum channels for Linux applications (see septum_channel.h). */
#define _POSIX_C_SOURCE 200809L

#include "septum_channel.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int septum_channel_open(struct septum_channel *ch, const char *name)
{
    struct septum_chan_info info;
    char path[64];
    uint32_t i;

    memset(ch, 0, sizeof(*ch));
    ch->fd = -1;
    if (name == NULL || strlen(name) >= SEPTUM_CHAN_NAME_MAX || strchr(name, '/') != NULL) {
        return -EINVAL;
    }
    snprintf(path, sizeof(path), "/dev/septum/%s", name);
    /* Read-write: write() is notify, which read-only peers may do too. */
    ch->fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (ch->fd < 0) {
        return -errno;
    }
    if (ioctl(ch->fd, SEPTUM_CHAN_IOC_INFO, &info) != 0) {
        int e = -errno;

        septum_channel_close(ch);
        return e;
    }
    memcpy(ch->name, info.name, sizeof(ch->name));
    ch->name[sizeof(ch->name) - 1] = '\0';
    ch->size = info.size;
    ch->self = info.self;
    ch->num_peers = info.num_peers;
    ch->perm = info.perm;
    for (i = 0; i < ch->num_peers && i < SEPTUM_CHAN_MAX_PEERS; i++) {
        struct septum_chan_peer p = {.index = i};

        if (ioctl(ch->fd, SEPTUM_CHAN_IOC_PEER, &p) != 0) {
            int e = -errno;

            septum_channel_close(ch);
            return e;
        }
        memcpy(ch->peers[i], p.name, sizeof(ch->peers[i]));
        ch->peers[i][sizeof(ch->peers[i]) - 1] = '\0';
    }
    return 0;
}

void septum_channel_close(struct septum_channel *ch)
{
    if (ch->map != NULL) {
        munmap(ch->map, (size_t)ch->size);
        ch->map = NULL;
    }
    if (ch->fd >= 0) {
        close(ch->fd);
        ch->fd = -1;
    }
}

void *septum_channel_map(struct septum_channel *ch)
{
    int prot = PROT_READ | (((ch->perm & SEPTUM_CHAN_PERM_W) != 0u) ? PROT_WRITE : 0);
    void *p;

    if (ch->map != NULL) {
        return ch->map;
    }
    p = mmap(NULL, (size_t)ch->size, prot, MAP_SHARED, ch->fd, 0);
    if (p == MAP_FAILED) {
        return NULL;
    }
    ch->map = p;
    return p;
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int septum_channel_wait(struct septum_channel *ch, int timeout_ms, uint32_t *pending)
{
    int64_t deadline = now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
    struct pollfd pfd = {.fd = ch->fd, .events = POLLIN};

    for (;;) {
        int left = timeout_ms < 0 ? -1 : (int)(deadline - now_ms());
        ssize_t n;
        int r;

        if (timeout_ms >= 0 && left < 0) {
            left = 0;
        }
        r = poll(&pfd, 1, left);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            return -errno;
        }
        if (r == 0) {
            return 0;
        }
        if ((pfd.revents & POLLIN) == 0) {
            /* The driver's poll: HUP once the device is unbound, ERR for a channel without doorbell. */
            return ((pfd.revents & POLLHUP) != 0) ? -ENODEV : -ENXIO;
        }
        /* Non-blocking: another reader of the same channel may have taken the mask meanwhile. */
        n = read(ch->fd, pending, sizeof(*pending));
        if (n == (ssize_t)sizeof(*pending)) {
            return 1;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return -errno;
        }
        if (timeout_ms >= 0 && now_ms() >= deadline) {
            return 0;
        }
    }
}

int septum_channel_peer_index(const struct septum_channel *ch, const char *peer)
{
    uint32_t i;

    for (i = 0; i < ch->num_peers; i++) {
        if (strcmp(ch->peers[i], peer) == 0) {
            return (int)i;
        }
    }
    return -ENOENT;
}

int septum_channel_notify_mask(struct septum_channel *ch, uint32_t mask)
{
    return ioctl(ch->fd, SEPTUM_CHAN_IOC_NOTIFY, &mask) == 0 ? 0 : -errno;
}

int septum_channel_notify(struct septum_channel *ch, const char *peer)
{
    int i = septum_channel_peer_index(ch, peer);

    return i < 0 ? i : septum_channel_notify_mask(ch, 1u << i);
}

int septum_channel_notify_others(struct septum_channel *ch)
{
    uint32_t all = (ch->num_peers >= 32u) ? 0xffffffffu : ((1u << ch->num_peers) - 1u);

    return septum_channel_notify_mask(ch, all & ~(1u << ch->self));
}

int septum_channel_ready(struct septum_channel *ch)
{
    return ioctl(ch->fd, SEPTUM_CHAN_IOC_READY) == 0 ? 0 : -errno;
}

int septum_channel_peer_state(struct septum_channel *ch, uint32_t *mask)
{
    struct septum_chan_info info;

    if (ioctl(ch->fd, SEPTUM_CHAN_IOC_INFO, &info) != 0) {
        return -errno;
    }
    *mask = info.peer_state;
    return 0;
}

int septum_channel_peer_running(struct septum_channel *ch, const char *peer)
{
    int i = septum_channel_peer_index(ch, peer);
    uint32_t mask = 0;
    int r;

    if (i < 0) {
        return i;
    }
    r = septum_channel_peer_state(ch, &mask);
    return r < 0 ? r : (int)((mask >> i) & 1u);
}
