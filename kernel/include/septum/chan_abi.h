/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR Apache-2.0 */
/*
 * Septum channel control page ABI, shared by the kernel (kernel/core/chan.c),
 * partitions/lib, and the Linux driver (partitions/ivi/driver). Dual-licensed
 * so that the GPL-2.0 Linux module can include it. Constants only.
 *
 * Each peer of a channel has its own 4 KiB control page (the `ctl` reg of its
 * septum,channel DT node, SP_CHAN_<NAME>_CTL for bare-metal programs); every
 * register is 32 bits and must be accessed as one aligned 32-bit word.
 * Peers are numbered 0..PEERS-1 in the order of the channel's peer names
 * (sorted, as in the DT property septum,peers).
 */
#pragma once

/** W: bit i set raises peer i's doorbell (selective signaling); bits beyond the peers are ignored. */
#define SEPTUM_CHAN_NOTIFY 0x00u
/** R: bit i: peer i signaled since the last read; SEPTUM_CHAN_PENDING_STATE: a peer's state changed. Read clears. */
#define SEPTUM_CHAN_PENDING 0x04u
/** R: this peer's index. */
#define SEPTUM_CHAN_SELF 0x08u
/** R: number of peers (2..31). */
#define SEPTUM_CHAN_PEERS 0x0cu
/** R: bytes of the shared region, low and high halves. */
#define SEPTUM_CHAN_SIZE_LO 0x10u
#define SEPTUM_CHAN_SIZE_HI 0x14u
/** R: this peer's permission on the shared region: SEPTUM_CHAN_PERM_R, | SEPTUM_CHAN_PERM_W if it may write. */
#define SEPTUM_CHAN_PERM 0x18u
/** R: bit i set: peer i's partition is running (this peer's own bit included). */
#define SEPTUM_CHAN_PEER_STATE 0x1cu
/** W: any value: this peer's partition is ready (as the READY hypercall), for user space that cannot make hypercalls. */
#define SEPTUM_CHAN_READY 0x20u
/** R: NOTIFY writes of this peer refused by the channel's rate bound (notify_rate). */
#define SEPTUM_CHAN_THROTTLED 0x24u

/** PENDING bit: some peer started, stopped or began a restart; read PEER_STATE to learn which are up. */
#define SEPTUM_CHAN_PENDING_STATE 0x80000000u
/** Most peers a channel can have: PENDING bit 31 is the state bit. */
#define SEPTUM_CHAN_MAX_PEERS 31u

/** PERM values (the same bits as CFG_PERM_R and CFG_PERM_W). */
#define SEPTUM_CHAN_PERM_R 0x1u
#define SEPTUM_CHAN_PERM_W 0x2u
