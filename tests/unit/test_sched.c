/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of kernel/core/sched.c: window lookup from the epoch, window
 * ends, idle time, own-time accounting and partition-time deadlines, the
 * EL2 timer multiplexing (earlier of window end and watchdog deadline), and
 * the lookups over the generated (empty) tables of the unit system.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "fake_arch.h"
#include "sched.h"

/* The fake counter's 62.5 MHz: 62.5 ticks per microsecond. */
#define HZ 62500000u
#define US(n) (((uint64_t)(n) * 125u) / 2u)

/* cluster 6 ms, hud 3 ms, cluster 0.5 ms, idle 0.5 ms in a 10 ms frame. */
static const struct cfg_sched sched = {.cpu = 0u, .first_window = 0u, .num_windows = 3u, .major_frame_us = 10000u,
                                       .idle_us = 500u};
static const struct cfg_window win[] = {
    {.partition = 0u, .vcpu = 0u, .offset_us = 0u, .us = 6000u},
    {.partition = 1u, .vcpu = 1u, .offset_us = 6000u, .us = 3000u},
    {.partition = 0u, .vcpu = 0u, .offset_us = 9000u, .us = 500u},
};
#define EPOCH 1000u

/* @req SRS-SCHED-001 */
static void test_sched_window_starts_come_from_the_epoch(void **state)
{
    struct sched_slot s;

    (void)state;
    sched_slot_at(&sched, win, HZ, EPOCH, EPOCH, &s);
    assert_int_equal(s.window, 0u);
    assert_int_equal(s.start, EPOCH);
    assert_int_equal(s.end, EPOCH + US(6000));
    /* One tick before the end is still window 0; the end itself is window 1. */
    sched_slot_at(&sched, win, HZ, EPOCH, EPOCH + US(6000) - 1u, &s);
    assert_int_equal(s.window, 0u);
    sched_slot_at(&sched, win, HZ, EPOCH, EPOCH + US(6000), &s);
    assert_int_equal(s.window, 1u);
    assert_int_equal(s.start, EPOCH + US(6000));
    assert_int_equal(s.end, EPOCH + US(9000));
    /* Frame 1000, late in window 2: start and end are frame offsets, nothing accumulates. */
    sched_slot_at(&sched, win, HZ, EPOCH, EPOCH + (1000u * US(10000)) + US(9400), &s);
    assert_int_equal(s.window, 2u);
    assert_int_equal(s.start, EPOCH + (1000u * US(10000)) + US(9000));
    assert_int_equal(s.end, EPOCH + (1000u * US(10000)) + US(9500));
}

/* @req SRS-SCHED-001 */
static void test_sched_idle_time_ends_at_the_frame_end(void **state)
{
    struct sched_slot s;

    (void)state;
    sched_slot_at(&sched, win, HZ, EPOCH, EPOCH + US(9700), &s);
    assert_int_equal(s.window, SCHED_IDLE);
    assert_int_equal(s.start, EPOCH + US(9500));
    assert_int_equal(s.end, EPOCH + US(10000));
}

/* @req SRS-SCHED-002 */
static void test_sched_own_time_counts_only_own_windows(void **state)
{
    (void)state;
    assert_int_equal(sched_own_ticks(&sched, win, HZ, EPOCH, 0u, EPOCH), 0u);
    assert_int_equal(sched_own_ticks(&sched, win, HZ, EPOCH, 0u, EPOCH + US(7000)), US(6000));
    assert_int_equal(sched_own_ticks(&sched, win, HZ, EPOCH, 1u, EPOCH + US(7000)), US(1000));
    /* Two whole frames plus the first 9.2 ms of the third. */
    assert_int_equal(sched_own_ticks(&sched, win, HZ, EPOCH, 0u, EPOCH + US(29200)), (2u * US(6500)) + US(6200));
    assert_int_equal(sched_own_ticks(&sched, win, HZ, EPOCH, 7u, EPOCH + US(29200)), 0u);
}

/* @req SRS-SCHED-002 */
static void test_sched_partition_time_deadline_skips_other_windows(void **state)
{
    (void)state;
    /* hud at 6.5 ms (0.5 ms used) with 3 ms to go: 2.5 ms left in this window, 0.5 ms in the next frame's. */
    assert_int_equal(sched_own_deadline(&sched, win, HZ, EPOCH, 1u, EPOCH + US(6500), US(3000)),
                     EPOCH + US(16500));
    /* Exactly a whole window: the deadline is the end of that window, not the start of the next. */
    assert_int_equal(sched_own_deadline(&sched, win, HZ, EPOCH, 1u, EPOCH, US(3000)), EPOCH + US(9000));
    /* cluster from 0 with 6.2 ms: 6 ms of window 0, then 0.2 ms of window 2. */
    assert_int_equal(sched_own_deadline(&sched, win, HZ, EPOCH, 0u, EPOCH, US(6200)), EPOCH + US(9200));
    /* A budget of nothing is now; a partition without windows never reaches one. */
    assert_int_equal(sched_own_deadline(&sched, win, HZ, EPOCH, 0u, EPOCH + 5u, 0u), EPOCH + 5u);
    assert_int_equal(sched_own_deadline(&sched, win, HZ, EPOCH, 5u, EPOCH, US(10)), 0u);
}

/* @req SRS-SCHED-001 */
static void test_sched_next_event_is_the_earlier_deadline(void **state)
{
    (void)state;
    assert_int_equal(sched_next_event(0u, 0u), 0u);
    assert_int_equal(sched_next_event(0u, 7u), 7u);
    assert_int_equal(sched_next_event(7u, 0u), 7u);
    assert_int_equal(sched_next_event(5u, 7u), 5u);
    assert_int_equal(sched_next_event(9u, 7u), 7u);
}

/* @req SRS-SCHED-002 */
static void test_sched_unscheduled_partitions_keep_wall_time(void **state)
{
    (void)state;
    /* The unit system has no schedule: every CPU is pinned, every watchdog counts wall time. */
    assert_int_equal(sched_of_cpu(0u), CFG_NO_SCHED);
    assert_int_equal(sched_of_partition(PART_BETA), CFG_NO_SCHED);
    sched_set_epoch(123u);
    assert_int_equal(sched_epoch(), 123u);
    assert_int_equal(sched_watchdog_deadline(PART_BETA, 1000u, 500u), 1500u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sched_window_starts_come_from_the_epoch),
        cmocka_unit_test(test_sched_idle_time_ends_at_the_frame_end),
        cmocka_unit_test(test_sched_own_time_counts_only_own_windows),
        cmocka_unit_test(test_sched_partition_time_deadline_skips_other_windows),
        cmocka_unit_test(test_sched_next_event_is_the_earlier_deadline),
        cmocka_unit_test(test_sched_unscheduled_partitions_keep_wall_time),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
