/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of time partitioning choices tests/unit/system.yaml does not make
 * (kernel/core/sched.c), built against tests/unit/lx/system.yaml: pebble and
 * slate share CPUs 2 and 3 (pebble 300 us, slate 300 + 300 us, 100 us idle per
 * 1 ms frame); a partition with two scheduled vCPUs, one restarting, one
 * started by CPU_ON in its window; a wall-clock watchdog.
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
#include "psci.h"
#include "sched.h"
#include "vcpu.h"

#define EPOCH 1000u
/* 62.5 counter ticks per microsecond. */
#define US(n) (((uint64_t)(n) * 125u) / 2u)

static struct vcpu *peb0;
static struct vcpu *peb1;

static int setup(void **state)
{
    (void)state;
    fake_reset();
    console_init();
    part_init_all();
    health_init();
    sched_set_epoch(EPOCH);
    assert_true(part_load(PART_PEBBLE));
    peb0 = vcpu_get(cfg_partitions[PART_PEBBLE].first_vcpu);
    peb1 = vcpu_get(cfg_partitions[PART_PEBBLE].first_vcpu + 1u);
    return 0;
}

/* sched_step(cpu) at counter value now: 0 returned, or the fake's longjmp code (2: entered). */
static int step_at(uint32_t cpu, uint64_t now)
{
    int rc;

    fake_cpu = cpu;
    fake_counter = now;
    fake_entered = NULL;
    rc = setjmp(fake_noreturn);
    if (rc == 0) {
        sched_step(cpu);
    }
    return rc;
}

/* @req SRS-SCHED-001 SRS-PSCI-001 */
static void test_secondary_vcpu_started_by_cpu_on_enters_in_its_window_only(void **state)
{
    uint32_t cpu = cfg_vcpus[peb1->id].pcpu;

    (void)state;
    assert_int_equal(vcpu_power_on(peb1, 0x40980040u, 7u), PSCI_SUCCESS);
    /* slate's window: pebble's vCPU 1 waits. */
    assert_int_equal(step_at(cpu, EPOCH + US(400)), 0);
    assert_null(fake_entered);
    assert_int_equal(vcpu_state_get(peb1), VCPU_ON_PENDING);
    /* Its own window: it starts, fresh. */
    peb1->ctx_saved = true;
    assert_int_equal(step_at(cpu, EPOCH + US(1000) + US(10)), 2);
    assert_ptr_equal(fake_entered, peb1);
    assert_false(peb1->ctx_saved);
    assert_int_equal(peb1->regs.pc, 0x40980040u);
    assert_int_equal(vcpu_state_get(peb1), VCPU_RUNNING);
    /* Only vCPU 0's CPU watches the watchdogs: CPU 3 armed its timer for the window end only. */
    assert_int_equal(fake_hyp_timer, EPOCH + US(1000) + US(300));
}

/* @req SRS-SCHED-001 SRS-HEALTH-006 */
static void test_restart_of_a_scheduled_partition_runs_in_its_window(void **state)
{
    uint32_t cpu = cfg_vcpus[peb0->id].pcpu;

    (void)state;
    assert_true(health_event(PART_PEBBLE, HEALTH_FAULT, "x"));
    vcpu_set_idle(peb0);
    vcpu_set_idle(peb1);
    peb0->ctx_saved = true;
    /* In pebble's window its vCPU 0's CPU runs the reset and enters the fresh image. */
    assert_int_equal(step_at(cpu, EPOCH + US(2000) + US(5)), 2);
    assert_ptr_equal(fake_entered, peb0);
    assert_false(peb0->ctx_saved);
    assert_int_equal(peb0->regs.pc, cfg_partitions[PART_PEBBLE].entry_ipa);
    assert_int_equal(part_state_get(PART_PEBBLE), PART_STATE_STARTING);
}

/* @req SRS-SCHED-002 */
static void test_wall_clock_watchdog_ignores_the_schedule_and_partition_time_counts_from_the_first_frame(void **state)
{
    (void)state;
    assert_int_equal(cfg_health[PART_PEBBLE].watchdog_clock, CFG_WDCLOCK_WALL);
    assert_int_equal(sched_watchdog_deadline(PART_PEBBLE, EPOCH + 7u, 1000u), EPOCH + 7u + 1000u);
    /* slate counts its own time (600 us per frame); a start before the first frame counts from it. */
    assert_int_equal(cfg_health[PART_SLATE].watchdog_clock, CFG_WDCLOCK_PARTITION);
    assert_int_equal(sched_watchdog_deadline(PART_SLATE, EPOCH - 500u, US(600)),
                     sched_watchdog_deadline(PART_SLATE, EPOCH, US(600)));
    assert_int_equal(sched_watchdog_deadline(PART_SLATE, EPOCH, US(600)), EPOCH + US(900));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_secondary_vcpu_started_by_cpu_on_enters_in_its_window_only, setup),
        cmocka_unit_test_setup(test_restart_of_a_scheduled_partition_runs_in_its_window, setup),
        cmocka_unit_test_setup(test_wall_clock_watchdog_ignores_the_schedule_and_partition_time_counts_from_the_first_frame, setup),
    };

    return cmocka_run_group_tests_name("lx_sched", tests, NULL, NULL);
}
