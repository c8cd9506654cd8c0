/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of kernel/core/trap.c: syndrome decoding and the partition fault policy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "console.h"
#include "fake_arch.h"
#include "septum/hvc_abi.h"
#include "trap.h"
#include "vcpu.h"

#define EC(x) ((uint64_t)(x) << ESR_EC_SHIFT)
#define IL (1ull << 25)

static struct vcpu *alpha;
static struct vcpu *beta;

static int setup(void **state)
{
    (void)state;
    fake_reset();
    part_init_all();
    console_init();
    assert_true(part_load(PART_ALPHA));
    assert_true(part_load(PART_BETA));
    alpha = vcpu_get(cfg_partitions[PART_ALPHA].first_vcpu);
    beta = vcpu_get(cfg_partitions[PART_BETA].first_vcpu);
    return 0;
}

/* @req SRS-HVC-001 */
static void test_hvc_is_handled_and_resumes(void **state)
{
    struct trap_info t = { EC(ESR_EC_HVC64) | IL, 0u, 0u };

    (void)state;
    alpha->regs.pc = 0x40400104u;
    alpha->regs.x[0] = SEPTUM_HVC_VERSION;
    assert_int_equal(trap_sync(alpha, &t), TRAP_RESUME);
    assert_int_equal(alpha->regs.x[0], (SEPTUM_ABI_MAJOR << 16) | SEPTUM_ABI_MINOR);
    assert_int_equal(alpha->regs.pc, 0x40400104u);
}

/* @req SRS-HVC-001 */
static void test_trapped_smc_skips_the_instruction(void **state)
{
    struct trap_info t = { EC(ESR_EC_SMC64) | IL, 0u, 0u };
    struct trap_info t16 = { EC(ESR_EC_SMC64), 0u, 0u };

    (void)state;
    alpha->regs.pc = 0x40400100u;
    alpha->regs.x[0] = 0x82000000u;
    assert_int_equal(trap_sync(alpha, &t), TRAP_RESUME);
    assert_int_equal(alpha->regs.pc, 0x40400104u);
    assert_int_equal((int64_t)alpha->regs.x[0], SMCCC_NOT_SUPPORTED);
    assert_int_equal(trap_sync(alpha, &t16), TRAP_RESUME);
    assert_int_equal(alpha->regs.pc, 0x40400106u);
}

/* @req SRS-ISO-004 */
static void test_data_abort_halts_only_the_faulting_partition(void **state)
{
    /* Translation fault level 1, read, IPA 0x40500010. */
    struct trap_info t = { EC(ESR_EC_DABT_LOW) | IL | 0x5u, 0x40500010u, 0x40500u << 4 };

    (void)state;
    assert_int_equal(trap_sync(alpha, &t), TRAP_STOP);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_HALTED);
    assert_int_equal(alpha->state, VCPU_HALTED);
    assert_int_equal(part_get(PART_ALPHA)->faults, 1u);
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_RUNNING);
    assert_int_equal(beta->state, VCPU_RUNNING);
    assert_string_equal(fake_console, "[septum] partition 'alpha' fault: data abort, translation fault level 1, "
                                      "read at IPA 0x40500010 (ESR 0x92000005) \xe2\x80\x94 halted\r\n");
}

/* @req SRS-ISO-004 */
static void test_write_permission_fault_is_described(void **state)
{
    struct trap_info t = { EC(ESR_EC_DABT_LOW) | IL | (1u << 6) | 0xfu, 0x80000008u, 0x80000u << 4 };

    (void)state;
    assert_int_equal(trap_sync(beta, &t), TRAP_STOP);
    assert_non_null(strstr(fake_console, "[septum] partition 'beta' fault: data abort, permission fault level 3, "
                                         "write at IPA 0x80000008"));
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_RUNNING);
}

/* @req SRS-ISO-004 */
static void test_instruction_abort_and_other_classes_fault(void **state)
{
    struct trap_info iabt = { EC(ESR_EC_IABT_LOW) | IL | 0x9u, 0x90000000u, 0x90000u << 4 };
    struct trap_info sysreg = { EC(ESR_EC_SYSREG) | IL, 0u, 0u };
    char buf[96];

    (void)state;
    trap_describe_fault(&iabt, buf, sizeof(buf));
    assert_string_equal(buf, "instruction abort, access flag fault level 1");
    trap_describe_fault(&sysreg, buf, sizeof(buf));
    assert_string_equal(buf, "unhandled exception class 0x18");
    iabt.esr = EC(ESR_EC_IABT_LOW) | 0x10u; /* synchronous external abort */
    trap_describe_fault(&iabt, buf, sizeof(buf));
    assert_string_equal(buf, "instruction abort, abort level 0");

    alpha->regs.pc = 0x40400200u;
    assert_int_equal(trap_sync(alpha, &sysreg), TRAP_STOP);
    assert_string_equal(fake_console, "[septum] partition 'alpha' fault: unhandled exception class 0x18 at PC "
                                      "0x40400200 (ESR 0x62000000) \xe2\x80\x94 halted\r\n");
}

/* @req SRS-ISO-004 */
static void test_serror_is_a_partition_fault(void **state)
{
    (void)state;
    assert_int_equal(trap_serror(alpha, EC(0x2fu)), TRAP_STOP);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_HALTED);
    assert_non_null(strstr(fake_console, "partition 'alpha' fault: unhandled exception class 0x2f"));
}

static void test_fault_ipa_combines_hpfar_and_far(void **state)
{
    struct trap_info t = { 0u, 0xffff000012345abcull, 0x0000000000abcde0ull };

    (void)state;
    assert_int_equal(trap_fault_ipa(&t), 0xabcde000ull | 0xabcu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_hvc_is_handled_and_resumes, setup),
        cmocka_unit_test_setup(test_trapped_smc_skips_the_instruction, setup),
        cmocka_unit_test_setup(test_data_abort_halts_only_the_faulting_partition, setup),
        cmocka_unit_test_setup(test_write_permission_fault_is_described, setup),
        cmocka_unit_test_setup(test_instruction_abort_and_other_classes_fault, setup),
        cmocka_unit_test_setup(test_serror_is_a_partition_fault, setup),
        cmocka_unit_test_setup(test_fault_ipa_combines_hpfar_and_far, setup),
    };

    return cmocka_run_group_tests_name("trap", tests, NULL, NULL);
}
