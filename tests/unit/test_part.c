/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of kernel/core/part.c: the guest-physical range check, image loading, halting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "fake_arch.h"
#include "psci.h"
#include "vcpu.h"

static int setup(void **state)
{
    (void)state;
    fake_reset();
    part_init_all();
    return 0;
}

/* @req SRS-ISO-002 */
static void test_range_inside_region_translates(void **state)
{
    uint64_t pa = 0u;

    (void)state;
    assert_true(part_ipa_range_to_pa(PART_ALPHA, 0x40400000u, 0x100000u, CFG_PERM_R, &pa));
    assert_int_equal(pa, 0x40400000u);
    assert_true(part_ipa_range_to_pa(PART_ALPHA, 0x404ffff0u, 16u, CFG_PERM_W, &pa));
    assert_int_equal(pa, 0x404ffff0u);
}

/* @req SRS-ISO-002 */
static void test_range_at_other_ipa_translates_to_its_pa(void **state)
{
    uint64_t pa = 0u;

    (void)state;
    assert_true(part_ipa_range_to_pa(PART_ALPHA, 0x80000010u, 8u, CFG_PERM_R, &pa));
    assert_int_equal(pa, 0x40600010u);
}

/* @req SRS-ISO-002 */
static void test_range_crossing_region_end_is_rejected(void **state)
{
    uint64_t pa = 0x1234u;

    (void)state;
    assert_false(part_ipa_range_to_pa(PART_ALPHA, 0x404ffff8u, 16u, CFG_PERM_R, &pa));
    assert_false(part_ipa_range_to_pa(PART_ALPHA, 0x40400000u, 0x100001u, CFG_PERM_R, &pa));
    assert_int_equal(pa, 0x1234u);
}

/* @req SRS-ISO-002 */
static void test_range_before_region_or_in_gap_is_rejected(void **state)
{
    uint64_t pa;

    (void)state;
    assert_false(part_ipa_range_to_pa(PART_ALPHA, 0x403ffff0u, 8u, CFG_PERM_R, &pa));
    assert_false(part_ipa_range_to_pa(PART_ALPHA, 0x40500000u, 1u, CFG_PERM_R, &pa));
    /* Another partition's memory is not ours. */
    assert_false(part_ipa_range_to_pa(PART_ALPHA, 0x40800000u, 1u, CFG_PERM_R, &pa));
}

/* @req SRS-ISO-002 */
static void test_range_wrapping_or_empty_is_rejected(void **state)
{
    uint64_t pa;

    (void)state;
    assert_false(part_ipa_range_to_pa(PART_ALPHA, UINT64_MAX - 4u, 16u, CFG_PERM_R, &pa));
    assert_false(part_ipa_range_to_pa(PART_ALPHA, 0x40400000u, 0u, CFG_PERM_R, &pa));
    assert_false(part_ipa_range_to_pa(CFG_NUM_PARTITIONS, 0x40400000u, 1u, CFG_PERM_R, &pa));
}

/* @req SRS-ISO-003 */
static void test_write_to_read_only_region_is_rejected(void **state)
{
    uint64_t pa;

    (void)state;
    assert_false(part_ipa_range_to_pa(PART_ALPHA, 0x80000000u, 4u, CFG_PERM_W, &pa));
    assert_false(part_ipa_range_to_pa(PART_ALPHA, 0x80000000u, 4u, CFG_PERM_R | CFG_PERM_W, &pa));
}

/* @req SRS-BOOT-002 */
static void test_load_copies_image_and_sets_entry_state(void **state)
{
    const struct cfg_partition *cp = &cfg_partitions[PART_ALPHA];
    size_t n = (size_t)(cp->image_end - cp->image);
    struct vcpu *v = vcpu_get(cp->first_vcpu);

    (void)state;
    v->regs.x[5] = 77u;
    assert_true(part_load(PART_ALPHA));
    assert_memory_equal(&fake_ram[0x40400000u - FAKE_RAM_BASE], "IMAGE-alpha-", 12u);
    assert_memory_equal(&fake_ram[0x40400000u - FAKE_RAM_BASE], cp->image, n);
    assert_int_equal(fake_sync_pa, 0x40400000u);
    assert_int_equal(fake_sync_len, n);
    assert_int_equal(v->regs.pc, cp->entry_ipa);
    assert_int_equal(v->regs.pstate, 0x3c5u);
    assert_int_equal(v->regs.x[5], 0u);
    assert_int_equal(v->state, VCPU_RUNNING);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_STARTING);
}

/* @req SRS-ISO-004 */
static void test_halt_stops_every_vcpu_of_the_partition_only(void **state)
{
    const struct cfg_partition *beta = &cfg_partitions[PART_BETA];
    const struct cfg_partition *alpha = &cfg_partitions[PART_ALPHA];

    (void)state;
    assert_true(part_load(PART_ALPHA));
    assert_true(part_load(PART_BETA));
    assert_int_equal(beta->num_vcpus, 2u);
    part_halt(PART_BETA);
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_HALTED);
    assert_int_equal(vcpu_get(beta->first_vcpu)->state, VCPU_HALTED);
    assert_int_equal(vcpu_get(beta->first_vcpu + 1u)->state, VCPU_HALTED);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_STARTING);
    assert_int_equal(vcpu_get(alpha->first_vcpu)->state, VCPU_RUNNING);
}

static void test_init_binds_vcpus_to_their_partitions(void **state)
{
    uint32_t i;

    (void)state;
    for (i = 0u; i < CFG_NUM_VCPUS; i++) {
        assert_int_equal(vcpu_get(i)->id, i);
        assert_int_equal(vcpu_get(i)->partition, cfg_vcpus[i].partition);
        assert_int_equal(vcpu_get(i)->state, VCPU_OFF);
    }
}

/*
 * The kernel calls part_init_all() once, on .bss the boot cleared, and does not clear it
 * again (issue 11); a later call (the tests' setups) clears what an earlier life left.
 */
static void test_a_later_init_clears_what_an_earlier_life_left(void **state)
{
    struct vcpu *v = vcpu_get(cfg_partitions[PART_ALPHA].first_vcpu);

    (void)state;
    v->regs.pc = 0x1234u;
    v->idle = true;
    part_get(PART_ALPHA)->loaded = true;
    part_init_all();
    assert_int_equal(v->regs.pc, 0u);
    assert_false(v->idle);
    assert_false(part_get(PART_ALPHA)->loaded);
    assert_int_equal(v->state, VCPU_OFF);
}

/* @req SRS-ISO-004 */
static void test_halt_kicks_the_partitions_other_cpus_only_and_silences_its_interrupts(void **state)
{
    (void)state;
    assert_true(part_load(PART_ALPHA));
    assert_true(part_load(PART_BETA));
    fake_num_sgis = 0u;
    fake_events = 0u;
    fake_irq_enabled[34] = true;
    fake_irq_enabled[48] = true;
    fake_irq_enabled[100] = true;
    /* From beta's vCPU 0 (CPU 2): only CPU 3 needs a kick. */
    fake_cpu = 2u;
    part_halt(PART_BETA);
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], 3u);
    assert_int_equal(fake_sgi_id[0], ARCH_SGI_KICK);
    assert_int_equal(fake_events, 1u);
    assert_false(fake_irq_enabled[34]);
    assert_false(fake_irq_enabled[100]);
    assert_true(fake_irq_enabled[48]);
    /* From elsewhere (CPU 0): both of beta's CPUs, never alpha's own. */
    fake_num_sgis = 0u;
    fake_cpu = 0u;
    part_halt(PART_BETA);
    assert_int_equal(fake_num_sgis, 2u);
    assert_int_equal(fake_sgi_cpu[0], 2u);
    assert_int_equal(fake_sgi_cpu[1], 3u);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-PSCI-001 */
static void test_power_on_depends_on_the_vcpu_state(void **state)
{
    struct vcpu *v = vcpu_get(cfg_partitions[PART_BETA].first_vcpu + 1u);

    (void)state;
    v->regs.x[3] = 3u;
    assert_int_equal(vcpu_power_on(v, 0x40800040u, 0xc0ffeeu), PSCI_SUCCESS);
    assert_int_equal(v->state, VCPU_ON_PENDING);
    assert_int_equal(v->regs.pc, 0x40800040u);
    assert_int_equal(v->regs.x[0], 0xc0ffeeu);
    assert_int_equal(v->regs.x[3], 0u);
    assert_int_equal(v->regs.pstate, 0x3c5u);
    assert_int_equal(fake_events, 1u);
    /* A CPU_ON that returned SUCCESS made its target ON: a second one is ALREADY_ON. */
    assert_int_equal(vcpu_power_on(v, 0x40800080u, 1u), PSCI_ALREADY_ON);
    v->state = VCPU_RUNNING;
    assert_int_equal(vcpu_power_on(v, 0x40800080u, 1u), PSCI_ALREADY_ON);
    v->state = VCPU_HALTED;
    /* Never DENIED, which is not a CPU_ON return code (DEN0022 5.6.2). */
    assert_int_equal(vcpu_power_on(v, 0x40800080u, 1u), PSCI_INTERNAL_FAILURE);
    assert_int_equal(v->regs.pc, 0x40800040u);
    assert_int_equal(fake_events, 1u);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-PSCI-001 */
static void test_power_off_affects_only_a_running_vcpu(void **state)
{
    struct vcpu *v = vcpu_get(cfg_partitions[PART_BETA].first_vcpu);

    (void)state;
    v->state = VCPU_RUNNING;
    vcpu_power_off(v);
    assert_int_equal(v->state, VCPU_OFF);
    /* A halted partition stays halted (a late CPU_OFF must not revive it as OFF). */
    v->state = VCPU_HALTED;
    vcpu_power_off(v);
    assert_int_equal(v->state, VCPU_HALTED);
}

/* @req SRS-PSCI-001 */
static void test_affinity_state_and_take_start(void **state)
{
    struct vcpu *v = vcpu_get(cfg_partitions[PART_BETA].first_vcpu + 1u);

    (void)state;
    assert_int_equal(vcpu_affinity_state(v), PSCI_AFF_OFF);
    assert_false(vcpu_take_start(v));
    assert_int_equal(v->state, VCPU_OFF);
    assert_int_equal(vcpu_power_on(v, 0x40800040u, 0u), PSCI_SUCCESS);
    assert_int_equal(vcpu_affinity_state(v), PSCI_AFF_ON_PENDING);
    v->idle = true;
    assert_true(vcpu_take_start(v));
    assert_int_equal(v->state, VCPU_RUNNING);
    assert_false(v->idle);
    assert_int_equal(vcpu_affinity_state(v), PSCI_AFF_ON);
    assert_false(vcpu_take_start(v));
    v->state = VCPU_HALTED;
    assert_int_equal(vcpu_affinity_state(v), PSCI_AFF_OFF);
    assert_false(vcpu_take_start(v));
    assert_int_equal(vcpu_index(v), 1u);
    assert_int_equal(vcpu_index(vcpu_get(cfg_partitions[PART_ALPHA].first_vcpu)), 0u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_range_inside_region_translates, setup),
        cmocka_unit_test_setup(test_a_later_init_clears_what_an_earlier_life_left, setup),
        cmocka_unit_test_setup(test_range_at_other_ipa_translates_to_its_pa, setup),
        cmocka_unit_test_setup(test_range_crossing_region_end_is_rejected, setup),
        cmocka_unit_test_setup(test_range_before_region_or_in_gap_is_rejected, setup),
        cmocka_unit_test_setup(test_range_wrapping_or_empty_is_rejected, setup),
        cmocka_unit_test_setup(test_write_to_read_only_region_is_rejected, setup),
        cmocka_unit_test_setup(test_load_copies_image_and_sets_entry_state, setup),
        cmocka_unit_test_setup(test_halt_stops_every_vcpu_of_the_partition_only, setup),
        cmocka_unit_test_setup(test_init_binds_vcpus_to_their_partitions, setup),
        cmocka_unit_test_setup(test_halt_kicks_the_partitions_other_cpus_only_and_silences_its_interrupts, setup),
        cmocka_unit_test_setup(test_power_on_depends_on_the_vcpu_state, setup),
        cmocka_unit_test_setup(test_power_off_affects_only_a_running_vcpu, setup),
        cmocka_unit_test_setup(test_affinity_state_and_take_start, setup),
    };

    return cmocka_run_group_tests_name("part", tests, NULL, NULL);
}
