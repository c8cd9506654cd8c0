/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Septum hypercall ABI, shared by the kernel and partitions/lib.
 *
 * Hypercalls follow the SMC Calling Convention (Arm DEN0028): HVC #0 with the
 * function ID in w0 and arguments in x1..x6; results come back in x0..x3.
 * Septum's own calls live in the vendor-specific hypervisor service range
 * (owning entity 6), SMC64 fast calls: 0xC6000000 + n.
 */
#pragma once

/** First function ID of Septum's vendor-specific hypervisor range. */
#define SEPTUM_HVC_BASE 0xC6000000u

/** x0 = ABI version, (major << 16) | minor. */
#define SEPTUM_HVC_VERSION (SEPTUM_HVC_BASE + 0u)
/** x1 = IPA of bytes, x2 = count (<= SEPTUM_CONSOLE_WRITE_MAX) → x0 = count written. */
#define SEPTUM_HVC_CONSOLE_WRITE (SEPTUM_HVC_BASE + 1u)

/** Heartbeat for the partition's watchdog (health policy watchdog_ms) → x0 = 0. */
#define SEPTUM_HVC_HEARTBEAT (SEPTUM_HVC_BASE + 2u)
/**
 * x1 = index of a partition the caller subscribes to (or its own) → x0 = its
 * state (SEPTUM_STATE_*), x1 = its restart count.
 */
#define SEPTUM_HVC_PARTITION_STATE (SEPTUM_HVC_BASE + 3u)

/**
 * Run-time control of another partition (the caller is named in its
 * `control:` list): x1 = partition index, x2 = SEPTUM_CTL_* → x0 = 0 or an
 * SMCCC error (INVALID_PARAMETER: not allowed or bad argument; NOT_REQUIRED:
 * already in that state). SEPTUM_CTL_QUERY returns x0 = state, x1 = restarts,
 * x2 = faults.
 */
#define SEPTUM_HVC_PARTITION_CONTROL (SEPTUM_HVC_BASE + 4u)
#define SEPTUM_CTL_QUERY 0u
#define SEPTUM_CTL_START 1u
#define SEPTUM_CTL_STOP 2u
#define SEPTUM_CTL_RESTART 3u

/** The caller is ready (its state goes from STARTING to RUNNING) → x0 = 0. A heartbeat says so too. */
#define SEPTUM_HVC_READY (SEPTUM_HVC_BASE + 5u)

/** Partition states of SEPTUM_HVC_PARTITION_STATE. */
#define SEPTUM_STATE_BOOTING 0u
#define SEPTUM_STATE_RUNNING 1u
#define SEPTUM_STATE_RESTARTING 2u
#define SEPTUM_STATE_HALTED 3u
#define SEPTUM_STATE_STARTING 4u   /**< loaded and entered, not yet ready (no heartbeat or READY yet) */

/** Standard vendor-hypervisor queries (SMCCC 32-bit fast calls, owner 6). */
#define SEPTUM_HVC_CALL_COUNT 0x8600FF00u
#define SEPTUM_HVC_CALL_UID 0x8600FF01u
#define SEPTUM_HVC_REVISION 0x8600FF03u

/** The ABI version this header describes. */
#define SEPTUM_ABI_MAJOR 0u
#define SEPTUM_ABI_MINOR 3u

/** Largest byte count one CONSOLE_WRITE accepts. */
#define SEPTUM_CONSOLE_WRITE_MAX 256u

/** SMCCC return codes (DEN0028 section 7.1), as seen in x0. */
#define SMCCC_SUCCESS 0
#define SMCCC_NOT_SUPPORTED (-1)
#define SMCCC_NOT_REQUIRED (-2)
#define SMCCC_INVALID_PARAMETER (-3)
