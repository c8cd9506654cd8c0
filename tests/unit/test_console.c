/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of kernel/core/console.c: the line contract. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "console.h"
#include "fake_arch.h"

static int setup(void **state)
{
    (void)state;
    fake_reset();
    console_init();
    return 0;
}

static void put(uint32_t p, const char *s)
{
    console_part_write(p, s, strlen(s));
}

/* @req SRS-CON-001 */
static void test_line_gets_partition_prefix(void **state)
{
    (void)state;
    put(PART_ALPHA, "speed 42\r\n");
    assert_string_equal(fake_console, "[alpha] speed 42\r\n");
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-CON-001 */
static void test_partial_lines_of_two_partitions_never_interleave(void **state)
{
    (void)state;
    put(PART_ALPHA, "first ");
    put(PART_BETA, "other line\n");
    assert_string_equal(fake_console, "[beta] other line\r\n");
    put(PART_ALPHA, "half\n");
    assert_string_equal(fake_console, "[beta] other line\r\n[alpha] first half\r\n");
}

/* @req SRS-CON-001 */
static void test_long_line_is_split_at_the_limit(void **state)
{
    char line[CONSOLE_LINE_MAX + 5u];

    (void)state;
    memset(line, 'x', sizeof(line) - 1u);
    line[sizeof(line) - 1u] = '\0';
    put(PART_ALPHA, line);
    assert_int_equal(fake_console_len, 8u + CONSOLE_LINE_MAX + 2u);
    put(PART_ALPHA, "\n");
    assert_string_equal(&fake_console[8u + CONSOLE_LINE_MAX + 2u], "[alpha] xxxx\r\n");
}

/* @req SRS-CON-001 */
static void test_control_bytes_are_made_visible(void **state)
{
    (void)state;
    put(PART_BETA, "a\x1b[2Jb\tc\x7f\n");
    assert_string_equal(fake_console, "[beta] a.[2Jb\tc.\r\n");
}

/* @req SRS-CON-001 */
static void test_utf8_passes_through(void **state)
{
    (void)state;
    put(PART_BETA, "50 \xc2\xb0" "C\n");
    assert_string_equal(fake_console, "[beta] 50 \xc2\xb0" "C\r\n");
}

static void test_unknown_partition_is_ignored(void **state)
{
    (void)state;
    put(CFG_NUM_PARTITIONS, "ghost\n");
    assert_int_equal(fake_console_len, 0u);
}

/* @req SRS-CON-001 */
static void test_hypervisor_lines_have_septum_prefix(void **state)
{
    (void)state;
    console_hyp_printf("CPU %u up", 3u);
    assert_string_equal(fake_console, "[septum] CPU 3 up\r\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_line_gets_partition_prefix, setup),
        cmocka_unit_test_setup(test_partial_lines_of_two_partitions_never_interleave, setup),
        cmocka_unit_test_setup(test_long_line_is_split_at_the_limit, setup),
        cmocka_unit_test_setup(test_control_bytes_are_made_visible, setup),
        cmocka_unit_test_setup(test_utf8_passes_through, setup),
        cmocka_unit_test_setup(test_unknown_partition_is_ignored, setup),
        cmocka_unit_test_setup(test_hypervisor_lines_have_septum_prefix, setup),
    };

    return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
