/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of kernel/core/health.c and the restart path of kernel/core/part.c:
 * fault policy, restart budget and its window, watchdog, state notifications,
 * the PARTITION_STATE hypercall, and the scrub/check/reload of a restart.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "console.h"
#include "fake_arch.h"
#include "health.h"
#include "hypercall.h"
#include "septum/hvc_abi.h"
#include "vcpu.h"
#include "vgic_priv.h"

/* Ticks per millisecond of the fake 62.5 MHz counter. */
#define MS 62500u

static struct vcpu *alpha;
static struct vcpu *beta0;
static struct vcpu *beta1;

static int setup(void **state)
{
    (void)state;
    fake_reset();
    console_init();
    part_init_all();
    health_init();
    assert_true(part_load(PART_ALPHA));
    assert_true(part_load(PART_BETA));
    alpha = vcpu_get(cfg_partitions[PART_ALPHA].first_vcpu);
    beta0 = vcpu_get(cfg_partitions[PART_BETA].first_vcpu);
    beta1 = vcpu_get(cfg_partitions[PART_BETA].first_vcpu + 1u);
    return 0;
}

/* Both of beta's vCPUs left the guest (their CPUs reached the idle loop). */
static void beta_idle(void)
{
    vcpu_set_idle(beta0);
    vcpu_set_idle(beta1);
}

/* @req SRS-HEALTH-001 */
static void test_fault_with_restart_policy_restarts_only_that_partition(void **state)
{
    (void)state;
    fake_num_sgis = 0u;
    assert_true(health_event(PART_BETA, HEALTH_FAULT, "data abort"));
    assert_non_null(strstr(fake_console, "[septum] partition 'beta' fault: data abort \xe2\x80\x94 restarting (restart 1)"));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_RESTARTING);
    assert_int_equal(beta0->state, VCPU_HALTED);
    assert_int_equal(beta1->state, VCPU_HALTED);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_STARTING);
    assert_int_equal(alpha->state, VCPU_RUNNING);
    /* beta's CPUs were kicked out of the guest; alpha's was not. */
    assert_true(fake_num_sgis >= 1u);
}

/* @req SRS-HEALTH-001 */
static void test_restart_scrubs_reloads_and_starts_vcpu0_once_all_vcpus_left(void **state)
{
    uint8_t *ram = &fake_ram[0x40800000u - FAKE_RAM_BASE];

    (void)state;
    ram[0x1000] = 0xaa; /* something the previous run left behind */
    assert_true(health_event(PART_BETA, HEALTH_FAULT, "x"));
    /* Not yet: vCPU 1 is still in the guest. */
    vcpu_set_idle(beta0);
    assert_false(part_restart_step(beta0));
    vcpu_set_idle(beta1);
    /* Only vCPU 0's CPU does the work. */
    assert_false(part_restart_step(beta1));
    fake_zeroed = 0u;
    assert_true(part_restart_step(beta0));
    assert_int_equal(fake_zeroed, 0x100000u);
    assert_int_equal(ram[0x1000], 0u);
    assert_memory_equal(ram, "IMAGE-beta-", 11u);
    assert_int_equal(beta0->state, VCPU_RUNNING);
    assert_int_equal(beta1->state, VCPU_OFF);
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_STARTING);
    assert_non_null(strstr(fake_console, "partition 'beta' restarted"));
    /* A partition that is not restarting has nothing to do. */
    assert_false(part_restart_step(beta0));
}

/* @req SRS-HEALTH-001 */
static void test_corrupted_image_copy_halts_instead_of_restarting(void **state)
{
    (void)state;
    assert_true(health_event(PART_BETA, HEALTH_FAULT, "x"));
    beta_idle();
    part_get(PART_BETA)->checksum ^= 1u; /* as if the read-only copy had changed since boot */
    assert_false(part_restart_step(beta0));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_HALTED);
    assert_non_null(strstr(fake_console, "read-only image copy corrupted"));
}

/* @req SRS-HEALTH-002 */
static void test_budget_used_up_halts_and_window_refills_it(void **state)
{
    uint32_t restarts;

    (void)state;
    assert_true(health_event(PART_BETA, HEALTH_FAULT, "one"));
    assert_true(health_event(PART_BETA, HEALTH_FAULT, "two"));
    assert_false(health_event(PART_BETA, HEALTH_FAULT, "three"));
    assert_non_null(strstr(fake_console, "three \xe2\x80\x94 restart budget (2 in 1000 ms) used up: halted"));
    assert_int_equal(health_state(PART_BETA, &restarts), SEPTUM_STATE_HALTED);
    assert_int_equal(restarts, 2u);
    /* After the window the budget is full again. */
    fake_counter += 1001u * MS;
    assert_true(health_event(PART_BETA, HEALTH_FAULT, "later"));
    assert_int_equal(health_state(PART_BETA, &restarts), SEPTUM_STATE_RESTARTING);
    assert_int_equal(restarts, 3u);
}

/* @req SRS-ISO-004 */
static void test_halt_policy_halts(void **state)
{
    uint32_t restarts;

    (void)state;
    assert_false(health_event(PART_ALPHA, HEALTH_FAULT, "bad"));
    assert_non_null(strstr(fake_console, "[septum] partition 'alpha' fault: bad \xe2\x80\x94 halted"));
    assert_int_equal(health_state(PART_ALPHA, &restarts), SEPTUM_STATE_HALTED);
    assert_int_equal(restarts, 0u);
}

/* @req SRS-HEALTH-004 */
static void test_watchdog_expires_without_heartbeat_and_rearms_with_one(void **state)
{
    (void)state;
    /* No watchdog on alpha: the timer is stopped. */
    fake_hyp_timer = 123u;
    assert_false(health_watchdog_tick(PART_ALPHA));
    assert_int_equal(fake_hyp_timer, 0u);
    assert_int_equal(health_watchdog_deadline(PART_ALPHA), 0u);
    /* beta: deadline 100 ms after its last heartbeat. */
    assert_false(health_watchdog_tick(PART_BETA));
    assert_int_equal(fake_hyp_timer, fake_counter + (100u * MS));
    fake_counter += 50u * MS;
    health_heartbeat(PART_BETA);
    assert_false(health_watchdog_tick(PART_BETA));
    assert_int_equal(fake_hyp_timer, fake_counter + (100u * MS));
    fake_counter += 100u * MS;
    assert_true(health_watchdog_tick(PART_BETA));
    assert_int_equal(fake_hyp_timer, 0u);
    assert_non_null(strstr(fake_console, "partition 'beta' watchdog: no heartbeat in time \xe2\x80\x94 restarting"));
    /* A partition that is not running is not watched. */
    fake_counter += 1000u * MS;
    assert_false(health_watchdog_check(PART_BETA, fake_counter));
}

/* @req SRS-HEALTH-003 */
static void test_state_changes_notify_subscribers_only(void **state)
{
    struct vgic_irq *notify = &vgic_get(PART_ALPHA)->spi[cfg_health[PART_ALPHA].notify_vintid - 32u];

    (void)state;
    notify->pending = false;
    health_notify(PART_ALPHA); /* alpha has no subscribers */
    assert_false(notify->pending);
    health_notify(PART_BETA);  /* beta tells alpha */
    assert_true(notify->owned);
    assert_true(notify->pending);
}

/* @req SRS-HEALTH-003 */
static void test_partition_state_hypercall_only_for_subscribed_or_own(void **state)
{
    (void)state;
    alpha->regs.x[0] = SEPTUM_HVC_PARTITION_STATE;
    alpha->regs.x[1] = PART_BETA;
    hypercall_handle(alpha, CFG_CONDUIT_HVC);
    assert_int_equal(alpha->regs.x[0], SEPTUM_STATE_STARTING);
    assert_int_equal(alpha->regs.x[1], 0u);
    /* beta does not subscribe to alpha. */
    beta0->regs.x[0] = SEPTUM_HVC_PARTITION_STATE;
    beta0->regs.x[1] = PART_ALPHA;
    hypercall_handle(beta0, CFG_CONDUIT_HVC);
    assert_int_equal((int64_t)beta0->regs.x[0], SMCCC_INVALID_PARAMETER);
    beta0->regs.x[0] = SEPTUM_HVC_PARTITION_STATE;
    beta0->regs.x[1] = PART_BETA;
    hypercall_handle(beta0, CFG_CONDUIT_HVC);
    assert_int_equal(beta0->regs.x[0], SEPTUM_STATE_STARTING);
    beta0->regs.x[0] = SEPTUM_HVC_PARTITION_STATE;
    beta0->regs.x[1] = CFG_NUM_PARTITIONS;
    hypercall_handle(beta0, CFG_CONDUIT_HVC);
    assert_int_equal((int64_t)beta0->regs.x[0], SMCCC_INVALID_PARAMETER);
    /* A heartbeat moves the watchdog deadline. */
    fake_counter += 10u * MS;
    beta0->regs.x[0] = SEPTUM_HVC_HEARTBEAT;
    hypercall_handle(beta0, CFG_CONDUIT_HVC);
    assert_int_equal(beta0->regs.x[0], 0u);
    assert_int_equal(health_watchdog_deadline(PART_BETA), fake_counter + (100u * MS));
}

static void test_states_before_start(void **state)
{
    uint32_t restarts;

    (void)state;
    part_init_all();
    assert_int_equal(health_state(PART_ALPHA, &restarts), SEPTUM_STATE_BOOTING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_fault_with_restart_policy_restarts_only_that_partition, setup),
        cmocka_unit_test_setup(test_restart_scrubs_reloads_and_starts_vcpu0_once_all_vcpus_left, setup),
        cmocka_unit_test_setup(test_corrupted_image_copy_halts_instead_of_restarting, setup),
        cmocka_unit_test_setup(test_budget_used_up_halts_and_window_refills_it, setup),
        cmocka_unit_test_setup(test_halt_policy_halts, setup),
        cmocka_unit_test_setup(test_watchdog_expires_without_heartbeat_and_rearms_with_one, setup),
        cmocka_unit_test_setup(test_state_changes_notify_subscribers_only, setup),
        cmocka_unit_test_setup(test_partition_state_hypercall_only_for_subscribed_or_own, setup),
        cmocka_unit_test_setup(test_states_before_start, setup),
    };

    return cmocka_run_group_tests_name("health", tests, NULL, NULL);
}
