/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Channels (after QNX vdev-shmem): a shared-memory region mapped into each
 * peer with its own permission, plus a control page per peer through which a
 * peer raises the doorbell interrupt of exactly the peers it names (selective
 * signaling) and learns who signaled it (signal knowledge) and which peers are
 * running (peer-state knowledge, QNX's attach/detach notification in static
 * form: a peer's start, restart or halt rings the other peers' doorbells with
 * PENDING bit 31).
 *
 * The control page registers are defined once, in septum/chan_abi.h (shared
 * with partitions/lib and the Linux driver); the CHAN_* names below are the
 * kernel's short names for them. Everything else reads as zero and ignores
 * writes. A NOTIFY rings only the peers whose PENDING bit for the sender was
 * clear, and at most notify_rate NOTIFY writes a second are accepted from each
 * peer (see chan.c).
 */
#pragma once

#include "mmio.h"
#include "septum/chan_abi.h"
#include "types.h"

#define CHAN_NOTIFY SEPTUM_CHAN_NOTIFY
#define CHAN_PENDING SEPTUM_CHAN_PENDING
#define CHAN_SELF SEPTUM_CHAN_SELF
#define CHAN_PEERS SEPTUM_CHAN_PEERS
#define CHAN_SIZE_LO SEPTUM_CHAN_SIZE_LO
#define CHAN_SIZE_HI SEPTUM_CHAN_SIZE_HI
#define CHAN_PERM SEPTUM_CHAN_PERM
#define CHAN_PEER_STATE SEPTUM_CHAN_PEER_STATE
/** PENDING bit: a peer started, stopped or began a restart (read PEER_STATE). Peers use bits 0..30. */
#define CHAN_PENDING_STATE SEPTUM_CHAN_PENDING_STATE
#define CHAN_READY SEPTUM_CHAN_READY
#define CHAN_THROTTLED SEPTUM_CHAN_THROTTLED

/** Emulate an access to the control page of peer (index into cfg_channel_peers). False: malformed. */
bool chan_mmio(uint32_t peer, struct mmio_access *a);

/**
 * Partition p started, stopped or began a restart: set CHAN_PENDING_STATE in
 * the other peers of each of its channels and raise their doorbells.
 */
void chan_peer_state_changed(uint32_t p);

/** Forget the pending signals and refill the doorbell credit of every channel peer that partition p is (its start). */
void chan_reset(uint32_t p);
