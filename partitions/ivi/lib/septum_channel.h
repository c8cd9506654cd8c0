/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Septum channels for Linux applications: a thin library over the
 * septum_channel driver's /dev/septum/<name> (septum_channel_uapi.h).
 *
 *   struct septum_channel ch;
 *   if (septum_channel_open(&ch, "nav") == 0) {
 *       struct nav_msg *m = septum_channel_map(&ch);         // the shared region
 *       ... publish with septum_seq.h ...
 *       septum_channel_notify(&ch, "cluster");               // ring one peer by name
 *       uint32_t pending;
 *       if (septum_channel_wait(&ch, 1000, &pending) > 0) {  // doorbell, or 1 s
 *           if (pending & SEPTUM_CHAN_PENDING_STATE) ... septum_channel_peer_running(&ch, "cluster") ...
 *       }
 *       septum_channel_close(&ch);
 *   }
 *
 * No device-tree parsing, no /dev/mem, no register offsets: the driver knows
 * the channel. Every function returns 0 (or a count, or a flag) on success and
 * a negative errno on failure (septum_channel_map: NULL and errno set).
 * Not thread-safe per channel; use one struct per thread or lock around it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "septum_channel_uapi.h"

/** An open channel; the fields are read-only for the caller. */
struct septum_channel {
    int fd;                                                    /**< /dev/septum/<name> (non-blocking), for poll() loops */
    char name[SEPTUM_CHAN_NAME_MAX];
    uint64_t size;                                             /**< bytes of the shared region */
    uint32_t self;                                             /**< this partition's peer index */
    uint32_t num_peers;
    uint32_t perm;                                             /**< SEPTUM_CHAN_PERM_R | _W */
    char peers[SEPTUM_CHAN_MAX_PEERS][SEPTUM_CHAN_NAME_MAX];   /**< partition name of each peer */
    void *map;                                                 /**< the mapping, NULL until septum_channel_map() */
};

/** Open /dev/septum/<name> and learn the channel (size, peers, permission). */
int septum_channel_open(struct septum_channel *ch, const char *name);
/** Unmap and close. */
void septum_channel_close(struct septum_channel *ch);
/** Map the whole shared region (read-write if this partition may write, else read-only); NULL + errno on failure. */
void *septum_channel_map(struct septum_channel *ch);
/**
 * Wait up to timeout_ms (< 0: forever) for the doorbell. Returns 1 and the
 * PENDING mask in *pending (bit i: peer i signaled; SEPTUM_CHAN_PENDING_STATE:
 * a peer's state changed), 0 on timeout, or a negative errno (-ENXIO: the
 * channel has no doorbell; -ENODEV: the device went away).
 */
int septum_channel_wait(struct septum_channel *ch, int timeout_ms, uint32_t *pending);
/** Index of the peer named peer, or -ENOENT. */
int septum_channel_peer_index(const struct septum_channel *ch, const char *peer);
/**
 * Ring the doorbell of the peer named peer (not this partition itself). These
 * return 0, or -EAGAIN when the channel's rate bound (notify_rate) refused the
 * NOTIFY (nobody was signaled; try later), -EINVAL/-ENOENT for a bad peer,
 * -ENODEV when the device went away.
 */
int septum_channel_notify(struct septum_channel *ch, const char *peer);
/** Ring the doorbells of the peers in mask (bit i = peer i; never self). */
int septum_channel_notify_mask(struct septum_channel *ch, uint32_t mask);
/** Ring every other peer's doorbell. */
int septum_channel_notify_others(struct septum_channel *ch);
/** Tell Septum this partition is ready (its state goes from starting to running). 0 or -errno. */
int septum_channel_ready(struct septum_channel *ch);

/** Which peers run now: bit i = peer i (read from the control page). */
int septum_channel_peer_state(struct septum_channel *ch, uint32_t *mask);
/** 1 if the peer named peer is running, 0 if not, or a negative errno. */
int septum_channel_peer_running(struct septum_channel *ch, const char *peer);
