/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Polled virtio-net driver and minimal ARP / IPv4 / ICMP echo / UDP endpoint
 * (see sp_net.h). Frames are parsed byte by byte (the partition runs with its
 * MMU off, so all memory is Device memory and must be accessed aligned);
 * every length is checked against what was received before it is used.
 */
#include "sp_net.h"
#include "septum.h"

/* virtio-mmio registers (virtio 1.2 section 4.2.2). */
#define VM_MAGIC 0x000u
#define VM_VERSION 0x004u
#define VM_DEVICE_ID 0x008u
#define VM_DEV_FEATURES 0x010u
#define VM_DEV_FEATURES_SEL 0x014u
#define VM_DRV_FEATURES 0x020u
#define VM_DRV_FEATURES_SEL 0x024u
#define VM_QUEUE_SEL 0x030u
#define VM_QUEUE_NUM_MAX 0x034u
#define VM_QUEUE_NUM 0x038u
#define VM_QUEUE_READY 0x044u
#define VM_QUEUE_NOTIFY 0x050u
#define VM_INTERRUPT_ACK 0x064u
#define VM_STATUS 0x070u
#define VM_QUEUE_DESC 0x080u
#define VM_QUEUE_DRIVER 0x090u
#define VM_QUEUE_DEVICE 0x0a0u
#define VM_CONFIG 0x100u

#define ST_ACK 0x01u
#define ST_DRIVER 0x02u
#define ST_DRIVER_OK 0x04u
#define ST_FEATURES_OK 0x08u
#define ST_NEEDS_RESET 0x40u

/* Features (5.1.3): MTU 3, MAC 5, STATUS 16 (low word); VERSION_1 32 (bit 0 of the high word). */
#define F_LOW ((1u << 3) | (1u << 5) | ((uint32_t)1u << 16))
#define F_HIGH 1u

#define DESC_F_WRITE 2u
#define AVAIL_F_NO_INTERRUPT 1u

#define RXQ 0u
#define TXQ 1u
#define TX_SLOTS 4u

#define ETH_HDR 14u
#define ETH_ARP 0x0806u
#define ETH_IP 0x0800u
#define IP_ICMP 1u
#define IP_UDP 17u

static struct sp_net_vq sp_net_rx_q;
static struct sp_net_vq sp_net_tx_q;
static uint8_t sp_net_rx_buf[SP_NET_QN][SP_NET_BUF] __attribute__((aligned(16)));
static uint8_t sp_net_tx_buf[TX_SLOTS][SP_NET_BUF] __attribute__((aligned(16)));

static void wmb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static uint32_t rd(const struct sp_net *n, uint32_t off)
{
    return sp_mmio_read32(n->base + off);
}

static void wr(const struct sp_net *n, uint32_t off, uint32_t v)
{
    sp_mmio_write32(n->base + off, v);
}

/* Config space bytes: 32-bit aligned reads, then the byte wanted. */
static uint8_t cfg8(const struct sp_net *n, uint32_t off)
{
    uint32_t w = rd(n, VM_CONFIG + (off & ~3u));

    return (uint8_t)(w >> (8u * (off & 3u)));
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(((uint32_t)p[0] << 8) | p[1]);
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void copy(uint8_t *d, const uint8_t *s, size_t len)
{
    size_t i;

    for (i = 0u; i < len; i++) {
        d[i] = s[i];
    }
}

static int same(const uint8_t *a, const uint8_t *b, size_t len)
{
    size_t i;

    for (i = 0u; i < len; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

/* The Internet checksum (RFC 1071) over len bytes. */
static uint16_t csum(const uint8_t *p, size_t len)
{
    uint32_t s = 0u;
    size_t i;

    for (i = 0u; (i + 1u) < len; i += 2u) {
        s += be16(&p[i]);
    }
    if ((len & 1u) != 0u) {
        s += (uint32_t)p[len - 1u] << 8;
    }
    while ((s >> 16) != 0u) {
        s = (s & 0xffffu) + (s >> 16);
    }
    return (uint16_t)~s;
}

static void queue_setup(const struct sp_net *n, uint32_t q, struct sp_net_vq *vq)
{
    uint64_t d = (uint64_t)(uintptr_t)vq->desc;
    uint64_t a = (uint64_t)(uintptr_t)&vq->avail;
    uint64_t u = (uint64_t)(uintptr_t)&vq->used;

    wr(n, VM_QUEUE_SEL, q);
    wr(n, VM_QUEUE_NUM, SP_NET_QN);
    wr(n, VM_QUEUE_DESC, (uint32_t)d);
    wr(n, VM_QUEUE_DESC + 4u, (uint32_t)(d >> 32));
    wr(n, VM_QUEUE_DRIVER, (uint32_t)a);
    wr(n, VM_QUEUE_DRIVER + 4u, (uint32_t)(a >> 32));
    wr(n, VM_QUEUE_DEVICE, (uint32_t)u);
    wr(n, VM_QUEUE_DEVICE + 4u, (uint32_t)(u >> 32));
    wr(n, VM_QUEUE_READY, 1u);
}

/* The initialisation sequence of virtio 1.2 section 3.1.1. */
static int sp_net_start(struct sp_net *n)
{
    uint32_t i;

    if ((rd(n, VM_MAGIC) != 0x74726976u) || (rd(n, VM_VERSION) != 2u) || (rd(n, VM_DEVICE_ID) != 1u)) {
        return -1;
    }
    wr(n, VM_STATUS, 0u);
    wr(n, VM_STATUS, ST_ACK | ST_DRIVER);
    wr(n, VM_DEV_FEATURES_SEL, 0u);
    wr(n, VM_DRV_FEATURES_SEL, 0u);
    wr(n, VM_DRV_FEATURES, rd(n, VM_DEV_FEATURES) & F_LOW);
    wr(n, VM_DEV_FEATURES_SEL, 1u);
    wr(n, VM_DRV_FEATURES_SEL, 1u);
    wr(n, VM_DRV_FEATURES, rd(n, VM_DEV_FEATURES) & F_HIGH);
    wr(n, VM_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
    if ((rd(n, VM_STATUS) & ST_FEATURES_OK) == 0u) {
        return -2;
    }
    for (i = 0u; i < 6u; i++) {
        n->mac[i] = cfg8(n, i);
    }
    n->mtu = (uint16_t)(cfg8(n, 10u) | ((uint32_t)cfg8(n, 11u) << 8));
    for (i = 0u; i < 2u; i++) {
        wr(n, VM_QUEUE_SEL, i);
        if (rd(n, VM_QUEUE_NUM_MAX) < SP_NET_QN) {
            return -3;
        }
    }
    /* Polled: ask for no interrupts (2.7.10). Every RX buffer posted at once. */
    for (i = 0u; i < sizeof(sp_net_rx_q); i++) {
        ((volatile uint8_t *)&sp_net_rx_q)[i] = 0u;
        ((volatile uint8_t *)&sp_net_tx_q)[i] = 0u;
    }
    sp_net_rx_q.avail.flags = AVAIL_F_NO_INTERRUPT;
    sp_net_tx_q.avail.flags = AVAIL_F_NO_INTERRUPT;
    for (i = 0u; i < SP_NET_QN; i++) {
        sp_net_rx_q.desc[i].addr = (uint64_t)(uintptr_t)sp_net_rx_buf[i];
        sp_net_rx_q.desc[i].len = SP_NET_BUF;
        sp_net_rx_q.desc[i].flags = DESC_F_WRITE;
        sp_net_rx_q.avail.ring[i] = (uint16_t)i;
    }
    sp_net_rx_q.avail.idx = SP_NET_QN;
    n->rx_seen = 0u;
    n->tx_next = 0u;
    n->tx_seen = 0u;
    queue_setup(n, RXQ, &sp_net_rx_q);
    queue_setup(n, TXQ, &sp_net_tx_q);
    wmb();
    wr(n, VM_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
    return 0;
}

int sp_net_init(struct sp_net *n, uint64_t base, const uint8_t ip[4], uint16_t udp_port, sp_net_udp_fn on_udp)
{
    n->base = base;
    copy(n->ip, ip, 4u);
    n->udp_port = udp_port;
    n->on_udp = on_udp;
    return sp_net_start(n);
}

int sp_net_link_up(const struct sp_net *n)
{
    return (cfg8(n, 6u) & 1u) != 0u;
}

/* A TX buffer for a reply of len frame bytes, or NULL if all are in flight. */
static uint8_t *tx_slot(struct sp_net *n)
{
    uint16_t used = sp_net_tx_q.used.idx;

    n->tx_seen = used;
    if ((uint16_t)(n->tx_next - n->tx_seen) >= TX_SLOTS) {
        n->stats.tx_full++;
        return NULL;
    }
    return sp_net_tx_buf[n->tx_next % TX_SLOTS];
}

/* Send the frame in the current TX slot: header + len bytes. */
static void tx_send(struct sp_net *n, size_t len)
{
    uint32_t slot = n->tx_next % TX_SLOTS;
    uint8_t *b = sp_net_tx_buf[slot];
    uint32_t i;

    for (i = 0u; i < SP_NET_HDR; i++) {
        b[i] = 0u;
    }
    sp_net_tx_q.desc[slot].addr = (uint64_t)(uintptr_t)b;
    sp_net_tx_q.desc[slot].len = (uint32_t)(SP_NET_HDR + len);
    sp_net_tx_q.desc[slot].flags = 0u;
    sp_net_tx_q.avail.ring[n->tx_next % SP_NET_QN] = (uint16_t)slot;
    wmb();
    n->tx_next++;
    sp_net_tx_q.avail.idx = n->tx_next;
    wmb();
    wr(n, VM_QUEUE_NOTIFY, TXQ);
}

/* Ethernet header of a reply to frame f: to its sender, from us. */
/* The frame area of the next TX slot (SP_NET_BUF - SP_NET_HDR bytes), or NULL with every slot in flight. */
uint8_t *sp_net_tx_begin(struct sp_net *n)
{
    uint8_t *b = tx_slot(n);

    return (b == NULL) ? NULL : &b[SP_NET_HDR];
}

/* Send the len-byte frame written into the area sp_net_tx_begin() returned. */
void sp_net_tx_commit(struct sp_net *n, size_t len)
{
    const size_t room = (size_t)SP_NET_BUF - (size_t)SP_NET_HDR;

    tx_send(n, (len > room) ? room : len);
}

static void eth_reply(const struct sp_net *n, uint8_t *o, const uint8_t *f, uint32_t type)
{
    copy(&o[0], &f[6], 6u);
    copy(&o[6], n->mac, 6u);
    put16(&o[12], type);
}

static void on_arp(struct sp_net *n, const uint8_t *f, size_t len)
{
    const uint8_t *a = &f[ETH_HDR];
    uint8_t *o;

    /* htype 1, ptype IPv4, hlen 6, plen 4, request, for our address (RFC 826). */
    if ((len < (ETH_HDR + 28u)) || (be16(&a[0]) != 1u) || (be16(&a[2]) != ETH_IP) || (a[4] != 6u) ||
        (a[5] != 4u) || (be16(&a[6]) != 1u) || !same(&a[24], n->ip, 4u)) {
        n->stats.rx_ignored++;
        return;
    }
    o = tx_slot(n);
    if (o == NULL) {
        return;
    }
    eth_reply(n, &o[SP_NET_HDR], f, ETH_ARP);
    copy(&o[SP_NET_HDR + ETH_HDR], a, 6u);
    put16(&o[SP_NET_HDR + ETH_HDR + 6u], 2u);
    copy(&o[SP_NET_HDR + ETH_HDR + 8u], n->mac, 6u);
    copy(&o[SP_NET_HDR + ETH_HDR + 14u], n->ip, 4u);
    copy(&o[SP_NET_HDR + ETH_HDR + 18u], &a[8], 10u); /* their hardware and protocol address */
    tx_send(n, ETH_HDR + 28u);
    n->stats.arp_replies++;
}

static void on_icmp(struct sp_net *n, const uint8_t *f, size_t ihl, size_t total)
{
    const uint8_t *ip = &f[ETH_HDR];
    size_t ilen = total - ihl;
    uint8_t *o;
    uint8_t *oip;
    uint16_t c;

    /* Echo request (RFC 792) with a valid checksum, small enough for one buffer. */
    if ((ilen < 8u) || (ip[ihl] != 8u) || (ip[ihl + 1u] != 0u) || (csum(&ip[ihl], ilen) != 0u) ||
        ((ETH_HDR + 20u + ilen) > (SP_NET_BUF - SP_NET_HDR))) {
        n->stats.rx_ignored++;
        return;
    }
    o = tx_slot(n);
    if (o == NULL) {
        return;
    }
    eth_reply(n, &o[SP_NET_HDR], f, ETH_IP);
    oip = &o[SP_NET_HDR + ETH_HDR];
    oip[0] = 0x45u;
    oip[1] = 0u;
    put16(&oip[2], 20u + ilen);
    copy(&oip[4], &ip[4], 2u);   /* identification */
    put16(&oip[6], 0u);
    oip[8] = 64u;
    oip[9] = IP_ICMP;
    put16(&oip[10], 0u);
    copy(&oip[12], n->ip, 4u);
    copy(&oip[16], &ip[12], 4u);
    put16(&oip[10], csum(oip, 20u));
    copy(&oip[20], &ip[ihl], ilen);
    oip[20] = 0u; /* echo reply */
    put16(&oip[22], 0u);
    c = csum(&oip[20], ilen);
    put16(&oip[22], c);
    tx_send(n, ETH_HDR + 20u + ilen);
    n->stats.echo_replies++;
}

static void on_udp(struct sp_net *n, const uint8_t *f, size_t ihl, size_t total)
{
    const uint8_t *ip = &f[ETH_HDR];
    const uint8_t *u = &ip[ihl];
    size_t ulen;

    if ((total - ihl) < 8u) {
        n->stats.rx_ignored++;
        return;
    }
    ulen = be16(&u[4]);
    if ((ulen < 8u) || (ulen > (total - ihl)) || (be16(&u[2]) != n->udp_port) || (n->on_udp == NULL)) {
        n->stats.rx_ignored++;
        return;
    }
    n->stats.udp++;
    n->on_udp(&u[8], ulen - 8u, &ip[12]);
}

static void on_ip(struct sp_net *n, const uint8_t *f, size_t len)
{
    const uint8_t *ip = &f[ETH_HDR];
    size_t ihl;
    size_t total;

    if (len < (ETH_HDR + 20u)) {
        n->stats.rx_ignored++;
        return;
    }
    ihl = (size_t)(ip[0] & 0xfu) * 4u;
    total = be16(&ip[2]);
    /* IPv4, a whole header, a length inside the frame, unfragmented, for us, checksum right (RFC 791). */
    if (((ip[0] >> 4) != 4u) || (ihl < 20u) || (total < ihl) || (total > (len - ETH_HDR)) ||
        ((be16(&ip[6]) & 0x3fffu) != 0u) || !same(&ip[16], n->ip, 4u) || (csum(ip, ihl) != 0u)) {
        n->stats.rx_ignored++;
        return;
    }
    if (ip[9] == IP_ICMP) {
        on_icmp(n, f, ihl, total);
    } else if (ip[9] == IP_UDP) {
        on_udp(n, f, ihl, total);
    } else {
        n->stats.rx_ignored++;
    }
}

/* One received frame (without the virtio header). */
static void on_frame(struct sp_net *n, const uint8_t *f, size_t len)
{
    static const uint8_t bcast[6] = { 0xffu, 0xffu, 0xffu, 0xffu, 0xffu, 0xffu };
    uint16_t type;

    n->stats.rx_frames++;
    if ((len < ETH_HDR) || (!same(f, n->mac, 6u) && !same(f, bcast, 6u))) {
        n->stats.rx_ignored++;
        return;
    }
    type = be16(&f[12]);
    if (type == ETH_ARP) {
        on_arp(n, f, len);
    } else if (type == ETH_IP) {
        on_ip(n, f, len);
    } else {
        n->stats.rx_ignored++;
    }
}

void sp_net_poll(struct sp_net *n)
{
    uint32_t k;

    if ((rd(n, VM_STATUS) & ST_NEEDS_RESET) != 0u) {
        n->stats.resets++;
        (void)sp_net_start(n);
        return;
    }
    wr(n, VM_INTERRUPT_ACK, 3u);
    for (k = 0u; k < SP_NET_QN; k++) {
        uint16_t used = sp_net_rx_q.used.idx;
        uint32_t slot;
        uint32_t id;
        uint32_t len;

        if (used == n->rx_seen) {
            break;
        }
        wmb();
        slot = n->rx_seen % SP_NET_QN;
        id = sp_net_rx_q.used.ring[slot].id;
        len = sp_net_rx_q.used.ring[slot].len;
        if ((id < SP_NET_QN) && (len > SP_NET_HDR) && (len <= SP_NET_BUF)) {
            on_frame(n, &sp_net_rx_buf[id][SP_NET_HDR], len - SP_NET_HDR);
        } else {
            n->stats.rx_ignored++;
            id = slot;
        }
        n->rx_seen++;
        /* Give the buffer back. */
        sp_net_rx_q.avail.ring[sp_net_rx_q.avail.idx % SP_NET_QN] = (uint16_t)id;
        wmb();
        sp_net_rx_q.avail.idx = (uint16_t)(sp_net_rx_q.avail.idx + 1u);
    }
    wmb();
    wr(n, VM_QUEUE_NOTIFY, RXQ);
}
