/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of kernel/lib/fdt.c (the bounded FDT reader) and
 * kernel/core/fwcheck.c (firmware DTB against the board).
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
#include "fdt_build.h"
#include "fwcheck.h"

static uint8_t blob[16384] __attribute__((aligned(8)));
static uint32_t blob_len;

static int setup(void **state)
{
    (void)state;
    fake_reset();
    console_init();
    memset(blob, 0, sizeof(blob));
    blob_len = fdtb_board(blob, sizeof(blob), 0u);
    assert_true(blob_len > 40u);
    return 0;
}

static uint32_t get32(uint32_t off)
{
    return ((uint32_t)blob[off] << 24) | ((uint32_t)blob[off + 1u] << 16) | ((uint32_t)blob[off + 2u] << 8) |
           blob[off + 3u];
}

/* fdt_open() of the board blob with header word off set to v. */
static int open_with(uint32_t off, uint32_t v)
{
    struct fdt f;
    uint32_t old = get32(off);
    int rc;

    fdtb_put32(&blob[off], v);
    rc = fdt_open(&f, blob, blob_len);
    fdtb_put32(&blob[off], old);
    return rc;
}

/* @req SRS-BOOT-003 */
static void test_open_checks_every_header_field(void **state)
{
    struct fdt f;
    uint32_t st_off = get32(8u);
    uint32_t str_off = get32(12u);

    (void)state;
    assert_int_equal(fdt_open(&f, blob, blob_len), FDT_OK);
    assert_int_equal(f.totalsize, blob_len);
    assert_int_equal(f.struct_off, st_off);
    assert_int_equal(fdt_open(&f, NULL, blob_len), FDT_ERR_SHORT);
    assert_int_equal(fdt_open(&f, blob, 39u), FDT_ERR_SHORT);
    /* Words are read whole: a blob that is not 4-byte aligned is refused (the kernel's copy is page aligned). */
    assert_int_equal(fdt_open(&f, &blob[2], blob_len - 2u), FDT_ERR_LAYOUT);
    assert_int_equal(open_with(0u, 0xd00dfeeeu), FDT_ERR_MAGIC);
    assert_int_equal(open_with(20u, 16u), FDT_ERR_VERSION);
    assert_int_equal(open_with(24u, 18u), FDT_ERR_VERSION);
    assert_int_equal(open_with(20u, 18u), FDT_OK);         /* newer, still compatible */
    assert_int_equal(open_with(4u, blob_len - 1u), FDT_ERR_LAYOUT);  /* strings past totalsize */
    assert_int_equal(open_with(8u, st_off + 2u), FDT_ERR_LAYOUT);    /* misaligned structure */
    assert_int_equal(open_with(8u, 8u), FDT_ERR_LAYOUT);             /* structure in the header */
    assert_int_equal(open_with(8u, 0xfffffff0u), FDT_ERR_LAYOUT);    /* far beyond totalsize */
    assert_int_equal(open_with(12u, 4u), FDT_ERR_LAYOUT);            /* strings in the header */
    assert_int_equal(open_with(16u, 4u), FDT_ERR_LAYOUT);            /* reservations in the header */
    assert_int_equal(open_with(16u, 44u), FDT_ERR_LAYOUT);           /* misaligned reservations */
    assert_int_equal(open_with(16u, blob_len), FDT_ERR_LAYOUT);      /* reservations at the end */
    assert_int_equal(open_with(36u, 0u), FDT_ERR_LAYOUT);            /* empty structure block */
    assert_int_equal(open_with(36u, 0xffffffffu), FDT_ERR_LAYOUT);
    assert_int_equal(open_with(32u, 0xffffffffu), FDT_ERR_LAYOUT);
    (void)str_off;
}

/* @req SRS-BOOT-003 */
static void test_open_reports_a_blob_larger_than_the_copy(void **state)
{
    struct fdt f;

    (void)state;
    /* totalsize larger than what was copied is fine while the blocks are inside the copy ... */
    fdtb_put32(&blob[4u], 0x100000u);
    assert_int_equal(fdt_open(&f, blob, blob_len), FDT_OK);
    /* ... the strings block (last) cut off is not. */
    assert_int_equal(fdt_open(&f, blob, blob_len - 1u), FDT_ERR_TRUNCATED);
    /* Structure block cut: strings moved up so only the structure block is beyond. */
    fdtb_put32(&blob[12u], 48u);
    fdtb_put32(&blob[32u], 0u);
    assert_int_equal(fdt_open(&f, blob, get32(8u) + 4u), FDT_ERR_TRUNCATED);
    /* Reservation block beyond the copy. */
    fdtb_put32(&blob[16u], 0x80000u);
    assert_int_equal(fdt_open(&f, blob, blob_len), FDT_ERR_TRUNCATED);
}

/* @req SRS-BOOT-003 */
static void test_tokens_of_a_small_tree(void **state)
{
    static struct fdtb b;
    struct fdt f;
    struct fdt_token t;
    uint32_t pos;
    uint32_t n;

    (void)state;
    memset(&b, 0, sizeof(b));
    fdtb_begin(&b, "");
    fdtb_tok(&b, 4u);  /* NOP */
    fdtb_str(&b, "model", "x");
    fdtb_begin(&b, "a@1");
    fdtb_end(&b);
    fdtb_end(&b);
    n = fdtb_finish(&b, blob, sizeof(blob));
    assert_int_equal(fdt_open(&f, blob, n), FDT_OK);
    pos = f.struct_off;
    assert_int_equal(fdt_next(&f, &pos, &t), FDT_OK);
    assert_int_equal(t.kind, FDT_TOK_BEGIN);
    assert_string_equal(t.name, "");
    assert_int_equal(fdt_next(&f, &pos, &t), FDT_OK);
    assert_int_equal(t.kind, FDT_TOK_PROP);
    assert_string_equal(t.name, "model");
    assert_int_equal(t.val_len, 2u);
    assert_memory_equal(t.val, "x", 2u);
    assert_int_equal(fdt_next(&f, &pos, &t), FDT_OK);
    assert_int_equal(t.kind, FDT_TOK_BEGIN);
    assert_string_equal(t.name, "a@1");
    assert_int_equal(fdt_next(&f, &pos, &t), FDT_OK);
    assert_int_equal(t.kind, FDT_TOK_END);
    assert_int_equal(fdt_next(&f, &pos, &t), FDT_OK);
    assert_int_equal(t.kind, FDT_TOK_END);
    assert_int_equal(fdt_next(&f, &pos, &t), FDT_OK);
    assert_int_equal(t.kind, FDT_TOK_DONE);
    assert_int_equal(pos, f.struct_end);
    /* Past the end: no FDT_END left. */
    assert_int_equal(fdt_next(&f, &pos, &t), FDT_ERR_STRUCT);
    /* A position beyond the block (a caller's error) reads nothing. */
    pos = f.struct_end + 4u;
    assert_int_equal(fdt_next(&f, &pos, &t), FDT_ERR_STRUCT);
}

/* A structure block holding exactly words[0..n) (the blob's own strings block: "reg\0"). */
static uint32_t raw_struct(const uint32_t *words, uint32_t n)
{
    uint32_t i;

    memset(blob, 0, sizeof(blob));
    fdtb_put32(&blob[0], 0xd00dfeedu);
    fdtb_put32(&blob[8], 56u);
    fdtb_put32(&blob[12], 56u + 4u * n);
    fdtb_put32(&blob[16], 40u);
    fdtb_put32(&blob[20], 17u);
    fdtb_put32(&blob[24], 16u);
    fdtb_put32(&blob[32], 4u);
    fdtb_put32(&blob[36], 4u * n);
    for (i = 0u; i < n; i++) {
        fdtb_put32(&blob[56u + 4u * i], words[i]);
    }
    memcpy(&blob[56u + 4u * n], "reg", 4u);
    fdtb_put32(&blob[4], 60u + 4u * n);
    return 60u + 4u * n;
}

static int facts_of_raw(const uint32_t *words, uint32_t n)
{
    struct fdt f;
    struct fdt_facts facts;
    uint32_t len = raw_struct(words, n);

    assert_int_equal(fdt_open(&f, blob, len), FDT_OK);
    return fdt_facts(&f, 0u, &facts);
}

/* fdt_next() over a raw structure block: the first result that is not a token, or FDT_OK at its end. */
static int next_of_raw(const uint32_t *words, uint32_t n)
{
    struct fdt f;
    struct fdt_token t;
    uint32_t len = raw_struct(words, n);
    uint32_t pos;
    uint32_t steps;
    int rc = FDT_OK;

    assert_int_equal(fdt_open(&f, blob, len), FDT_OK);
    pos = f.struct_off;
    for (steps = 0u; steps < n; steps++) {
        rc = fdt_next(&f, &pos, &t);
        if ((rc != FDT_OK) || (t.kind == FDT_TOK_DONE)) {
            break;
        }
    }
    return rc;
}

/* @req SRS-BOOT-003 */
static void test_corrupt_structure_blocks_are_refused(void **state)
{
    /* Names: "" and "abc" are word-padded. */
    const uint32_t ok[] = {1u, 0u, 2u, 9u};
    const uint32_t bad_token[] = {1u, 0u, 5u, 2u, 9u};
    const uint32_t no_end[] = {1u, 0u, 2u};
    const uint32_t unterminated_name[] = {1u, 0x61616161u};
    const uint32_t prop_len_beyond[] = {1u, 0u, 3u, 100u, 0u, 2u, 9u};
    const uint32_t prop_name_beyond[] = {1u, 0u, 3u, 0u, 4u, 2u, 9u};
    const uint32_t prop_header_cut[] = {1u, 0u, 3u, 0u};
    const uint32_t prop_outside[] = {3u, 0u, 0u, 9u};
    const uint32_t end_outside[] = {2u, 9u};
    const uint32_t two_roots[] = {1u, 0u, 2u, 1u, 0u, 2u, 9u};
    const uint32_t open_at_end[] = {1u, 0u, 9u};
    const uint32_t empty[] = {9u};
    /* Room for both blobs below: FDT_MAX_DEPTH + 1 nested begins and END
     * (2 (D + 1) + 1 words), then D begins, D ends and END (3 D + 1). */
    uint32_t deep[3u * FDT_MAX_DEPTH + 1u];
    uint32_t i;

    (void)state;
    assert_int_equal(facts_of_raw(ok, 4u), FDT_OK);
    assert_int_equal(facts_of_raw(bad_token, 5u), FDT_ERR_STRUCT);
    assert_int_equal(facts_of_raw(no_end, 3u), FDT_ERR_STRUCT);
    assert_int_equal(facts_of_raw(unterminated_name, 2u), FDT_ERR_STRUCT);
    assert_int_equal(facts_of_raw(prop_len_beyond, 7u), FDT_ERR_STRUCT);
    assert_int_equal(facts_of_raw(prop_name_beyond, 7u), FDT_ERR_STRUCT);
    /* fdt_next() (the tokens alone, as the fuzzer walks them) refuses them too. */
    assert_int_equal(next_of_raw(prop_len_beyond, 7u), FDT_ERR_STRUCT);
    assert_int_equal(next_of_raw(prop_name_beyond, 7u), FDT_ERR_STRUCT);
    assert_int_equal(next_of_raw(ok, 4u), FDT_OK);
    assert_int_equal(next_of_raw(bad_token, 5u), FDT_ERR_STRUCT);
    assert_int_equal(next_of_raw(unterminated_name, 2u), FDT_ERR_STRUCT);
    assert_int_equal(next_of_raw(prop_header_cut, 4u), FDT_ERR_STRUCT);
    assert_int_equal(facts_of_raw(prop_header_cut, 4u), FDT_ERR_STRUCT);
    assert_int_equal(facts_of_raw(prop_outside, 4u), FDT_ERR_STRUCT);
    assert_int_equal(facts_of_raw(end_outside, 2u), FDT_ERR_STRUCT);
    assert_int_equal(facts_of_raw(two_roots, 7u), FDT_ERR_STRUCT);
    assert_int_equal(facts_of_raw(open_at_end, 3u), FDT_ERR_STRUCT);
    assert_int_equal(facts_of_raw(empty, 1u), FDT_ERR_STRUCT);
    /* FDT_MAX_DEPTH nested nodes are read, one more is refused. */
    for (i = 0u; i < FDT_MAX_DEPTH + 1u; i++) {
        deep[2u * i] = 1u;
        deep[2u * i + 1u] = 0u;
    }
    deep[2u * (FDT_MAX_DEPTH + 1u)] = 9u;
    assert_int_equal(facts_of_raw(deep, 2u * (FDT_MAX_DEPTH + 1u) + 1u), FDT_ERR_DEPTH);
    for (i = 0u; i < FDT_MAX_DEPTH; i++) {
        deep[2u * FDT_MAX_DEPTH + i] = 2u;
    }
    deep[3u * FDT_MAX_DEPTH] = 9u;
    assert_int_equal(facts_of_raw(deep, 3u * FDT_MAX_DEPTH + 1u), FDT_OK);
}

/* @req SRS-BOOT-003 */
static void test_tokens_ending_at_the_block_end(void **state)
{
    /* A property whose value ends exactly at the block's end: no room for padding. */
    const uint32_t prop_at_end[] = {1u, 0u, 3u, 4u, 0u, 0x78787878u};
    /* A node name "ab" whose padding would pass the end of a 7-byte block. */
    const uint32_t name_at_end[] = {1u, 0x61620000u};
    struct fdt f;
    struct fdt_token t;
    uint32_t pos;

    (void)state;
    assert_int_equal(next_of_raw(prop_at_end, 6u), FDT_ERR_STRUCT);
    pos = raw_struct(prop_at_end, 6u);
    assert_int_equal(fdt_open(&f, blob, pos), FDT_OK);
    pos = f.struct_off;
    assert_int_equal(fdt_next(&f, &pos, &t), FDT_OK);
    assert_int_equal(fdt_next(&f, &pos, &t), FDT_OK);
    assert_int_equal(t.kind, FDT_TOK_PROP);
    assert_int_equal(pos, f.struct_end);
    assert_int_equal(fdt_next(&f, &pos, &t), FDT_ERR_STRUCT);

    pos = raw_struct(name_at_end, 2u);
    fdtb_put32(&blob[36], 7u);
    assert_int_equal(fdt_open(&f, blob, pos), FDT_OK);
    pos = f.struct_off;
    assert_int_equal(fdt_next(&f, &pos, &t), FDT_OK);
    assert_int_equal(t.kind, FDT_TOK_BEGIN);
    assert_string_equal(t.name, "ab");
    assert_int_equal(pos, f.struct_end);
    assert_int_equal(fdt_next(&f, &pos, &t), FDT_ERR_STRUCT);
}

/* @req SRS-BOOT-003 */
static void test_facts_reads_a_repeated_name_once_and_skips_nops(void **state)
{
    /* Root with a NOP and "reg", child "a" with "reg" again (the same name offset: the
     * name cache's hit), as dtc and libfdt share names in the strings block. */
    const uint32_t words[] = {1u, 0u, 4u, 3u, 4u, 0u, 0x11223344u, 1u, 0x61000000u, 3u, 4u, 0u, 0x55667788u,
                              2u, 2u, 9u};

    (void)state;
    assert_int_equal(facts_of_raw(words, 16u), FDT_OK);
}

/* @req SRS-BOOT-003 */
static void test_facts_of_the_board(void **state)
{
    struct fdt f;
    struct fdt_facts facts;
    uint32_t i;

    (void)state;
    blob_len = fdtb_board(blob, sizeof(blob), FDTB_MEMRESERVE | FDTB_RESERVED_HYP);
    assert_int_equal(fdt_open(&f, blob, blob_len), FDT_OK);
    assert_int_equal(fdt_facts(&f, cfg_hyp.console_pa, &facts), FDT_OK);
    assert_int_equal(facts.num_memory, 1u);
    assert_int_equal(facts.memory[0].base, cfg_hyp.ram_base);
    assert_int_equal(facts.memory[0].size, cfg_hyp.ram_size);
    assert_int_equal(facts.num_reserved, 2u);
    assert_int_equal(facts.reserved[0].base, cfg_hyp.base);         /* /memreserve/ first */
    assert_int_equal(facts.reserved[1].base, cfg_hyp.base + 0x1000u);
    assert_int_equal(facts.num_cpus, CFG_NUM_CPUS);
    for (i = 0u; i < CFG_NUM_CPUS; i++) {
        assert_int_equal(facts.cpu_mpidr[i], cfg_cpus[i].mpidr);
    }
    assert_int_equal(facts.gicv3, 1u);
    assert_int_equal(facts.gicd, cfg_hyp.gicd_pa);
    assert_int_equal(facts.gicr, cfg_hyp.gicr_pa);
    assert_int_equal(facts.uart_found, 1u);
    assert_int_equal(facts.psci, (cfg_hyp.psci_smc != 0u) ? FDT_PSCI_SMC : FDT_PSCI_HVC);
    /* Another UART address is not found; a disabled UART is not found. */
    assert_int_equal(fdt_facts(&f, cfg_hyp.console_pa + 0x1000u, &facts), FDT_OK);
    assert_int_equal(facts.uart_found, 0u);
    blob_len = fdtb_board(blob, sizeof(blob), FDTB_UART_DISABLED | FDTB_GICV2);
    assert_int_equal(fdt_open(&f, blob, blob_len), FDT_OK);
    assert_int_equal(fdt_facts(&f, cfg_hyp.console_pa, &facts), FDT_OK);
    assert_int_equal(facts.uart_found, 0u);
    assert_int_equal(facts.gicv3, 0u);
    assert_int_equal(facts.psci, (cfg_hyp.psci_smc != 0u) ? FDT_PSCI_SMC : FDT_PSCI_HVC);
}

/* @req SRS-BOOT-003 */
static void test_facts_count_beyond_their_tables_and_decode_cells(void **state)
{
    static struct fdtb b;
    struct fdt f;
    struct fdt_facts facts;
    uint8_t reg[8u * 20u];
    uint32_t i;
    uint32_t n;

    (void)state;
    memset(&b, 0, sizeof(b));
    for (i = 0u; i < 20u; i++) {
        fdtb_put32(&reg[8u * i], 0x1000u * i);  /* 1 address cell, 1 size cell */
        fdtb_put32(&reg[8u * i + 4u], 0x1000u);
    }
    fdtb_begin(&b, "");
    fdtb_u32(&b, "#address-cells", 1u);
    fdtb_u32(&b, "#size-cells", 1u);
    fdtb_begin(&b, "memory@0");
    fdtb_str(&b, "device_type", "memory");
    fdtb_prop(&b, "reg", reg, sizeof(reg));
    fdtb_end(&b);
    fdtb_begin(&b, "cpus");
    fdtb_u32(&b, "#address-cells", 2u);
    fdtb_u32(&b, "#size-cells", 0u);
    for (i = 0u; i < FDT_MAX_CPUS + 2u; i++) {
        uint64_t mp = 0x100000000ull + i;

        fdtb_begin(&b, "cpu");
        fdtb_str(&b, "device_type", "cpu");
        fdtb_reg(&b, &mp, 1u, 1u);
        fdtb_end(&b);
    }
    fdtb_begin(&b, "cpu-map");  /* not a CPU */
    fdtb_end(&b);
    fdtb_end(&b);
    fdtb_begin(&b, "psci");
    fdtb_str(&b, "method", "firmware");
    fdtb_end(&b);
    fdtb_begin(&b, "odd");  /* 3 address cells: not decoded */
    fdtb_u32(&b, "#address-cells", 3u);
    fdtb_begin(&b, "memory@1");
    fdtb_str(&b, "device_type", "memory");
    fdtb_prop(&b, "reg", reg, 16u);
    fdtb_end(&b);
    fdtb_end(&b);
    fdtb_begin(&b, "short");  /* reg shorter than one entry: ignored */
    fdtb_str(&b, "device_type", "memory");
    fdtb_prop(&b, "reg", reg, 4u);
    fdtb_end(&b);
    fdtb_end(&b);
    n = fdtb_finish(&b, blob, sizeof(blob));
    assert_int_equal(fdt_open(&f, blob, n), FDT_OK);
    assert_int_equal(fdt_facts(&f, 0x5000u, &facts), FDT_OK);
    assert_int_equal(facts.num_memory, 20u);
    assert_int_equal(facts.memory[FDT_MAX_BANKS - 1u].base, 0x1000u * (FDT_MAX_BANKS - 1u));
    assert_int_equal(facts.memory[0].size, 0x1000u);
    assert_int_equal(facts.num_cpus, FDT_MAX_CPUS + 2u);
    assert_int_equal(facts.cpu_mpidr[FDT_MAX_CPUS - 1u], 0x100000000ull + FDT_MAX_CPUS - 1u);
    assert_int_equal(facts.psci, FDT_PSCI_OTHER);
    assert_int_equal(facts.uart_found, 0u);  /* memory@0's 6th bank is not a UART */
}

/* Run fwcheck_dtb over the board blob built with flags. */
static bool check(uint32_t flags)
{
    blob_len = fdtb_board(blob, sizeof(blob), flags);
    return fwcheck_dtb(0x48000000u, blob, blob_len);
}

/* @req SRS-BOOT-004 */
static void test_matching_firmware_passes(void **state)
{
    (void)state;
    assert_true(check(0u));
    assert_non_null(strstr(fake_console, "firmware DTB at 0x48000000: 1 memory range(s)"));
    assert_null(strstr(fake_console, "differs"));
}

/* @req SRS-BOOT-004 */
static void test_cpus_without_a_vcpu_may_be_missing(void **state)
{
    uint32_t idle = 0u;
    uint32_t i;

    (void)state;
    for (i = 0u; i < CFG_NUM_CPUS; i++) {
        idle += (cfg_cpus[i].vcpu == CFG_NO_VCPU) ? 1u : 0u;
    }
    assert_true(idle > 0u);      /* the unit-test system leaves a CPU idle */
    assert_int_equal(cfg_cpus[CFG_NUM_CPUS - 1u].vcpu != CFG_NO_VCPU, 1);  /* ... and uses the last one */
    assert_true(check(FDTB_NO_IDLE_CPUS));
    assert_null(strstr(fake_console, "differs"));
}

/* @req SRS-BOOT-004 */
static void test_each_difference_is_named_with_both_values(void **state)
{
    char want[160];

    (void)state;
    assert_false(check(FDTB_SMALL_RAM));
    snprintf(want, sizeof(want), "firmware differs: /memory: firmware [0x%llx..0x%llx), board ",
             (unsigned long long)cfg_hyp.ram_base, (unsigned long long)(cfg_hyp.ram_base + cfg_hyp.ram_size / 512u));
    assert_non_null(strstr(fake_console, want));
    assert_non_null(strstr(fake_console, "no partition started"));

    fake_reset();
    assert_false(check(FDTB_NO_MEMORY));
    assert_non_null(strstr(fake_console, "firmware differs: /memory: firmware none, board hypervisor 'memory'"));

    fake_reset();
    assert_false(check(FDTB_NO_CPU_LAST));
    snprintf(want, sizeof(want), "firmware differs: /cpus: firmware %u CPUs, board CPU %u MPIDR 0x%llx missing",
             (unsigned)(CFG_NUM_CPUS - 1u), (unsigned)(CFG_NUM_CPUS - 1u),
             (unsigned long long)cfg_cpus[CFG_NUM_CPUS - 1u].mpidr);
    assert_non_null(strstr(fake_console, want));

    fake_reset();
    assert_false(check(FDTB_GICV2));
    assert_non_null(strstr(fake_console, "firmware differs: GIC: firmware has no arm,gic-v3 node"));

    fake_reset();
    assert_false(check(FDTB_GICD_MOVED));
    snprintf(want, sizeof(want), "firmware differs: GICD: firmware 0x%llx, board 0x%llx",
             (unsigned long long)(cfg_hyp.gicd_pa + 0x100000u), (unsigned long long)cfg_hyp.gicd_pa);
    assert_non_null(strstr(fake_console, want));
    assert_null(strstr(fake_console, "GICR"));

    fake_reset();
    assert_false(check(FDTB_GICR_MOVED));
    snprintf(want, sizeof(want), "firmware differs: GICR: firmware 0x%llx, board 0x%llx",
             (unsigned long long)(cfg_hyp.gicr_pa + 0x100000u), (unsigned long long)cfg_hyp.gicr_pa);
    assert_non_null(strstr(fake_console, want));
    assert_null(strstr(fake_console, "GICD"));

    fake_reset();
    assert_false(check(FDTB_NO_UART));
    assert_non_null(strstr(fake_console, "firmware differs: console UART: firmware none at"));

    fake_reset();
    assert_false(check(FDTB_PSCI_OTHER));
    assert_non_null(strstr(fake_console, (cfg_hyp.psci_smc != 0u) ? "/psci method: firmware hvc, board smc"
                                                                   : "/psci method: firmware smc, board hvc"));
    fake_reset();
    assert_false(check(FDTB_NO_PSCI));
    assert_non_null(strstr(fake_console, "/psci method: firmware none"));

    fake_reset();
    assert_false(check(FDTB_RESERVED_HYP));
    snprintf(want, sizeof(want), "firmware differs: /reserved-memory: firmware [0x%llx..0x%llx), board hypervisor",
             (unsigned long long)(cfg_hyp.base + 0x1000u), (unsigned long long)(cfg_hyp.base + 0x2000u));
    assert_non_null(strstr(fake_console, want));

    fake_reset();
    assert_false(check(FDTB_MEMRESERVE));
    assert_non_null(strstr(fake_console, "firmware differs: /reserved-memory"));

    /* Several differences: one line each. */
    fake_reset();
    assert_false(check(FDTB_GICD_MOVED | FDTB_GICR_MOVED | FDTB_NO_UART));
    assert_non_null(strstr(fake_console, "GICD: firmware"));
    assert_non_null(strstr(fake_console, "GICR: firmware"));
    assert_non_null(strstr(fake_console, "console UART"));
}

/* One past the highest configured byte (hypervisor, regions, channels). */
static uint64_t top_of_configured(void)
{
    uint64_t top = cfg_hyp.base + cfg_hyp.size;
    uint32_t i;

    for (i = 0u; i < CFG_NUM_REGIONS; i++) {
        top = (cfg_regions[i].pa + cfg_regions[i].size > top) ? cfg_regions[i].pa + cfg_regions[i].size : top;
    }
    for (i = 0u; i < CFG_NUM_CHANNELS; i++) {
        top = (cfg_channels[i].pa + cfg_channels[i].size > top) ? cfg_channels[i].pa + cfg_channels[i].size : top;
    }
    return top;
}

/* @req SRS-BOOT-004 */
static void test_range_checks_at_their_edges(void **state)
{
    struct fdt_facts f;

    (void)state;
    memset(&f, 0, sizeof(f));
    f.num_memory = 2u;
    f.memory[0].base = cfg_hyp.ram_base;
    f.memory[0].size = 0x1000u;   /* too small for anything */
    f.memory[1].base = cfg_hyp.ram_base;
    f.memory[1].size = cfg_hyp.ram_size;
    f.num_reserved = 3u;
    f.reserved[0].base = top_of_configured();  /* touching the end: no overlap */
    f.reserved[0].size = 0x1000u;
    f.reserved[1].base = cfg_hyp.base - 0x1000u;       /* touching the start: no overlap */
    f.reserved[1].size = 0x1000u;
    f.reserved[2].base = 0u;                            /* empty: never overlaps */
    f.reserved[2].size = 0u;
    f.num_cpus = CFG_NUM_CPUS;
    for (uint32_t i = 0u; i < CFG_NUM_CPUS; i++) {
        f.cpu_mpidr[i] = cfg_cpus[i].mpidr;
    }
    f.gicv3 = 1u;
    f.gicd = cfg_hyp.gicd_pa;
    f.gicr = cfg_hyp.gicr_pa;
    f.uart_found = 1u;
    f.psci = (cfg_hyp.psci_smc != 0u) ? FDT_PSCI_SMC : FDT_PSCI_HVC;
    assert_true(fwcheck_board(&f));
    /* One byte of overlap at either end is a difference. */
    f.reserved[0].base -= 1u;
    assert_false(fwcheck_board(&f));
    f.reserved[0].base += 1u;
    f.reserved[1].base += 1u;
    assert_false(fwcheck_board(&f));
    f.reserved[1].base -= 1u;
    /* A bank below the hypervisor that wraps is not a cover. */
    f.memory[1].base = cfg_hyp.base + 0x1000u;
    f.memory[1].size = UINT64_MAX;
    assert_false(fwcheck_board(&f));
    /* More banks than stored: the stored ones are used. */
    f.memory[1].base = cfg_hyp.ram_base;
    f.memory[1].size = cfg_hyp.ram_size;
    f.num_memory = FDT_MAX_BANKS + 3u;
    assert_true(fwcheck_board(&f));
}

/* @req SRS-BOOT-003 */
static void test_unreadable_or_absent_dtb_is_reported_and_trusted(void **state)
{
    (void)state;
    assert_true(fwcheck_dtb(0u, blob, 0u));
    assert_non_null(strstr(fake_console, "no firmware DTB (x0 = 0); board description trusted"));
    fake_reset();
    assert_true(fwcheck_dtb(0x1000u, blob, 0u));
    assert_non_null(strstr(fake_console, "firmware DTB at 0x1000 is outside board RAM; board description trusted"));
    fake_reset();
    assert_true(fwcheck_dtb(0x48000000u, blob, 12u));
    assert_non_null(strstr(fake_console, "firmware DTB at 0x48000000 unreadable (shorter than its header)"));
    fake_reset();
    blob[0] = 0u;
    assert_true(fwcheck_dtb(0x48000000u, blob, blob_len));
    assert_non_null(strstr(fake_console, "unreadable (bad magic); board description trusted"));
    fake_reset();
    blob[0] = 0xd0u;
    assert_true(fwcheck_dtb(0x48000000u, blob, blob_len - 1u));
    assert_non_null(strstr(fake_console, "unreadable (larger than the 64 KiB the hypervisor reads)"));
    fake_reset();
    fdtb_put32(&blob[get32(8u)], 5u);  /* first token corrupt */
    assert_true(fwcheck_dtb(0x48000000u, blob, blob_len));
    assert_non_null(strstr(fake_console, "unreadable (corrupt structure block)"));
}

/* A property of n big-endian cells. */
static void cells(struct fdtb *b, const char *name, const uint32_t *c, uint32_t n)
{
    uint8_t x[64];
    uint32_t i;

    for (i = 0u; i < n; i++) {
        fdtb_put32(&x[4u * i], c[i]);
    }
    fdtb_prop(b, name, x, 4u * n);
}

static struct fdtb odd;

/* @req SRS-BOOT-003 */
static void test_cells_status_strings_and_gic_are_read_as_the_spec_says(void **state)
{
    static const uint32_t one[] = {1u};
    static const uint32_t zero[] = {0u};
    static const uint32_t three[] = {3u};
    static const uint32_t two_cells[] = {1u, 2u};
    static const uint32_t mem[] = {0x40000000u, 0x1000u};
    static const uint32_t uart[] = {0x9000000u, 0x1000u};
    static const uint32_t gic_short[] = {0x8000000u, 0x10000u};
    static const uint32_t gic[] = {0x8000000u, 0x10000u, 0x80a0000u, 0xf60000u};
    static const uint32_t gic_other[] = {0x1000u, 0x1000u, 0x2000u, 0x2000u};
    static const uint32_t sub_mem[] = {0x50000000u};
    static const uint32_t cpu1[] = {1u};
    static const uint32_t cpu2[] = {2u};
    static const uint32_t big[] = {1u, 2u, 3u, 4u};
    struct fdt f;
    struct fdt_facts facts;

    (void)state;
    memset(&odd, 0, sizeof(odd));
    odd.rsv[0][0] = 0u; /* a /memreserve/ at address 0 is an entry, not the terminator */
    odd.rsv[0][1] = 0x1000u;
    odd.num_rsv = 1u;
    fdtb_begin(&odd, "");
    cells(&odd, "#address-cells", one, 1u);
    cells(&odd, "#size-cells", one, 1u);
    /* Cells properties of the wrong length are ignored (2.3.5: one u32). */
    cells(&odd, "#address-cells", two_cells, 2u);
    cells(&odd, "#size-cells", two_cells, 2u);
    /* A name that only begins with a known one is another property. */
    cells(&odd, "regx", uart, 2u);
    fdtb_begin(&odd, "memory@40000000");
    cells(&odd, "reg", mem, 2u);
    fdtb_end(&odd);
    fdtb_begin(&odd, "psci");
    fdtb_str(&odd, "method", "hvc");
    fdtb_end(&odd);
    /* "method" outside /psci says nothing about PSCI. */
    fdtb_begin(&odd, "firmware");
    fdtb_str(&odd, "method", "smc");
    fdtb_str(&odd, "status", "okay");
    fdtb_end(&odd);
    /* status "ok" is as good as "okay". */
    fdtb_begin(&odd, "pl011@9000000");
    cells(&odd, "reg", uart, 2u);
    fdtb_str(&odd, "status", "ok");
    fdtb_end(&odd);
    /* "okay" without its NUL is not "okay": disabled. */
    fdtb_begin(&odd, "pl011@a000000");
    fdtb_prop(&odd, "status", "okay", 4u);
    cells(&odd, "reg", uart, 2u);
    fdtb_end(&odd);
    /* A GICv3 with one reg entry is no GIC; the first complete one counts, a later one not. */
    fdtb_begin(&odd, "intc@0");
    fdtb_str(&odd, "compatible", "arm,gic-v3");
    cells(&odd, "reg", gic_short, 2u);
    fdtb_end(&odd);
    fdtb_begin(&odd, "intc@8000000");
    fdtb_str(&odd, "compatible", "arm,gic-v3");
    cells(&odd, "reg", gic, 4u);
    fdtb_end(&odd);
    fdtb_begin(&odd, "intc@1000");
    fdtb_str(&odd, "compatible", "arm,gic-v3");
    cells(&odd, "reg", gic_other, 4u);
    fdtb_end(&odd);
    fdtb_begin(&odd, "cpus");
    cells(&odd, "#address-cells", one, 1u);
    cells(&odd, "#size-cells", zero, 1u);
    /* A cpu node without device_type "cpu" is not a CPU. */
    fdtb_begin(&odd, "cpu@0");
    cells(&odd, "reg", zero, 1u);
    fdtb_end(&odd);
    fdtb_begin(&odd, "cpu@1");
    fdtb_str(&odd, "device_type", "cpu");
    cells(&odd, "reg", cpu1, 1u);
    fdtb_end(&odd);
    /* "cpu" without its NUL, and a longer unterminated string: neither is "cpu". */
    fdtb_begin(&odd, "cpu@2");
    fdtb_prop(&odd, "device_type", "cpu", 3u);
    cells(&odd, "reg", cpu2, 1u);
    fdtb_end(&odd);
    fdtb_begin(&odd, "cpu@3");
    fdtb_prop(&odd, "device_type", "cpux", 4u);
    cells(&odd, "reg", cpu2, 1u);
    fdtb_end(&odd);
    /* Memory under a parent without size cells: a bank of size 0. */
    fdtb_begin(&odd, "bank");
    fdtb_str(&odd, "device_type", "memory");
    cells(&odd, "reg", sub_mem, 1u);
    fdtb_end(&odd);
    fdtb_end(&odd);
    /* Parents with 0 address cells or more than 2 size cells: their children's reg is not read. */
    fdtb_begin(&odd, "bus0");
    cells(&odd, "#address-cells", zero, 1u);
    fdtb_begin(&odd, "memory@1");
    fdtb_str(&odd, "device_type", "memory");
    cells(&odd, "reg", big, 4u);
    fdtb_end(&odd);
    fdtb_end(&odd);
    fdtb_begin(&odd, "bus3");
    cells(&odd, "#size-cells", three, 1u);
    fdtb_begin(&odd, "memory@2");
    fdtb_str(&odd, "device_type", "memory");
    cells(&odd, "reg", big, 4u);
    fdtb_end(&odd);
    fdtb_end(&odd);
    fdtb_end(&odd);
    blob_len = fdtb_finish(&odd, blob, sizeof(blob));
    assert_int_not_equal(blob_len, 0u);
    assert_int_equal(fdt_open(&f, blob, blob_len), FDT_OK);
    assert_int_equal(fdt_facts(&f, 0x9000000u, &facts), FDT_OK);
    assert_int_equal(facts.num_reserved, 1u);
    assert_int_equal(facts.reserved[0].base, 0u);
    assert_int_equal(facts.reserved[0].size, 0x1000u);
    assert_int_equal(facts.num_memory, 2u);
    assert_int_equal(facts.memory[0].base, 0x40000000u);
    assert_int_equal(facts.memory[0].size, 0x1000u);
    assert_int_equal(facts.memory[1].base, 0x50000000u);
    assert_int_equal(facts.memory[1].size, 0u);
    assert_int_equal(facts.psci, FDT_PSCI_HVC);
    assert_int_equal(facts.uart_found, 1u);
    assert_int_equal(facts.gicv3, 1u);
    assert_int_equal(facts.gicd, 0x8000000u);
    assert_int_equal(facts.gicr, 0x80a0000u);
    assert_int_equal(facts.num_cpus, 1u);
    assert_int_equal(facts.cpu_mpidr[0], 1u);
    /* No node has its first reg address at 0xa000000. */
    assert_int_equal(fdt_facts(&f, 0xa000000u, &facts), FDT_OK);
    assert_int_equal(facts.uart_found, 0u);
}

/* @req SRS-BOOT-003 */
static void test_blocks_cut_at_odd_sizes_are_refused(void **state)
{
    const uint32_t ok[] = {1u, 0u, 2u, 9u};
    const uint32_t name_at_end[] = {1u, 0x61000000u};
    const uint32_t value_at_end[] = {1u, 0u, 3u, 1u, 0u, 0x61000000u};
    const uint32_t prop[] = {1u, 0u, 3u, 0u, 0u, 2u, 9u};
    struct fdt f;
    struct fdt_facts facts;
    uint32_t len;

    (void)state;
    /* The reservation block starting at or after totalsize. */
    len = raw_struct(ok, 4u);
    fdtb_put32(&blob[16], (len + 7u) & ~7u);
    assert_int_equal(fdt_open(&f, blob, len), FDT_ERR_LAYOUT);
    /* A reservation block with less than one entry left before the buffer's end: no entries. */
    len = raw_struct(ok, 4u);
    fdtb_put32(&blob[16], (len - 8u) & ~7u);
    assert_int_equal(fdt_open(&f, blob, len), FDT_OK);
    assert_int_equal(fdt_facts(&f, 0u, &facts), FDT_OK);
    assert_int_equal(facts.num_reserved, 0u);
    /* A node name whose padding runs past a structure block of 6 bytes. */
    len = raw_struct(name_at_end, 2u);
    fdtb_put32(&blob[36], 6u);
    assert_int_equal(fdt_open(&f, blob, len), FDT_OK);
    assert_int_equal(fdt_facts(&f, 0u, &facts), FDT_ERR_STRUCT);
    /* A property value ending 1 byte before the end of a 22-byte structure block. */
    len = raw_struct(value_at_end, 6u);
    fdtb_put32(&blob[36], 22u);
    assert_int_equal(fdt_open(&f, blob, len), FDT_OK);
    assert_int_equal(fdt_facts(&f, 0u, &facts), FDT_ERR_STRUCT);
    /* A property name without its NUL inside the strings block. */
    len = raw_struct(prop, 7u);
    assert_int_equal(fdt_open(&f, blob, len), FDT_OK);
    assert_int_equal(fdt_facts(&f, 0u, &facts), FDT_OK);
    fdtb_put32(&blob[32], 3u);
    assert_int_equal(fdt_open(&f, blob, len), FDT_OK);
    assert_int_equal(fdt_facts(&f, 0u, &facts), FDT_ERR_STRUCT);
}

/* @req SRS-BOOT-003 */
static void test_shared_names_and_decoys_are_read_by_name(void **state)
{
    static struct fdtb b;
    struct fdt f;
    struct fdt_facts facts;
    uint8_t reg[16];
    uint8_t two_regs[24] = {0};
    uint8_t two[4];
    uint32_t reg_off;
    uint32_t ac_off;
    uint32_t pad_len;
    char pad[80];

    (void)state;
    memset(&b, 0, sizeof(b));
    fdtb_put32(two, 2u);
    fdtb_put32(&reg[0], 0u);
    fdtb_put32(&reg[4], 0x40000000u);
    fdtb_put32(&reg[8], 0x1000000u);
    fdtb_put32(&reg[12], 0u);
    fdtb_begin(&b, "");
    ac_off = b.str_len;
    fdtb_u32(&b, "#address-cells", 2u);
    fdtb_u32(&b, "#size-cells", 1u);
    fdtb_u32(&b, "#interrupt-cells", 3u);      /* '#', neither cells property */
    fdtb_str(&b, "model", "x");                 /* 'm', not method */
    fdtb_str(&b, "ranges", "");                 /* 'r', not reg */
    fdtb_str(&b, "clocks", "");                 /* 'c', not compatible */
    fdtb_str(&b, "dma-coherent", "");           /* 'd', not device_type */
    fdtb_str(&b, "stdout-path", "/x");          /* 's', not status */
    fdtb_str(&b, "interrupt-parent", "");       /* a first character the pass never reads */
    fdtb_prop_at(&b, ac_off, two, 4u);          /* #address-cells again, by its shared name: 2 */
    /* Depth-1 nodes whose first character is that of a node the pass reads, but not its name. */
    fdtb_begin(&b, "mmio@0");
    fdtb_prop(&b, "reg", two_regs, 24u);       /* two reg entries but no compatible: no GIC */
    fdtb_end(&b);
    fdtb_begin(&b, "rtc@0");
    fdtb_end(&b);
    fdtb_begin(&b, "clock");
    fdtb_end(&b);
    fdtb_begin(&b, "pl031@0");
    fdtb_end(&b);
    fdtb_begin(&b, "memory@40000000");
    fdtb_str(&b, "device_type", "memory");
    reg_off = b.str_len;
    fdtb_prop(&b, "reg", reg, 8u);              /* replaced below by the shared name */
    /* A name 64 bytes after "reg" takes its slot of the name cache; "reg" then comes back. */
    pad_len = 64u - 4u - 1u;
    memset(pad, 'p', pad_len);
    pad[pad_len] = '\0';
    fdtb_str(&b, pad, "");
    assert_int_equal(b.str_len, reg_off + 64u);
    fdtb_str(&b, "zzz", "");                    /* its name at reg_off + 64: the same slot as "reg" */
    fdtb_prop_at(&b, reg_off, reg, 12u);        /* reg again, after the collision: 2 + 1 cells */
    fdtb_end(&b);
    fdtb_begin(&b, "cpus");
    fdtb_u32(&b, "#address-cells", 1u);
    fdtb_u32(&b, "#size-cells", 0u);
    fdtb_begin(&b, "cpu-map");                  /* a child of /cpus that is not a cpu */
    fdtb_str(&b, "device_type", "cpu");
    fdtb_u32(&b, "reg", 7u);
    fdtb_end(&b);
    fdtb_begin(&b, "cpu@0");
    fdtb_str(&b, "device_type", "cpu");
    fdtb_u32(&b, "reg", 0u);
    fdtb_end(&b);
    fdtb_end(&b);
    fdtb_end(&b);
    blob_len = fdtb_finish(&b, blob, sizeof(blob));
    assert_int_equal(fdt_open(&f, blob, blob_len), FDT_OK);
    assert_int_equal(fdt_facts(&f, 0x9000000u, &facts), FDT_OK);
    assert_int_equal(facts.num_memory, 1u);
    assert_int_equal(facts.memory[0].base, 0x40000000u);
    assert_int_equal(facts.memory[0].size, 0x1000000u);
    assert_int_equal(facts.num_cpus, 1u);
    assert_int_equal(facts.cpu_mpidr[0], 0u);
    assert_int_equal(facts.num_reserved, 0u);
    assert_int_equal(facts.psci, FDT_PSCI_NONE);
    assert_int_equal(facts.gicv3, 0u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_open_checks_every_header_field, setup),
        cmocka_unit_test_setup(test_open_reports_a_blob_larger_than_the_copy, setup),
        cmocka_unit_test_setup(test_tokens_of_a_small_tree, setup),
        cmocka_unit_test_setup(test_corrupt_structure_blocks_are_refused, setup),
        cmocka_unit_test_setup(test_tokens_ending_at_the_block_end, setup),
        cmocka_unit_test_setup(test_facts_reads_a_repeated_name_once_and_skips_nops, setup),
        cmocka_unit_test_setup(test_facts_of_the_board, setup),
        cmocka_unit_test_setup(test_shared_names_and_decoys_are_read_by_name, setup),
        cmocka_unit_test_setup(test_facts_count_beyond_their_tables_and_decode_cells, setup),
        cmocka_unit_test_setup(test_matching_firmware_passes, setup),
        cmocka_unit_test_setup(test_cpus_without_a_vcpu_may_be_missing, setup),
        cmocka_unit_test_setup(test_each_difference_is_named_with_both_values, setup),
        cmocka_unit_test_setup(test_range_checks_at_their_edges, setup),
        cmocka_unit_test_setup(test_unreadable_or_absent_dtb_is_reported_and_trusted, setup),
        cmocka_unit_test_setup(test_cells_status_strings_and_gic_are_read_as_the_spec_says, setup),
        cmocka_unit_test_setup(test_blocks_cut_at_odd_sizes_are_refused, setup),
    };

    return cmocka_run_group_tests_name("fdt", tests, NULL, NULL);
}
