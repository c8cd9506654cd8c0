/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Channels (after QNX vdev-shmem): a shared-memory region mapped into each
 * peer with its own permission, plus a control page per peer through which a
 * peer raises the doorbell interrupt of exactly the peers it names (selective
 * signaling) and learns who signaled it (signal knowledge).
 *
 * Control page registers (32-bit, in the peer's CFG_VDEV_CHANCTL window):
 *   0x00 NOTIFY   W  bit i set: signal peer i (peers are sorted by partition name)
 *   0x04 PENDING  R  bit i set: peer i signaled since the last read; reading clears
 *   0x08 SELF     R  this peer's index
 *   0x0c PEERS    R  number of peers
 *   0x10 SIZE_LO  R  bytes of the shared region, low and high halves
 *   0x14 SIZE_HI  R
 *   0x18 PERM     R  CFG_PERM_* of this peer on the shared region
 *   0x20 READY    W  any value: this peer's partition is ready (as SEPTUM_HVC_READY), for
 *                    guests whose user space cannot make hypercalls
 *   0x24 THROTTLED R NOTIFY writes of this peer refused by the channel's rate bound
 * Everything else reads as zero and ignores writes. A NOTIFY rings only the
 * peers whose PENDING bit for the sender was clear, and at most notify_rate
 * NOTIFY writes a second are accepted from each peer (see chan.c).
 */
#pragma once

#include "mmio.h"
#include "types.h"

#define CHAN_NOTIFY 0x00u
#define CHAN_PENDING 0x04u
#define CHAN_SELF 0x08u
#define CHAN_PEERS 0x0cu
#define CHAN_SIZE_LO 0x10u
#define CHAN_SIZE_HI 0x14u
#define CHAN_PERM 0x18u
#define CHAN_READY 0x20u
#define CHAN_THROTTLED 0x24u

/** Emulate an access to the control page of peer (index into cfg_channel_peers). False: malformed. */
bool chan_mmio(uint32_t peer, struct mmio_access *a);

/** Forget the pending signals and refill the doorbell credit of every channel peer that partition p is (its start). */
void chan_reset(uint32_t p);
