/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of a restart as a reset (kernel/core/part.c, health.c, ctl.c,
 * inject.c, vdev/vgic_reset.c): the order of the reset sequence against the
 * fake arch, the checked reload, the scrub cleaned to the point of
 * coherency, the console line of the previous run, reset requests that are
 * not faults, readiness, run-time control and faults given to the guest.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "chan.h"
#include "console.h"
#include "ctl.h"
#include "fake_arch.h"
#include "health.h"
#include "hypercall.h"
#include "inject.h"
#include "septum/hvc_abi.h"
#include "trap.h"
#include "vcpu.h"
#include "vgic_priv.h"

/* Ticks per millisecond of the fake 62.5 MHz counter. */
#define MS 62500u
#define EC(ec) ((uint64_t)(ec) << ESR_EC_SHIFT)
#define IL (1ull << 25)

static struct vcpu *alpha;
static struct vcpu *beta0;
static struct vcpu *beta1;

/* Every partition takes console input. */
static bool sink(uint32_t p, int c)
{
    (void)p;
    (void)c;
    return true;
}

static int setup(void **state)
{
    (void)state;
    fake_reset();
    console_init();
    part_init_all();
    health_init();
    ctl_init();
    assert_true(part_load(PART_ALPHA));
    assert_true(part_load(PART_BETA));
    alpha = vcpu_get(cfg_partitions[PART_ALPHA].first_vcpu);
    beta0 = vcpu_get(cfg_partitions[PART_BETA].first_vcpu);
    beta1 = vcpu_get(cfg_partitions[PART_BETA].first_vcpu + 1u);
    return 0;
}

/* beta's vCPUs have stopped and reached the idle loop; run its reset on vCPU 0's CPU. */
static bool beta_reset(void)
{
    vcpu_set_idle(beta0);
    vcpu_set_idle(beta1);
    fake_cpu = cfg_vcpus[cfg_partitions[PART_BETA].first_vcpu].pcpu;
    return part_restart_step(beta0);
}

static uint32_t beta_cpu0(void)
{
    return cfg_vcpus[cfg_partitions[PART_BETA].first_vcpu].pcpu;
}

/* @req SRS-HEALTH-006 */
static void test_reset_sequence_deactivates_scrubs_cleans_reloads_resets_devices_then_starts(void **state)
{
    struct vgic_part *g = vgic_get(PART_BETA);

    (void)state;
    /* The old life: SPI 100 (vINTID 70) rerouted and made edge-triggered by the guest, pending in the vGIC. */
    fake_irq_edge[100] = true;
    fake_irq_route[100] = 99u;
    g->spi[70u - 32u].pending = true;
    g->spi[70u - 32u].enabled = true;
    assert_true(health_event(PART_BETA, HEALTH_FAULT, "x"));
    /* Stop vCPUs: nothing happens until every vCPU of beta has left the guest. */
    vcpu_set_idle(beta0);
    assert_false(part_restart_step(beta0));
    fake_num_calls = 0u;
    assert_true(beta_reset());
    /* Deactivate (and restore routing/trigger), scrub, clean, reload, start: in that order. */
    /* beta owns SPIs 34 and 100. */
    assert_int_equal(fake_call_index("clear_active"), 0);
    assert_int_equal(fake_num_cleared_active, 2u);
    assert_int_equal(fake_cleared_active[0] + fake_cleared_active[1], 134u);
    assert_true(fake_call_last("route") < fake_call_index("zero"));
    assert_true(fake_call_last("edge") < fake_call_index("zero"));
    assert_true(fake_call_last("zero") < fake_call_index("clean"));
    assert_true(fake_call_last("clean") < fake_call_index("sync"));
    assert_int_equal(fake_irq_route[100], beta_cpu0());
    assert_false(fake_irq_edge[100]);
    assert_int_equal(fake_cleaned, 0x100000u);
    /* Devices reset after the reload; vCPU 0 starts, vCPU 1 waits for CPU_ON. */
    assert_false(g->spi[70u - 32u].pending);
    assert_false(g->spi[70u - 32u].enabled);
    assert_int_equal(beta0->state, VCPU_RUNNING);
    assert_int_equal(beta1->state, VCPU_OFF);
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_STARTING);
}

/* The copy landed corrupted: flip a byte of what was just loaded. */
static void corrupt_copy(uint64_t pa, uint64_t len)
{
    (void)len;
    fake_ram[pa - FAKE_RAM_BASE] ^= 0x5au;
}

/* @req SRS-HEALTH-006 */
static void test_reload_is_verified_where_it_landed_before_devices_reset_and_start(void **state)
{
    (void)state;
    assert_true(health_event(PART_BETA, HEALTH_FAULT, "x"));
    fake_sync_hook = corrupt_copy;
    assert_false(beta_reset());
    assert_non_null(strstr(fake_console, "partition 'beta': read-only image copy corrupted (checksum of the reload)"));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_HALTED);
    assert_int_equal(beta0->state, VCPU_HALTED);
    assert_int_equal(fake_call_index("enter"), -1);
}

/* @req SRS-HEALTH-006 */
static void test_unfinished_console_line_is_dropped_with_a_marker(void **state)
{
    (void)state;
    console_part_write(PART_BETA, "half a li", 9u);
    assert_true(health_event(PART_BETA, HEALTH_FAULT, "x"));
    assert_true(beta_reset());
    fake_console_drain();
    assert_non_null(strstr(fake_console, "[septum] partition 'beta': unfinished console line of the previous run "
                                         "dropped (9 bytes)"));
    console_part_write(PART_BETA, "new\n", 4u);
    fake_console_drain();
    assert_non_null(strstr(fake_console, "[beta] new\r\n"));
    assert_null(strstr(fake_console, "half a li"));
    /* No line pending: no marker. */
    assert_int_equal(console_part_discard(PART_BETA), 0u);
    assert_int_equal(console_part_discard(CFG_NUM_PARTITIONS), 0u);
}

/* @req SRS-HEALTH-006 */
static void test_console_write_reads_guest_memory_after_cleaning_it(void **state)
{
    (void)state;
    memcpy(&fake_ram[0x40400100u - FAKE_RAM_BASE], "hello\n", 6u);
    alpha->regs.x[0] = SEPTUM_HVC_CONSOLE_WRITE;
    alpha->regs.x[1] = 0x40400100u;
    alpha->regs.x[2] = 6u;
    hypercall_handle(alpha, CFG_CONDUIT_HVC);
    assert_int_equal(alpha->regs.x[0], 6u);
    assert_int_equal(fake_cleaned, 6u);
    fake_console_drain();
    assert_non_null(strstr(fake_console, "[alpha] hello\r\n"));
}

/* @req SRS-HEALTH-005 */
static void test_reset_request_restarts_without_using_the_fault_budget(void **state)
{
    uint32_t i;
    uint32_t restarts;

    (void)state;
    for (i = 1u; i <= 3u; i++) {
        health_reset_request(PART_BETA);
        assert_int_equal(part_get(PART_BETA)->state, PART_STATE_RESTARTING);
        assert_true(beta_reset());
    }
    assert_non_null(strstr(fake_console, "partition 'beta' asked for a reset (PSCI SYSTEM_RESET) \xe2\x80\x94 "
                                         "restarting (restart 3, not a fault)"));
    /* The budget of 2 fault restarts is whole. */
    assert_true(health_event(PART_BETA, HEALTH_FAULT, "x"));
    assert_true(beta_reset());
    assert_true(health_event(PART_BETA, HEALTH_FAULT, "x"));
    assert_true(beta_reset());
    assert_false(health_event(PART_BETA, HEALTH_FAULT, "x"));
    (void)health_state(PART_BETA, &restarts);
    assert_int_equal(restarts, 5u);
}

/* @req SRS-HEALTH-007 */
static void test_first_heartbeat_or_ready_makes_a_starting_partition_running(void **state)
{
    uint32_t restarts;
    uint32_t notify = cfg_health[PART_ALPHA].notify_vintid;

    (void)state;
    assert_int_equal(health_state(PART_BETA, &restarts), SEPTUM_STATE_STARTING);
    vgic_get(PART_ALPHA)->spi[notify - 32u].pending = false;
    beta0->regs.x[0] = SEPTUM_HVC_HEARTBEAT;
    hypercall_handle(beta0, CFG_CONDUIT_HVC);
    assert_int_equal(health_state(PART_BETA, &restarts), SEPTUM_STATE_RUNNING);
    assert_non_null(strstr(fake_console, "[septum] partition 'beta' ready\r\n"));
    assert_true(vgic_get(PART_ALPHA)->spi[notify - 32u].pending);
    /* Once only. */
    fake_console_len = 0u;
    fake_console[0] = '\0';
    beta0->regs.x[0] = SEPTUM_HVC_READY;
    hypercall_handle(beta0, CFG_CONDUIT_HVC);
    assert_int_equal(beta0->regs.x[0], 0u);
    assert_null(strstr(fake_console, "ready"));
    /* READY says so too, without a heartbeat. */
    alpha->regs.x[0] = SEPTUM_HVC_READY;
    hypercall_handle(alpha, CFG_CONDUIT_HVC);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_RUNNING);
}

/* @req SRS-HEALTH-007 */
static void test_ready_register_of_a_channel_control_page_makes_its_partition_running(void **state)
{
    uint32_t peer;
    struct mmio_access ready = { CHAN_READY, 4u, true, 1u };
    struct mmio_access other = { 0x28u, 4u, true, 1u };

    (void)state;
    for (peer = 0u; cfg_channel_peers[peer].partition != PART_BETA; peer++) {
    }
    assert_true(chan_mmio(peer, &other));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_STARTING);
    assert_true(chan_mmio(peer, &ready));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_RUNNING);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_STARTING);
}

/* @req SRS-HEALTH-004 */
static void test_watchdog_watches_a_partition_that_never_becomes_ready(void **state)
{
    (void)state;
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_STARTING);
    assert_true(health_watchdog_check(PART_BETA, fake_counter + (101u * MS)));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_RESTARTING);
}

static int64_t control(struct vcpu *v, uint32_t p, uint32_t op)
{
    v->regs.x[0] = SEPTUM_HVC_PARTITION_CONTROL;
    v->regs.x[1] = p;
    v->regs.x[2] = op;
    hypercall_handle(v, CFG_CONDUIT_HVC);
    return (int64_t)v->regs.x[0];
}

/* @req SRS-HEALTH-008 */
static void test_controller_queries_stops_starts_and_restarts_its_partition(void **state)
{
    (void)state;
    assert_int_equal(control(alpha, PART_BETA, SEPTUM_CTL_QUERY), SEPTUM_STATE_STARTING);
    assert_int_equal(alpha->regs.x[1], 0u);
    assert_int_equal(control(alpha, PART_BETA, SEPTUM_CTL_STOP), SMCCC_SUCCESS);
    assert_non_null(strstr(fake_console, "[septum] ctl: alpha stops partition 'beta'\r\n"));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_HALTED);
    assert_int_equal(control(alpha, PART_BETA, SEPTUM_CTL_STOP), SMCCC_NOT_REQUIRED);
    assert_int_equal(control(alpha, PART_BETA, SEPTUM_CTL_RESTART), SMCCC_NOT_REQUIRED);
    assert_int_equal(control(alpha, PART_BETA, SEPTUM_CTL_START), SMCCC_SUCCESS);
    assert_non_null(strstr(fake_console, "[septum] ctl: alpha starts partition 'beta'\r\n"));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_RESTARTING);
    assert_int_equal(control(alpha, PART_BETA, SEPTUM_CTL_START), SMCCC_NOT_REQUIRED);
    assert_true(beta_reset());
    assert_int_equal(control(alpha, PART_BETA, SEPTUM_CTL_RESTART), SMCCC_SUCCESS);
    assert_non_null(strstr(fake_console, "[septum] ctl: alpha restarts partition 'beta' (restart 1, not a fault)"));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_RESTARTING);
    /* The controller may also read the state with PARTITION_STATE. */
    alpha->regs.x[0] = SEPTUM_HVC_PARTITION_STATE;
    alpha->regs.x[1] = PART_BETA;
    hypercall_handle(alpha, CFG_CONDUIT_HVC);
    assert_int_equal(alpha->regs.x[0], SEPTUM_STATE_RESTARTING);
}

/* @req SRS-HEALTH-008 */
static void test_controller_stops_a_running_partition_whose_watchdog_then_stays_quiet(void **state)
{
    (void)state;
    health_ready(PART_BETA);
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_RUNNING);
    /* A running partition is watched too. */
    assert_false(health_watchdog_check(PART_BETA, fake_counter + (99u * MS)));
    assert_int_equal(control(alpha, PART_BETA, SEPTUM_CTL_STOP), SMCCC_SUCCESS);
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_HALTED);
    /* A halted partition is not: no watchdog restart. */
    assert_false(health_watchdog_check(PART_BETA, fake_counter + (1000u * MS)));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_HALTED);
}

/* @req SRS-HEALTH-004 */
static void test_watchdog_watches_a_running_partition(void **state)
{
    (void)state;
    health_ready(PART_BETA);
    assert_true(health_watchdog_check(PART_BETA, fake_counter + (101u * MS)));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_RESTARTING);
}

/* @req SRS-HEALTH-008 */
static void test_control_is_refused_to_others_and_for_bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(control(beta0, PART_ALPHA, SEPTUM_CTL_STOP), SMCCC_INVALID_PARAMETER);
    assert_int_equal(control(beta0, PART_ALPHA, SEPTUM_CTL_QUERY), SMCCC_INVALID_PARAMETER);
    assert_int_equal(control(alpha, PART_ALPHA, SEPTUM_CTL_STOP), SMCCC_INVALID_PARAMETER);
    assert_int_equal(control(alpha, CFG_NUM_PARTITIONS, SEPTUM_CTL_STOP), SMCCC_INVALID_PARAMETER);
    assert_int_equal(control(alpha, PART_BETA, SEPTUM_CTL_RESTART + 1u), SMCCC_INVALID_PARAMETER);
    assert_int_equal(ctl_apply(PART_BETA, SEPTUM_CTL_QUERY, "x"), SMCCC_INVALID_PARAMETER);
    assert_int_equal(ctl_apply(PART_BETA, SEPTUM_CTL_RESTART + 1u, "x"), SMCCC_INVALID_PARAMETER);
    assert_int_equal(ctl_apply(CFG_NUM_PARTITIONS, SEPTUM_CTL_STOP, "x"), SMCCC_INVALID_PARAMETER);
    assert_false(ctl_allowed(CFG_NUM_PARTITIONS, PART_BETA));
    assert_false(ctl_allowed(PART_ALPHA, CFG_NUM_PARTITIONS));
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_STARTING);
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_STARTING);
}

static void type(const char *s)
{
    size_t i;

    for (i = 0u; s[i] != '\0'; i++) {
        console_input(s[i]);
    }
}

/* @req SRS-HEALTH-008 */
static void test_console_lists_and_restarts_starts_and_stops_partitions(void **state)
{
    (void)state;
    console_set_input(sink);
    type("\x14l");
    assert_non_null(strstr(fake_console, "[septum] ctl: 0 'alpha' starting, 0 restarts, 0 faults\r\n"));
    assert_non_null(strstr(fake_console, "[septum] ctl: 1 'beta' starting, 0 restarts, 0 faults\r\n"));
    type("\x14" "1");
    assert_int_equal(console_focus_get(), PART_BETA);
    type("\x14x1");
    assert_non_null(strstr(fake_console, "[septum] ctl: console stops partition 'beta'\r\n"));
    /* A halted partition loses the focus. */
    assert_int_not_equal(console_focus_get(), PART_BETA);
    type("\x14x1");
    assert_non_null(strstr(fake_console, "[septum] ctl: partition 'beta' is halted: nothing to do\r\n"));
    type("\x14s1");
    assert_non_null(strstr(fake_console, "[septum] ctl: console starts partition 'beta'\r\n"));
    assert_true(beta_reset());
    type("\x14r1");
    assert_non_null(strstr(fake_console, "[septum] ctl: console restarts partition 'beta' (restart 1, not a fault)"));
    type("\x14rz");
    assert_non_null(strstr(fake_console, "[septum] ctl: Ctrl-T r needs a partition number (Ctrl-T l lists them)"));
    type("\x14r ");
    assert_non_null(strstr(fake_console, "[septum] ctl: Ctrl-T r needs a partition number"));
    type("\x14z");
    assert_non_null(strstr(fake_console, "[septum] console: unknown command after Ctrl-T"));
    type("\x14s9");
    assert_non_null(strstr(fake_console, "[septum] ctl: Ctrl-T s needs a partition number"));
    /* The byte after a command is not input for anyone. */
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_STARTING);
}

/* @req SRS-HEALTH-008 */
static void test_console_list_shows_running_and_restarting_partitions(void **state)
{
    (void)state;
    console_set_input(sink);
    alpha->regs.x[0] = SEPTUM_HVC_READY;
    hypercall_handle(alpha, CFG_CONDUIT_HVC);
    type("\x14r1");
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_RESTARTING);
    type("\x14l");
    assert_non_null(strstr(fake_console, "[septum] ctl: 0 'alpha' running, 0 restarts, 0 faults\r\n"));
    assert_non_null(strstr(fake_console, "[septum] ctl: 1 'beta' restarting, 1 restarts, 0 faults\r\n"));
}

/* @req SRS-HEALTH-009 */
static void test_injected_data_abort_from_el0_enters_the_lower_el_vector(void **state)
{
    struct trap_info t = { EC(ESR_EC_DABT_LOW) | IL | (1ull << 24) | (1u << 6) | 0x7u, 0xdead0008u, 0x90000u << 4 };

    (void)state;
    fake_vbar_el1 = 0x40401000u;
    beta0->regs.pc = 0x40400abcu;
    beta0->regs.pstate = 0x0u; /* EL0t */
    assert_int_equal(trap_sync(beta0, &t), TRAP_RESUME);
    assert_int_equal(fake_esr_el1, EC(0x24u) | IL | (1u << 6) | 0x10u);
    assert_int_equal(fake_far_el1, 0xdead0008u);
    assert_int_equal(fake_elr_el1, 0x40400abcu);
    assert_int_equal(fake_spsr_el1, 0x0u);
    assert_int_equal(beta0->regs.pc, 0x40401000u + 0x400u);
    assert_int_equal(beta0->regs.pstate, 0x3c5u);
    assert_int_equal(part_get(PART_BETA)->faults, 1u);
    assert_non_null(strstr(fake_console, "\xe2\x80\x94 injected (1 of 2)\r\n"));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_STARTING);
}

/* @req SRS-HEALTH-009 */
static void test_injected_instruction_abort_from_el1_enters_the_current_el_vector(void **state)
{
    struct trap_info t = { EC(ESR_EC_IABT_LOW) | IL | 0x7u, 0x90000000u, 0x90000u << 4 };

    (void)state;
    beta0->regs.pc = 0x90000000u;
    beta0->regs.pstate = 0x3c5u; /* EL1h */
    assert_int_equal(trap_sync(beta0, &t), TRAP_RESUME);
    assert_int_equal(fake_esr_el1, EC(0x21u) | IL | 0x10u);
    assert_int_equal(beta0->regs.pc, 0x200u);
}

/* @req SRS-HEALTH-009 */
static void test_injected_aborts_from_el1t_and_aarch32_el0_take_their_vectors(void **state)
{
    /* WnR is not a thing of instruction aborts: it is not passed on. */
    struct trap_info iabt = { EC(ESR_EC_IABT_LOW) | (1u << 6) | 0x7u, 0x90000000u, 0x90000u << 4 };
    struct trap_info dabt = { EC(ESR_EC_DABT_LOW) | 0x7u, 0x90000000u, 0x90000u << 4 };

    (void)state;
    fake_vbar_el1 = 0x40402000u;
    beta0->regs.pstate = 0x3c4u; /* EL1t */
    assert_int_equal(trap_sync(beta0, &dabt), TRAP_RESUME);
    assert_int_equal(fake_esr_el1, EC(0x25u) | 0x10u);
    assert_int_equal(beta0->regs.pc, 0x40402000u + INJECT_VEC_CUR_SP0);
    beta0->regs.pstate = 0x10u; /* AArch32 user */
    assert_int_equal(trap_sync(beta0, &iabt), TRAP_RESUME);
    assert_int_equal(fake_esr_el1, EC(0x20u) | 0x10u);
    assert_int_equal(beta0->regs.pc, 0x40402000u + INJECT_VEC_LOW_A32);
}

/* @req SRS-HEALTH-009 */
static void test_injection_budget_refills_with_the_window_and_other_faults_are_not_injected(void **state)
{
    struct trap_info t = { EC(ESR_EC_DABT_LOW) | IL | 0x7u, 0x90000000u, 0x90000u << 4 };
    struct trap_info sysreg = { EC(ESR_EC_SYSREG) | IL, 0u, 0u };

    (void)state;
    beta0->regs.pstate = 0x0u;
    assert_int_equal(trap_sync(beta0, &t), TRAP_RESUME);
    assert_int_equal(trap_sync(beta0, &t), TRAP_RESUME);
    fake_counter += 1001u * MS;
    assert_int_equal(trap_sync(beta0, &t), TRAP_RESUME);
    assert_int_equal(health_injected(PART_BETA), 1u);
    /* Not an abort: the restart policy, not the guest. */
    assert_int_equal(trap_sync(beta0, &sysreg), TRAP_STOP);
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_RESTARTING);
    /* alpha does not inject: its aborts halt it. */
    assert_false(health_inject_take(PART_ALPHA));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_sequence_deactivates_scrubs_cleans_reloads_resets_devices_then_starts, setup),
        cmocka_unit_test_setup(test_reload_is_verified_where_it_landed_before_devices_reset_and_start, setup),
        cmocka_unit_test_setup(test_unfinished_console_line_is_dropped_with_a_marker, setup),
        cmocka_unit_test_setup(test_console_write_reads_guest_memory_after_cleaning_it, setup),
        cmocka_unit_test_setup(test_reset_request_restarts_without_using_the_fault_budget, setup),
        cmocka_unit_test_setup(test_first_heartbeat_or_ready_makes_a_starting_partition_running, setup),
        cmocka_unit_test_setup(test_ready_register_of_a_channel_control_page_makes_its_partition_running, setup),
        cmocka_unit_test_setup(test_watchdog_watches_a_partition_that_never_becomes_ready, setup),
        cmocka_unit_test_setup(test_controller_queries_stops_starts_and_restarts_its_partition, setup),
        cmocka_unit_test_setup(test_controller_stops_a_running_partition_whose_watchdog_then_stays_quiet, setup),
        cmocka_unit_test_setup(test_watchdog_watches_a_running_partition, setup),
        cmocka_unit_test_setup(test_control_is_refused_to_others_and_for_bad_arguments, setup),
        cmocka_unit_test_setup(test_console_lists_and_restarts_starts_and_stops_partitions, setup),
        cmocka_unit_test_setup(test_console_list_shows_running_and_restarting_partitions, setup),
        cmocka_unit_test_setup(test_injected_data_abort_from_el0_enters_the_lower_el_vector, setup),
        cmocka_unit_test_setup(test_injected_instruction_abort_from_el1_enters_the_current_el_vector, setup),
        cmocka_unit_test_setup(test_injected_aborts_from_el1t_and_aarch32_el0_take_their_vectors, setup),
        cmocka_unit_test_setup(test_injection_budget_refills_with_the_window_and_other_faults_are_not_injected, setup),
    };

    return cmocka_run_group_tests_name("reset", tests, NULL, NULL);
}
