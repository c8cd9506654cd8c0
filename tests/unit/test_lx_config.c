/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of configuration choices tests/unit/system.yaml does not make, built
 * against tests/unit/lx/system.yaml: a channel without doorbells, a channel whose
 * burst is below one doorbell, a counter slower than a channel's rate, a restart
 * budget without limit or window, an injection budget without window, a partition
 * without a console, a controller that does not subscribe.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "chan.h"
#include "config.h"
#include "console.h"
#include "ctl.h"
#include "fake_arch.h"
#include "health.h"
#include "hypercall.h"
#include "septum/hvc_abi.h"
#include "smccc.h"
#include "vcpu.h"
#include "vdev.h"
#include "vgic_priv.h"

/* Peer indices (cfg_channel_peers) of each channel's peers. */
static uint32_t peer_of(const char *chan, uint32_t part)
{
    uint32_t i;

    for (i = 0u; i < CFG_NUM_CHANNEL_PEERS; i++) {
        if ((strcmp(cfg_channels[cfg_channel_peers[i].channel].name, chan) == 0) &&
            (cfg_channel_peers[i].partition == part)) {
            return i;
        }
    }
    fail();
    return 0u;
}

static int setup(void **state)
{
    uint32_t p;

    (void)state;
    fake_reset();
    console_init();
    part_init_all();
    health_init();
    ctl_init();
    for (p = 0u; p < CFG_NUM_PARTITIONS; p++) {
        vgic_init(p);
        chan_reset(p);
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

/* Is any SPI of partition p pending in its vGIC? */
static bool any_spi_pending(uint32_t p)
{
    struct vgic_part *g = vgic_get(p);
    uint32_t i;

    for (i = 0u; i + 32u < g->num_irqs; i++) {
        if (g->spi[i].pending) {
            return true;
        }
    }
    return false;
}

/* @req SRS-CHAN-001 */
static void test_channel_without_doorbells_records_pending_but_interrupts_nobody(void **state)
{
    uint32_t tux = peer_of("quiet", PART_TUX);
    uint32_t pebble = peer_of("quiet", PART_PEBBLE);
    uint32_t self = tux - cfg_channels[cfg_channel_peers[tux].channel].first_peer;
    uint32_t other = pebble - cfg_channels[cfg_channel_peers[pebble].channel].first_peer;

    (void)state;
    assert_int_equal(cfg_channels[cfg_channel_peers[tux].channel].notify, 0u);
    assert_int_equal(cfg_channel_peers[pebble].vintid, CFG_NO_VINTID);
    wr(tux, CHAN_NOTIFY, 1u << other);
    /* pebble learns of it when it looks (polling), and no interrupt was raised anywhere. */
    assert_int_equal(rd(pebble, CHAN_PENDING), 1u << self);
    assert_int_equal(rd(pebble, CHAN_PENDING), 0u);
    assert_false(any_spi_pending(PART_PEBBLE));
    assert_false(any_spi_pending(PART_TUX));
    /* A state change of tux is recorded the same way; only channel 'slow' rings pebble's doorbell. */
    chan_peer_state_changed(PART_TUX);
    assert_int_equal(rd(pebble, CHAN_PENDING), CHAN_PENDING_STATE);
    vgic_get(PART_PEBBLE)->spi[cfg_channel_peers[peer_of("slow", PART_PEBBLE)].vintid - 32u].pending = false;
    assert_false(any_spi_pending(PART_PEBBLE));
}

/* @req SRS-CHAN-001 */
static void test_rate_below_a_hundred_per_second_still_allows_a_burst_of_one(void **state)
{
    uint32_t tux = peer_of("slow", PART_TUX);
    uint32_t pebble = peer_of("slow", PART_PEBBLE);
    const struct cfg_channel *c = &cfg_channels[cfg_channel_peers[tux].channel];
    uint32_t other = pebble - c->first_peer;
    struct vgic_irq *bell = &vgic_get(PART_PEBBLE)->spi[cfg_channel_peers[pebble].vintid - 32u];

    (void)state;
    assert_int_equal(c->notify_rate, 50u);
    wr(tux, CHAN_NOTIFY, 1u << other);
    assert_true(bell->pending);
    (void)rd(pebble, CHAN_PENDING);
    bell->pending = false;
    /* The burst (50 / 100 = 0, at least 1) is spent: the next one at the same instant is refused. */
    wr(tux, CHAN_NOTIFY, 1u << other);
    assert_false(bell->pending);
    assert_int_equal(rd(tux, CHAN_THROTTLED), 1u);
    assert_int_equal(rd(pebble, CHAN_PENDING), 0u);
    /* 1/50 s later one more is earned, and no more than one after a long pause. */
    fake_counter += arch_counter_hz() / 50u;
    wr(tux, CHAN_NOTIFY, 1u << other);
    assert_true(bell->pending);
    (void)rd(pebble, CHAN_PENDING);
    fake_counter += arch_counter_hz() * 10u;
    wr(tux, CHAN_NOTIFY, 1u << other);
    (void)rd(pebble, CHAN_PENDING);
    wr(tux, CHAN_NOTIFY, 1u << other);
    assert_int_equal(rd(tux, CHAN_THROTTLED), 2u);
}

/* @req SRS-CHAN-001 */
static void test_counter_slower_than_the_rate_applies_no_bound(void **state)
{
    uint32_t tux = peer_of("slow", PART_TUX);
    uint32_t pebble = peer_of("slow", PART_PEBBLE);
    uint32_t other = pebble - cfg_channels[cfg_channel_peers[tux].channel].first_peer;
    uint32_t i;

    (void)state;
    /* A 40 Hz counter cannot tell 50 doorbells a second apart: none is refused. */
    fake_counter_hz = 40u;
    chan_reset(PART_TUX); /* the counter's frequency is fixed from boot on: the bound is worked out at the reset */
    for (i = 0u; i < 10u; i++) {
        wr(tux, CHAN_NOTIFY, 1u << other);
        (void)rd(pebble, CHAN_PENDING);
    }
    assert_int_equal(rd(tux, CHAN_THROTTLED), 0u);
}

/* @req SRS-HEALTH-001 */
static void test_restart_budget_without_limit_or_window_never_runs_out(void **state)
{
    uint32_t i;

    (void)state;
    assert_int_equal(cfg_health[PART_PEBBLE].max_restarts, 0u);
    assert_int_equal(cfg_health[PART_PEBBLE].restart_window_ms, 0u);
    for (i = 0u; i < 20u; i++) {
        assert_true(health_event(PART_PEBBLE, HEALTH_FAULT, "x"));
        fake_counter += 1u;
    }
    assert_null(strstr(fake_console, "used up"));
    assert_non_null(strstr(fake_console, "partition 'pebble' fault: x \xe2\x80\x94 restarting (restart 20)"));
}

/* @req SRS-HEALTH-007 */
static void test_injection_budget_without_window_never_refills(void **state)
{
    (void)state;
    assert_int_equal(cfg_health[PART_PEBBLE].max_injected_faults, 1u);
    assert_true(health_inject_take(PART_PEBBLE));
    assert_false(health_inject_take(PART_PEBBLE));
    /* No window: however long it waits, the budget stays used. */
    fake_counter += arch_counter_hz() * 3600u;
    assert_false(health_inject_take(PART_PEBBLE));
    assert_int_equal(health_injected(PART_PEBBLE), 1u);
}

/* @req SRS-CON-002 */
static void test_partition_without_console_takes_no_input_and_has_no_vuart(void **state)
{
    struct vcpu *v = vcpu_get(cfg_partitions[PART_PEBBLE].first_vcpu);
    struct mmio_access a = { 0u, 4u, false, 0u };

    (void)state;
    assert_false(vdev_console_input(PART_PEBBLE, -1));
    assert_false(vdev_console_input(PART_PEBBLE, 'x'));
    /* The vUART's address is not a device of pebble's: a stage-2 fault, not a UART. */
    assert_int_equal(vdev_mmio(v, 0x9000000u, &a), VDEV_NONE);
    /* tux has one. */
    assert_true(vdev_console_input(PART_TUX, -1));
    assert_true(vdev_console_input(PART_TUX, 'x'));
}

/* @req SRS-HEALTH-003 */
static void test_controller_that_does_not_subscribe_may_read_the_state(void **state)
{
    struct vcpu *pebble = vcpu_get(cfg_partitions[PART_PEBBLE].first_vcpu);
    struct vcpu *stone = vcpu_get(cfg_partitions[PART_STONE].first_vcpu);

    (void)state;
    assert_int_equal((cfg_health[PART_TUX].subscribers >> PART_PEBBLE) & 1u, 0u);
    assert_true(ctl_allowed(PART_PEBBLE, PART_TUX));
    pebble->regs.x[0] = SEPTUM_HVC_PARTITION_STATE;
    pebble->regs.x[1] = PART_TUX;
    hypercall_handle(pebble, CFG_CONDUIT_HVC);
    assert_int_equal(pebble->regs.x[0], SEPTUM_STATE_BOOTING);
    assert_int_equal(pebble->regs.x[1], 0u);
    /* stone neither subscribes nor controls. */
    stone->regs.x[0] = SEPTUM_HVC_PARTITION_STATE;
    stone->regs.x[1] = PART_TUX;
    hypercall_handle(stone, CFG_CONDUIT_HVC);
    assert_int_equal((int64_t)stone->regs.x[0], SMCCC_INVALID_PARAMETER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_channel_without_doorbells_records_pending_but_interrupts_nobody, setup),
        cmocka_unit_test_setup(test_rate_below_a_hundred_per_second_still_allows_a_burst_of_one, setup),
        cmocka_unit_test_setup(test_counter_slower_than_the_rate_applies_no_bound, setup),
        cmocka_unit_test_setup(test_restart_budget_without_limit_or_window_never_runs_out, setup),
        cmocka_unit_test_setup(test_injection_budget_without_window_never_refills, setup),
        cmocka_unit_test_setup(test_partition_without_console_takes_no_input_and_has_no_vuart, setup),
        cmocka_unit_test_setup(test_controller_that_does_not_subscribe_may_read_the_state, setup),
    };

    return cmocka_run_group_tests_name("lx_config", tests, NULL, NULL);
}
