/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-net peer links: one virtio-mmio (version 2, "modern") network device
 * per end of a link (cfg_netdevs), virtio 1.2 sections 4.2.2 (MMIO registers),
 * 2.7 (split virtqueues) and 5.1 (network device). A frame the one end puts on
 * its TX queue is copied, on the sender's CPU at its QueueNotify, into the
 * sending end's frame slots in hypervisor memory, and from there, on the
 * receiver's CPU at its next exit or RX QueueNotify, into a buffer the receiver
 * posted: no CPU touches the other partition's RAM. No free slot, the frame is
 * dropped and counted; no buffer, it waits in its slot. Everything a guest
 * gives is validated; a violation puts only that end into DEVICE_NEEDS_RESET.
 */
#pragma once

#include "config.h"
#include "mmio.h"
#include "types.h"

/* ---- virtio-mmio registers (virtio 1.2 section 4.2.2), offsets in the window ---- */
#define VIRTIO_MMIO_MAGIC 0x000u
#define VIRTIO_MMIO_VERSION 0x004u
#define VIRTIO_MMIO_DEVICE_ID 0x008u
#define VIRTIO_MMIO_VENDOR_ID 0x00cu
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010u
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014u
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020u
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024u
#define VIRTIO_MMIO_QUEUE_SEL 0x030u
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034u
#define VIRTIO_MMIO_QUEUE_NUM 0x038u
#define VIRTIO_MMIO_QUEUE_READY 0x044u
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050u
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060u
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064u
#define VIRTIO_MMIO_STATUS 0x070u
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080u
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084u
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090u
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094u
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0u
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4u
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fcu
#define VIRTIO_MMIO_CONFIG 0x100u

#define VIRTIO_MMIO_MAGIC_VALUE 0x74726976u  /**< "virt" */
#define VIRTIO_MMIO_VENDOR_SEPTUM 0x54504553u /**< "SEPT" */
#define VIRTIO_ID_NET 1u

/** InterruptStatus bits (4.2.2). */
#define VIRTIO_MMIO_INT_VRING 0x1u
#define VIRTIO_MMIO_INT_CONFIG 0x2u

/** Device status bits (virtio 1.2 section 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01u
#define VIRTIO_STATUS_DRIVER 0x02u
#define VIRTIO_STATUS_DRIVER_OK 0x04u
#define VIRTIO_STATUS_FEATURES_OK 0x08u
#define VIRTIO_STATUS_NEEDS_RESET 0x40u
#define VIRTIO_STATUS_FAILED 0x80u

/** Feature bits (5.1.3, 6). */
#define VIRTIO_NET_F_MTU 3u
#define VIRTIO_NET_F_MAC 5u
#define VIRTIO_NET_F_STATUS 16u
#define VIRTIO_F_VERSION_1 32u
/** The device's features: exactly these, nothing else (no indirect descriptors, no event index). */
#define VIRTIO_NET_FEATURES ((1ULL << VIRTIO_NET_F_MTU) | (1ULL << VIRTIO_NET_F_MAC) | \
                             (1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_F_VERSION_1))

/** virtio_net_config (5.1.4): mac[6], status, max_virtqueue_pairs, mtu. */
#define VIRTIO_NET_CFG_MAC 0x0u
#define VIRTIO_NET_CFG_STATUS 0x6u
#define VIRTIO_NET_CFG_MAX_PAIRS 0x8u
#define VIRTIO_NET_CFG_MTU 0xau
#define VIRTIO_NET_CFG_SIZE 0xcu
#define VIRTIO_NET_S_LINK_UP 0x1u

/** Split virtqueue layout (2.7). */
#define VIRTQ_DESC_F_NEXT 0x1u
#define VIRTQ_DESC_F_WRITE 0x2u
#define VIRTQ_DESC_F_INDIRECT 0x4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 0x1u
#define VIRTQ_DESC_SIZE 16u
#define VIRTQ_USED_ELEM_SIZE 8u

/** The two queues of a device (5.1.2): receiveq1, transmitq1. */
#define VIRTIO_NET_RXQ 0u
#define VIRTIO_NET_TXQ 1u
#define VIRTIO_NET_NUM_QUEUES 2u
/** Largest queue the generator allows (E0805). */
#define VIRTIO_NET_MAX_QUEUE 256u
/** struct virtio_net_hdr with num_buffers: its size once VERSION_1 is negotiated (5.1.6). */
#define VIRTIO_NET_HDR_SIZE 12u
/** Largest Ethernet header (with a VLAN tag) a frame of MTU bytes may carry. */
#define VIRTIO_NET_ETH_HDR 18u

/** Why a device went into NEEDS_RESET (statistics, unit tests). */
enum virtio_net_fault {
    VNET_OK = 0,
    VNET_BAD_RING,        /**< queue size or ring addresses outside the partition's RAM */
    VNET_BAD_AVAIL_IDX,   /**< avail.idx moved by more than the queue size */
    VNET_BAD_HEAD,        /**< a descriptor index out of range */
    VNET_BAD_CHAIN,       /**< a chain longer than the queue (a loop), or indirect */
    VNET_BAD_BUFFER,      /**< a buffer outside its partition's RAM, crossing a region end, or read-only */
    VNET_BAD_LENGTH,      /**< a zero-length buffer or a frame longer than one MTU */
    VNET_BAD_DIRECTION,   /**< a device-writable buffer in TX, or a readable one in RX */
    VNET_NUM_FAULTS,      /**< count of the above */
};

/** One virtqueue as the driver configured it. */
struct virtio_net_queue {
    uint32_t num;          /**< QueueNum */
    uint32_t ready;        /**< QueueReady */
    uint64_t desc;         /**< guest-physical, as written */
    uint64_t avail;
    uint64_t used;
    uint64_t desc_pa;      /**< translated when QueueReady was set */
    uint64_t avail_pa;
    uint64_t used_pa;
    uint16_t last_avail;   /**< next avail ring entry to consume */
    uint16_t used_idx;     /**< next used ring entry to fill */
};

/** Run-time state of one end of a link; ends[i] belongs to cfg_netdevs[i]. */
struct virtio_net {
    uint32_t status;            /**< device status (2.1) */
    uint32_t dev_features_sel;
    uint32_t drv_features_sel;
    uint64_t drv_features;
    uint32_t queue_sel;
    uint32_t isr;               /**< InterruptStatus */
    uint32_t config_gen;        /**< ConfigGeneration */
    bool link_up;               /**< last link state the driver was told of */
    enum virtio_net_fault fault;
    struct virtio_net_queue q[VIRTIO_NET_NUM_QUEUES];
    /* statistics */
    uint32_t tx_frames;         /**< frames delivered to the peer */
    uint32_t tx_dropped;        /**< frames dropped on sending: peer down or not receiving, no free slot */
    uint32_t rx_frames;         /**< frames received */
    uint32_t rx_dropped;        /**< frames dropped on receiving: buffer too small, or not receiving */
    uint32_t faults;            /**< violations seen */
};

/** Emulate an access to the window of link end dev (index into cfg_netdevs), on a CPU of its partition. */
bool virtio_net_mmio(uint32_t dev, struct mmio_access *a);

/** Return every link end of partition p to its initial state (partition reset or restart). */
void virtio_net_reset_partition(uint32_t p);

/**
 * On a CPU of partition p, at an exit that found its vGIC change flag set, after
 * the vGIC flush: if a link peer left frames for p, copy them into the buffers
 * p's ends posted (at most CFG_LINK_SLOTS frames per end). True if a frame was
 * delivered, so that the caller flushes the vGIC again (the RX interrupt).
 */
bool virtio_net_receive(uint32_t p);

/** Partition p changed state: tell the other end of each of its links (link up or down). */
void virtio_net_peer_changed(uint32_t p);

/** Run-time state of link end dev (unit tests, statistics). */
const struct virtio_net *virtio_net_get(uint32_t dev);
