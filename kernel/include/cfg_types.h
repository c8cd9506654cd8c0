/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Types of the generated configuration tables (gen/config.c).
 *
 * The generator only fills these records; their layout is owned here. Any
 * change to a record bumps CFG_LAYOUT_VERSION, and gen/config.c asserts that it
 * was generated for the same version, so a stale gen/ cannot silently be
 * compiled against a newer kernel.
 *
 * Layout 2: cfg_partition gains
 * image_kind, psci_conduit, boot_x0 and num_virqs; new tables cfg_blobs[],
 * cfg_vdevs[], cfg_irqs[] and cfg_devices[] with counts CFG_NUM_BLOBS,
 * CFG_NUM_VDEVS, CFG_NUM_IRQS, CFG_NUM_DEVICES in config.h. An empty table is
 * emitted as one zeroed element with its count 0.
 *
 * Layout 3: channels (cfg_channels[], cfg_channel_peers[], CFG_VDEV_CHANCTL
 * windows with the peer in cfg_vdev.arg), health policies (cfg_health[], one
 * per partition), and the kind and interrupt of the hypervisor's console.
 *
 * Layout 4 (kept in 5): links (cfg_netdevs[], one per end of a virtio-net link, with
 * CFG_VDEV_VIRTIO_NET windows whose cfg_vdev.arg indexes it; CFG_NUM_NETDEVS,
 * CFG_NUM_LINKS).
 * Layout 5: time partitioning: cfg_scheds[] (one per scheduled CPU, counted
 * by CFG_NUM_SCHEDS) and their windows cfg_windows[] (CFG_NUM_WINDOWS);
 * cfg_health gains watchdog_clock.
 * Layout 7: cfg_netdev gains slot_size, slots and frames (a link's frame slots in
 * hypervisor memory; CFG_LINK_SLOTS in config.h).
 * Layout 8: struct cfg_text (cfg_start_lines: boot lines the build composes).
 */
#pragma once

#include <stdint.h>

/** Layout version of every struct in this file; gen/config.c must match. */
#define CFG_LAYOUT_VERSION 8u

/** Access rights of a partition on one of its memory regions. */
#define CFG_PERM_R 0x1u
#define CFG_PERM_W 0x2u
#define CFG_PERM_X 0x4u

/** What the health monitor does when a partition faults. */
#define CFG_FAULT_HALT 0u
#define CFG_FAULT_RESTART 1u
#define CFG_FAULT_INJECT 2u   /**< a stage-2 abort goes to the guest as an external abort, within a budget */

/** What the health monitor does when a partition asks for a reset (PSCI SYSTEM_RESET). */
#define CFG_RESET_RESTART 0u
#define CFG_RESET_HALT 1u

/** Sentinel for "no vCPU on this physical CPU". */
#define CFG_NO_VCPU 0xffffffffu

/** What a partition boots. */
#define CFG_IMAGE_BAREMETAL 0u  /**< a program linked at its first region; x0 = 0 */
#define CFG_IMAGE_LINUX 1u      /**< an arm64 Image; x0 = IPA of its generated DTB */

/** The instruction a partition's PSCI calls use (its DT /psci method). */
#define CFG_CONDUIT_HVC 0u
#define CFG_CONDUIT_SMC 1u

/** Kinds of emulated device windows. Never mapped at stage 2, so every access traps. */
#define CFG_VDEV_VGICD 0u  /**< GICv3 distributor, 64 KiB */
#define CFG_VDEV_VGICR 1u  /**< GICv3 redistributors: 128 KiB (RD_base + SGI_base) per vCPU */
#define CFG_VDEV_VUART 2u  /**< PL011, 4 KiB */
#define CFG_VDEV_CHANCTL 3u  /**< a channel's control page in one peer: NOTIFY / PENDING, 4 KiB */
#define CFG_VDEV_VIRTIO_NET 4u  /**< one end of a link: virtio-mmio network device, arg = cfg_netdevs index */

/** Kind of the physical console UART. */
#define CFG_UART_PL011 0u
#define CFG_UART_NS16550 1u  /**< 8250/16550 family, 32-bit registers (TI K3, DesignWare) */

/** Sentinel for "no virtual interrupt". */
#define CFG_NO_VINTID 0u

/** One guest-physical memory region of a partition. */
struct cfg_region {
    const char *name;  /**< region name from system.yaml */
    uint64_t pa;       /**< physical base, 4 KiB aligned */
    uint64_t ipa;      /**< guest-physical base, 4 KiB aligned */
    uint64_t size;     /**< bytes, multiple of 4 KiB */
    uint32_t perm;     /**< CFG_PERM_* */
};

/** A partition: its vCPUs, regions, translation and boot image. */
struct cfg_partition {
    const char *name;         /**< C identifier from system.yaml */
    uint32_t first_vcpu;      /**< index of vCPU 0 in cfg_vcpus */
    uint32_t num_vcpus;       /**< vCPUs are consecutive in cfg_vcpus */
    uint32_t first_region;    /**< index of the first region in cfg_regions */
    uint32_t num_regions;     /**< regions are consecutive in cfg_regions */
    uint32_t first_vdev;      /**< index of its first emulated-device window in cfg_vdevs */
    uint32_t num_vdevs;       /**< its windows are consecutive in cfg_vdevs */
    uint32_t vmid;            /**< stage-2 VMID, unique, non-zero */
    uint32_t on_fault;        /**< CFG_FAULT_* */
    const uint64_t *s2_root;  /**< level-1 stage-2 table (VTCR T0SZ=25, SL0=1) */
    const uint8_t *image;     /**< read-only copy of the boot image */
    const uint8_t *image_end; /**< one past its last byte */
    const uint64_t *digest;   /**< lib_checksum of the image, then its blobs in cfg_blobs order, taken at build time */
    uint64_t load_ipa;        /**< where the image is copied, inside a region */
    uint64_t entry_ipa;       /**< first instruction of vCPU 0 */
    uint32_t image_kind;      /**< CFG_IMAGE_* */
    uint32_t psci_conduit;    /**< CFG_CONDUIT_* */
    uint64_t boot_x0;         /**< x0 of vCPU 0 at entry: DTB IPA for Linux, else 0 */
    uint32_t num_virqs;       /**< INTIDs its vGIC implements (multiple of 32, >= 64): 32.. are SPIs */
    uint32_t pad0;
};

/** A further read-only blob copied into a partition at boot (DTB, initrd). */
struct cfg_blob {
    uint32_t partition;       /**< index into cfg_partitions */
    uint32_t pad0;
    const char *what;         /**< "dtb", "initrd" */
    const uint8_t *start;     /**< read-only copy in the hypervisor image */
    const uint8_t *end;       /**< one past its last byte */
    uint64_t load_ipa;        /**< destination, inside a writable region */
};

/** An emulated device window of a partition. */
struct cfg_vdev {
    uint32_t partition;       /**< index into cfg_partitions */
    uint32_t kind;            /**< CFG_VDEV_* */
    uint64_t ipa;             /**< base of the window, 4 KiB aligned */
    uint64_t size;            /**< bytes */
    uint32_t intid;           /**< virtual INTID the device raises (vuart, chanctl doorbell), else 0 */
    uint32_t arg;             /**< CHANCTL: index into cfg_channel_peers; else 0 */
};

/** A physical interrupt (SPI) routed to a partition. Sorted by pintid. */
struct cfg_irq {
    uint32_t pintid;          /**< physical INTID, >= 32 */
    uint32_t partition;       /**< owner */
    uint32_t vintid;          /**< INTID the owner sees, >= 32 and < its num_virqs */
    uint32_t pad0;
};

/** A pass-through MMIO window, mapped device-nGnRE at stage 2. */
struct cfg_device {
    const char *path;         /**< board DT path */
    uint32_t partition;       /**< owner */
    uint32_t pad0;
    uint64_t pa;
    uint64_t ipa;
    uint64_t size;
};

/** A virtual CPU, pinned to one physical CPU. */
/** A line of plain text the build composed (no control byte), and its length without a NUL. */
struct cfg_text {
    const char *text;
    uint32_t len;
};

struct cfg_vcpu {
    uint32_t partition;  /**< index into cfg_partitions */
    uint32_t index;      /**< vCPU number inside its partition */
    uint32_t pcpu;       /**< index into cfg_cpus */
    uint64_t vmpidr;     /**< MPIDR the guest reads (its DT cpu reg) */
};

/** A physical CPU of the board. */
struct cfg_cpu {
    uint64_t mpidr;  /**< affinity fields as the board DT cpu reg gives them */
    uint32_t vcpu;   /**< index into cfg_vcpus, or CFG_NO_VCPU */
    const uint64_t *el2_root;  /**< this CPU's EL2 level-1 table: no RAM of a partition it neither hosts nor serves */
};

/** The hypervisor's own resources. */
struct cfg_hyp {
    uint64_t base;              /**< start of the hypervisor's RAM */
    uint64_t size;              /**< bytes */
    uint64_t ram_base;          /**< board RAM (first bank) */
    uint64_t ram_size;
    uint64_t console_pa;        /**< physical PL011 owned by the hypervisor */
    uint64_t gicd_pa;           /**< GICv3 distributor */
    uint64_t gicr_pa;           /**< first GICv3 redistributor frame */
    uint64_t gicr_stride;       /**< bytes between redistributor frames */
    uint32_t psci_smc;          /**< 1: firmware PSCI via SMC, 0: via HVC */
    uint32_t console_kind;      /**< CFG_UART_* */
    uint32_t console_intid;     /**< its SPI INTID (never routed to a partition), 0 if none */
    uint32_t pad0;
    const uint64_t *el2_root;   /**< boot EL2 stage-1 level-1 table (TCR T0SZ=25): no partition memory */
};

/** A channel: one shared physical region, mapped into each peer. */
struct cfg_channel {
    const char *name;       /**< C identifier from system.yaml */
    uint64_t pa;            /**< physical base, 4 KiB aligned */
    uint64_t size;          /**< bytes, multiple of 4 KiB */
    uint32_t first_peer;    /**< index into cfg_channel_peers; peers are consecutive, sorted by name */
    uint32_t num_peers;     /**< >= 2 */
    uint32_t notify;        /**< 1: NOTIFY raises the peers' doorbell interrupts */
    uint32_t notify_rate;   /**< NOTIFY writes each peer may make per second (burst: 1/100 s of them); more are refused */
    uint32_t pad0;
};

/** One peer's view of a channel. */
struct cfg_channel_peer {
    uint32_t channel;       /**< index into cfg_channels */
    uint32_t partition;     /**< index into cfg_partitions */
    uint32_t perm;          /**< CFG_PERM_R, or CFG_PERM_R | CFG_PERM_W (never X) */
    uint32_t vintid;        /**< doorbell INTID in this peer, CFG_NO_VINTID if notify is off */
    uint64_t ipa;           /**< shared region in this peer */
    uint64_t ctl_ipa;       /**< its control page: a CFG_VDEV_CHANCTL window */
};

/** One end of a link: the virtio-net device (vdev/virtio_net.c) of one partition. */
struct cfg_netdev {
    const char *link;       /**< link name from system.yaml */
    uint32_t partition;     /**< index into cfg_partitions */
    uint32_t peer;          /**< index into cfg_netdevs of the other end */
    uint32_t link_index;    /**< index of the link (its lock); ends of a link are consecutive */
    uint32_t mtu;           /**< VIRTIO_NET_F_MTU value, 68..9000 */
    uint32_t queue_size;    /**< QueueNumMax of both queues: a power of two, 2..256 */
    uint32_t vintid;        /**< the device's (level) interrupt in this partition */
    uint64_t ipa;           /**< its virtio-mmio window */
    uint8_t mac[6];         /**< VIRTIO_NET_F_MAC value */
    uint16_t pad0;
    uint32_t slot_size;     /**< bytes of one frame slot: header + Ethernet header + MTU, 64-byte aligned */
    uint32_t slots;         /**< frame slots of this end (CFG_LINK_SLOTS) */
    uint32_t pad1;
    uint8_t *frames;        /**< slots * slot_size bytes in hypervisor memory: frames this end sent, not yet received */
};

/** Health-monitor policy of a partition; cfg_health[i] belongs to cfg_partitions[i]. */
struct cfg_health {
    uint32_t watchdog_ms;        /**< heartbeat deadline, 0: no watchdog */
    uint32_t max_restarts;       /**< restarts allowed within restart_window_ms, then halt */
    uint32_t restart_window_ms;  /**< 0: the budget never refills */
    uint32_t subscribers;        /**< bit i: cfg_partitions[i] is told of this partition's state changes */
    uint32_t notify_vintid;      /**< INTID this partition receives for state changes it subscribed to, else 0 */
    uint32_t on_reset;           /**< CFG_RESET_*: the answer to the partition's own SYSTEM_RESET */
    uint32_t controllers;        /**< bit i: cfg_partitions[i] may query, start, stop and restart this one */
    uint32_t max_injected_faults; /**< on_fault inject: aborts given to the guest per restart window, then restart */
    uint32_t watchdog_clock;     /**< CFG_WDCLOCK_*: what watchdog_ms counts on a scheduled CPU */
};

/** What a watchdog period counts when its partition shares a CPU under a schedule. */
#define CFG_WDCLOCK_PARTITION 0u  /**< only the partition's own windows */
#define CFG_WDCLOCK_WALL 1u       /**< wall time (the generic counter) */

/** Sentinel for an index into cfg_scheds: this CPU has no schedule (1:1 pinning). */
#define CFG_NO_SCHED 0xffffffffu

/**
 * The static cyclic schedule of one physical CPU (time partitioning): its
 * windows cfg_windows[first_window .. first_window + num_windows) run in
 * order from the start of each major frame; the rest of the frame is idle.
 * Window offsets and lengths fill [0, major_frame_us - idle_us) exactly.
 */
struct cfg_sched {
    uint32_t cpu;             /**< index into cfg_cpus */
    uint32_t first_window;    /**< index into cfg_windows */
    uint32_t num_windows;     /**< >= 1 */
    uint32_t pad0;
    uint64_t major_frame_us;  /**< length of the major frame */
    uint64_t idle_us;         /**< idle time at the end of each frame */
};

/** One window of a CPU's schedule. */
struct cfg_window {
    uint32_t partition;       /**< index into cfg_partitions */
    uint32_t vcpu;            /**< index into cfg_vcpus: the partition's vCPU on this CPU */
    uint64_t offset_us;       /**< start, from the start of the major frame */
    uint64_t us;              /**< length */
};
