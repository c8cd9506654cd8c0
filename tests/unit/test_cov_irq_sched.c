/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit test of the EL2 timer interrupt on a CPU under a schedule
 * (kernel/core/irq.c trap_irq -> sched_tick): in tests/unit/system.yaml CPU 0
 * runs alpha 600 us, gamma 200 us, 200 us idle per 1 ms frame.
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
#include "sched.h"
#include "trap.h"
#include "vcpu.h"

#define EPOCH 1000u
#define T_ALPHA_END 37500u

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

/* @req SRS-SCHED-001 */
static void test_hyp_timer_on_a_scheduled_cpu_ends_the_window_not_a_watchdog_tick(void **state)
{
    (void)state;
    assert_true(sched_of_cpu(0u) != CFG_NO_SCHED);
    /* Inside alpha's window: the timer is re-armed for the window end, nothing is switched. */
    fake_counter = EPOCH + 100u;
    trap_irq(alpha, ARCH_PPI_HYP_TIMER);
    assert_int_equal(fake_num_eois, 1u);
    assert_int_equal(fake_eoi[0], ARCH_PPI_HYP_TIMER);
    assert_int_equal(fake_num_dirs, 1u);
    assert_int_equal(fake_hyp_timer, EPOCH + T_ALPHA_END);
    assert_int_equal(fake_vcpu_saves, 0u);
    /* At the window's end: alpha is put aside and gamma entered. */
    fake_counter = EPOCH + T_ALPHA_END;
    if (setjmp(fake_noreturn) == 0) {
        trap_irq(alpha, ARCH_PPI_HYP_TIMER);
    }
    assert_int_equal(fake_vcpu_saves, 1u);
    assert_true(alpha->ctx_saved);
    assert_ptr_equal(fake_entered, gamma_v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_hyp_timer_on_a_scheduled_cpu_ends_the_window_not_a_watchdog_tick, setup),
    };

    return cmocka_run_group_tests_name("cov_irq_sched", tests, NULL, NULL);
}
