/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of kernel/core/boot.c: which CPUs start, what each CPU runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "boot.h"
#include "config.h"
#include "console.h"
#include "fake_arch.h"
#include "fdt_build.h"
#include "health.h"
#include "vcpu.h"

static int setup(void **state)
{
    (void)state;
    fake_reset();
    part_init_all();
    console_init();
    return 0;
}

/* CPU index of vCPU index vi of partition p. */
static uint32_t cpu_of(uint32_t p, uint32_t vi)
{
    return cfg_vcpus[cfg_partitions[p].first_vcpu + vi].pcpu;
}

/* @req SRS-BOOT-001 */
static void test_primary_prints_banner_and_starts_only_cpus_with_vcpus(void **state)
{
    uint32_t boot_cpu = cpu_of(PART_ALPHA, 0u);
    uint32_t i;
    uint32_t expected = 0u;

    (void)state;
    /* The boot-time copy of a firmware DTB that matches the board. */
    fake_fw_dtb_len = fdtb_board(fake_fw_dtb, sizeof(fake_fw_dtb), 0u);
    if (setjmp(fake_noreturn) == 0) {
        boot_primary(boot_cpu, FAKE_RAM_BASE + 0x200000u);
    }
    assert_non_null(strstr(fake_console, "[septum] Septum " SEPTUM_VERSION " (config " CFG_FINGERPRINT ")\r\n"));
    assert_non_null(strstr(fake_console, "[septum] firmware DTB at 0x40200000: 1 memory range(s)"));
    for (i = 0u; i < CFG_NUM_CPUS; i++) {
        if ((i != boot_cpu) && (cfg_cpus[i].vcpu != CFG_NO_VCPU)) {
            assert_int_equal(fake_cpus_started[expected], i);
            expected++;
        }
    }
    assert_int_equal(fake_num_cpus_started, expected);
    assert_int_equal(expected, 2u);
    /* ... and then runs its own vCPU. */
    assert_ptr_equal(fake_entered, vcpu_get(cfg_partitions[PART_ALPHA].first_vcpu));
}

/* @req SRS-BOOT-001 */
static void test_the_lines_the_build_composed_are_what_the_kernel_would_format(void **state)
{
    char want[CONSOLE_LINE_MAX];
    uint32_t p;
    uint32_t cpu = cpu_of(PART_ALPHA, 0u);
    const struct vcpu *v = vcpu_get(cfg_partitions[PART_ALPHA].first_vcpu);

    (void)state;
    (void)snprintf(want, sizeof(want), "%u partitions, %u vCPUs on %u CPUs; hypervisor at [0x%lx..0x%lx)",
                   (unsigned)CFG_NUM_PARTITIONS, (unsigned)CFG_NUM_VCPUS, (unsigned)CFG_NUM_CPUS,
                   (unsigned long)cfg_hyp.base, (unsigned long)(cfg_hyp.base + cfg_hyp.size));
    assert_string_equal(CFG_BOOT_LINE_SYSTEM, want);
    for (p = 0u; p < CFG_NUM_PARTITIONS; p++) {
        (void)snprintf(want, sizeof(want), "CPU %u: partition '%s' vCPU 0 starts at 0x%lx", (unsigned)cpu_of(p, 0u),
                       cfg_partitions[p].name, (unsigned long)cfg_partitions[p].entry_ipa);
        assert_string_equal(cfg_start_lines[p].text, want);
        assert_int_equal(cfg_start_lines[p].len, strlen(want));
    }
    /* The boot prints them, and vCPU 0 of a CPU without a schedule starts where its line says. */
    fake_fw_dtb_len = fdtb_board(fake_fw_dtb, sizeof(fake_fw_dtb), 0u);
    if (setjmp(fake_noreturn) == 0) {
        boot_primary(cpu, FAKE_RAM_BASE + 0x200000u);
    }
    assert_non_null(strstr(fake_console, "[septum] " CFG_BOOT_LINE_SYSTEM "\r\n"));
    cpu = cpu_of(PART_BETA, 0u);
    if (setjmp(fake_noreturn) == 0) {
        boot_secondary(cpu);
    }
    fake_console_drain();
    v = vcpu_get(cfg_partitions[PART_BETA].first_vcpu);
    assert_ptr_equal(fake_entered, v);
    (void)snprintf(want, sizeof(want), "[septum] CPU %u: partition '%s' vCPU 0 starts at 0x%lx\r\n", (unsigned)cpu,
                   cfg_partitions[PART_BETA].name, (unsigned long)v->regs.pc);
    assert_non_null(strstr(fake_console, want));
}

/* @req SRS-BOOT-001 */
static void test_failed_cpu_start_is_reported_and_boot_continues(void **state)
{
    (void)state;
    fake_cpu_start_rc = -2;
    if (setjmp(fake_noreturn) == 0) {
        boot_primary(cpu_of(PART_ALPHA, 0u), 0x1000u);
    }
    assert_non_null(strstr(fake_console, "did not start: PSCI error -2"));
    assert_non_null(strstr(fake_console, "firmware DTB at 0x1000 is outside board RAM; board description trusted"));
    assert_non_null(fake_entered);
}

/* @req SRS-BOOT-003 */
static void test_missing_dtb_magic_is_reported(void **state)
{
    (void)state;
    fake_fw_dtb_len = 40u;  /* start.S copies at most a header's worth when the magic is wrong */
    if (setjmp(fake_noreturn) == 0) {
        boot_primary(cpu_of(PART_ALPHA, 0u), FAKE_RAM_BASE + 0x300000u);
    }
    assert_non_null(strstr(fake_console, "firmware DTB at 0x40300000 unreadable (bad magic); board description trusted"));
    assert_non_null(fake_entered);
}

/* @req SRS-BOOT-004 */
static void test_firmware_that_differs_stops_before_any_partition(void **state)
{
    (void)state;
    fake_fw_dtb_len = fdtb_board(fake_fw_dtb, sizeof(fake_fw_dtb), FDTB_NO_CPU_LAST);
    if (setjmp(fake_noreturn) == 0) {
        boot_primary(cpu_of(PART_ALPHA, 0u), FAKE_RAM_BASE + 0x300000u);
    }
    assert_non_null(strstr(fake_console, "firmware differs: /cpus"));
    assert_non_null(strstr(fake_console, "no partition started"));
    assert_int_equal(fake_parks, 1u);
    assert_int_equal(fake_num_cpus_started, 0u);
    assert_null(fake_entered);
}

/* @req SRS-BOOT-002 */
static void test_cpu_without_vcpu_parks(void **state)
{
    uint32_t i;
    uint32_t idle = CFG_NUM_CPUS;

    (void)state;
    for (i = 0u; i < CFG_NUM_CPUS; i++) {
        if (cfg_cpus[i].vcpu == CFG_NO_VCPU) {
            idle = i;
        }
    }
    assert_true(idle < CFG_NUM_CPUS);
    if (setjmp(fake_noreturn) == 0) {
        boot_secondary(idle);
    }
    assert_int_equal(fake_parks, 1u);
    assert_null(fake_entered);
}

/* @req SRS-BOOT-002 */
static void test_secondary_loads_its_own_partition(void **state)
{
    (void)state;
    if (setjmp(fake_noreturn) == 0) {
        boot_secondary(cpu_of(PART_BETA, 0u));
    }
    assert_ptr_equal(fake_entered, vcpu_get(cfg_partitions[PART_BETA].first_vcpu));
    assert_memory_equal(&fake_ram[0x40800000u - FAKE_RAM_BASE], "IMAGE-beta-", 11u);
    assert_non_null(strstr(fake_console, "partition 'beta' vCPU 0 starts at 0x40800000"));
    /* Not an A57/A72 with firmware help: no Spectre line, the exit vectors stay. */
    assert_null(strstr(fake_console, "Spectre-v2"));
    assert_int_equal(fake_spectre_fw_on, 0u);
}

/* @req SRS-ISO-022 */
static void test_a_cpu_hardened_by_firmware_says_so(void **state)
{
    char line[96];

    (void)state;
    /* A Cortex-A57/A72 whose firmware offers SMCCC_ARCH_WORKAROUND_1 (spectre.c). */
    fake_spectre_core = ARCH_SPECTRE_CORE_FIRMWARE;
    fake_fw_psci_features = 0;
    fake_fw_smccc_version = 0x10001;
    fake_fw_wa1 = 0;
    if (setjmp(fake_noreturn) == 0) {
        boot_secondary(cpu_of(PART_BETA, 0u));
    }
    (void)snprintf(line, sizeof(line),
                   "[septum] CPU %u: Spectre-v2: firmware branch-predictor invalidation on every exit\r\n",
                   (unsigned)cpu_of(PART_BETA, 0u));
    assert_non_null(strstr(fake_console, line));
    assert_int_equal(fake_spectre_fw_on, 1u);
    assert_ptr_equal(fake_entered, vcpu_get(cfg_partitions[PART_BETA].first_vcpu));
}

/* @req SRS-BOOT-002 */
static void test_secondary_vcpu_waits_for_cpu_on(void **state)
{
    struct vcpu *v1 = vcpu_get(cfg_partitions[PART_BETA].first_vcpu + 1u);

    (void)state;
    fake_wait_limit = 3u;
    assert_int_equal(setjmp(fake_noreturn) == 0 ? (boot_secondary(cpu_of(PART_BETA, 1u)), 0) : 3, 3);
    assert_int_equal(fake_waits, 3u);
    assert_null(fake_entered);
    assert_true(fake_gic_cpu_ready);
    /* Once CPU_ON made it pending, the waiting CPU enters it. */
    assert_int_equal(vcpu_power_on(v1, 0x40800100u, 7u), 0);
    fake_waits = 0u;
    if (setjmp(fake_noreturn) == 0) {
        boot_cpu_idle(cpu_of(PART_BETA, 1u));
    }
    assert_ptr_equal(fake_entered, v1);
    assert_int_equal(v1->regs.pc, 0x40800100u);
    assert_int_equal(v1->regs.x[0], 7u);
    assert_int_equal(v1->state, VCPU_RUNNING);
}

/* @req SRS-HEALTH-004 */
static void test_watchdog_catches_a_partition_whose_vcpu0_is_off(void **state)
{
    struct vcpu *v0 = vcpu_get(cfg_partitions[PART_BETA].first_vcpu);

    (void)state;
    health_init();
    if (setjmp(fake_noreturn) == 0) {
        boot_secondary(cpu_of(PART_BETA, 0u));
    }
    assert_ptr_equal(fake_entered, v0);
    /* vCPU 1 was never started: its CPU idles. */
    vcpu_set_idle(vcpu_get(cfg_partitions[PART_BETA].first_vcpu + 1u));
    /* vCPU 0 powers itself off (PSCI CPU_OFF) and sends no more heartbeats. */
    vcpu_power_off(v0);
    fake_entered = NULL;
    fake_wait_limit = 3u;
    if (setjmp(fake_noreturn) == 0) {
        boot_cpu_idle(cpu_of(PART_BETA, 0u));
    }
    /* Within its deadline nothing happens. */
    assert_null(fake_entered);
    assert_null(strstr(fake_console, "watchdog"));
    fake_counter += (arch_counter_hz() / 1000u) * (cfg_health[PART_BETA].watchdog_ms + 1u);
    fake_waits = 0u;
    if (setjmp(fake_noreturn) == 0) {
        boot_cpu_idle(cpu_of(PART_BETA, 0u));
    }
    fake_console_drain();
    assert_non_null(strstr(fake_console, "partition 'beta' watchdog: no heartbeat in time"));
    /* Its policy (restart) reloaded it on this CPU: vCPU 0 runs again. */
    assert_ptr_equal(fake_entered, v0);
    assert_int_equal(v0->state, VCPU_RUNNING);
}

/* @req SRS-ISO-006 */
static void test_kernel_assertion_stops_the_whole_system(void **state)
{
    (void)state;
    if (setjmp(fake_noreturn) == 0) {
        (void)vcpu_get(CFG_NUM_VCPUS);
    }
    assert_int_equal(fake_stops, 1u);
    /* Said directly on the UART, whole, whatever was on it. */
    assert_non_null(strstr(fake_console, "\r\n[septum] kernel assertion failed on CPU 0: "));
    assert_non_null(strstr(fake_console, "; all partitions stopped\r\n"));
    /* A CPU waiting for its vCPU parks instead of starting it. */
    assert_int_equal(vcpu_power_on(vcpu_get(cfg_partitions[PART_BETA].first_vcpu + 1u), 0x40800100u, 0u), 0);
    if (setjmp(fake_noreturn) == 0) {
        boot_cpu_idle(cpu_of(PART_BETA, 1u));
    }
    assert_int_equal(fake_parks, 1u);
    assert_null(fake_entered);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_primary_prints_banner_and_starts_only_cpus_with_vcpus, setup),
        cmocka_unit_test_setup(test_the_lines_the_build_composed_are_what_the_kernel_would_format, setup),
        cmocka_unit_test_setup(test_failed_cpu_start_is_reported_and_boot_continues, setup),
        cmocka_unit_test_setup(test_missing_dtb_magic_is_reported, setup),
        cmocka_unit_test_setup(test_firmware_that_differs_stops_before_any_partition, setup),
        cmocka_unit_test_setup(test_cpu_without_vcpu_parks, setup),
        cmocka_unit_test_setup(test_secondary_loads_its_own_partition, setup),
        cmocka_unit_test_setup(test_a_cpu_hardened_by_firmware_says_so, setup),
        cmocka_unit_test_setup(test_secondary_vcpu_waits_for_cpu_on, setup),
        cmocka_unit_test_setup(test_watchdog_catches_a_partition_whose_vcpu0_is_off, setup),
        cmocka_unit_test_setup(test_kernel_assertion_stops_the_whole_system, setup),
    };

    return cmocka_run_group_tests_name("boot", tests, NULL, NULL);
}
