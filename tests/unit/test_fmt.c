/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of kernel/lib/fmt.c and kernel/lib/string.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib.h"

/* fmt_vsnprintf without the compiler's format check, for deliberately odd formats. */
static size_t fmt_unchecked(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, f);
    n = fmt_vsnprintf(buf, size, f, ap);
    va_end(ap);
    return n;
}

static void test_conversions(void **state)
{
    char b[128];
    size_t n;

    (void)state;
    n = fmt_snprintf(b, sizeof(b), "%d %d %u %x %s %c %%", -42, 7, 4000000000u, 0xbeefu, "str", 'z');
    assert_string_equal(b, "-42 7 4000000000 beef str z %");
    assert_int_equal(n, 29u);
    fmt_snprintf(b, sizeof(b), "%ld %lu %lx %llx", -1L, 18446744073709551615UL, 0xfedcba9876543210UL,
                 0x1ULL);
    assert_string_equal(b, "-1 18446744073709551615 fedcba9876543210 1");
    fmt_unchecked(b, sizeof(b), "%s", (const char *)NULL);
    assert_string_equal(b, "(null)");
    fmt_snprintf(b, sizeof(b), "%p", (void *)0x1000);
    assert_string_equal(b, "0x1000");
}

static void test_width_and_padding(void **state)
{
    char b[64];

    (void)state;
    fmt_unchecked(b, sizeof(b), "[%08x][%5u][%03d][%-3d]", 0xabu, 42u, -7);
    /* '-' is not supported: it shows as an unknown conversion. */
    assert_string_equal(b, "[000000ab][   42][-07][%-3d]");
    fmt_snprintf(b, sizeof(b), "%016lx", 0x40200000UL);
    assert_string_equal(b, "0000000040200000");
}

static void test_unknown_conversion_and_trailing_percent(void **state)
{
    char b[32];

    (void)state;
    fmt_unchecked(b, sizeof(b), "a%qb");
    assert_string_equal(b, "a%qb");
    fmt_unchecked(b, sizeof(b), "end%");
    assert_string_equal(b, "end%");
}

static void test_truncation_keeps_nul_and_counts_stored(void **state)
{
    char b[6];
    size_t n;

    (void)state;
    n = fmt_snprintf(b, sizeof(b), "abcdefgh");
    assert_string_equal(b, "abcde");
    assert_int_equal(n, 5u);
    n = fmt_snprintf(b, 0u, "abc");
    assert_int_equal(n, 0u);
}

static void test_string_helpers(void **state)
{
    char a[8] = "abcdefg";
    char z[8];

    (void)state;
    assert_int_equal(strlen(a), 7u);
    memset(z, 'q', sizeof(z));
    assert_int_equal(z[7], 'q');
    memcpy(z, a, sizeof(a));
    assert_int_equal(memcmp(z, a, sizeof(a)), 0);
    z[3] = 'a';
    assert_int_equal(memcmp(z, a, sizeof(a)), -1);
    assert_int_equal(memcmp(a, z, sizeof(a)), 1);
}

/* memset by words: every offset and length around the 8-byte boundaries, guards untouched. */
static void test_memset_fills_exactly_the_range_at_any_alignment(void **state)
{
    static uint64_t buf[16];
    uint8_t *b = (uint8_t *)buf;
    uint32_t off;
    uint32_t len;
    uint32_t i;

    (void)state;
    for (off = 0u; off < 8u; off++) {
        for (len = 0u; len <= 104u; len++) {
            for (i = 0u; i < sizeof(buf); i++) {
                b[i] = 0x5au;
            }
            assert_ptr_equal(memset(&b[off + 1u], 0xc3, len), &b[off + 1u]);
            for (i = 0u; i < sizeof(buf); i++) {
                bool in = (i >= (off + 1u)) && (i < (off + 1u + len));

                assert_int_equal(b[i], in ? 0xc3u : 0x5au);
            }
        }
    }
}

/* memcpy: eight words per step, single words, bytes; and bytes throughout when misaligned.
 * Every length around the 8- and 64-byte steps lands exactly, guards untouched. */
static void test_memcpy_copies_exactly_the_range_aligned_and_not(void **state)
{
    static uint64_t src[16];
    static uint64_t dst[17];
    uint8_t *s = (uint8_t *)src;
    uint8_t *d = (uint8_t *)dst;
    uint32_t soff;
    uint32_t len;
    uint32_t i;

    (void)state;
    for (i = 0u; i < sizeof(src); i++) {
        s[i] = (uint8_t)(i * 7u + 1u);
    }
    for (soff = 0u; soff <= 8u; soff += 3u) {  /* 0: both aligned; 3: bytes; 6: bytes */
        for (len = 0u; len <= 104u; len++) {
            for (i = 0u; i < sizeof(dst); i++) {
                d[i] = 0x5au;
            }
            assert_ptr_equal(memcpy(&d[8u + soff], &s[soff], len), &d[8u + soff]);
            for (i = 0u; i < sizeof(dst); i++) {
                bool in = (i >= (8u + soff)) && (i < (8u + soff + len));

                assert_int_equal(d[i], in ? s[i - 8u] : 0x5au);
            }
        }
    }
}

/* The image checksum (kernel/lib/string.c; part.c compares a reloaded partition's images
 * with the digest tools/image-digest took of the same files at build time) sums whole words where the
 * buffer is aligned and bytes otherwise. On either path the value is repeatable and
 * depends on every byte, the length and the seed. */
static void test_checksum_aligned_and_misaligned_sees_every_byte(void **state)
{
    uint64_t wa[5];
    uint64_t wb[6];
    uint8_t *bufs[2] = { (uint8_t *)wa, (uint8_t *)wb + 3 };
    size_t i;
    size_t k;

    (void)state;
    for (k = 0u; k < 2u; k++) {
        uint8_t *b = bufs[k];
        uint64_t h;

        for (i = 0u; i < 20u; i++) {
            b[i] = (uint8_t)((i * 37u) + 1u);
        }
        h = lib_checksum(7u, b, 20u);
        assert_true(h == lib_checksum(7u, b, 20u));
        assert_true(h != lib_checksum(7u, b, 19u));
        assert_true(h != lib_checksum(8u, b, 20u));
        for (i = 0u; i < 20u; i++) {
            b[i] ^= 1u;
            assert_true(h != lib_checksum(7u, b, 20u));
            b[i] ^= 1u;
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_width_and_padding),
        cmocka_unit_test(test_unknown_conversion_and_trailing_percent),
        cmocka_unit_test(test_truncation_keeps_nul_and_counts_stored),
        cmocka_unit_test(test_string_helpers),
        cmocka_unit_test(test_memset_fills_exactly_the_range_at_any_alignment),
        cmocka_unit_test(test_memcpy_copies_exactly_the_range_aligned_and_not),
        cmocka_unit_test(test_checksum_aligned_and_misaligned_sees_every_byte),
    };

    return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
