/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of vdev/virtio_net.c against the fake arch: a driver simulated
 * in fake RAM sets up both ends of tests/unit/system.yaml's link 'wire'
 * (alpha <-> beta, queue size 8, MTU 1500). A frame on one end's TX queue
 * goes into that end's frame slots in hypervisor memory on the sender's CPU
 * and from there into the other's RX buffer at the receiver's next exit
 * (virtio_net_receive, trap_exit_done) or RX notify; every malformed descriptor or ring puts
 * only the offending end into DEVICE_NEEDS_RESET with nothing copied; a
 * bounded random loop over rings checks that no byte outside the receiver's
 * posted buffers and used rings ever changes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "console.h"
#include "fake_arch.h"
#include "health.h"
#include "trap.h"
#include "vcpu.h"
#include "vdev.h"
#include "vgic_priv.h"
#include "virtio_net.h"

#define QN 8u                 /* queue size of link 'wire' */
#define RAM_ALPHA 0x40400000ull
#define RAM_BETA 0x40800000ull
#define RAM_SIZE 0x100000ull
#define RO_IPA 0x80000000ull   /* alpha's read-only region 'table' */
/* Offsets from a partition's RAM base: rings of RX and TX, then buffers. */
#define RXQ_OFF 0x80000ull
#define TXQ_OFF 0x90000ull
#define RXBUF_OFF 0xa0000ull
#define TXBUF_OFF 0xb0000ull
#define BUF 0x800u
#define HDR VIRTIO_NET_HDR_SIZE

static uint32_t dev_alpha, dev_beta;

static uint8_t *g(uint64_t ipa)
{
    return &fake_ram[ipa - FAKE_RAM_BASE];
}

static uint64_t ram_of(uint32_t dev)
{
    return (dev == dev_alpha) ? RAM_ALPHA : RAM_BETA;
}

static bool mmio(uint32_t dev, uint64_t off, uint32_t size, bool write, uint64_t *v)
{
    struct mmio_access a = { off, size, write, *v };
    bool ok = virtio_net_mmio(dev, &a);

    *v = a.value;
    assert_int_equal(fake_lock_depth, 0);
    return ok;
}

static uint32_t rd(uint32_t dev, uint64_t off)
{
    uint64_t v = 0u;

    assert_true(mmio(dev, off, 4u, false, &v));
    return (uint32_t)v;
}

static void wr(uint32_t dev, uint64_t off, uint32_t val)
{
    uint64_t v = val;

    assert_true(mmio(dev, off, 4u, true, &v));
}

static uint64_t qbase(uint32_t dev, uint32_t q)
{
    return ram_of(dev) + ((q == VIRTIO_NET_RXQ) ? RXQ_OFF : TXQ_OFF);
}

/* Configure queue q of dev with its rings at desc, desc + 0x1000, desc + 0x2000. */
static void queue_setup(uint32_t dev, uint32_t q, uint64_t desc, uint32_t num)
{
    wr(dev, VIRTIO_MMIO_QUEUE_SEL, q);
    wr(dev, VIRTIO_MMIO_QUEUE_NUM, num);
    wr(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    wr(dev, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    wr(dev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(desc + 0x1000u));
    wr(dev, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)((desc + 0x1000u) >> 32));
    wr(dev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(desc + 0x2000u));
    wr(dev, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)((desc + 0x2000u) >> 32));
    wr(dev, VIRTIO_MMIO_QUEUE_READY, 1u);
}

/* The driver initialisation sequence of virtio 1.2 section 3.1.1. */
static void driver_init(uint32_t dev)
{
    wr(dev, VIRTIO_MMIO_STATUS, 0u);
    wr(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0u);
    wr(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)VIRTIO_NET_FEATURES);
    wr(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1u);
    wr(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(VIRTIO_NET_FEATURES >> 32));
    wr(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    assert_true((rd(dev, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK) != 0u);
    memset(g(qbase(dev, VIRTIO_NET_RXQ)), 0, 0x3000);
    memset(g(qbase(dev, VIRTIO_NET_TXQ)), 0, 0x3000);
    queue_setup(dev, VIRTIO_NET_RXQ, qbase(dev, VIRTIO_NET_RXQ), QN);
    queue_setup(dev, VIRTIO_NET_TXQ, qbase(dev, VIRTIO_NET_TXQ), QN);
    wr(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
       VIRTIO_STATUS_DRIVER_OK);
}

static void put16(uint64_t ipa, uint16_t v)
{
    memcpy(g(ipa), &v, 2);
}

static uint16_t get16(uint64_t ipa)
{
    uint16_t v;

    memcpy(&v, g(ipa), 2);
    return v;
}

static uint32_t get32(uint64_t ipa)
{
    uint32_t v;

    memcpy(&v, g(ipa), 4);
    return v;
}

static void set_desc(uint32_t dev, uint32_t q, uint32_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint64_t d = qbase(dev, q) + (16u * i);

    memcpy(g(d), &addr, 8);
    memcpy(g(d + 8u), &len, 4);
    put16(d + 12u, flags);
    put16(d + 14u, next);
}

/* Make chain head available on queue q of dev. */
static void offer(uint32_t dev, uint32_t q, uint16_t head)
{
    uint64_t avail = qbase(dev, q) + 0x1000u;
    uint16_t idx = get16(avail + 2u);

    put16(avail + 4u + (2u * (idx % QN)), head);
    put16(avail + 2u, (uint16_t)(idx + 1u));
}

static uint16_t used_idx(uint32_t dev, uint32_t q)
{
    return get16(qbase(dev, q) + 0x2000u + 2u);
}

/* Post RX buffer slot i of dev (BUF bytes, device-writable). */
static void post_rx(uint32_t dev, uint32_t i)
{
    set_desc(dev, VIRTIO_NET_RXQ, i, ram_of(dev) + RXBUF_OFF + (BUF * i), BUF, VIRTQ_DESC_F_WRITE, 0u);
    offer(dev, VIRTIO_NET_RXQ, (uint16_t)i);
}

/* A frame of len bytes after the header, in TX buffer slot i of dev, filled with seed. */
static uint64_t make_frame(uint32_t dev, uint32_t i, uint32_t len, uint8_t seed)
{
    uint64_t b = ram_of(dev) + TXBUF_OFF + (BUF * i);
    uint32_t k;

    memset(g(b), 0, HDR);
    for (k = 0u; k < len; k++) {
        g(b)[HDR + k] = (uint8_t)(seed + k);
    }
    return b;
}

/* The sender's half: frame len in TX slot i of dev, notified (on the sender's CPU). */
static void send_only(uint32_t dev, uint32_t i, uint32_t len, uint8_t seed)
{
    uint64_t b = make_frame(dev, i, len, seed);

    set_desc(dev, VIRTIO_NET_TXQ, i, b, HDR + len, 0u, 0u);
    offer(dev, VIRTIO_NET_TXQ, (uint16_t)i);
    wr(dev, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
}

/* The receiver's half: what an exit of dev's partition does after its vGIC flush. */
static bool receive(uint32_t dev)
{
    bool raised = virtio_net_receive(cfg_netdevs[dev].partition);

    assert_int_equal(fake_lock_depth, 0);
    return raised;
}

/* Both halves: the sender notifies, then the receiver's CPU takes its next exit. */
static void send_one(uint32_t dev, uint32_t i, uint32_t len, uint8_t seed)
{
    send_only(dev, i, len, seed);
    (void)receive(cfg_netdevs[dev].peer);
}

static bool line(uint32_t dev)
{
    return vgic_get(cfg_netdevs[dev].partition)->spi[cfg_netdevs[dev].vintid - 32u].line;
}

static int setup(void **state)
{
    uint32_t i;

    (void)state;
    fake_reset();
    console_init();
    part_init_all();
    health_init();
    assert_true(part_load(PART_ALPHA));
    assert_true(part_load(PART_BETA));
    for (i = 0u; i < CFG_NUM_NETDEVS; i++) {
        if (cfg_netdevs[i].partition == PART_ALPHA) {
            dev_alpha = i;
        } else {
            dev_beta = i;
        }
    }
    driver_init(dev_alpha);
    driver_init(dev_beta);
    fake_console_len = 0u;
    fake_console[0] = '\0';
    return 0;
}

/* @req SRS-NET-001 */
static void test_device_is_a_virtio_mmio_v2_network_device(void **state)
{
    uint64_t v = 0u;
    uint32_t i;

    (void)state;
    assert_int_equal(CFG_NUM_NETDEVS, 2u);
    assert_int_equal(cfg_netdevs[dev_alpha].peer, dev_beta);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_MAGIC), 0x74726976u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_VERSION), 2u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_DEVICE_ID), 1u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR_SEPTUM);
    wr(dev_alpha, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_DEVICE_FEATURES), (1u << 3) | (1u << 5) | (1u << 16));
    wr(dev_alpha, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_DEVICE_FEATURES), 1u);
    wr(dev_alpha, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_DEVICE_FEATURES), 0u);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_SEL, 1u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_NUM_MAX), QN);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_READY), 1u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_DESC_LOW), (uint32_t)qbase(dev_alpha, 1u));
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_DESC_HIGH), 0u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_DRIVER_LOW), (uint32_t)qbase(dev_alpha, 1u) + 0x1000u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_DRIVER_HIGH), 0u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_DEVICE_LOW), (uint32_t)qbase(dev_alpha, 1u) + 0x2000u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_DEVICE_HIGH), 0u);
    assert_int_equal(rd(dev_alpha, 0x0f0u), 0u);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_SEL, 2u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_NUM_MAX), 0u);
    /* Config space (5.1.4): MAC bytes, link up, one pair, MTU; byte, halfword and word reads. */
    for (i = 0u; i < 6u; i++) {
        assert_true(mmio(dev_beta, VIRTIO_MMIO_CONFIG + i, 1u, false, &v));
        assert_int_equal(v, cfg_netdevs[dev_beta].mac[i]);
    }
    assert_true(mmio(dev_beta, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_STATUS, 2u, false, &v));
    assert_int_equal(v, VIRTIO_NET_S_LINK_UP);
    assert_true(mmio(dev_beta, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_MAX_PAIRS, 4u, false, &v));
    assert_int_equal(v, 1u | (1500u << 16));
    assert_true(mmio(dev_beta, VIRTIO_MMIO_CONFIG + 0xcu, 4u, false, &v));
    assert_int_equal(v, 0u);
    v = 0xffu; /* config is read-only */
    assert_true(mmio(dev_beta, VIRTIO_MMIO_CONFIG, 1u, true, &v));
    assert_true(mmio(dev_beta, VIRTIO_MMIO_CONFIG, 1u, false, &v));
    assert_int_equal(v, cfg_netdevs[dev_beta].mac[0]);
    assert_int_equal(cfg_netdevs[dev_beta].mac[0] & 1u, 0u); /* unicast */
}

/* @req SRS-NET-001 */
static void test_malformed_register_accesses_are_rejected(void **state)
{
    uint64_t v = 0u;

    (void)state;
    assert_false(mmio(dev_alpha, VIRTIO_MMIO_STATUS, 2u, false, &v));
    assert_false(mmio(dev_alpha, VIRTIO_MMIO_STATUS + 1u, 4u, true, &v));
    assert_false(mmio(dev_alpha, VIRTIO_MMIO_CONFIG + 1u, 2u, false, &v));
    assert_false(mmio(dev_alpha, VIRTIO_MMIO_CONFIG, 8u, false, &v));
    assert_false(mmio(CFG_NUM_NETDEVS, VIRTIO_MMIO_MAGIC, 4u, false, &v));
    /* Writes to read-only or unknown registers are ignored. */
    wr(dev_alpha, VIRTIO_MMIO_MAGIC, 0u);
    wr(dev_alpha, 0x0f0u, 0u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_MAGIC), 0x74726976u);
}

/* @req SRS-NET-001 */
static void test_trapped_access_reaches_the_callers_own_end(void **state)
{
    struct vcpu *a = vcpu_get(cfg_partitions[PART_ALPHA].first_vcpu);
    struct mmio_access acc = { 0u, 4u, false, 0u };

    (void)state;
    assert_int_equal(vdev_mmio(a, cfg_netdevs[dev_alpha].ipa + VIRTIO_MMIO_MAGIC, &acc), VDEV_HANDLED);
    assert_int_equal(acc.value, 0x74726976u);
    acc.size = 2u;
    assert_int_equal(vdev_mmio(a, cfg_netdevs[dev_alpha].ipa + VIRTIO_MMIO_MAGIC, &acc), VDEV_REJECTED);
}

/* @req SRS-NET-002 */
static void test_features_ok_only_for_a_subset_with_version_1(void **state)
{
    (void)state;
    wr(dev_alpha, VIRTIO_MMIO_STATUS, 0u);
    wr(dev_alpha, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(dev_alpha, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0u);
    wr(dev_alpha, VIRTIO_MMIO_DRIVER_FEATURES, 1u << 28); /* INDIRECT_DESC: not offered */
    wr(dev_alpha, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1u);
    wr(dev_alpha, VIRTIO_MMIO_DRIVER_FEATURES, 1u);
    wr(dev_alpha, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2u);
    wr(dev_alpha, VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffffu); /* beyond bit 63: ignored */
    wr(dev_alpha, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK, 0u);
    /* A legacy driver (no VERSION_1) is refused too. */
    wr(dev_alpha, VIRTIO_MMIO_STATUS, 0u);
    wr(dev_alpha, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0u);
    wr(dev_alpha, VIRTIO_MMIO_DRIVER_FEATURES, 1u << 5);
    wr(dev_alpha, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FEATURES_OK);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK, 0u);
    /* VERSION_1 alone is fine; the driver cannot set NEEDS_RESET itself. */
    wr(dev_alpha, VIRTIO_MMIO_DRIVER_FEATURES, 0u);
    wr(dev_alpha, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1u);
    wr(dev_alpha, VIRTIO_MMIO_DRIVER_FEATURES, 1u);
    wr(dev_alpha, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_NEEDS_RESET);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_STATUS), VIRTIO_STATUS_FEATURES_OK);
}

/* @req SRS-NET-002 */
static void test_frame_is_copied_into_the_peers_rx_buffer_with_interrupts(void **state)
{
    const uint8_t *rx = g(RAM_BETA + RXBUF_OFF);
    uint32_t k;

    (void)state;
    post_rx(dev_beta, 0u);
    assert_false(line(dev_beta));
    /* beta's vCPU 0 has flushed its vGIC (as its last exit did). */
    vgic_changed[cfg_partitions[PART_BETA].first_vcpu] = 0u;
    fake_num_sgis = 0u;
    send_only(dev_alpha, 0u, 60u, 7u);
    /* The sender's CPU wrote nothing of beta's; it kicked the CPU of beta's vCPU the interrupt targets. */
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 0u);
    assert_int_equal(rx[HDR], 0u);
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], cfg_vcpus[cfg_partitions[PART_BETA].first_vcpu].pcpu);
    assert_true(vgic_has_news(cfg_partitions[PART_BETA].first_vcpu));
    assert_true(receive(dev_beta));
    /* Nothing left for beta: its next exit does nothing. */
    assert_false(receive(dev_beta));
    /* Receiver: used entry (id 0, header + frame), header with num_buffers 1, the bytes. */
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 1u);
    assert_int_equal(get32(RAM_BETA + RXQ_OFF + 0x2004u), 0u);
    assert_int_equal(get32(RAM_BETA + RXQ_OFF + 0x2008u), HDR + 60u);
    assert_int_equal(get16(RAM_BETA + RXBUF_OFF + 10u), 1u);
    for (k = 0u; k < 60u; k++) {
        assert_int_equal(rx[HDR + k], (uint8_t)(7u + k));
    }
    assert_int_equal(rx[HDR + 60u], 0u);
    /* Sender: its TX buffer is returned. Both interrupt lines are up until acknowledged. */
    assert_int_equal(used_idx(dev_alpha, VIRTIO_NET_TXQ), 1u);
    assert_int_equal(rd(dev_beta, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
    assert_true(line(dev_beta));
    assert_true(line(dev_alpha));
    wr(dev_beta, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
    assert_false(line(dev_beta));
    assert_int_equal(virtio_net_get(dev_alpha)->tx_frames, 1u);
    assert_int_equal(virtio_net_get(dev_beta)->rx_frames, 1u);
    assert_null(virtio_net_get(CFG_NUM_NETDEVS));
    /* A notify of the RX queue takes nothing; a second frame uses the next buffer. */
    post_rx(dev_beta, 1u);
    wr(dev_beta, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 1u);
    send_one(dev_alpha, 1u, 1514u, 1u);
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 2u);
    assert_int_equal(get32(RAM_BETA + RXQ_OFF + 0x2010u), HDR + 1514u);
    /* The other direction works the same. */
    post_rx(dev_alpha, 0u);
    send_one(dev_beta, 0u, 42u, 9u);
    assert_int_equal(used_idx(dev_alpha, VIRTIO_NET_RXQ), 1u);
    assert_int_equal(g(RAM_ALPHA + RXBUF_OFF)[HDR], 9u);
    assert_string_equal(fake_console, "");
}

/* @req SRS-NET-002 */
static void test_scattered_frame_into_scattered_buffers(void **state)
{
    uint64_t b = make_frame(dev_alpha, 0u, 100u, 3u);
    const uint8_t *rx0 = g(RAM_BETA + RXBUF_OFF);
    const uint8_t *rx1 = g(RAM_BETA + RXBUF_OFF + BUF);
    uint32_t k;

    (void)state;
    /* RX: 10 + 200 bytes, chained; TX: the header in two pieces (5 + 7), then 30 + 70 bytes. */
    set_desc(dev_beta, VIRTIO_NET_RXQ, 3u, RAM_BETA + RXBUF_OFF, 10u, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 5u);
    set_desc(dev_beta, VIRTIO_NET_RXQ, 5u, RAM_BETA + RXBUF_OFF + BUF, 200u, VIRTQ_DESC_F_WRITE, 0u);
    offer(dev_beta, VIRTIO_NET_RXQ, 3u);
    set_desc(dev_alpha, VIRTIO_NET_TXQ, 0u, b, 5u, VIRTQ_DESC_F_NEXT, 4u);
    set_desc(dev_alpha, VIRTIO_NET_TXQ, 4u, b + 5u, HDR - 5u, VIRTQ_DESC_F_NEXT, 1u);
    set_desc(dev_alpha, VIRTIO_NET_TXQ, 1u, b + HDR, 30u, VIRTQ_DESC_F_NEXT, 2u);
    set_desc(dev_alpha, VIRTIO_NET_TXQ, 2u, b + HDR + 30u, 70u, 0u, 0u);
    offer(dev_alpha, VIRTIO_NET_TXQ, 0u);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
    assert_true(receive(dev_beta));
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 1u);
    assert_int_equal(get32(RAM_BETA + RXQ_OFF + 0x2004u), 3u);
    assert_int_equal(get32(RAM_BETA + RXQ_OFF + 0x2008u), HDR + 100u);
    /* The header's first 10 bytes fill rx0; num_buffers (1) is the first 2 of rx1. */
    assert_int_equal(get16(RAM_BETA + RXBUF_OFF + 10u), 0u);
    assert_int_equal(rx1[0], 1u);
    assert_int_equal(rx1[1], 0u);
    for (k = 0u; k < 100u; k++) {
        assert_int_equal(rx1[2u + k], (uint8_t)(3u + k));
    }
    assert_int_equal(rx0[9], 0u);
}

/* @req SRS-NET-003 */
static void test_frames_wait_in_the_senders_slots_for_buffers_and_a_full_link_drops(void **state)
{
    uint32_t i;

    (void)state;
    /* No buffer posted: the frames wait in alpha's slots; nobody waits for anybody. */
    send_one(dev_alpha, 0u, 60u, 1u);
    send_one(dev_alpha, 1u, 61u, 2u);
    assert_int_equal(used_idx(dev_alpha, VIRTIO_NET_TXQ), 2u);
    assert_int_equal(virtio_net_get(dev_alpha)->tx_frames, 2u);
    assert_int_equal(virtio_net_get(dev_alpha)->tx_dropped, 0u);
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 0u);
    /* Buffers and an RX notify (beta's own CPU) take them, in order. */
    post_rx(dev_beta, 0u);
    post_rx(dev_beta, 1u);
    wr(dev_beta, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 2u);
    assert_int_equal(get32(RAM_BETA + RXQ_OFF + 0x2008u), HDR + 60u);
    assert_int_equal(get32(RAM_BETA + RXQ_OFF + 0x2010u), HDR + 61u);
    assert_int_equal(g(RAM_BETA + RXBUF_OFF + BUF)[HDR], 2u);
    assert_int_equal(virtio_net_get(dev_beta)->rx_frames, 2u);
    /* CFG_LINK_SLOTS frames fill the slots; the next is dropped and counted. */
    for (i = 0u; i <= CFG_LINK_SLOTS; i++) {
        send_one(dev_alpha, i % QN, 60u, (uint8_t)i);
    }
    assert_int_equal(virtio_net_get(dev_alpha)->tx_frames, 2u + CFG_LINK_SLOTS);
    assert_int_equal(virtio_net_get(dev_alpha)->tx_dropped, 1u);
    /* A receive takes at most one buffer per frame; here two buffers, then the rest wait. */
    post_rx(dev_beta, 2u);
    post_rx(dev_beta, 3u);
    wr(dev_beta, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 4u);
    /* A buffer too small for the frame stays posted and the frame is dropped by the receiver. */
    set_desc(dev_beta, VIRTIO_NET_RXQ, 4u, RAM_BETA + RXBUF_OFF + (4u * BUF), 20u, VIRTQ_DESC_F_WRITE, 0u);
    offer(dev_beta, VIRTIO_NET_RXQ, 4u);
    wr(dev_beta, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
    assert_int_equal(virtio_net_get(dev_beta)->rx_dropped, CFG_LINK_SLOTS - 2u);
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 4u);
    assert_int_equal(rd(dev_beta, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0u);
    /* Frames waiting when the receiver stops taking them (RX queue off) are dropped at its next look. */
    send_only(dev_alpha, 0u, 60u, 1u);
    wr(dev_beta, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_NET_RXQ);
    wr(dev_beta, VIRTIO_MMIO_QUEUE_READY, 0u);
    assert_false(receive(dev_beta));
    assert_int_equal(virtio_net_get(dev_beta)->rx_dropped, CFG_LINK_SLOTS - 1u);
    /* Frames waiting when the receiver's driver stops being live (status without DRIVER_OK) likewise. */
    memset(g(qbase(dev_beta, VIRTIO_NET_RXQ)), 0, 0x3000);
    queue_setup(dev_beta, VIRTIO_NET_RXQ, qbase(dev_beta, VIRTIO_NET_RXQ), QN);
    send_only(dev_alpha, 3u, 60u, 1u);
    wr(dev_beta, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(dev_beta, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
    assert_int_equal(virtio_net_get(dev_beta)->rx_dropped, CFG_LINK_SLOTS);
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 0u);
    wr(dev_beta, VIRTIO_MMIO_QUEUE_READY, 0u);
    /* A receiver whose RX queue is off, or whose driver is not running, makes the sender drop. */
    send_one(dev_alpha, 1u, 60u, 1u);
    assert_int_equal(virtio_net_get(dev_alpha)->tx_dropped, 2u);
    wr(dev_beta, VIRTIO_MMIO_STATUS, 0u);
    send_one(dev_alpha, 2u, 60u, 1u);
    assert_int_equal(virtio_net_get(dev_alpha)->tx_dropped, 3u);
}

/* @req SRS-NET-003 */
static void test_a_receiver_reset_discards_the_frames_waiting_for_it(void **state)
{
    (void)state;
    send_one(dev_alpha, 0u, 60u, 1u);
    send_one(dev_alpha, 1u, 60u, 2u);
    assert_int_equal(virtio_net_get(dev_alpha)->tx_frames, 2u);
    driver_init(dev_beta);
    post_rx(dev_beta, 0u);
    wr(dev_beta, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 0u);
    /* The new driver gets what is sent to it from now on. */
    send_one(dev_alpha, 2u, 60u, 3u);
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 1u);
    assert_int_equal(g(RAM_BETA + RXBUF_OFF)[HDR], 3u);
}

/* @req SRS-NET-003 */
static void test_the_receivers_exit_copies_the_frame_and_flushes_its_interrupt(void **state)
{
    struct vcpu *b = vcpu_get(cfg_partitions[PART_BETA].first_vcpu);

    (void)state;
    b->state = VCPU_RUNNING;
    post_rx(dev_beta, 0u);
    send_only(dev_alpha, 0u, 60u, 7u);
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 0u);
    fake_cpu = cfg_vcpus[b->id].pcpu;
    assert_int_equal(trap_exit_done(b, TRAP_RESUME), TRAP_RESUME);
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 1u);
    assert_int_equal(g(RAM_BETA + RXBUF_OFF)[HDR], 7u);
    assert_true(line(dev_beta));
    /* The second flush took the interrupt's news: nothing is left for the next exit. */
    assert_false(vgic_has_news(b->id));
    fake_cpu = 0u;
}

/* @req SRS-NET-002 */
static void test_no_interrupt_flag_suppresses_only_that_queues_interrupt(void **state)
{
    (void)state;
    put16(RAM_BETA + RXQ_OFF + 0x1000u, VIRTQ_AVAIL_F_NO_INTERRUPT);
    post_rx(dev_beta, 0u);
    send_one(dev_alpha, 0u, 60u, 1u);
    assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 1u);
    assert_int_equal(rd(dev_beta, VIRTIO_MMIO_INTERRUPT_STATUS), 0u);
    assert_false(line(dev_beta));
    assert_true(line(dev_alpha));
    /* The sender may suppress its own TX interrupt as well. */
    wr(dev_alpha, VIRTIO_MMIO_INTERRUPT_ACK, 3u);
    put16(RAM_ALPHA + TXQ_OFF + 0x1000u, VIRTQ_AVAIL_F_NO_INTERRUPT);
    send_one(dev_alpha, 1u, 60u, 1u);
    assert_false(line(dev_alpha));
    /* An empty notify changes nothing. */
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
    assert_int_equal(used_idx(dev_alpha, VIRTIO_NET_TXQ), 2u);
}

/* What one malformed TX chain looks like. */
struct bad_tx {
    const char *what;
    uint64_t addr;      /* of descriptor 0; 0: a good buffer */
    uint32_t len;       /* of descriptor 0; 0 means zero */
    uint16_t flags;
    uint16_t next;
    uint16_t head;      /* avail ring entry */
    uint16_t avail_add; /* how far avail.idx moves */
    enum virtio_net_fault fault;
};

#define GOOD 1u /* stands for a good TX buffer address */

static const struct bad_tx bad_txs[] = {
    { "outside RAM", 0x1000u, 72u, 0u, 0u, 0u, 1u, VNET_BAD_BUFFER },
    { "crossing RAM end", RAM_ALPHA + RAM_SIZE - 10u, 72u, 0u, 0u, 0u, 1u, VNET_BAD_BUFFER },
    { "beyond the IPA space", UINT64_MAX - 8u, 72u, 0u, 0u, 0u, 1u, VNET_BAD_BUFFER },
    { "zero length", GOOD, 0u, 0u, 0u, 0u, 1u, VNET_BAD_LENGTH },
    { "over one MTU", GOOD, HDR + 18u + 1500u + 1u, 0u, 0u, 0u, 1u, VNET_BAD_LENGTH },
    { "header only", GOOD, HDR, 0u, 0u, 0u, 1u, VNET_BAD_LENGTH },
    { "huge", GOOD, 0xffffffffu, 0u, 0u, 0u, 1u, VNET_BAD_BUFFER },
    { "chain loop", GOOD, 40u, VIRTQ_DESC_F_NEXT, 0u, 0u, 1u, VNET_BAD_CHAIN },
    { "next out of range", GOOD, 40u, VIRTQ_DESC_F_NEXT, QN, 0u, 1u, VNET_BAD_HEAD },
    { "head out of range", GOOD, 72u, 0u, 0u, QN, 1u, VNET_BAD_HEAD },
    { "indirect", GOOD, 72u, VIRTQ_DESC_F_INDIRECT, 0u, 0u, 1u, VNET_BAD_CHAIN },
    { "device-writable in TX", GOOD, 72u, VIRTQ_DESC_F_WRITE, 0u, 0u, 1u, VNET_BAD_DIRECTION },
    { "avail index ahead", GOOD, 72u, 0u, 0u, 0u, QN + 1u, VNET_BAD_AVAIL_IDX },
};

/* @req SRS-NET-004 */
static void test_every_malformed_tx_descriptor_needs_reset_and_copies_nothing(void **state)
{
    static uint8_t before[RAM_SIZE];
    uint32_t c;

    (void)state;
    for (c = 0u; c < sizeof(bad_txs) / sizeof(bad_txs[0]); c++) {
        const struct bad_tx *t = &bad_txs[c];
        uint64_t b;
        uint64_t avail = RAM_ALPHA + TXQ_OFF + 0x1000u;

        setup(NULL);
        post_rx(dev_beta, 0u);
        memcpy(before, g(RAM_BETA), RAM_SIZE);
        b = make_frame(dev_alpha, 0u, 60u, 5u);
        set_desc(dev_alpha, VIRTIO_NET_TXQ, 0u, (t->addr == GOOD) ? b : t->addr, t->len, t->flags, t->next);
        put16(avail + 4u, t->head);
        put16(avail + 2u, t->avail_add);
        wr(dev_alpha, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
        print_message("case %s\n", t->what);
        assert_int_equal(virtio_net_get(dev_alpha)->fault, t->fault);
        assert_true((rd(dev_alpha, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET) != 0u);
        assert_true((rd(dev_alpha, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG) != 0u);
        assert_true(line(dev_alpha));
        assert_non_null(strstr(fake_console, "[septum] partition 'alpha': link 'wire'"));
        /* Nothing copied, nothing returned, the peer untouched and still fine. */
        assert_int_equal(used_idx(dev_alpha, VIRTIO_NET_TXQ), 0u);
        assert_memory_equal(before, g(RAM_BETA), RAM_SIZE);
        assert_int_equal(rd(dev_beta, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0u);
        assert_false(line(dev_beta));
        assert_int_equal(virtio_net_get(dev_alpha)->tx_frames + virtio_net_get(dev_alpha)->tx_dropped, 0u);
        /* A broken device does nothing more until it is reset; then it works again. */
        wr(dev_alpha, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
        assert_int_equal(virtio_net_get(dev_alpha)->faults, 1u);
        driver_init(dev_alpha);
        assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0u);
        send_one(dev_alpha, 1u, 60u, 5u);
        assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), 1u);
    }
}

/* @req SRS-NET-004 */
static void test_malformed_rx_buffer_faults_the_receiver_only(void **state)
{
    static uint8_t before[RAM_SIZE];
    static const struct {
        uint64_t addr;
        uint32_t len;
        uint16_t flags;
        enum virtio_net_fault fault;
    } bad[] = {
        { RO_IPA, BUF, VIRTQ_DESC_F_WRITE, VNET_BAD_BUFFER },             /* read-only region */
        { 0x2000u, BUF, VIRTQ_DESC_F_WRITE, VNET_BAD_BUFFER },            /* outside RAM */
        { RAM_ALPHA + RAM_SIZE - 8u, BUF, VIRTQ_DESC_F_WRITE, VNET_BAD_BUFFER }, /* crossing its end */
        { RAM_ALPHA + RXBUF_OFF, BUF, 0u, VNET_BAD_DIRECTION },           /* device-readable */
        { RAM_ALPHA + RXBUF_OFF, 0u, VIRTQ_DESC_F_WRITE, VNET_BAD_LENGTH },
        { RAM_ALPHA + RXBUF_OFF, 64u, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, VNET_BAD_CHAIN }, /* loop */
    };
    uint32_t c;

    (void)state;
    for (c = 0u; c < sizeof(bad) / sizeof(bad[0]); c++) {
        setup(NULL);
        set_desc(dev_alpha, VIRTIO_NET_RXQ, 0u, bad[c].addr, bad[c].len, bad[c].flags, 0u);
        offer(dev_alpha, VIRTIO_NET_RXQ, 0u);
        memcpy(before, g(RAM_ALPHA), RAM_SIZE);
        send_one(dev_beta, 0u, 60u, 5u);
        assert_int_equal(virtio_net_get(dev_alpha)->fault, bad[c].fault);
        assert_true((rd(dev_alpha, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET) != 0u);
        assert_memory_equal(before, g(RAM_ALPHA), RAM_SIZE);
        /* The sender is not at fault: its frame went on the link and waits there. */
        assert_int_equal(rd(dev_beta, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0u);
        assert_int_equal(virtio_net_get(dev_beta)->tx_frames, 1u);
        assert_int_equal(used_idx(dev_beta, VIRTIO_NET_TXQ), 1u);
    }
    /* An RX avail index that ran ahead, and an RX head out of range. */
    setup(NULL);
    put16(RAM_ALPHA + RXQ_OFF + 0x1000u + 2u, QN + 1u);
    send_one(dev_beta, 0u, 60u, 5u);
    assert_int_equal(virtio_net_get(dev_alpha)->fault, VNET_BAD_AVAIL_IDX);
    setup(NULL);
    offer(dev_alpha, VIRTIO_NET_RXQ, QN + 3u);
    send_one(dev_beta, 0u, 60u, 5u);
    assert_int_equal(virtio_net_get(dev_alpha)->fault, VNET_BAD_HEAD);
    assert_int_equal(virtio_net_get(dev_beta)->faults, 0u);
}

/* @req SRS-NET-004 */
static void test_descriptors_reused_across_chains_exceed_the_budget(void **state)
{
    uint64_t b = make_frame(dev_alpha, 0u, 60u, 1u);
    uint32_t i;

    (void)state;
    /* Eight avail entries all naming one 8-descriptor chain: more than one queue's worth. */
    for (i = 0u; i < QN; i++) {
        set_desc(dev_alpha, VIRTIO_NET_TXQ, i, b, (i == 0u) ? HDR : 8u,
                 (i + 1u < QN) ? VIRTQ_DESC_F_NEXT : 0u, (uint16_t)(i + 1u));
    }
    for (i = 0u; i < QN; i++) {
        offer(dev_alpha, VIRTIO_NET_TXQ, 0u);
    }
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
    assert_int_equal(virtio_net_get(dev_alpha)->fault, VNET_BAD_CHAIN);
    assert_int_equal(used_idx(dev_alpha, VIRTIO_NET_TXQ), 1u); /* the first was fine */
}

/* @req SRS-NET-004 */
static void test_bad_rings_need_reset_when_made_ready(void **state)
{
    static const struct {
        uint64_t desc;
        uint32_t num;
    } bad[] = {
        { RAM_ALPHA + TXQ_OFF, 0u },          /* empty queue */
        { RAM_ALPHA + TXQ_OFF, 6u },          /* not a power of two */
        { RAM_ALPHA + TXQ_OFF, 16u },         /* over QueueNumMax */
        { RAM_ALPHA + TXQ_OFF + 8u, QN },     /* misaligned descriptor table */
        { 0x10000u, QN },                     /* outside RAM */
        { RAM_ALPHA + RAM_SIZE - 0x1000u, QN }, /* avail and used past the end */
        { RO_IPA, QN },                       /* used ring in the read-only region */
    };
    uint32_t c;

    (void)state;
    for (c = 0u; c < sizeof(bad) / sizeof(bad[0]); c++) {
        setup(NULL);
        wr(dev_alpha, VIRTIO_MMIO_STATUS, 0u);
        queue_setup(dev_alpha, VIRTIO_NET_TXQ, bad[c].desc, bad[c].num);
        assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_READY), 0u);
        assert_int_equal(virtio_net_get(dev_alpha)->fault, VNET_BAD_RING);
        assert_true((rd(dev_alpha, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET) != 0u);
    }
    /* Misaligned avail and used rings. */
    setup(NULL);
    wr(dev_alpha, VIRTIO_MMIO_STATUS, 0u);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_NET_TXQ);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_NUM, QN);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(RAM_ALPHA + TXQ_OFF));
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(RAM_ALPHA + TXQ_OFF + 0x1001u));
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(RAM_ALPHA + TXQ_OFF + 0x2000u));
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_READY, 1u);
    assert_int_equal(virtio_net_get(dev_alpha)->fault, VNET_BAD_RING);
    wr(dev_alpha, VIRTIO_MMIO_STATUS, 0u);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_NUM, QN);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(RAM_ALPHA + TXQ_OFF));
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(RAM_ALPHA + TXQ_OFF + 0x1000u));
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(RAM_ALPHA + TXQ_OFF + 0x2002u));
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_READY, 1u);
    assert_int_equal(virtio_net_get(dev_alpha)->fault, VNET_BAD_RING);
    /* While a queue is ready its size and addresses cannot change; QueueSel beyond the queues is inert. */
    setup(NULL);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_NET_TXQ);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_NUM, 2u);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_DESC_LOW, 0u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_DESC_LOW), (uint32_t)(RAM_ALPHA + TXQ_OFF));
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_SEL, 5u);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_NUM, 2u);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_READY, 1u);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_DESC_LOW, 0u);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_DRIVER_LOW, 0u);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_READY), 0u);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_NOTIFY, 5u);
    send_one(dev_alpha, 0u, 60u, 1u);
    assert_int_equal(virtio_net_get(dev_alpha)->tx_frames, 1u);
    assert_int_equal(virtio_net_get(dev_alpha)->faults, 0u);
    /* A TX queue taken out of service sends nothing. */
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_NET_TXQ);
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_READY, 0u);
    send_one(dev_alpha, 1u, 60u, 1u);
    assert_int_equal(virtio_net_get(dev_alpha)->tx_frames + virtio_net_get(dev_alpha)->tx_dropped, 1u);
    assert_int_equal(used_idx(dev_alpha, VIRTIO_NET_TXQ), 1u);
    /* A second violation while broken is counted but reported once. */
    queue_setup(dev_alpha, VIRTIO_NET_TXQ, 0x10000u, QN);
    fake_console_len = 0u;
    fake_console[0] = '\0';
    queue_setup(dev_alpha, VIRTIO_NET_TXQ, 0x10000u, QN);
    assert_int_equal(virtio_net_get(dev_alpha)->faults, 2u);
    assert_string_equal(fake_console, "");
}

/* @req SRS-NET-005 */
static void test_reset_returns_the_device_to_its_initial_state(void **state)
{
    (void)state;
    post_rx(dev_beta, 0u);
    send_one(dev_alpha, 0u, 60u, 1u);
    assert_true(line(dev_alpha));
    wr(dev_alpha, VIRTIO_MMIO_STATUS, 0u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_STATUS), 0u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_INTERRUPT_STATUS), 0u);
    assert_false(line(dev_alpha));
    wr(dev_alpha, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_NET_TXQ);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_READY), 0u);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_QUEUE_DESC_LOW), 0u);
    assert_int_equal(virtio_net_get(dev_alpha)->tx_frames, 0u);
    /* A partition reset (restart) does the same to every end of that partition only. */
    vdev_reset(PART_BETA);
    assert_int_equal(rd(dev_beta, VIRTIO_MMIO_STATUS), 0u);
    assert_int_equal(virtio_net_get(dev_beta)->rx_frames, 0u);
}

/* @req SRS-NET-005 */
static void test_peer_restart_shows_link_down_then_up(void **state)
{
    uint64_t v = 0u;
    uint32_t gen = rd(dev_alpha, VIRTIO_MMIO_CONFIG_GENERATION);

    (void)state;
    part_get(PART_BETA)->state = PART_STATE_RESTARTING;
    health_notify(PART_BETA);
    assert_true(mmio(dev_alpha, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_STATUS, 2u, false, &v));
    assert_int_equal(v, 0u);
    assert_int_not_equal(rd(dev_alpha, VIRTIO_MMIO_CONFIG_GENERATION), gen);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    assert_true(line(dev_alpha));
    /* beta's own view of alpha did not change. */
    assert_int_equal(rd(dev_beta, VIRTIO_MMIO_INTERRUPT_STATUS), 0u);
    /* Frames sent meanwhile are dropped. */
    send_one(dev_alpha, 0u, 60u, 1u);
    assert_int_equal(virtio_net_get(dev_alpha)->tx_dropped, 1u);
    /* Telling again without a change raises nothing new. */
    wr(dev_alpha, VIRTIO_MMIO_INTERRUPT_ACK, 3u);
    health_notify(PART_BETA);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_INTERRUPT_STATUS), 0u);
    /* beta back: link up again. */
    assert_true(part_load(PART_BETA));
    assert_true(mmio(dev_alpha, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_STATUS, 2u, false, &v));
    assert_int_equal(v, VIRTIO_NET_S_LINK_UP);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    assert_int_equal(rd(dev_beta, VIRTIO_MMIO_STATUS), 0u); /* beta's end was reset with it */
    /* A driver that is not yet running hears of the change in the config only. */
    wr(dev_alpha, VIRTIO_MMIO_STATUS, 0u);
    part_get(PART_BETA)->state = PART_STATE_HALTED;
    health_notify(PART_BETA);
    assert_int_equal(rd(dev_alpha, VIRTIO_MMIO_INTERRUPT_STATUS), 0u);
    assert_true(mmio(dev_alpha, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_STATUS, 2u, false, &v));
    assert_int_equal(v, 0u);
}

/* Both ends back to a freshly initialised driver, without a full (slow) partition reload. */
static void reinit(void)
{
    driver_init(dev_alpha);
    driver_init(dev_beta);
    fake_console_len = 0u;
    fake_console[0] = '\0';
}

/* Fail unless now equals before in [0, end) outside [a0, a1) and [b0, b1) (a0 <= a1 <= b0 <= b1 <= end). */
static void same_except(const uint8_t *before, const uint8_t *now, uint64_t a0, uint64_t a1, uint64_t b0,
                        uint64_t b1, uint64_t end, uint32_t iter)
{
    if ((memcmp(before, now, a0) != 0) || (memcmp(before + a1, now + a1, b0 - a1) != 0) ||
        (memcmp(before + b1, now + b1, end - b1) != 0)) {
        fail_msg("iteration %u: a byte outside the allowed ranges changed", iter);
    }
}

/* A small deterministic generator (xorshift32) for the random rings. */
static uint32_t rng_state = 0x2545f491u;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state % n;
}

/* A random address: mostly good buffers, sometimes anything. */
static uint64_t rnd_addr(uint64_t ram)
{
    static const uint64_t odd[] = { 0u, 0x1000u, RO_IPA, RO_IPA + 0xff00u, UINT64_MAX - 100u,
                                    RAM_ALPHA + RAM_SIZE - 50u, RAM_BETA + RAM_SIZE - 50u, RAM_BETA };

    if (rnd(4u) == 0u) {
        return odd[rnd(sizeof(odd) / sizeof(odd[0]))];
    }
    return ram + TXBUF_OFF + rnd(0x4000u);
}

static uint32_t rnd_len(void)
{
    static const uint32_t odd[] = { 0u, 1u, HDR, HDR + 1u, 1530u, 1531u, 0x10000u, 0xffffffffu };

    return (rnd(4u) == 0u) ? odd[rnd(sizeof(odd) / sizeof(odd[0]))] : rnd(800u);
}

/* @req SRS-NET-004 */
static void test_random_tx_rings_never_touch_anything_but_posted_buffers(void **state)
{
    static uint8_t before_b[RAM_SIZE];
    static uint8_t before_a[RAM_SIZE];
    uint32_t iter;
    uint32_t faults = 0u;
    uint32_t frames = 0u;

    (void)state;
    for (iter = 0u; iter < 1000u; iter++) {
        uint32_t i;
        uint32_t n = rnd(QN + 2u);

        reinit();
        for (i = 0u; i < 4u; i++) {
            post_rx(dev_beta, i);
        }
        for (i = 0u; i < QN; i++) {
            uint16_t flags = (uint16_t)((rnd(3u) == 0u) ? VIRTQ_DESC_F_NEXT : 0u);

            flags |= (uint16_t)((rnd(16u) == 0u) ? VIRTQ_DESC_F_WRITE : 0u);
            flags |= (uint16_t)((rnd(32u) == 0u) ? VIRTQ_DESC_F_INDIRECT : 0u);
            set_desc(dev_alpha, VIRTIO_NET_TXQ, i, rnd_addr(RAM_ALPHA), rnd_len(), flags,
                     (uint16_t)rnd(QN + 1u));
        }
        for (i = 0u; i < n; i++) {
            offer(dev_alpha, VIRTIO_NET_TXQ, (uint16_t)rnd(QN + 1u));
        }
        memcpy(before_a, g(RAM_ALPHA), RAM_SIZE);
        memcpy(before_b, g(RAM_BETA), RAM_SIZE);
        wr(dev_alpha, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
        /* beta: only its RX used ring and RX buffers; alpha: only its TX used ring. */
        same_except(before_b, g(RAM_BETA), RXQ_OFF + 0x2000u, RXQ_OFF + 0x2000u + 4u + (8u * QN), RXBUF_OFF,
                    RXBUF_OFF + (4u * BUF), RAM_SIZE, iter);
        same_except(before_a, g(RAM_ALPHA), TXQ_OFF + 0x2000u, TXQ_OFF + 0x2000u + 4u + (8u * QN), TXQ_OFF + 0x3000u,
                    TXQ_OFF + 0x3000u, RAM_SIZE, iter);
        (void)receive(dev_beta);
        same_except(before_b, g(RAM_BETA), RXQ_OFF + 0x2000u, RXQ_OFF + 0x2000u + 4u + (8u * QN), RXBUF_OFF,
                    RXBUF_OFF + (4u * BUF), RAM_SIZE, iter);
        assert_int_equal(virtio_net_get(dev_beta)->faults, 0u);
        assert_true(used_idx(dev_beta, VIRTIO_NET_RXQ) <= 4u);
        assert_int_equal(used_idx(dev_beta, VIRTIO_NET_RXQ), virtio_net_get(dev_beta)->rx_frames);
        assert_true(virtio_net_get(dev_beta)->rx_frames <= virtio_net_get(dev_alpha)->tx_frames);
        for (i = 0u; i < used_idx(dev_beta, VIRTIO_NET_RXQ); i++) {
            assert_true(get32(RAM_BETA + RXQ_OFF + 0x2008u + (8u * i)) <= BUF);
        }
        faults += virtio_net_get(dev_alpha)->faults;
        frames += virtio_net_get(dev_alpha)->tx_frames;
    }
    /* The generator reaches both outcomes. */
    assert_true(faults > 100u);
    assert_true(frames > 100u);
}

/* @req SRS-NET-004 */
static void test_random_rx_rings_never_write_outside_the_receivers_buffers(void **state)
{
    static uint8_t before_b[RAM_SIZE];
    static uint8_t before_a[RAM_SIZE];
    static const uint64_t odd[] = { 0u, RO_IPA, RAM_ALPHA + RXBUF_OFF, RAM_ALPHA + TXBUF_OFF,
                                    RAM_BETA + RAM_SIZE - 64u, UINT64_MAX - 64u };
    uint32_t iter;
    uint32_t faults = 0u;
    uint32_t frames = 0u;

    (void)state;
    for (iter = 0u; iter < 1000u; iter++) {
        uint32_t i;
        uint32_t n = rnd(QN + 2u);

        reinit();
        for (i = 0u; i < QN; i++) {
            uint16_t flags = (uint16_t)((rnd(8u) != 0u) ? VIRTQ_DESC_F_WRITE : 0u);
            uint64_t addr = (rnd(4u) == 0u) ? odd[rnd(sizeof(odd) / sizeof(odd[0]))]
                                            : (RAM_BETA + RXBUF_OFF + rnd(0x4000u));

            flags |= (uint16_t)((rnd(3u) == 0u) ? VIRTQ_DESC_F_NEXT : 0u);
            set_desc(dev_beta, VIRTIO_NET_RXQ, i, addr, rnd_len(), flags, (uint16_t)rnd(QN + 1u));
        }
        for (i = 0u; i < n; i++) {
            offer(dev_beta, VIRTIO_NET_RXQ, (uint16_t)rnd(QN + 1u));
        }
        memcpy(before_a, g(RAM_ALPHA), RAM_SIZE);
        memcpy(before_b, g(RAM_BETA), RAM_SIZE);
        for (i = 0u; i < 3u; i++) {
            send_one(dev_alpha, i, 20u + rnd(1400u), (uint8_t)iter);
        }
        /* The sender: only its TX rings and the frames it wrote; the receiver: its RX used ring and buffers. */
        same_except(before_a, g(RAM_ALPHA), TXQ_OFF, TXQ_OFF + 0x3000u, TXBUF_OFF, TXBUF_OFF + (3u * BUF), RAM_SIZE,
                    iter);
        /* (beta's last 64 bytes are one of the buffers it may post) */
        same_except(before_b, g(RAM_BETA), RXQ_OFF + 0x2000u, RXQ_OFF + 0x2000u + 4u + (8u * QN), RXBUF_OFF,
                    RXBUF_OFF + 0x4000u + 0x800u, RAM_SIZE - 64u, iter);
        /* The sender is never at fault and always gets its buffers back. */
        assert_int_equal(virtio_net_get(dev_alpha)->faults, 0u);
        assert_int_equal(used_idx(dev_alpha, VIRTIO_NET_TXQ), 3u);
        assert_int_equal(virtio_net_get(dev_alpha)->tx_frames + virtio_net_get(dev_alpha)->tx_dropped, 3u);
        faults += virtio_net_get(dev_beta)->faults;
        frames += virtio_net_get(dev_beta)->rx_frames;
    }
    assert_true(faults > 100u);
    assert_true(frames > 100u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_device_is_a_virtio_mmio_v2_network_device, setup),
        cmocka_unit_test_setup(test_malformed_register_accesses_are_rejected, setup),
        cmocka_unit_test_setup(test_trapped_access_reaches_the_callers_own_end, setup),
        cmocka_unit_test_setup(test_features_ok_only_for_a_subset_with_version_1, setup),
        cmocka_unit_test_setup(test_frame_is_copied_into_the_peers_rx_buffer_with_interrupts, setup),
        cmocka_unit_test_setup(test_scattered_frame_into_scattered_buffers, setup),
        cmocka_unit_test_setup(test_frames_wait_in_the_senders_slots_for_buffers_and_a_full_link_drops, setup),
        cmocka_unit_test_setup(test_a_receiver_reset_discards_the_frames_waiting_for_it, setup),
        cmocka_unit_test_setup(test_the_receivers_exit_copies_the_frame_and_flushes_its_interrupt, setup),
        cmocka_unit_test_setup(test_no_interrupt_flag_suppresses_only_that_queues_interrupt, setup),
        cmocka_unit_test_setup(test_every_malformed_tx_descriptor_needs_reset_and_copies_nothing, setup),
        cmocka_unit_test_setup(test_malformed_rx_buffer_faults_the_receiver_only, setup),
        cmocka_unit_test_setup(test_descriptors_reused_across_chains_exceed_the_budget, setup),
        cmocka_unit_test_setup(test_bad_rings_need_reset_when_made_ready, setup),
        cmocka_unit_test_setup(test_reset_returns_the_device_to_its_initial_state, setup),
        cmocka_unit_test_setup(test_peer_restart_shows_link_down_then_up, setup),
        cmocka_unit_test_setup(test_random_tx_rings_never_touch_anything_but_posted_buffers, setup),
        cmocka_unit_test_setup(test_random_rx_rings_never_write_outside_the_receivers_buffers, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
