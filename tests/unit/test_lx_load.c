/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of image loading with boot blobs (kernel/core/part.c, boot.c), built
 * against tests/unit/lx/system.yaml: tux is a Linux partition (kernel Image plus
 * its generated device tree), stone's first region is read-only, pebble is an
 * ordinary bare-metal partition; pebble and slate (read-only first region too)
 * share CPUs 2 and 3 under a schedule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "boot.h"
#include "config.h"
#include "console.h"
#include "fake_arch.h"
#include "health.h"
#include "lib.h"
#include "vcpu.h"

static const uint8_t *ram(uint64_t pa)
{
    return &fake_ram[pa - FAKE_RAM_BASE];
}

static int setup(void **state)
{
    (void)state;
    fake_reset();
    console_init();
    part_init_all();
    health_init();
    return 0;
}

/* The blob table holds tux's device tree only. */
static const struct cfg_blob *tux_dtb(void)
{
    assert_int_equal(CFG_NUM_BLOBS, 1u);
    assert_int_equal(cfg_blobs[0].partition, PART_TUX);
    assert_string_equal(cfg_blobs[0].what, "dtb");
    return &cfg_blobs[0];
}

/* @req SRS-BOOT-002 */
static void test_linux_load_copies_kernel_and_device_tree_and_passes_the_dtb_in_x0(void **state)
{
    const struct cfg_partition *cp = &cfg_partitions[PART_TUX];
    const struct cfg_blob *b = tux_dtb();
    size_t klen = (size_t)(cp->image_end - cp->image);
    size_t dlen = (size_t)(b->end - b->start);
    struct vcpu *v = vcpu_get(cp->first_vcpu);
    static const uint8_t fdt_magic[4] = {0xd0u, 0x0du, 0xfeu, 0xedu};

    (void)state;
    assert_true(part_load(PART_TUX));
    /* The Image at the first region's base (text_offset 0), the device tree at its slot. */
    assert_memory_equal(ram(0x40400000u), cp->image, klen);
    assert_memory_equal(ram(0x40400000u + 0x40u), "KERNEL-tux-", 11u);
    assert_int_equal(b->load_ipa, 0x40600000u);
    assert_memory_equal(ram(0x40600000u), fdt_magic, 4u);
    assert_memory_equal(ram(0x40600000u), b->start, dlen);
    /* Each copy is made visible to the guest's instruction fetch; the blob is the last. */
    assert_int_equal(fake_sync_pa, 0x40600000u);
    assert_int_equal(fake_sync_len, dlen);
    /* Linux boot protocol: x0 = the device tree's address, PC = the kernel's entry. */
    assert_int_equal(v->regs.x[0], 0x40600000u);
    assert_int_equal(v->regs.pc, cp->entry_ipa);
    assert_int_equal(v->regs.pstate, 0x3c5u);
    assert_int_equal(v->state, VCPU_RUNNING);
}

/* @req SRS-BOOT-002 */
static void test_partition_without_blobs_loads_only_its_image(void **state)
{
    const struct cfg_partition *cp = &cfg_partitions[PART_PEBBLE];
    size_t n = (size_t)(cp->image_end - cp->image);

    (void)state;
    assert_true(part_load(PART_PEBBLE));
    assert_memory_equal(ram(0x40980000u), "IMAGE-pebble-", 13u);
    assert_int_equal(fake_sync_pa, 0x40980000u);
    assert_int_equal(fake_sync_len, n);
    /* tux's device tree was not copied on pebble's behalf. */
    assert_int_equal(ram(0x40600000u)[0], 0u);
    /* A reload of pebble is verified against its own image only. */
    assert_true(part_load(PART_PEBBLE));
    assert_null(strstr(fake_console, "corrupted"));
}

/* @req SRS-BOOT-002 */
static void test_image_for_a_read_only_first_region_is_refused_without_writing(void **state)
{
    (void)state;
    assert_false(part_load(PART_STONE));
    assert_non_null(strstr(fake_console, "partition 'stone': image of 28 bytes does not fit at IPA 0x40900000"));
    assert_int_equal(ram(0x40900000u)[0], 0u);
    assert_int_equal(fake_sync_len, 0u);
    assert_int_equal(vcpu_get(cfg_partitions[PART_STONE].first_vcpu)->state, VCPU_OFF);
}

/* @req SRS-BOOT-002 */
static void test_cpu_whose_partition_cannot_load_halts_it_and_waits(void **state)
{
    uint32_t cpu = cfg_vcpus[cfg_partitions[PART_STONE].first_vcpu].pcpu;

    (void)state;
    fake_cpu = cpu;
    fake_wait_limit = 2u;
    if (setjmp(fake_noreturn) == 0) {
        boot_secondary(cpu);
    }
    assert_non_null(strstr(fake_console, "partition 'stone' not started"));
    assert_null(strstr(fake_console, "partition 'stone' vCPU 0 starts"));
    assert_int_equal(part_state_get(PART_STONE), PART_STATE_HALTED);
    assert_null(fake_entered);
    assert_true(fake_waits >= 2u);
}

/* @req SRS-SCHED-001 SRS-BOOT-002 */
static void test_scheduled_cpu_loads_each_partition_once_from_vcpu0_and_halts_what_cannot_load(void **state)
{
    uint32_t cpu = cfg_vcpus[cfg_partitions[PART_PEBBLE].first_vcpu].pcpu;

    (void)state;
    /* CPU 2 hosts vCPU 0 of pebble and of slate; slate has two windows and a read-only load region. */
    fake_cpu = cpu;
    fake_wait_limit = 2u;
    if (setjmp(fake_noreturn) == 0) {
        boot_secondary(cpu);
    }
    assert_non_null(strstr(fake_console, "partition 'pebble' vCPU 0 starts at 0x40980000 in its window"));
    assert_memory_equal(ram(0x40980000u), "IMAGE-pebble-", 13u);
    assert_non_null(strstr(fake_console, "partition 'slate': image of 28 bytes does not fit at IPA 0x409a0000"));
    /* Refused once, halted, and its second window does not try again. */
    assert_non_null(strstr(fake_console, "partition 'slate' not started"));
    assert_null(strstr(strstr(fake_console, "partition 'slate' not started") + 1, "partition 'slate' not started"));
    assert_int_equal(part_state_get(PART_SLATE), PART_STATE_HALTED);
    assert_int_equal(part_state_get(PART_PEBBLE), PART_STATE_STARTING);
}

/* @req SRS-SCHED-001 */
static void test_scheduled_cpu_of_secondary_vcpus_loads_nothing(void **state)
{
    uint32_t cpu = cfg_vcpus[cfg_partitions[PART_PEBBLE].first_vcpu + 1u].pcpu;

    (void)state;
    /* CPU 3 hosts only vCPU 1 of each: the partitions are loaded by CPU 2. */
    fake_cpu = cpu;
    fake_wait_limit = 2u;
    if (setjmp(fake_noreturn) == 0) {
        boot_secondary(cpu);
    }
    assert_null(strstr(fake_console, "starts at"));
    assert_null(strstr(fake_console, "not started"));
    assert_int_equal(part_state_get(PART_PEBBLE), PART_STATE_BOOTING);
    assert_int_equal(part_state_get(PART_SLATE), PART_STATE_BOOTING);
    assert_null(fake_entered);
}

static uint64_t corrupt_pa;

/* Flip a byte of the copy that lands at corrupt_pa (the device tree's). */
static void corrupt_at(uint64_t pa, uint64_t len)
{
    (void)len;
    if (pa == corrupt_pa) {
        fake_ram[pa - FAKE_RAM_BASE + 8u] ^= 0x5au;
    }
}

/* @req SRS-HEALTH-006 */
static void test_reload_verifies_the_device_tree_copy_as_well_as_the_kernel(void **state)
{
    (void)state;
    assert_true(part_load(PART_TUX));
    /* A faithful reload passes. */
    assert_true(part_load(PART_TUX));
    assert_null(strstr(fake_console, "corrupted"));
    /* The kernel lands intact, the device tree does not: refused. */
    corrupt_pa = tux_dtb()->load_ipa;
    fake_sync_hook = corrupt_at;
    assert_false(part_load(PART_TUX));
    assert_non_null(strstr(fake_console, "partition 'tux': read-only image copy corrupted (checksum of the reload)"));
}

/* @req SRS-HEALTH-006 */
static void test_restart_scrubs_only_writable_regions_then_reloads_the_blobs(void **state)
{
    const struct cfg_partition *cp = &cfg_partitions[PART_TUX];
    struct vcpu *v = vcpu_get(cp->first_vcpu);

    (void)state;
    assert_true(part_load(PART_TUX));
    /* The old life left data in its RAM; its read-only region holds a table. */
    fake_ram[0x40500000u - FAKE_RAM_BASE] = 0x11u;
    fake_ram[0x40800000u - FAKE_RAM_BASE] = 0x22u;
    fake_ram[0x40600000u - FAKE_RAM_BASE] = 0x33u;
    assert_true(health_event(PART_TUX, HEALTH_FAULT, "x"));
    vcpu_set_idle(v);
    fake_cpu = cfg_vcpus[cp->first_vcpu].pcpu;
    assert_true(part_restart_step(v));
    assert_int_equal(ram(0x40500000u)[0], 0u);
    assert_int_equal(ram(0x40800000u)[0], 0x22u);
    /* Only the 4 MiB writable region was zeroed and cleaned; the device tree is back. */
    assert_int_equal(fake_zeroed, 0x400000u);
    assert_int_equal(fake_cleaned, 0x400000u);
    assert_memory_equal(ram(0x40600000u), tux_dtb()->start, 4u);
    assert_int_equal(v->state, VCPU_RUNNING);
    assert_int_equal(v->regs.x[0], 0x40600000u);
}

/*
 * The build-time digest (tools/image-digest, in Python) is what lib_checksum folds over the
 * read-only copies: image, then the partition's blobs in cfg_blobs order. Were they to
 * differ, every reload would be refused.
 */
/* @req SRS-HEALTH-001 */
static void test_build_time_digest_is_lib_checksum_of_the_images_and_blobs(void **state)
{
    uint32_t p;
    uint32_t i;
    uint32_t with_blobs = 0u;

    (void)state;
    for (p = 0u; p < CFG_NUM_PARTITIONS; p++) {
        const struct cfg_partition *cp = &cfg_partitions[p];
        uint64_t h = lib_checksum(0u, cp->image, (size_t)(cp->image_end - cp->image));

        for (i = 0u; i < CFG_NUM_BLOBS; i++) {
            if (cfg_blobs[i].partition == p) {
                h = lib_checksum(h, cfg_blobs[i].start, (size_t)(cfg_blobs[i].end - cfg_blobs[i].start));
                with_blobs++;
            }
        }
        assert_true(h == *cp->digest);
        assert_true(part_get(p)->checksum == *cp->digest);
    }
    assert_true(with_blobs > 0u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_linux_load_copies_kernel_and_device_tree_and_passes_the_dtb_in_x0, setup),
        cmocka_unit_test_setup(test_partition_without_blobs_loads_only_its_image, setup),
        cmocka_unit_test_setup(test_image_for_a_read_only_first_region_is_refused_without_writing, setup),
        cmocka_unit_test_setup(test_cpu_whose_partition_cannot_load_halts_it_and_waits, setup),
        cmocka_unit_test_setup(test_scheduled_cpu_loads_each_partition_once_from_vcpu0_and_halts_what_cannot_load, setup),
        cmocka_unit_test_setup(test_scheduled_cpu_of_secondary_vcpus_loads_nothing, setup),
        cmocka_unit_test_setup(test_reload_verifies_the_device_tree_copy_as_well_as_the_kernel, setup),
        cmocka_unit_test_setup(test_restart_scrubs_only_writable_regions_then_reloads_the_blobs, setup),
        cmocka_unit_test_setup(test_build_time_digest_is_lib_checksum_of_the_images_and_blobs, setup),
    };

    return cmocka_run_group_tests_name("lx_load", tests, NULL, NULL);
}
