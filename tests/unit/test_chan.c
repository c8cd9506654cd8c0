/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of kernel/core/chan.c: channel control pages (selective signaling, signal knowledge). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "chan.h"
#include "config.h"
#include "fake_arch.h"
#include "health.h"
#include "vcpu.h"
#include "vgic_priv.h"

/* Peers of channel 0 are sorted by partition name: alpha is peer 0, beta peer 1. */
static uint32_t alpha_peer;
static uint32_t beta_peer;

static int setup(void **state)
{
    uint32_t i;

    (void)state;
    fake_reset();
    part_init_all();
    vgic_init(PART_ALPHA);
    vgic_init(PART_BETA);
    chan_reset(PART_ALPHA);
    chan_reset(PART_BETA);
    for (i = 0u; i < CFG_NUM_CHANNEL_PEERS; i++) {
        if (cfg_channel_peers[i].partition == PART_ALPHA) {
            alpha_peer = i;
        } else {
            beta_peer = i;
        }
    }
    return 0;
}

static uint64_t rd(uint32_t peer, uint32_t off)
{
    struct mmio_access a = { off, 4u, false, 0xdeadu };

    assert_true(chan_mmio(peer, &a));
    return a.value;
}

static void wr(uint32_t peer, uint32_t off, uint32_t v)
{
    struct mmio_access a = { off, 4u, true, v };

    assert_true(chan_mmio(peer, &a));
}

static struct vgic_irq *doorbell(uint32_t peer)
{
    return &vgic_get(cfg_channel_peers[peer].partition)->spi[cfg_channel_peers[peer].vintid - 32u];
}

/* @req SRS-CHAN-001 */
static void test_control_page_describes_the_peer(void **state)
{
    (void)state;
    assert_int_equal(rd(alpha_peer, CHAN_SELF), 0u);
    assert_int_equal(rd(beta_peer, CHAN_SELF), 1u);
    assert_int_equal(rd(beta_peer, CHAN_PEERS), 2u);
    assert_int_equal(rd(beta_peer, CHAN_SIZE_LO), 0x10000u);
    assert_int_equal(rd(beta_peer, CHAN_SIZE_HI), 0u);
    assert_int_equal(rd(alpha_peer, CHAN_PERM), CFG_PERM_R | CFG_PERM_W);
    assert_int_equal(rd(beta_peer, CHAN_PERM), CFG_PERM_R);
    assert_int_equal(rd(beta_peer, 0x100u), 0u);
    assert_int_equal(rd(beta_peer, CHAN_NOTIFY), 0u);
}

/* @req SRS-CHAN-001 */
static void test_notify_signals_exactly_the_named_peers_and_pending_says_who(void **state)
{
    (void)state;
    doorbell(alpha_peer)->pending = false;
    doorbell(beta_peer)->pending = false;
    wr(alpha_peer, CHAN_NOTIFY, 1u << 1); /* alpha rings beta only */
    assert_true(doorbell(beta_peer)->pending);
    assert_false(doorbell(alpha_peer)->pending);
    assert_int_equal(rd(beta_peer, CHAN_PENDING), 1u << 0); /* from alpha */
    assert_int_equal(rd(beta_peer, CHAN_PENDING), 0u);      /* reading cleared it */
    assert_int_equal(rd(alpha_peer, CHAN_PENDING), 0u);
    /* A read-only peer may still signal; bits beyond the peers are ignored. */
    wr(beta_peer, CHAN_NOTIFY, 0xfffffffdu);
    assert_true(doorbell(alpha_peer)->pending);
    assert_int_equal(rd(alpha_peer, CHAN_PENDING), 1u << 1);
    /* Writes to other registers change nothing. */
    wr(alpha_peer, CHAN_PENDING, 0xffu);
    assert_int_equal(rd(alpha_peer, CHAN_PENDING), 0u);
}

/* @req SRS-CHAN-003 */
static void test_a_doorbell_already_rung_and_unread_is_not_rung_again(void **state)
{
    (void)state;
    wr(beta_peer, CHAN_NOTIFY, 1u << 0);
    assert_true(doorbell(alpha_peer)->pending);
    /* Delivered; beta rings again before alpha read PENDING: nothing new to tell, no interrupt. */
    doorbell(alpha_peer)->pending = false;
    wr(beta_peer, CHAN_NOTIFY, 1u << 0);
    assert_false(doorbell(alpha_peer)->pending);
    assert_int_equal(rd(alpha_peer, CHAN_PENDING), 1u << 1);
    /* Once read, the next NOTIFY rings again. */
    wr(beta_peer, CHAN_NOTIFY, 1u << 0);
    assert_true(doorbell(alpha_peer)->pending);
    assert_int_equal(rd(beta_peer, CHAN_THROTTLED), 0u);
}

/* @req SRS-CHAN-003 */
static void test_doorbells_of_a_read_only_peer_are_rate_bounded(void **state)
{
    const struct cfg_channel *c = &cfg_channels[cfg_channel_peers[beta_peer].channel];
    uint32_t burst = c->notify_rate / 100u;
    uint32_t i;

    (void)state;
    assert_int_equal(c->notify_rate, 1000u);
    /* beta only reads the region, yet may acknowledge: a burst of 1/100 s of its rate. */
    for (i = 0u; i < burst; i++) {
        doorbell(alpha_peer)->pending = false;
        wr(beta_peer, CHAN_NOTIFY, 1u << 0);
        assert_true(doorbell(alpha_peer)->pending);
        assert_int_equal(rd(alpha_peer, CHAN_PENDING), 1u << 1);
    }
    /* One more at the same instant is refused, counted, and leaves no trace in alpha. */
    doorbell(alpha_peer)->pending = false;
    wr(beta_peer, CHAN_NOTIFY, 1u << 0);
    assert_false(doorbell(alpha_peer)->pending);
    assert_int_equal(rd(alpha_peer, CHAN_PENDING), 0u);
    assert_int_equal(rd(beta_peer, CHAN_THROTTLED), 1u);
    /* A mask naming nobody costs no credit and is not counted. */
    wr(beta_peer, CHAN_NOTIFY, 0u);
    assert_int_equal(rd(beta_peer, CHAN_THROTTLED), 1u);
    /* 1/rate s later, one more is earned; alpha's own credit was never touched. */
    fake_counter += arch_counter_hz() / c->notify_rate;
    wr(beta_peer, CHAN_NOTIFY, 1u << 0);
    assert_true(doorbell(alpha_peer)->pending);
    assert_int_equal(rd(beta_peer, CHAN_THROTTLED), 1u);
    (void)rd(alpha_peer, CHAN_PENDING);
    wr(beta_peer, CHAN_NOTIFY, 1u << 0);
    assert_int_equal(rd(beta_peer, CHAN_THROTTLED), 2u);
    wr(alpha_peer, CHAN_NOTIFY, 1u << 1);
    assert_true(doorbell(beta_peer)->pending);
    assert_int_equal(rd(alpha_peer, CHAN_THROTTLED), 0u);
    /* Long idle refills only up to the burst. */
    fake_counter += arch_counter_hz() * 10u;
    for (i = 0u; i <= burst; i++) {
        (void)rd(alpha_peer, CHAN_PENDING);
        wr(beta_peer, CHAN_NOTIFY, 1u << 0);
    }
    assert_int_equal(rd(beta_peer, CHAN_THROTTLED), 3u);
}

/* @req SRS-CHAN-001 */
static void test_restart_forgets_pending_signals_of_that_partition(void **state)
{
    (void)state;
    wr(alpha_peer, CHAN_NOTIFY, 3u);
    chan_reset(PART_BETA);
    assert_int_equal(rd(beta_peer, CHAN_PENDING), 0u);
    assert_int_equal(rd(alpha_peer, CHAN_PENDING), 1u);
}

/* @req SRS-CHAN-015 */
static void test_peer_state_register_shows_which_peers_are_running(void **state)
{
    (void)state;
    part_get(PART_ALPHA)->state = PART_STATE_RUNNING;
    part_get(PART_BETA)->state = PART_STATE_RUNNING;
    assert_int_equal(rd(alpha_peer, CHAN_PEER_STATE), 3u);
    part_get(PART_BETA)->state = PART_STATE_RESTARTING;
    assert_int_equal(rd(alpha_peer, CHAN_PEER_STATE), 1u << 0);
    part_get(PART_ALPHA)->state = PART_STATE_HALTED;
    assert_int_equal(rd(beta_peer, CHAN_PEER_STATE), 0u);
    part_get(PART_BETA)->state = PART_STATE_RUNNING;
    assert_int_equal(rd(beta_peer, CHAN_PEER_STATE), 1u << 1);
}

/* @req SRS-CHAN-015 */
static void test_state_change_rings_the_other_peers_with_the_state_bit(void **state)
{
    (void)state;
    doorbell(alpha_peer)->pending = false;
    doorbell(beta_peer)->pending = false;
    chan_peer_state_changed(PART_BETA);
    assert_true(doorbell(alpha_peer)->pending);
    assert_false(doorbell(beta_peer)->pending);
    assert_int_equal(rd(alpha_peer, CHAN_PENDING), CHAN_PENDING_STATE);
    assert_int_equal(rd(beta_peer, CHAN_PENDING), 0u);
    /* The state bit adds to who signaled; reading clears both. */
    wr(beta_peer, CHAN_NOTIFY, 1u << 0);
    chan_peer_state_changed(PART_BETA);
    assert_int_equal(rd(alpha_peer, CHAN_PENDING), CHAN_PENDING_STATE | (1u << 1));
    assert_int_equal(rd(alpha_peer, CHAN_PENDING), 0u);
    chan_peer_state_changed(PART_ALPHA);
    assert_true(doorbell(beta_peer)->pending);
    assert_int_equal(rd(beta_peer, CHAN_PENDING), CHAN_PENDING_STATE);
    assert_int_equal(rd(alpha_peer, CHAN_PENDING), 0u);
}

/* @req SRS-CHAN-015 */
static void test_restart_of_a_peer_reaches_the_others_through_health_notify(void **state)
{
    (void)state;
    doorbell(alpha_peer)->pending = false;
    health_notify(PART_BETA);
    assert_true(doorbell(alpha_peer)->pending);
    assert_int_equal(rd(alpha_peer, CHAN_PENDING), CHAN_PENDING_STATE);
}

/* @req SRS-VDEV-001 */
static void test_malformed_control_page_accesses_are_rejected(void **state)
{
    struct mmio_access wide = { CHAN_SELF, 8u, false, 0u };
    struct mmio_access odd = { CHAN_SELF + 2u, 4u, false, 0u };
    struct mmio_access ok = { CHAN_SELF, 4u, false, 0u };

    (void)state;
    assert_false(chan_mmio(alpha_peer, &wide));
    assert_false(chan_mmio(alpha_peer, &odd));
    assert_false(chan_mmio(CFG_NUM_CHANNEL_PEERS, &ok));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_control_page_describes_the_peer, setup),
        cmocka_unit_test_setup(test_notify_signals_exactly_the_named_peers_and_pending_says_who, setup),
        cmocka_unit_test_setup(test_a_doorbell_already_rung_and_unread_is_not_rung_again, setup),
        cmocka_unit_test_setup(test_doorbells_of_a_read_only_peer_are_rate_bounded, setup),
        cmocka_unit_test_setup(test_restart_forgets_pending_signals_of_that_partition, setup),
        cmocka_unit_test_setup(test_peer_state_register_shows_which_peers_are_running, setup),
        cmocka_unit_test_setup(test_state_change_rings_the_other_peers_with_the_state_bit, setup),
        cmocka_unit_test_setup(test_restart_of_a_peer_reaches_the_others_through_health_notify, setup),
        cmocka_unit_test_setup(test_malformed_control_page_accesses_are_rejected, setup),
    };

    return cmocka_run_group_tests_name("chan", tests, NULL, NULL);
}
