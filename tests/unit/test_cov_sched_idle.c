/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of a scheduled CPU outside any guest (kernel/core/boot.c
 * boot_sched_idle): in tests/unit/system.yaml CPU 0 runs alpha 600 us, gamma
 * 200 us and 200 us idle per 1 ms frame, and alpha has the console focus.
 * The stop test comes last: a stop request is not undone but by a new boot.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "boot.h"
#include "config.h"
#include "console.h"
#include "fake_arch.h"
#include "health.h"
#include "sched.h"
#include "vcpu.h"

#define EPOCH 1000u
/* 800 us into the 1 ms frame: idle time. */
#define T_IDLE (EPOCH + 50000u + 5u)

static uint32_t taken[CFG_NUM_PARTITIONS];

static bool sink(uint32_t p, int c)
{
    if (c >= 0) {
        taken[p]++;
    }
    return true;
}

static int setup(void **state)
{
    (void)state;
    fake_reset();
    memset(taken, 0, sizeof(taken));
    fake_cpu = 0u;
    console_init();
    part_init_all();
    health_init();
    sched_set_epoch(EPOCH);
    assert_true(part_load(PART_ALPHA));
    assert_true(part_load(PART_GAMMA));
    return 0;
}

/* @req SRS-SCHED-001 SRS-CON-002 */
static void test_scheduled_cpu_in_idle_time_answers_console_input_itself(void **state)
{
    (void)state;
    /* The console interrupt goes to the focus's CPU, CPU 0, whose interrupts are masked while idle. */
    console_set_input(sink);
    assert_true(console_irq_here());
    fake_rx[0] = 'x';
    fake_rx_pos = 0u;
    fake_rx_len = 1u;
    fake_counter = T_IDLE;
    fake_wait_limit = 1u;
    if (setjmp(fake_noreturn) == 0) {
        boot_cpu_idle(0u);
    }
    assert_null(fake_entered);
    assert_int_equal(taken[PART_ALPHA], 1u);
    assert_int_equal(fake_rx_len, 0u);
}

/* @req SRS-SCHED-001 */
static void test_scheduled_cpu_in_idle_time_parks_when_the_system_stops(void **state)
{
    (void)state;
    boot_stop_requested();
    fake_counter = T_IDLE;
    fake_wait_limit = 5u;
    if (setjmp(fake_noreturn) == 0) {
        boot_cpu_idle(0u);
    }
    assert_int_equal(fake_parks, 1u);
    assert_int_equal(fake_waits, 0u);
    assert_null(fake_entered);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_scheduled_cpu_in_idle_time_answers_console_input_itself, setup),
        cmocka_unit_test_setup(test_scheduled_cpu_in_idle_time_parks_when_the_system_stops, setup),
    };

    return cmocka_run_group_tests_name("cov_sched_idle", tests, NULL, NULL);
}
