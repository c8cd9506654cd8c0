/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PROPOSAL for cfg_types.h layout 3 (not compiled anywhere; the kernel owns
 * kernel/include/cfg_types.h). Everything below is already resolved by the
 * generator and present in gen/plan.json ("channels", partitions[].channels,
 * partitions[].health, console_kind, console_intid); once these records are in
 * cfg_types.h the generator emits them into config.c/config.h.
 *
 * Additions to layout 2:
 *  - channels (shared region + per-peer control page and doorbell vINTID);
 *  - health policy per partition (watchdog, restart budget, subscribers);
 *  - the kind and interrupt of the hypervisor's console UART (the J721E board's
 *    console is a 16550, not a PL011);
 *  - a CFG_VDEV_CHANCTL window kind, with the peer index in cfg_vdev.arg.
 */
#pragma once

#include <stdint.h>

#define CFG_LAYOUT_VERSION 3u

/* ---- new constants ---------------------------------------------------- */

/** A channel's control page in one peer: NOTIFY (write a peer mask) and
 *  PENDING (read who signalled), 4 KiB, at the IPA right after the shared region. */
#define CFG_VDEV_CHANCTL 3u

/** Kind of the physical console UART. */
#define CFG_UART_PL011 0u
#define CFG_UART_NS16550 1u  /**< 8250/16550 family, 32-bit registers (TI K3, DesignWare) */

/** Sentinel for "no virtual interrupt". */
#define CFG_NO_VINTID 0u

/* ---- changed records -------------------------------------------------- */

/** An emulated device window of a partition (layout 2 + arg). */
struct cfg_vdev {
    uint32_t partition;  /**< index into cfg_partitions */
    uint32_t kind;       /**< CFG_VDEV_* */
    uint64_t ipa;        /**< base of the window, 4 KiB aligned */
    uint64_t size;       /**< bytes */
    uint32_t intid;      /**< virtual INTID the device raises (vuart, chanctl doorbell), else 0 */
    uint32_t arg;        /**< CHANCTL: index into cfg_channel_peers; else 0 (was pad0) */
};

/** The hypervisor's own resources (layout 2 + console_kind, console_intid). */
struct cfg_hyp {
    uint64_t base;
    uint64_t size;
    uint64_t ram_base;
    uint64_t ram_size;
    uint64_t console_pa;
    uint64_t gicd_pa;
    uint64_t gicr_pa;
    uint64_t gicr_stride;
    uint32_t psci_smc;
    uint32_t console_kind;     /**< CFG_UART_* */
    uint32_t console_intid;    /**< its SPI INTID (never routed to a partition), 0 if none */
    uint32_t pad0;
    const uint64_t *el2_root;
};

/* ---- new records ------------------------------------------------------ */

/** A channel: one shared physical region, mapped into each peer. */
struct cfg_channel {
    const char *name;       /**< C identifier from system.yaml */
    uint64_t pa;            /**< physical base, 4 KiB aligned */
    uint64_t size;          /**< bytes, multiple of 4 KiB */
    uint32_t first_peer;    /**< index into cfg_channel_peers; peers are consecutive, sorted by name */
    uint32_t num_peers;     /**< >= 2 */
    uint32_t notify;        /**< 1: NOTIFY raises the peers' doorbell interrupts */
    uint32_t pad0;
};

/** One peer's view of a channel. */
struct cfg_channel_peer {
    uint32_t channel;       /**< index into cfg_channels */
    uint32_t partition;     /**< index into cfg_partitions */
    uint32_t perm;          /**< CFG_PERM_R, or CFG_PERM_R | CFG_PERM_W (never X) */
    uint32_t vintid;        /**< doorbell INTID in this peer, CFG_NO_VINTID if notify is off */
    uint64_t ipa;           /**< shared region in this peer (the generator uses ipa = pa) */
    uint64_t ctl_ipa;       /**< its control page: ipa + size, a CFG_VDEV_CHANCTL window */
};

/** Health-monitor policy of a partition; cfg_health[i] belongs to cfg_partitions[i]. */
struct cfg_health {
    uint32_t watchdog_ms;        /**< heartbeat deadline, 0: no watchdog */
    uint32_t max_restarts;       /**< restarts allowed within restart_window_ms, then halt (0: on_fault decides alone) */
    uint32_t restart_window_ms;  /**< 0: the budget never refills */
    uint32_t subscribers;        /**< bit i: cfg_partitions[i] is told of this partition's state changes */
    uint32_t notify_vintid;      /**< INTID this partition receives for state changes it subscribed to, else 0 */
    uint32_t pad0;
};

/*
 * config.h would add: CFG_NUM_CHANNELS, CFG_NUM_CHANNEL_PEERS (counts, 0 allowed with
 * one zeroed element as for layout 2), and
 *   extern const struct cfg_channel cfg_channels[];
 *   extern const struct cfg_channel_peer cfg_channel_peers[];
 *   extern const struct cfg_health cfg_health[];   (CFG_NUM_PARTITIONS entries)
 * and _Static_assert(CFG_NUM_PARTITIONS <= 32u) for the subscriber mask.
 */
