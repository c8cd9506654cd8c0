/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small polled virtio-net driver for bare-metal partitions (virtio-mmio
 * version 2, split virtqueues: virtio 1.2 sections 4.2, 2.7, 5.1) with a
 * minimal endpoint: it answers ARP requests and ICMP echo requests for its
 * IPv4 address and hands UDP datagrams for its port to a callback. Every
 * received frame is parsed with bounds checks; nothing is allocated.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** Descriptors per queue the driver uses (the device may offer more). */
#define SP_NET_QN 8u
/** Bytes of one buffer: virtio_net_hdr (12) + an Ethernet frame of MTU 1500 (1514), rounded up. */
#define SP_NET_BUF 1536u
/** Size of struct virtio_net_hdr once VERSION_1 is negotiated. */
#define SP_NET_HDR 12u

/** Called for each UDP datagram to the endpoint's port: payload, its length, the sender's IPv4 address. */
typedef void (*sp_net_udp_fn)(const uint8_t *payload, size_t len, const uint8_t src_ip[4]);

/** One split virtqueue in the partition's memory (2.7: alignments 16, 2 and 4). */
struct sp_net_vq {
    struct sp_net_desc {
        uint64_t addr;
        uint32_t len;
        uint16_t flags;
        uint16_t next;
    } desc[SP_NET_QN] __attribute__((aligned(16)));
    struct sp_net_avail {
        uint16_t flags;
        uint16_t idx;
        uint16_t ring[SP_NET_QN];
        uint16_t used_event;
    } avail __attribute__((aligned(16)));
    struct sp_net_used {
        uint16_t flags;
        uint16_t idx;
        struct sp_net_used_elem {
            uint32_t id;
            uint32_t len;
        } ring[SP_NET_QN];
        uint16_t avail_event;
    } used __attribute__((aligned(16)));
};

/** Counters of the endpoint. */
struct sp_net_stats {
    uint32_t rx_frames;   /**< frames received */
    uint32_t rx_ignored;  /**< not for us, or malformed */
    uint32_t arp_replies;
    uint32_t echo_replies;
    uint32_t udp;         /**< datagrams delivered to the callback */
    uint32_t tx_full;     /**< replies not sent: every TX buffer in flight */
    uint32_t resets;      /**< device re-initialised after NEEDS_RESET */
};

/** The driver's state; all of it static in the partition. */
struct sp_net {
    uint64_t base;          /**< the virtio-mmio window */
    uint8_t mac[6];
    uint8_t ip[4];
    uint16_t udp_port;
    uint16_t mtu;
    uint16_t rx_seen;       /**< used.idx of RX already processed */
    uint16_t tx_next;       /**< avail.idx of TX */
    uint16_t tx_seen;       /**< used.idx of TX already reclaimed */
    sp_net_udp_fn on_udp;
    struct sp_net_stats stats;
};

/**
 * Bring up the virtio-net device at base as ip, delivering UDP to udp_port
 * to on_udp. Returns 0, or a negative number naming the step that failed
 * (-1 no virtio-net v2 device, -2 features refused, -3 queue too small).
 */
int sp_net_init(struct sp_net *n, uint64_t base, const uint8_t ip[4], uint16_t udp_port, sp_net_udp_fn on_udp);

/** Handle every received frame and reclaim sent buffers; bounded by the queue size. */
void sp_net_poll(struct sp_net *n);

/** Raw send (make bench): the next TX slot's frame area (SP_NET_BUF - SP_NET_HDR bytes), NULL when all are in flight. */
uint8_t *sp_net_tx_begin(struct sp_net *n);

/** Send the whole Ethernet frame of len bytes written into sp_net_tx_begin()'s area. */
void sp_net_tx_commit(struct sp_net *n, size_t len);

/** True while the device reports the link up (the peer partition runs). */
int sp_net_link_up(const struct sp_net *n);
