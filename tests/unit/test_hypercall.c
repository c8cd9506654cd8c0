/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of kernel/core/hypercall.c: SMCCC decoding and argument checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "console.h"
#include "fake_arch.h"
#include "spectre.h"
#include "hypercall.h"
#include "septum/hvc_abi.h"
#include "vcpu.h"

static struct vcpu *alpha;

static int setup(void **state)
{
    (void)state;
    fake_reset();
    part_init_all();
    console_init();
    alpha = vcpu_get(cfg_partitions[PART_ALPHA].first_vcpu);
    return 0;
}

static int64_t call(struct vcpu *v, uint64_t fid, uint64_t a1, uint64_t a2)
{
    v->regs.x[0] = fid;
    v->regs.x[1] = a1;
    v->regs.x[2] = a2;
    hypercall_handle(v, CFG_CONDUIT_HVC);
    return (int64_t)v->regs.x[0];
}

/* @req SRS-HVC-001 */
static void test_version_reports_abi(void **state)
{
    (void)state;
    assert_int_equal(call(alpha, SEPTUM_HVC_VERSION, 0u, 0u), (SEPTUM_ABI_MAJOR << 16) | SEPTUM_ABI_MINOR);
}

/* @req SRS-HVC-001 SRS-HVC-004 */
static void test_constant_answers_table_is_what_the_c_path_answers_and_keeps_other_registers(void **state)
{
    uint32_t i;
    uint32_t j;
    uint32_t r;

    (void)state;
    for (i = 0u; i < HYPERCALL_ANSWERS; i++) {
        const struct hypercall_answer *a = &hypercall_answers[i];

        /* What the HVC vector may rely on: Septum's IDs (fast calls of owning entity 6, either
         * calling convention), each once, 1..4 result registers. */
        assert_int_equal(a->fid & 0xbf000000u, SEPTUM_HVC_BASE & 0xbf000000u);
        assert_in_range(a->nregs, 1u, 4u);
        for (j = i + 1u; j < HYPERCALL_ANSWERS; j++) {
            assert_int_not_equal(a->fid, hypercall_answers[j].fid);
        }
        /* The C dispatcher gives exactly the table's registers and leaves x(nregs)..x17. */
        for (r = 0u; r < 18u; r++) {
            alpha->regs.x[r] = 0xa5a5000000000000ull | r;
        }
        alpha->regs.x[0] = 0x1234567800000000ull | a->fid;
        hypercall_handle(alpha, CFG_CONDUIT_HVC);
        for (r = 0u; r < 18u; r++) {
            assert_int_equal(alpha->regs.x[r], (r < a->nregs) ? a->x[r] : (0xa5a5000000000000ull | r));
        }
    }
    /* The ABI's values. */
    assert_int_equal(hypercall_answers[0].fid, SEPTUM_HVC_VERSION);
    assert_int_equal(hypercall_answers[0].x[0], (SEPTUM_ABI_MAJOR << 16) | SEPTUM_ABI_MINOR);
    assert_int_equal(call(alpha, SEPTUM_HVC_REVISION, 0u, 0u), SEPTUM_ABI_MAJOR);
    assert_int_equal(alpha->regs.x[1], SEPTUM_ABI_MINOR);
    /* Not in the table: the call's own handler (the vector leaves it to C). */
    assert_int_equal(call(alpha, SEPTUM_HVC_READY, 0u, 0u), SMCCC_SUCCESS);
}

/* @req SRS-HVC-001 */
static void test_unknown_function_returns_not_supported(void **state)
{
    (void)state;
    assert_int_equal(call(alpha, SEPTUM_HVC_BASE + 0x7fu, 0u, 0u), SMCCC_NOT_SUPPORTED);
    assert_int_equal(call(alpha, 0x82000000u, 0u, 0u), SMCCC_NOT_SUPPORTED);
    fake_console_drain();
    assert_int_equal(fake_console_len, 0u);
}

/* @req SRS-HVC-001 */
static void test_upper_half_of_function_id_is_ignored(void **state)
{
    (void)state;
    assert_int_equal(call(alpha, 0xffffffff00000000ull | SEPTUM_HVC_VERSION, 0u, 0u),
                     (SEPTUM_ABI_MAJOR << 16) | SEPTUM_ABI_MINOR);
}

/* @req SRS-HVC-001 */
/* @req SRS-ISO-007 */
static void test_spectre_workarounds_are_answered_truthfully_per_cpu_type(void **state)
{
    (void)state;
    /* An affected core without firmware help (Cortex-A57/A72 here): offered neither way. */
    fake_spectre_core = ARCH_SPECTRE_CORE_FIRMWARE;
    assert_false(spectre_probe(fake_cpu));
    assert_int_equal(call(alpha, SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0u), SMCCC_NOT_SUPPORTED);
    assert_int_equal(call(alpha, SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_3, 0u), SMCCC_NOT_SUPPORTED);
    assert_int_equal(call(alpha, SMCCC_ARCH_WORKAROUND_1, 0u, 0u), SMCCC_NOT_SUPPORTED);
    /* An unknown core: nothing claimed. */
    fake_spectre_core = ARCH_SPECTRE_CORE_UNKNOWN;
    assert_int_equal(call(alpha, SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0u), SMCCC_NOT_SUPPORTED);
    /* An unaffected core says so (1), and the calls are harmless no-ops. */
    fake_spectre_core = ARCH_SPECTRE_CORE_UNAFFECTED;
    assert_int_equal(call(alpha, SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0u), 1);
    assert_int_equal(call(alpha, SMCCC_ARCH_WORKAROUND_3, 0u, 0u), SMCCC_SUCCESS);
    /* A57/A72 whose firmware offers WORKAROUND_1: every exit calls it, so both are mitigated (0). */
    fake_spectre_core = ARCH_SPECTRE_CORE_FIRMWARE;
    fake_fw_psci_features = 0;
    fake_fw_smccc_version = 0x10001;
    fake_fw_wa1 = 0;
    assert_true(spectre_probe(fake_cpu));
    assert_int_equal(call(alpha, SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0u), 0);
    assert_int_equal(call(alpha, SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_3, 0u), 0);
    assert_int_equal(call(alpha, SMCCC_ARCH_WORKAROUND_1, 0u, 0u), SMCCC_SUCCESS);
    /* ... on the partition's PSCI conduit only. */
    alpha->regs.x[0] = SMCCC_ARCH_WORKAROUND_1;
    hypercall_handle(alpha, CFG_CONDUIT_SMC);
    assert_int_equal((int64_t)alpha->regs.x[0], SMCCC_NOT_SUPPORTED);
    /* ARCH_FEATURES about anything else is not answered here. */
    assert_int_equal(spectre_features(0x80008001u), SMCCC_NOT_SUPPORTED);
    /* The answer is per CPU: another CPU that found no firmware help is not mitigated. */
    fake_fw_wa1 = -1;
    assert_false(spectre_probe(fake_cpu + 1u));
    fake_cpu++;
    assert_int_equal(spectre_features(SMCCC_ARCH_WORKAROUND_1), SMCCC_NOT_SUPPORTED);
    fake_cpu--;
    assert_int_equal(spectre_features(SMCCC_ARCH_WORKAROUND_1), 0);
    (void)spectre_probe(fake_cpu);
}

/* Firmware discovery on boot (DEN0028 7.2, 7.3; DEN0022 5.1.14), fake firmware answers. */
/* @req SRS-ISO-022 */
static void test_spectre_probe_asks_the_firmware_only_where_it_helps(void **state)
{
    (void)state;
    /* Not an A57/A72: the firmware is not asked, exits stay as they are. */
    fake_spectre_core = ARCH_SPECTRE_CORE_UNAFFECTED;
    fake_fw_psci_features = 0;
    fake_fw_smccc_version = 0x10001;
    fake_fw_wa1 = 0;
    assert_false(spectre_probe(fake_cpu));
    fake_spectre_core = ARCH_SPECTRE_CORE_UNKNOWN;
    assert_false(spectre_probe(fake_cpu));
    assert_int_equal(fake_fw_calls, 0u);
    assert_int_equal(fake_spectre_fw_on, 0u);
    /* A57/A72, firmware offers it: four calls, the exit vectors switch. */
    fake_spectre_core = ARCH_SPECTRE_CORE_FIRMWARE;
    assert_true(spectre_probe(fake_cpu));
    assert_int_equal(fake_fw_calls, 4u);
    assert_int_equal(fake_spectre_fw_on, 1u);
    /* Firmware answers ARCH_FEATURES(WORKAROUND_1) NOT_SUPPORTED (QEMU without EL3 firmware). */
    fake_fw_wa1 = -1;
    assert_false(spectre_probe(fake_cpu));
    fake_fw_wa1 = 1; /* "not required": this firmware does nothing on the call, so it is not used */
    assert_false(spectre_probe(fake_cpu));
    fake_fw_wa1 = 0;
    /* SMCCC 1.0 firmware: PSCI_FEATURES does not know SMCCC_VERSION; never called further. */
    fake_fw_calls = 0u;
    fake_fw_psci_features = -1;
    assert_false(spectre_probe(fake_cpu));
    assert_int_equal(fake_fw_calls, 2u);
    fake_fw_psci_features = 0;
    /* SMCCC_VERSION below 1.1, or NOT_SUPPORTED. */
    fake_fw_smccc_version = 0x10000;
    assert_false(spectre_probe(fake_cpu));
    fake_fw_smccc_version = -1;
    assert_false(spectre_probe(fake_cpu));
    fake_fw_smccc_version = 0x10002;
    assert_true(spectre_probe(fake_cpu));
    /* PSCI 0.2 (no PSCI_FEATURES): one call only. */
    fake_fw_calls = 0u;
    fake_fw_psci_version = 0x2;
    assert_false(spectre_probe(fake_cpu));
    assert_int_equal(fake_fw_calls, 1u);
    assert_int_equal(fake_spectre_fw_on, 2u);
}

static void test_vendor_queries_answer(void **state)
{
    (void)state;
    assert_int_equal(call(alpha, SEPTUM_HVC_CALL_COUNT, 0u, 0u), 6);
    assert_int_equal(call(alpha, SEPTUM_HVC_CALL_UID, 0u, 0u), 0x53455054);
    assert_int_equal(alpha->regs.x[1], 0x554d0000u);
    assert_int_equal(call(alpha, SEPTUM_HVC_REVISION, 0u, 0u), SEPTUM_ABI_MAJOR);
    assert_int_equal(alpha->regs.x[1], SEPTUM_ABI_MINOR);
}

/* @req SRS-HVC-002 */
static void test_console_write_prints_a_prefixed_line(void **state)
{
    (void)state;
    memcpy(&fake_ram[0x40400100u - FAKE_RAM_BASE], "hello\n", 6u);
    assert_int_equal(call(alpha, SEPTUM_HVC_CONSOLE_WRITE, 0x40400100u, 6u), 6);
    fake_console_drain();
    assert_string_equal(fake_console, "[alpha] hello\r\n");
}

/* @req SRS-HVC-002 */
static void test_console_write_from_read_only_region_is_allowed(void **state)
{
    (void)state;
    memcpy(&fake_ram[0x40600000u - FAKE_RAM_BASE], "ro\n", 3u);
    assert_int_equal(call(alpha, SEPTUM_HVC_CONSOLE_WRITE, 0x80000000u, 3u), 3);
    fake_console_drain();
    assert_string_equal(fake_console, "[alpha] ro\r\n");
}

/* @req SRS-HVC-003 */
static void test_console_write_outside_memory_is_rejected(void **state)
{
    struct vcpu *beta = vcpu_get(cfg_partitions[PART_BETA].first_vcpu);

    (void)state;
    /* alpha's own memory is not beta's: */
    assert_int_equal(call(beta, SEPTUM_HVC_CONSOLE_WRITE, 0x40400100u, 6u), SMCCC_INVALID_PARAMETER);
    assert_int_equal(call(alpha, SEPTUM_HVC_CONSOLE_WRITE, 0x404ffff8u, 16u), SMCCC_INVALID_PARAMETER);
    assert_int_equal(call(alpha, SEPTUM_HVC_CONSOLE_WRITE, UINT64_MAX - 3u, 8u), SMCCC_INVALID_PARAMETER);
    fake_console_drain();
    assert_int_equal(fake_console_len, 0u);
}

/* @req SRS-HVC-003 */
static void test_console_write_too_long_is_rejected(void **state)
{
    (void)state;
    assert_int_equal(call(alpha, SEPTUM_HVC_CONSOLE_WRITE, 0x40400000u, SEPTUM_CONSOLE_WRITE_MAX + 1u),
                     SMCCC_INVALID_PARAMETER);
    assert_int_equal(call(alpha, SEPTUM_HVC_CONSOLE_WRITE, 0x40400000u, 0u), 0);
    fake_console_drain();
    assert_int_equal(fake_console_len, 0u);
    assert_int_equal(call(alpha, SEPTUM_HVC_CONSOLE_WRITE, 0x40400000u, SEPTUM_CONSOLE_WRITE_MAX),
                     SEPTUM_CONSOLE_WRITE_MAX);
}

/* @req SRS-PSCI-003 */
static void test_smccc_version_is_1_1_and_arch_features_answers_truthfully(void **state)
{
    (void)state;
    assert_int_equal(call(alpha, 0x80000000u, 0u, 0u), 0x10001);
    assert_int_equal(call(alpha, 0x80000001u, 0x80000000u, 0u), SMCCC_SUCCESS);
    assert_int_equal(call(alpha, 0x80000001u, 0x80000001u, 0u), SMCCC_SUCCESS);
    assert_int_equal(call(alpha, 0x80000001u, 0xc4000003u, 0u), SMCCC_SUCCESS);       /* PSCI CPU_ON */
    assert_int_equal(call(alpha, 0x80000001u, 0x84000005u, 0u), SMCCC_NOT_SUPPORTED); /* PSCI MIGRATE */
    assert_int_equal(call(alpha, 0x80000001u, SEPTUM_HVC_VERSION, 0u), SMCCC_SUCCESS);
    assert_int_equal(call(alpha, 0x80000001u, SEPTUM_HVC_BASE + 0x7fu, 0u), SMCCC_NOT_SUPPORTED);
    assert_int_equal(call(alpha, 0x80000001u, 0x80008000u, 0u), SMCCC_NOT_SUPPORTED); /* WORKAROUND_1 */
    assert_int_equal(call(alpha, 0x80000001u, 0x80000002u, 0u), SMCCC_NOT_SUPPORTED); /* SOC_ID */
    assert_int_equal(call(alpha, 0x80000002u, 0u, 0u), SMCCC_NOT_SUPPORTED);
    /* Septum's calls are HVC only, in either calling convention's encoding. */
    alpha->regs.x[0] = SEPTUM_HVC_VERSION;
    hypercall_handle(alpha, CFG_CONDUIT_SMC);
    assert_int_equal((int64_t)alpha->regs.x[0], SMCCC_NOT_SUPPORTED);
    alpha->regs.x[0] = SEPTUM_HVC_CALL_COUNT;
    hypercall_handle(alpha, CFG_CONDUIT_SMC);
    assert_int_equal((int64_t)alpha->regs.x[0], SMCCC_NOT_SUPPORTED);
    assert_int_equal(call(alpha, SEPTUM_HVC_CALL_COUNT, 0u, 0u), 6);
    /* Owning entity 6 with a fast-call bit clear (a yielding call) is not one of them. */
    assert_int_equal(call(alpha, SEPTUM_HVC_VERSION & 0x7fffffffu, 0u, 0u), SMCCC_NOT_SUPPORTED);
    /* Over the conduit that is not the partition's: not there, as PSCI. */
    alpha->regs.x[0] = 0x80000000u;
    hypercall_handle(alpha, CFG_CONDUIT_SMC);
    assert_int_equal((int64_t)alpha->regs.x[0], SMCCC_NOT_SUPPORTED);
}

/* @req SRS-PSCI-003 */
static void test_arch_features_offers_every_septum_call(void **state)
{
    static const uint32_t fids[] = {
        SEPTUM_HVC_VERSION,         SEPTUM_HVC_CONSOLE_WRITE, SEPTUM_HVC_HEARTBEAT,
        SEPTUM_HVC_READY,           SEPTUM_HVC_PARTITION_CONTROL, SEPTUM_HVC_PARTITION_STATE,
        SEPTUM_HVC_CALL_COUNT,      SEPTUM_HVC_CALL_UID,      SEPTUM_HVC_REVISION,
    };
    uint32_t i;

    (void)state;
    for (i = 0u; i < sizeof(fids) / sizeof(fids[0]); i++) {
        assert_int_equal(call(alpha, SMCCC_ARCH_FEATURES, fids[i], 0u), SMCCC_SUCCESS);
    }
    /* The vendor range beyond the last call is not offered. */
    assert_int_equal(call(alpha, SMCCC_ARCH_FEATURES, SEPTUM_HVC_REVISION + 1u, 0u), SMCCC_NOT_SUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_smccc_version_is_1_1_and_arch_features_answers_truthfully, setup),
        cmocka_unit_test_setup(test_version_reports_abi, setup),
        cmocka_unit_test_setup(test_constant_answers_table_is_what_the_c_path_answers_and_keeps_other_registers, setup),
        cmocka_unit_test_setup(test_arch_features_offers_every_septum_call, setup),
        cmocka_unit_test_setup(test_unknown_function_returns_not_supported, setup),
        cmocka_unit_test_setup(test_upper_half_of_function_id_is_ignored, setup),
        cmocka_unit_test_setup(test_spectre_workarounds_are_answered_truthfully_per_cpu_type, setup),
        cmocka_unit_test_setup(test_spectre_probe_asks_the_firmware_only_where_it_helps, setup),
        cmocka_unit_test_setup(test_vendor_queries_answer, setup),
        cmocka_unit_test_setup(test_console_write_prints_a_prefixed_line, setup),
        cmocka_unit_test_setup(test_console_write_from_read_only_region_is_allowed, setup),
        cmocka_unit_test_setup(test_console_write_outside_memory_is_rejected, setup),
        cmocka_unit_test_setup(test_console_write_too_long_is_rejected, setup),
    };

    return cmocka_run_group_tests_name("hypercall", tests, NULL, NULL);
}
