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
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "fake_arch.h"
#include "console.h"
#include "health.h"
#include "sched.h"
#include "vcpu.h"
#include "vgic_priv.h"

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
    /* beta's CPUs 2 and 3 are pinned: its watchdog counts wall time. */
    assert_int_equal(sched_of_cpu(2u), CFG_NO_SCHED);
    assert_int_equal(sched_of_partition(PART_BETA), CFG_NO_SCHED);
    sched_set_epoch(123u);
    assert_int_equal(sched_epoch(), 123u);
    assert_int_equal(sched_watchdog_deadline(PART_BETA, 1000u, 500u), 1500u);
}

/*
 * The unit system's CPU 0: alpha [0, 600 us), gamma [600, 800 us), idle to 1 ms
 * (37500, 12500 and 12500 ticks of the fake 62.5 MHz counter).
 */
#define T_ALPHA_END 37500u
#define T_GAMMA_END 50000u
#define T_FRAME 62500u

static struct vcpu *alpha;
static struct vcpu *gamma_v;

static int setup(void **state)
{
    (void)state;
    fake_reset();
    fake_cpu = 0u;
    console_init();
    part_init_all();
    health_init();
    sched_set_epoch(EPOCH);
    assert_true(part_load(PART_ALPHA));
    assert_true(part_load(PART_GAMMA));
    alpha = vcpu_get(cfg_partitions[PART_ALPHA].first_vcpu);
    gamma_v = vcpu_get(cfg_partitions[PART_GAMMA].first_vcpu);
    return 0;
}

/* Run sched_step() at counter value now; returns 0 if it returned, 2 (entered) or 3 (resumed). */
static int step_at(uint64_t now)
{
    int rc;

    fake_counter = now;
    fake_entered = NULL;
    rc = setjmp(fake_noreturn);
    if (rc == 0) {
        sched_step(0u);
    }
    return rc;
}

/* @req SRS-SCHED-001 */
static void test_sched_generated_schedule_is_found(void **state)
{
    (void)state;
    assert_int_equal(sched_of_cpu(0u), 0u);
    assert_int_equal(sched_of_partition(PART_ALPHA), 0u);
    assert_int_equal(sched_of_partition(PART_GAMMA), 0u);
}

/* @req SRS-SCHED-001 */
static void test_sched_step_enters_the_window_vcpu_and_arms_its_end(void **state)
{
    (void)state;
    assert_int_equal(step_at(EPOCH + 10u), 2);
    assert_ptr_equal(fake_entered, alpha);
    assert_int_equal(fake_hyp_timer, EPOCH + T_ALPHA_END);
    assert_int_equal(sched_current(0u), alpha->id);
    assert_int_equal(step_at(EPOCH + T_ALPHA_END), 2);
    assert_ptr_equal(fake_entered, gamma_v);
    assert_int_equal(fake_hyp_timer, EPOCH + T_GAMMA_END);
    /* Idle time: nothing entered, the timer wakes the CPU at the frame end. */
    assert_int_equal(step_at(EPOCH + T_GAMMA_END + 5u), 0);
    assert_null(fake_entered);
    assert_int_equal(fake_hyp_timer, EPOCH + T_FRAME);
}

/* @req SRS-SCHED-001 */
static void test_sched_tick_switches_only_at_the_window_end(void **state)
{
    (void)state;
    assert_int_equal(step_at(EPOCH), 2);
    /* Inside alpha's window: nothing is saved, the timer is re-armed. */
    fake_counter = EPOCH + 100u;
    sched_tick(alpha);
    assert_int_equal(fake_vcpu_saves, 0u);
    /* At its end: alpha is saved and idle, gamma runs. */
    fake_counter = EPOCH + T_ALPHA_END;
    fake_entered = NULL;
    if (setjmp(fake_noreturn) == 0) {
        sched_tick(alpha);
    }
    assert_int_equal(fake_vcpu_saves, 1u);
    assert_true(alpha->ctx_saved);
    assert_true(alpha->idle);
    assert_ptr_equal(fake_entered, gamma_v);
    /* Alpha's next window resumes it where it was, not from its entry. */
    assert_int_equal(step_at(EPOCH + T_FRAME + 3u), 3);
    assert_ptr_equal(fake_entered, alpha);
    assert_false(alpha->ctx_saved);
    assert_false(alpha->idle);
}

/* @req SRS-SCHED-003 */
static void test_sched_stopped_partition_leaves_its_window_idle(void **state)
{
    (void)state;
    part_halt(PART_GAMMA);
    assert_int_equal(step_at(EPOCH + T_ALPHA_END + 1u), 0);
    assert_null(fake_entered);
    /* Its window still ends where the schedule says. */
    assert_int_equal(fake_hyp_timer, EPOCH + T_GAMMA_END);
    /* A tick for a vCPU that stopped saves nothing: its exit path takes the CPU to its idle loop. */
    part_halt(PART_ALPHA);
    fake_counter = EPOCH + T_ALPHA_END;
    sched_tick(alpha);
    assert_int_equal(fake_vcpu_saves, 0u);
}

/* @req SRS-SCHED-002 */
static void test_sched_watchdog_counts_partition_time_and_bounds_the_timer(void **state)
{
    (void)state;
    /* gamma: 10 ms of its own 200 us windows = 50 frames: the end of its window in frame 49. */
    assert_int_equal(sched_watchdog_deadline(PART_GAMMA, EPOCH, 10u * 62500u),
                     EPOCH + (49u * T_FRAME) + T_GAMMA_END);
    /* An expired watchdog of gamma is seen on the shared CPU, whoever runs. */
    health_heartbeat(PART_GAMMA);
    assert_int_equal(step_at(EPOCH + (60u * T_FRAME) + 1u), 2);
    assert_ptr_equal(fake_entered, alpha);
    assert_int_not_equal(part_state_get(PART_GAMMA), PART_STATE_STARTING);
}

/* A write to partition p's virtual distributor (redist = false) or redistributor. */
static void vgic_write(bool redist, uint32_t p, uint64_t off, uint64_t value)
{
    struct mmio_access a = {off, 4u, true, value};

    assert_true(redist ? vgic_redist_mmio(p, &a) : vgic_dist_mmio(p, &a));
}

/* @req SRS-SCHED-005 */
static void test_sched_interrupt_for_an_out_vcpu_waits_for_its_window(void **state)
{
    uint32_t i;
    bool found = false;

    (void)state;
    /* alpha: group 1 on (GICD_CTLR), SGI 3 in group 1 and enabled (its SGI_base: GICR_IGROUPR0, ISENABLER0). */
    vgic_write(false, PART_ALPHA, 0x0u, 2u);
    vgic_write(true, PART_ALPHA, 0x10080u, 1u << 3);
    vgic_write(true, PART_ALPHA, 0x10100u, 1u << 3);
    assert_int_equal(step_at(EPOCH), 2);
    fake_counter = EPOCH + T_ALPHA_END;
    if (setjmp(fake_noreturn) == 0) {
        sched_tick(alpha);
    }
    assert_ptr_equal(fake_entered, gamma_v);
    /* gamma's window: the CPU's list registers are gamma's (alpha's were saved and cleared). */
    memset(fake_lrs, 0, sizeof(fake_lrs));
    vgic_inject(PART_ALPHA, 0u, 3u, VGIC_EDGE, NULL);
    for (i = 0u; i < 16u; i++) {
        assert_int_equal(fake_lrs[i], 0u);
    }
    /* alpha's next window: in a list register before it runs. */
    assert_int_equal(step_at(EPOCH + T_FRAME), 3);
    for (i = 0u; i < fake_num_lrs; i++) {
        found = found || ((fake_lrs[i] & 0xffffffffu) == 3u);
    }
    assert_true(found);
}

/* @req SRS-SCHED-006 */
static void test_sched_a_partitions_console_lines_leave_in_its_own_window(void **state)
{
    (void)state;
    console_part_write(PART_GAMMA, "g\n", 2u);
    console_part_write(PART_ALPHA, "a\n", 2u);
    /* alpha's window: its line leaves at the switch, gamma's waits. */
    assert_int_equal(step_at(EPOCH), 2);
    assert_string_equal(fake_console, "[alpha] a\r\n");
    console_part_write(PART_ALPHA, "b\n", 2u);
    /* gamma's window: gamma's line leaves at once; alpha's next waits for alpha's window. */
    assert_int_equal(step_at(EPOCH + T_ALPHA_END), 2);
    assert_string_equal(fake_console, "[alpha] a\r\n[gamma] g\r\n");
    /* Idle time sends nobody's. */
    console_poll();
    assert_int_equal(step_at(EPOCH + T_GAMMA_END), 0);
    console_poll();
    assert_string_equal(fake_console, "[alpha] a\r\n[gamma] g\r\n");
    assert_int_equal(step_at(EPOCH + T_FRAME), 2);
    assert_string_equal(fake_console, "[alpha] a\r\n[gamma] g\r\n[alpha] b\r\n");
}

/* @req SRS-SCHED-007 */
static void test_sched_a_shared_cpu_traps_pmu_and_debug_registers(void **state)
{
    static const struct cfg_window alone[] = {
        {.partition = 1u, .vcpu = 1u, .offset_us = 0u, .us = 600u},
        {.partition = 1u, .vcpu = 1u, .offset_us = 600u, .us = 200u},
    };
    static const struct cfg_sched one = {.cpu = 0u, .first_window = 0u, .num_windows = 2u, .major_frame_us = 1000u,
                                         .idle_us = 200u};

    (void)state;
    assert_true(sched_shared(&sched, win));
    /* One partition in every window (and idle time): it shares its CPU with nobody. */
    assert_false(sched_shared(&one, alone));
    /* The unit system's CPU 0 is shared by alpha and gamma; CPU 1 is pinned. */
    fake_debug_pmu_trapped[1] = true;
    fake_cpu = 1u;
    sched_cpu_init(1u);
    fake_cpu = 0u;
    sched_cpu_init(0u);
    assert_true(fake_debug_pmu_trapped[0]);
    assert_false(fake_debug_pmu_trapped[1]);
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
        cmocka_unit_test_setup(test_sched_generated_schedule_is_found, setup),
        cmocka_unit_test_setup(test_sched_step_enters_the_window_vcpu_and_arms_its_end, setup),
        cmocka_unit_test_setup(test_sched_tick_switches_only_at_the_window_end, setup),
        cmocka_unit_test_setup(test_sched_stopped_partition_leaves_its_window_idle, setup),
        cmocka_unit_test_setup(test_sched_watchdog_counts_partition_time_and_bounds_the_timer, setup),
        cmocka_unit_test_setup(test_sched_interrupt_for_an_out_vcpu_waits_for_its_window, setup),
        cmocka_unit_test_setup(test_sched_a_partitions_console_lines_leave_in_its_own_window, setup),
        cmocka_unit_test_setup(test_sched_a_shared_cpu_traps_pmu_and_debug_registers, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
