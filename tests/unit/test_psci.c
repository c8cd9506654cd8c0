/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of kernel/core/psci.c through the SMCCC entry (hypercall.c):
 * every PSCI 1.1 function and its argument checks (Arm DEN0022), SMC32
 * argument truncation, the conduit check, and SYSTEM_OFF/SYSTEM_RESET
 * affecting the calling partition only. beta has two vCPUs (MPIDR 0 and 1),
 * alpha one; both use the HVC conduit.
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
#include "psci.h"
#include "septum/hvc_abi.h"
#include "trap.h"
#include "vcpu.h"
#include "vgic_priv.h"

#define SMCCC_VERSION 0x80000000u
#define PSCI_MIGRATE 0x84000005u
#define PSCI_MIGRATE_INFO_UP_CPU 0x84000007u
#define PSCI_SYSTEM_RESET2 0x84000012u

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
    fake_cpu = 2u;
    return 0;
}

static int64_t psci_call(struct vcpu *v, uint32_t conduit, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    v->regs.x[0] = fid;
    v->regs.x[1] = a1;
    v->regs.x[2] = a2;
    v->regs.x[3] = a3;
    hypercall_handle(v, conduit);
    return (int64_t)v->regs.x[0];
}

static int64_t psci(struct vcpu *v, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return psci_call(v, CFG_CONDUIT_HVC, fid, a1, a2, a3);
}

/* @req SRS-PSCI-001 */
static void test_version_is_1_1(void **state)
{
    (void)state;
    assert_int_equal(psci(alpha, PSCI_VERSION, 0u, 0u, 0u), 0x10001);
    /* w0 only: the upper half of x0 is not part of the function ID. */
    assert_int_equal(psci(alpha, 0xffffffff00000000ull | PSCI_VERSION, 0u, 0u, 0u), 0x10001);
}

/* @req SRS-PSCI-001 */
static void test_function_id_range_is_standard_secure_fast_calls_0_to_1f(void **state)
{
    (void)state;
    assert_true(psci_is_psci(PSCI_VERSION));
    assert_true(psci_is_psci(0x8400001fu));
    assert_true(psci_is_psci(PSCI_CPU_ON_64));
    assert_false(psci_is_psci(0x84000020u));
    assert_false(psci_is_psci(0x86000000u));
    assert_false(psci_is_psci(0x04000000u));
    assert_false(psci_is_psci(SMCCC_VERSION));
}

/* @req SRS-PSCI-001 */
static void test_features_lists_the_implemented_functions_and_smccc_version(void **state)
{
    static const uint32_t implemented[] = {
        PSCI_VERSION,       PSCI_CPU_SUSPEND,      PSCI_CPU_SUSPEND_64,    PSCI_CPU_OFF,
        PSCI_CPU_ON,        PSCI_CPU_ON_64,        PSCI_AFFINITY_INFO,     PSCI_AFFINITY_INFO_64,
        PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF,   PSCI_SYSTEM_RESET,      PSCI_FEATURES,
    };
    uint32_t i;

    (void)state;
    for (i = 0u; i < sizeof(implemented) / sizeof(implemented[0]); i++) {
        /* 0 also says, for CPU_SUSPEND: original power_state format, no OS-initiated mode. */
        assert_int_equal(psci(alpha, PSCI_FEATURES, implemented[i], 0u, 0u), PSCI_SUCCESS);
    }
    /* SMCCC v1.1: SMCCC_VERSION is there (DEN0022 5.15), so callers may use SMCCC_ARCH_FEATURES. */
    assert_int_equal(psci(alpha, PSCI_FEATURES, SMCCC_VERSION, 0u, 0u), PSCI_SUCCESS);
    assert_int_equal(psci(alpha, PSCI_FEATURES, PSCI_MIGRATE, 0u, 0u), PSCI_NOT_SUPPORTED);
    assert_int_equal(psci(alpha, PSCI_FEATURES, PSCI_SYSTEM_RESET2, 0u, 0u), PSCI_NOT_SUPPORTED);
    assert_int_equal(psci(alpha, PSCI_FEATURES, 0u, 0u, 0u), PSCI_NOT_SUPPORTED);
    /* The queried ID is a 32-bit value (w1). */
    assert_int_equal(psci(alpha, PSCI_FEATURES, 0xffffffff00000000ull | PSCI_CPU_ON, 0u, 0u), PSCI_SUCCESS);
}

/* @req SRS-PSCI-001 */
static void test_unimplemented_psci_functions_return_not_supported(void **state)
{
    (void)state;
    assert_int_equal(psci(alpha, PSCI_MIGRATE, 0u, 0u, 0u), PSCI_NOT_SUPPORTED);
    assert_int_equal(psci(alpha, PSCI_MIGRATE_INFO_UP_CPU, 0u, 0u, 0u), PSCI_NOT_SUPPORTED);
    assert_int_equal(psci(alpha, PSCI_SYSTEM_RESET2, 0u, 0u, 0u), PSCI_NOT_SUPPORTED);
    assert_int_equal(psci(alpha, 0xc400001fu, 0u, 0u, 0u), PSCI_NOT_SUPPORTED);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_STARTING);
}

/* @req SRS-PSCI-001 */
static void test_psci_over_the_other_conduit_is_not_supported(void **state)
{
    (void)state;
    assert_int_equal(cfg_partitions[PART_BETA].psci_conduit, CFG_CONDUIT_HVC);
    assert_int_equal(psci_call(beta0, CFG_CONDUIT_SMC, PSCI_VERSION, 0u, 0u, 0u), PSCI_NOT_SUPPORTED);
    assert_int_equal(psci_call(beta0, CFG_CONDUIT_SMC, PSCI_CPU_ON_64, 1u, 0x40800000u, 0u), PSCI_NOT_SUPPORTED);
    assert_int_equal(beta1->state, VCPU_OFF);
    assert_int_equal(psci_call(beta0, CFG_CONDUIT_SMC, PSCI_SYSTEM_OFF, 0u, 0u, 0u), PSCI_NOT_SUPPORTED);
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_STARTING);
    /* Septum's own calls are HVC-only as well. */
    assert_int_equal(psci_call(beta0, CFG_CONDUIT_SMC, SEPTUM_HVC_VERSION, 0u, 0u, 0u), SMCCC_NOT_SUPPORTED);
}

/* @req SRS-PSCI-001 */
static void test_cpu_on_starts_an_off_vcpu_at_el1_with_the_context_id(void **state)
{
    (void)state;
    assert_int_equal(beta1->state, VCPU_OFF);
    beta1->regs.x[7] = 99u;
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0x40800100u, 0x123456789abcull), PSCI_SUCCESS);
    assert_int_equal(beta1->state, VCPU_ON_PENDING);
    assert_int_equal(beta1->regs.pc, 0x40800100u);
    assert_int_equal(beta1->regs.x[0], 0x123456789abcull);
    assert_int_equal(beta1->regs.x[7], 0u);
    assert_int_equal(beta1->regs.pstate, 0x3c5u);
    assert_int_equal(fake_events, 1u);
    assert_true(vcpu_take_start(beta1));
    assert_int_equal(beta1->state, VCPU_RUNNING);
    assert_false(vcpu_take_start(beta1));
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-PSCI-001 */
/* @req SRS-PSCI-003 */
static void test_cpu_on_of_a_pending_or_running_vcpu_is_already_on(void **state)
{
    (void)state;
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0x40800100u, 1u), PSCI_SUCCESS);
    /* Concurrent CPU_ON after SUCCESS: the target is ON (DEN0022 5.6), as under KVM and Xen. */
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0x40800200u, 2u), PSCI_ALREADY_ON);
    assert_int_equal(beta1->regs.pc, 0x40800100u);
    assert_true(vcpu_take_start(beta1));
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0x40800200u, 2u), PSCI_ALREADY_ON);
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 0u, 0x40800200u, 2u), PSCI_ALREADY_ON);
    assert_int_equal(beta0->regs.pc, cfg_partitions[PART_BETA].entry_ipa);
    assert_int_equal(fake_events, 1u);
}

/* @req SRS-PSCI-001 */
static void test_cpu_on_of_a_vcpu_outside_the_partition_is_invalid_parameters(void **state)
{
    (void)state;
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 2u, 0x40800100u, 0u), PSCI_INVALID_PARAMETERS);
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 0x101u, 0x40800100u, 0u), PSCI_INVALID_PARAMETERS);
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 0x100000001ull, 0x40800100u, 0u), PSCI_INVALID_PARAMETERS);
    /* alpha has no vCPU with MPIDR 1, even though beta has. */
    assert_int_equal(psci(alpha, PSCI_CPU_ON_64, 1u, 0x40400100u, 0u), PSCI_INVALID_PARAMETERS);
    assert_int_equal(beta1->state, VCPU_OFF);
}

/* @req SRS-PSCI-001 */
static void test_cpu_on_entry_outside_executable_memory_is_invalid_address(void **state)
{
    (void)state;
    /* alpha's memory, a gap, the last bytes of beta's RAM, and alpha's read-only table. */
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0x40400000u, 0u), PSCI_INVALID_ADDRESS);
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0x90000000u, 0u), PSCI_INVALID_ADDRESS);
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0x408ffffeu, 0u), PSCI_INVALID_ADDRESS);
    assert_int_equal(psci(alpha, PSCI_CPU_ON_64, 0u, 0x80000000u, 0u), PSCI_INVALID_ADDRESS);
    assert_int_equal(beta1->state, VCPU_OFF);
    assert_int_equal(fake_events, 0u);
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0x408ffffcu, 0u), PSCI_SUCCESS);
}

/* @req SRS-PSCI-001 */
/* @req SRS-PSCI-003 */
static void test_cpu_on_during_a_restart_is_internal_failure_never_denied(void **state)
{
    (void)state;
    beta1->state = VCPU_HALTED;
    /* DENIED is not a CPU_ON return code (DEN0022 5.6.2). */
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0x40800100u, 0u), PSCI_INTERNAL_FAILURE);
    assert_int_equal(beta1->state, VCPU_HALTED);
    assert_int_equal(fake_events, 0u);
}

/* @req SRS-PSCI-001 */
static void test_smc32_calls_ignore_the_upper_halves_of_their_arguments(void **state)
{
    (void)state;
    assert_int_equal(psci(beta0, PSCI_CPU_ON, 0xffffffff00000001ull, 0xdead000040800200ull, 0xffffffff00000007ull),
                     PSCI_SUCCESS);
    assert_int_equal(beta1->regs.pc, 0x40800200u);
    assert_int_equal(beta1->regs.x[0], 7u);
    /* The same values as SMC64 arguments name no vCPU. */
    beta1->state = VCPU_OFF;
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 0xff00000001ull, 0x40800200u, 0u), PSCI_INVALID_PARAMETERS);
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0xdead000040800200ull, 0u), PSCI_INVALID_ADDRESS);
    assert_int_equal(psci(beta0, PSCI_AFFINITY_INFO, 0xff00000001ull, 0x100000000ull, 0u), PSCI_AFF_OFF);
    assert_int_equal(psci(beta0, PSCI_AFFINITY_INFO_64, 1u, 0x100000000ull, 0u), PSCI_INVALID_PARAMETERS);
}

/* @req SRS-PSCI-001 */
static void test_affinity_info_reports_on_off_and_on_pending(void **state)
{
    (void)state;
    assert_int_equal(psci(beta0, PSCI_AFFINITY_INFO_64, 0u, 0u, 0u), PSCI_AFF_ON);
    assert_int_equal(psci(beta0, PSCI_AFFINITY_INFO_64, 1u, 0u, 0u), PSCI_AFF_OFF);
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0x40800100u, 0u), PSCI_SUCCESS);
    assert_int_equal(psci(beta0, PSCI_AFFINITY_INFO_64, 1u, 0u, 0u), PSCI_AFF_ON_PENDING);
    assert_true(vcpu_take_start(beta1));
    assert_int_equal(psci(beta1, PSCI_AFFINITY_INFO, 1u, 0u, 0u), PSCI_AFF_ON);
    /* Only affinity level 0 exists; unknown targets are invalid. */
    assert_int_equal(psci(beta0, PSCI_AFFINITY_INFO_64, 1u, 1u, 0u), PSCI_INVALID_PARAMETERS);
    assert_int_equal(psci(beta0, PSCI_AFFINITY_INFO_64, 2u, 0u, 0u), PSCI_INVALID_PARAMETERS);
    assert_int_equal(psci(alpha, PSCI_AFFINITY_INFO_64, 1u, 0u, 0u), PSCI_INVALID_PARAMETERS);
}

/* @req SRS-PSCI-001 */
static void test_cpu_off_powers_off_the_caller_only_and_it_can_be_started_again(void **state)
{
    (void)state;
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0x40800100u, 0u), PSCI_SUCCESS);
    assert_true(vcpu_take_start(beta1));
    fake_cpu = 3u;
    beta1->regs.x[0] = PSCI_CPU_OFF;
    hypercall_handle(beta1, CFG_CONDUIT_HVC);
    /* CPU_OFF does not return to the caller: its CPU stops running it. */
    assert_int_equal(beta1->state, VCPU_OFF);
    assert_int_equal(trap_exit_done(beta1, TRAP_RESUME), TRAP_STOP);
    assert_int_equal(beta0->state, VCPU_RUNNING);
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_STARTING);
    fake_cpu = 2u;
    assert_int_equal(psci(beta0, PSCI_AFFINITY_INFO_64, 1u, 0u, 0u), PSCI_AFF_OFF);
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0x40800300u, 5u), PSCI_SUCCESS);
    assert_int_equal(beta1->regs.pc, 0x40800300u);
}

/* @req SRS-PSCI-001 */
static void test_cpu_suspend_returns_at_once_and_migrate_info_type_is_2(void **state)
{
    (void)state;
    assert_int_equal(psci(beta0, PSCI_CPU_SUSPEND, 0u, 0x40800100u, 0u), PSCI_SUCCESS);
    assert_int_equal(psci(beta0, PSCI_CPU_SUSPEND_64, 0x10000u, 0x40800100u, 0u), PSCI_SUCCESS);
    assert_int_equal(beta0->state, VCPU_RUNNING);
    assert_int_equal(psci(beta0, PSCI_MIGRATE_INFO_TYPE, 0u, 0u, 0u), 2);
}

/* @req SRS-PSCI-002 */
static void test_system_off_halts_the_calling_partition_only(void **state)
{
    uint32_t notify = cfg_health[PART_ALPHA].notify_vintid;

    (void)state;
    assert_int_equal(psci(beta0, PSCI_CPU_ON_64, 1u, 0x40800100u, 0u), PSCI_SUCCESS);
    assert_true(vcpu_take_start(beta1));
    fake_num_sgis = 0u;
    beta0->regs.x[0] = PSCI_SYSTEM_OFF;
    hypercall_handle(beta0, CFG_CONDUIT_HVC);
    assert_non_null(strstr(fake_console, "[septum] partition 'beta' powered off (PSCI SYSTEM_OFF)"));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_HALTED);
    assert_int_equal(beta0->state, VCPU_HALTED);
    assert_int_equal(beta1->state, VCPU_HALTED);
    assert_int_equal(trap_exit_done(beta0, TRAP_RESUME), TRAP_STOP);
    /* vCPU 1's CPU is told to leave the guest; alpha's notification is pending but disabled,
     * nothing new for alpha's CPU (no kick); beta's pass-through interrupts are silenced. */
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], 3u);
    assert_true(vgic_get(PART_ALPHA)->spi[cfg_health[PART_ALPHA].notify_vintid - 32u].pending);
    assert_false(fake_irq_enabled[34]);
    assert_false(fake_irq_enabled[100]);
    assert_int_equal(fake_irq_enabled_cpu[48], 0xffffffffu);
    /* alpha runs on, and hears of it (it subscribes to beta's state). */
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_STARTING);
    assert_int_equal(alpha->state, VCPU_RUNNING);
    assert_true(notify >= 32u);
    assert_true(vgic_get(PART_ALPHA)->spi[notify - 32u].pending);
}

/* @req SRS-PSCI-002 */
static void test_system_reset_restarts_the_calling_partition_only(void **state)
{
    (void)state;
    /* beta: on_reset restart (the default). */
    beta0->regs.x[0] = PSCI_SYSTEM_RESET;
    fake_cpu = cfg_vcpus[cfg_partitions[PART_BETA].first_vcpu].pcpu;
    hypercall_handle(beta0, CFG_CONDUIT_HVC);
    assert_non_null(strstr(fake_console, "partition 'beta' asked for a reset (PSCI SYSTEM_RESET) \xe2\x80\x94 "
                                         "restarting (restart 1, not a fault)"));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_RESTARTING);
    assert_int_equal(beta0->state, VCPU_HALTED);
    assert_int_equal(trap_exit_done(beta0, TRAP_RESUME), TRAP_STOP);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_STARTING);
    assert_int_equal(alpha->state, VCPU_RUNNING);
}

/* @req SRS-HEALTH-005 */
static void test_system_reset_with_on_reset_halt_halts_the_partition(void **state)
{
    (void)state;
    alpha->regs.x[0] = PSCI_SYSTEM_RESET;
    fake_cpu = 0u;
    fake_num_sgis = 0u;
    hypercall_handle(alpha, CFG_CONDUIT_HVC);
    assert_non_null(strstr(fake_console, "partition 'alpha' asked for a reset (PSCI SYSTEM_RESET) \xe2\x80\x94 halted "
                                         "(on_reset: halt)"));
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_HALTED);
    assert_int_equal(alpha->state, VCPU_HALTED);
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_STARTING);
    assert_int_equal(beta0->state, VCPU_RUNNING);
}

/* @req SRS-PSCI-003 */
static void test_cpu_suspend_validates_power_state(void **state)
{
    (void)state;
    /* Reserved bits set: INVALID_PARAMETERS (DEN0022 5.4.2.1). */
    assert_int_equal(psci(beta0, PSCI_CPU_SUSPEND_64, 1ull << 31, 0u, 0u), PSCI_INVALID_PARAMETERS);
    assert_int_equal(psci(beta0, PSCI_CPU_SUSPEND, 1ull << 17, 0u, 0u), PSCI_INVALID_PARAMETERS);
    /* Standby: left at once. */
    assert_int_equal(psci(beta0, PSCI_CPU_SUSPEND_64, 0x01000001u, 0u, 0u), PSCI_SUCCESS);
    /* Powerdown needs an entry point in the partition's executable memory. */
    assert_int_equal(psci(beta0, PSCI_CPU_SUSPEND_64, 1u << 16, 0x90000000u, 0u), PSCI_INVALID_ADDRESS);
    assert_int_equal(psci(beta0, PSCI_CPU_SUSPEND_64, 1u << 16, 0x40800100u, 0u), PSCI_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_cpu_suspend_validates_power_state, setup),
        cmocka_unit_test_setup(test_version_is_1_1, setup),
        cmocka_unit_test_setup(test_function_id_range_is_standard_secure_fast_calls_0_to_1f, setup),
        cmocka_unit_test_setup(test_features_lists_the_implemented_functions_and_smccc_version, setup),
        cmocka_unit_test_setup(test_unimplemented_psci_functions_return_not_supported, setup),
        cmocka_unit_test_setup(test_psci_over_the_other_conduit_is_not_supported, setup),
        cmocka_unit_test_setup(test_cpu_on_starts_an_off_vcpu_at_el1_with_the_context_id, setup),
        cmocka_unit_test_setup(test_cpu_on_of_a_pending_or_running_vcpu_is_already_on, setup),
        cmocka_unit_test_setup(test_cpu_on_of_a_vcpu_outside_the_partition_is_invalid_parameters, setup),
        cmocka_unit_test_setup(test_cpu_on_entry_outside_executable_memory_is_invalid_address, setup),
        cmocka_unit_test_setup(test_cpu_on_during_a_restart_is_internal_failure_never_denied, setup),
        cmocka_unit_test_setup(test_smc32_calls_ignore_the_upper_halves_of_their_arguments, setup),
        cmocka_unit_test_setup(test_affinity_info_reports_on_off_and_on_pending, setup),
        cmocka_unit_test_setup(test_cpu_off_powers_off_the_caller_only_and_it_can_be_started_again, setup),
        cmocka_unit_test_setup(test_cpu_suspend_returns_at_once_and_migrate_info_type_is_2, setup),
        cmocka_unit_test_setup(test_system_off_halts_the_calling_partition_only, setup),
        cmocka_unit_test_setup(test_system_reset_restarts_the_calling_partition_only, setup),
        cmocka_unit_test_setup(test_system_reset_with_on_reset_halt_halts_the_partition, setup),
    };

    return cmocka_run_group_tests_name("psci", tests, NULL, NULL);
}
