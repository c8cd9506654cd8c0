/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR Apache-2.0 */
/*
 * User-space interface of the septum_channel Linux driver
 * (partitions/ivi/driver/septum_channel.c): one character device per channel
 * of the partition, /dev/septum/<name>. Dual-licensed: the GPL-2.0 module and
 * Apache-2.0 applications include it. Applications normally use the library
 * on top of it (partitions/ivi/lib/septum_channel.h).
 *
 *   mmap    the shared region, MAP_SHARED, offset and length inside it; a
 *           read-only peer gets only read-only mappings (mprotect cannot add
 *           PROT_WRITE later).
 *   read    blocks until the doorbell rang, then returns the PENDING mask as
 *           one __u32: bit i = peer i signaled, SEPTUM_CHAN_PENDING_STATE = a
 *           peer's state changed. Reading clears it (for every opener: the mask
 *           is the channel's, as on the control page). O_NONBLOCK: EAGAIN.
 *   poll    POLLIN while a mask is waiting; POLLOUT always (notify never blocks;
 *           a throttled notify fails with EAGAIN).
 *   write   one __u32 peer mask: NOTIFY those peers (the file must be open for
 *           writing; the ioctl does the same on any open file).
 *   ioctl   SEPTUM_CHAN_IOC_INFO, _PEER, _NOTIFY, _READY below (_READY: tell
 *           Septum this partition is ready, its state goes starting -> running).
 *
 * Errors (errno):
 *   EINVAL  mmap beyond the region, or not MAP_SHARED; read with a buffer of
 *           fewer than 4 bytes; write of other than 4 bytes; a notify mask that
 *           is 0, names a non-peer or this peer itself; PEER index >= peers
 *   EACCES  a writable mapping (PROT_WRITE, MAP_SHARED) of a read-only channel
 *   EAGAIN  read with O_NONBLOCK and nothing pending; a notify (write or
 *           ioctl) that the channel's rate bound (notify_rate in system.yaml)
 *           refused: nobody was signaled, try again later
 *   ENOTTY  unknown ioctl
 *   ENXIO   read of a channel without a doorbell (notify: false in system.yaml)
 *   ENODEV  the device was unbound (module unload) while the file stayed open
 *   EFAULT  a bad user pointer
 */
#pragma once

#include <linux/ioctl.h>
#include <linux/types.h>

/* The control page constants (SEPTUM_CHAN_PENDING_STATE, SEPTUM_CHAN_PERM_*, ...). */
#include "septum/chan_abi.h"

/** Longest channel or partition name, with its NUL. */
#define SEPTUM_CHAN_NAME_MAX 32

/** SEPTUM_CHAN_IOC_INFO: what the control page and the device tree say of the channel. */
struct septum_chan_info {
	__u64 size;                       /**< bytes of the shared region */
	__u32 self;                       /**< this partition's peer index */
	__u32 num_peers;                  /**< peers of the channel, 2..SEPTUM_CHAN_MAX_PEERS */
	__u32 perm;                       /**< SEPTUM_CHAN_PERM_R, | SEPTUM_CHAN_PERM_W if writable */
	__u32 peer_state;                 /**< bit i: peer i is running (read now from the control page) */
	char name[SEPTUM_CHAN_NAME_MAX];  /**< the channel's name */
};

/** SEPTUM_CHAN_IOC_PEER: one peer, by index (set index, the rest is filled in). */
struct septum_chan_peer {
	__u32 index;                      /**< in: 0..num_peers-1 */
	__u32 running;                    /**< out: 1 if its partition is running */
	char name[SEPTUM_CHAN_NAME_MAX];  /**< out: its partition's name */
};

#define SEPTUM_CHAN_IOC_MAGIC 0xb5
#define SEPTUM_CHAN_IOC_INFO _IOR(SEPTUM_CHAN_IOC_MAGIC, 0, struct septum_chan_info)
#define SEPTUM_CHAN_IOC_PEER _IOWR(SEPTUM_CHAN_IOC_MAGIC, 1, struct septum_chan_peer)
#define SEPTUM_CHAN_IOC_NOTIFY _IOW(SEPTUM_CHAN_IOC_MAGIC, 2, __u32)
#define SEPTUM_CHAN_IOC_READY _IO(SEPTUM_CHAN_IOC_MAGIC, 3)
