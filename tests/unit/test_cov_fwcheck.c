/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of kernel/core/fwcheck.c against hand-made facts: a firmware that
 * names more reservations or CPUs than the parser stores.
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
#include "fdt.h"
#include "fwcheck.h"
#include "lib.h"

static int setup(void **state)
{
    (void)state;
    fake_reset();
    console_init();
    return 0;
}

/* Facts that match the board exactly. */
static void matching(struct fdt_facts *f)
{
    uint32_t i;

    memset(f, 0, sizeof(*f));
    f->num_memory = 1u;
    f->memory[0].base = cfg_hyp.ram_base;
    f->memory[0].size = cfg_hyp.ram_size;
    f->num_cpus = CFG_NUM_CPUS;
    for (i = 0u; i < CFG_NUM_CPUS; i++) {
        f->cpu_mpidr[i] = cfg_cpus[i].mpidr;
    }
    f->gicv3 = 1u;
    f->gicd = cfg_hyp.gicd_pa;
    f->gicr = cfg_hyp.gicr_pa;
    f->uart_found = 1u;
    f->psci = (cfg_hyp.psci_smc != 0u) ? FDT_PSCI_SMC : FDT_PSCI_HVC;
}

/* @req SRS-BOOT-004 */
static void test_more_reservations_than_stored_checks_the_stored_ones(void **state)
{
    struct fdt_facts f;
    uint32_t i;

    (void)state;
    matching(&f);
    /* 20 reservations named, 16 stored, all in the last 64 KiB of RAM, which nothing uses: no difference. */
    f.num_reserved = FDT_MAX_RESERVED + 4u;
    for (i = 0u; i < FDT_MAX_RESERVED; i++) {
        f.reserved[i].base = cfg_hyp.ram_base + cfg_hyp.ram_size - (0x1000u * (i + 1u));
        f.reserved[i].size = 0x1000u;
    }
    assert_true(fwcheck_board(&f));
    assert_int_equal(fake_console_len, 0u);
    /* The last stored one over the hypervisor's memory is found. */
    f.reserved[FDT_MAX_RESERVED - 1u].base = cfg_hyp.base;
    assert_false(fwcheck_board(&f));
    assert_non_null(strstr(fake_console, "firmware differs: /reserved-memory"));
}

/* @req SRS-BOOT-004 */
static void test_more_cpus_than_stored_checks_the_stored_ones(void **state)
{
    struct fdt_facts f;
    uint32_t i;

    (void)state;
    matching(&f);
    /* 20 CPUs named, 16 stored: the board's CPUs are among the stored ones. */
    assert_true(CFG_NUM_CPUS <= FDT_MAX_CPUS);
    f.num_cpus = FDT_MAX_CPUS + 4u;
    for (i = CFG_NUM_CPUS; i < FDT_MAX_CPUS; i++) {
        f.cpu_mpidr[i] = 0x100u + i;
    }
    assert_true(fwcheck_board(&f));
    /* A board CPU that hosts a vCPU, missing from the stored ones, is a difference. */
    f.cpu_mpidr[cfg_vcpus[0].pcpu] = 0xffffu;
    assert_false(fwcheck_board(&f));
    assert_non_null(strstr(fake_console, "firmware differs: /cpus: firmware 20 CPUs"));
}

/* @req SRS-BOOT-004 */
static void test_hypervisor_memory_outside_firmware_memory_is_a_difference(void **state)
{
    struct fdt_facts f;

    (void)state;
    matching(&f);
    /* Firmware RAM starts after the hypervisor: the first check fails, the others still run. */
    f.memory[0].base = cfg_hyp.base + cfg_hyp.size;
    f.memory[0].size = cfg_hyp.ram_size;
    assert_false(fwcheck_board(&f));
    assert_non_null(strstr(fake_console, "board hypervisor 'memory'"));
    f.uart_found = 0u;
    assert_false(fwcheck_board(&f));
    assert_non_null(strstr(fake_console, "firmware differs: console UART"));
}

/* The firmware DTB line, composed without fmt, is the text fmt formats, for every kind of value. */
/* @req SRS-BOOT-004 */
static void test_the_firmware_dtb_line_is_what_fmt_would_format(void **state)
{
    static const uint64_t addrs[] = { 0u, 0x9u, 0x48000000u, 0x40abcdefu, 0xffffffffffffffffu };
    static const uint32_t counts[] = { 0u, 1u, 9u, 10u, 4294967295u };
    static const uint32_t methods[] = { FDT_PSCI_NONE, FDT_PSCI_HVC, FDT_PSCI_SMC, FDT_PSCI_OTHER };
    struct fdt_facts f;
    char want[160];
    char got[FWCHECK_LINE_MAX];
    uint32_t i;

    (void)state;
    memset(&f, 0, sizeof(f));
    for (i = 0u; i < 5u * 5u * 4u; i++) {
        size_t n;
        size_t m;

        f.num_memory = counts[i % 5u];
        f.num_cpus = counts[(i / 5u) % 5u];
        f.psci = methods[(i / 25u) % 4u];
        n = fmt_snprintf(want, sizeof(want), "firmware DTB at 0x%lx: %u memory range(s), %u CPUs, PSCI %s",
                         (unsigned long)addrs[i % 5u], (unsigned)f.num_memory, (unsigned)f.num_cpus,
                         (f.psci == FDT_PSCI_SMC) ? "smc" : ((f.psci == FDT_PSCI_HVC) ? "hvc" : "?"));
        m = fwcheck_line(got, addrs[i % 5u], &f);
        assert_int_equal(m, n);
        assert_memory_equal(got, want, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_more_reservations_than_stored_checks_the_stored_ones, setup),
        cmocka_unit_test_setup(test_more_cpus_than_stored_checks_the_stored_ones, setup),
        cmocka_unit_test_setup(test_hypervisor_memory_outside_firmware_memory_is_a_difference, setup),
        cmocka_unit_test_setup(test_the_firmware_dtb_line_is_what_fmt_would_format, setup),
    };

    return cmocka_run_group_tests_name("cov_fwcheck", tests, NULL, NULL);
}
