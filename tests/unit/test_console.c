/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of kernel/core/console.c: the line contract. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "console.h"
#include "fake_arch.h"

/* A console sink: alpha and beta take input, bytes are counted. */
static uint32_t sink_bytes[CFG_NUM_PARTITIONS];

static int setup(void **state)
{
    (void)state;
    fake_reset();
    console_init();
    memset(sink_bytes, 0, sizeof(sink_bytes));
    return 0;
}

static void put(uint32_t p, const char *s)
{
    console_part_write(p, s, strlen(s));
}

static void put_n(uint32_t p, const char *s, size_t n)
{
    console_part_write(p, s, n);
}

/* One exit of CPU cpu. */
static void poll_on(uint32_t cpu)
{
    fake_cpu = cpu;
    console_poll();
    fake_cpu = 0u;
}


static bool sink(uint32_t p, int c)
{
    if (c >= 0) {
        sink_bytes[p]++;
    }
    return true;
}

/* @req SRS-CON-003 */
static void test_a_cpu_sends_only_its_own_partitions_lines(void **state)
{
    (void)state;
    put(PART_BETA, "beta line\n");
    /* Nothing is sent by the writer itself, nor by the CPU of another partition. */
    assert_int_equal(fake_console_len, 0u);
    poll_on(0u);
    poll_on(1u);
    assert_int_equal(fake_console_len, 0u);
    /* Either CPU of beta sends it. */
    poll_on(3u);
    assert_string_equal(fake_console, "[beta] beta line\r\n");
    assert_int_equal(fake_tx_per_cpu[3], 18u);
    assert_int_equal(fake_tx_per_cpu[0] + fake_tx_per_cpu[2], 0u);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-CON-003 SRS-IRQ-007 */
static void test_the_exit_fast_paths_see_queued_lines_and_leave_them_to_c(void **state)
{
    (void)state;
    /* console_init() told the arch where to look. */
    assert_non_null(fake_fast_console_queued);
    assert_non_null(fake_fast_console_typed);
    assert_int_equal(*fake_fast_console_queued, 0u);
    assert_false(*fake_fast_console_typed);
    put(PART_ALPHA, "alpha line\n");
    assert_int_not_equal(*fake_fast_console_queued, 0u);
    /* Sent by alpha's CPU at an exit that enters C: nothing waits any more. */
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] alpha line\r\n");
    assert_int_equal(*fake_fast_console_queued, 0u);
}

/* @req SRS-CON-003 */
static void test_each_exit_sends_at_most_a_burst_and_a_long_line_continues_on_its_tx_interrupt(void **state)
{
    char line[100];
    uint32_t polls;

    (void)state;
    memset(line, 'z', sizeof(line));
    put_n(PART_ALPHA, line, sizeof(line));
    put(PART_ALPHA, "\n");
    poll_on(0u);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
    /* Unfinished: the UART's transmit interrupt now comes to this CPU. */
    assert_true(fake_tx_irq);
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 0u);
    for (polls = 1u; (polls < 10u) && (fake_console_len < (8u + 100u + 2u)); polls++) {
        console_uart_irq();
    }
    assert_int_equal(polls, (8u + 100u + 2u + CONSOLE_TX_BURST - 1u) / CONSOLE_TX_BURST);
    assert_int_equal(fake_console_len, 8u + 100u + 2u);
    assert_true(fake_tx_acks > 0u);
    /* The line has ended: no more transmit interrupts. */
    assert_false(fake_tx_irq);
}

static uint32_t lock_tries;

static void count_lock_try(void)
{
    lock_tries++;
}

/* One exit of CPU cpu; true if it tried the UART lock. */
static bool poll_tries(uint32_t cpu)
{
    uint32_t before = lock_tries;

    fake_lock_try_hook = count_lock_try;
    poll_on(cpu);
    fake_lock_try_hook = NULL;
    return lock_tries != before;
}

/* @req SRS-CON-003 */
static void test_a_cpu_whose_lines_wait_for_their_turn_leaves_the_uart_alone(void **state)
{
    char line[60];

    (void)state;
    lock_tries = 0u;
    memset(line, 'a', sizeof(line));
    put_n(PART_ALPHA, line, sizeof(line));
    put(PART_ALPHA, "\n");
    /* Nobody on the UART: alpha's line starts, unfinished after a burst. */
    assert_true(poll_tries(0u));
    /* beta's first exit with a line asks for the next turn; its next ones wait for it. */
    put(PART_BETA, "b\n");
    assert_true(poll_tries(2u));
    assert_false(poll_tries(2u));
    assert_false(poll_tries(3u));
    /* A hypervisor line of beta's CPU asks too (the turn is beta's), then waits as well. */
    fake_cpu = 2u;
    fake_lock_try_hook = count_lock_try;
    console_hyp_printf("h");
    fake_lock_try_hook = NULL;
    fake_cpu = 0u;
    assert_int_equal(lock_tries, 3u);
    assert_false(poll_tries(2u));
    /* The CPU whose line is on the UART goes on with it. */
    assert_true(poll_tries(0u));
    assert_int_equal(fake_console_len, 2u * CONSOLE_TX_BURST);
    /* A line that stops progressing: the waiting CPU looks again and cuts it. */
    fake_counter += (arch_counter_hz() / 1000u) * (CONSOLE_STALL_MS + 1u);
    assert_true(poll_tries(2u));
    assert_string_equal(&fake_console[2u * CONSOLE_TX_BURST], "\r\n[beta] b\r\n");
}

/* @req SRS-CON-003 */
static void test_a_full_fifo_ends_the_burst_without_waiting(void **state)
{
    (void)state;
    put(PART_ALPHA, "abcdef\n");
    fake_tx_room = 3u;
    poll_on(0u);
    assert_string_equal(fake_console, "[al");
    /* No byte lost: the next exit with room continues. */
    fake_tx_room = FAKE_TX_UNLIMITED;
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] abcdef\r\n");
}

/* @req SRS-CON-001 */
/* @req SRS-CON-003 */
static void test_a_busy_uart_gives_the_next_turn_and_lines_stay_whole(void **state)
{
    char line[60];

    (void)state;
    memset(line, 'a', sizeof(line));
    put_n(PART_ALPHA, line, sizeof(line));
    put(PART_ALPHA, "\n");
    put(PART_ALPHA, "second\n");
    put(PART_BETA, "b\n");
    poll_on(0u);
    /* alpha's line is on the UART: beta waits, without waiting here, and takes the turn. */
    poll_on(2u);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
    poll_on(0u);
    poll_on(0u);
    /* alpha's first line ended; its second waits for beta's turn, whose CPU gets the interrupt. */
    assert_int_equal(fake_console_len, 8u + 60u + 2u);
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 2u);
    assert_true(fake_tx_irq);
    fake_cpu = 2u;
    console_uart_irq();
    fake_cpu = 0u;
    assert_string_equal(&fake_console[8u + 60u + 2u], "[beta] b\r\n");
    poll_on(0u);
    assert_string_equal(&fake_console[8u + 60u + 2u + 10u], "[alpha] second\r\n");
}

/* @req SRS-CON-003 */
static void test_writers_waiting_behind_a_taken_turn_get_theirs_in_order(void **state)
{
    char line[60];

    (void)state;
    memset(line, 'b', sizeof(line));
    put_n(PART_BETA, line, sizeof(line));
    put(PART_BETA, "\n");
    poll_on(2u);
    /* beta's line is on the UART; the hypervisor on CPU 1 takes the next turn, alpha waits behind it. */
    fake_cpu = 1u;
    console_hyp_printf("cpu1");
    fake_cpu = 0u;
    put(PART_ALPHA, "alpha\n");
    poll_on(0u);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
    poll_on(2u);
    poll_on(2u);
    /* beta's line ended: the turn goes to CPU 1 ... */
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 1u);
    poll_on(0u);
    assert_null(strstr(fake_console, "[alpha]"));
    fake_cpu = 1u;
    console_uart_irq();
    fake_cpu = 0u;
    assert_non_null(strstr(fake_console, "bb\r\n[septum] cpu1\r\n"));
    /* ... and then to alpha, whose CPU gets the transmit interrupt. */
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 0u);
    assert_true(fake_tx_irq);
    console_uart_irq();
    assert_non_null(strstr(fake_console, "[septum] cpu1\r\n[alpha] alpha\r\n"));
    assert_false(fake_tx_irq);
}

/* @req SRS-CON-003 */
static void test_a_stalled_line_is_cut_and_the_others_go_on(void **state)
{
    char line[60];

    (void)state;
    memset(line, 'a', sizeof(line));
    put_n(PART_BETA, line, sizeof(line));
    put(PART_BETA, "\nafter\n");
    put(PART_ALPHA, "alive\n");
    poll_on(2u);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
    /* beta's CPUs stop; within the stall time alpha waits, after it alpha cuts the line. */
    poll_on(0u);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
    fake_counter += (arch_counter_hz() / 1000u) * (CONSOLE_STALL_MS + 1u);
    poll_on(0u);
    assert_string_equal(&fake_console[CONSOLE_TX_BURST], "\r\n[alpha] alive\r\n");
    /* beta, back, skips the rest of its cut line and goes on with whole lines. */
    poll_on(2u);
    assert_string_equal(&fake_console[CONSOLE_TX_BURST + 2u + 15u], "[beta] after\r\n");
}

/*
 * The interference test: beta (the IVI) keeps its ring full and its CPU
 * busy at the UART; alpha (the cluster) prints one frame line. A slow UART
 * (115,200 Bd: 87 us a byte) charges time per byte sent. alpha's CPU sends
 * its own line and nothing else, and no exit of it costs more than a burst.
 */
/* @req SRS-CON-003 */
static void test_cluster_cpu_sends_only_its_line_while_the_ivi_ring_is_full(void **state)
{
    static const char frame[] = "frame 42 speed 88 km/h\n";
    uint64_t worst = 0u;
    uint32_t round;
    char *at;

    (void)state;
    fake_tx_byte_ticks = 5425u;
    for (round = 0u; console_dropped(PART_BETA) == 0u; round++) {
        put(PART_BETA, "flood flood flood flood flood flood flood flood\n");
    }
    assert_true(round > 40u);
    poll_on(2u);
    put(PART_ALPHA, frame);
    for (round = 0u; round < 200u; round++) {
        uint64_t t0 = fake_counter;

        poll_on(0u);
        if ((fake_counter - t0) > worst) {
            worst = fake_counter - t0;
        }
        poll_on(2u);
        put(PART_BETA, "flood flood flood flood flood flood flood flood\n");
    }
    /* Exactly alpha's own line left from alpha's CPU: "[alpha] " + text + "\r\n". */
    assert_int_equal(fake_tx_per_cpu[0], 8u + (sizeof(frame) - 2u) + 2u);
    assert_true(worst <= (CONSOLE_TX_BURST * fake_tx_byte_ticks));
    /* ... whole, between beta's whole lines. */
    at = strstr(fake_console, "[alpha] frame 42 speed 88 km/h\r\n");
    assert_non_null(at);
    assert_true((at == fake_console) || (at[-1] == '\n'));
    assert_true(fake_tx_per_cpu[2] > 1000u);
}

/* Poll beta's CPU until its ring is empty (bounded). */
static void drain_beta(void)
{
    uint32_t round;
    uint32_t before;

    for (round = 0u; round < 1000u; round++) {
        before = fake_console_len;
        poll_on(2u);
        if ((fake_console_len == before) && (round > 2u)) {
            break;
        }
    }
}

/*
 * Lines lost to a full ring leave a mark: the next line that fits is
 * preceded by "[name] ... N lines dropped"; a mark that does not fit with its
 * line is not queued either, and the count goes on.
 */
/* @req SRS-CON-003 */
static void test_lost_lines_leave_a_mark_before_the_next_line(void **state)
{
    static const char flood[] = "flood flood flood flood flood flood flood flood\n";
    uint32_t lost;
    char *at;

    (void)state;
    while (console_dropped(PART_BETA) < 3u) {
        put(PART_BETA, flood);
    }
    /* Still full: the next line and its mark do not fit, one more is lost. */
    put(PART_BETA, "x\n");
    lost = console_dropped(PART_BETA);
    assert_int_equal(lost, 4u);
    drain_beta();
    put(PART_BETA, "after the gap\n");
    put(PART_BETA, "and the next\n");
    drain_beta();
    at = strstr(fake_console, "[beta] ... 4 lines dropped\r\n[beta] after the gap\r\n[beta] and the next\r\n");
    assert_non_null(at);
    /* One mark only, and the total count is kept. */
    assert_null(strstr(at + 27, "lines dropped"));
    assert_int_equal(console_dropped(PART_BETA), lost);
}

/* @req SRS-CON-004 */
static void test_the_focus_echo_shows_as_typed_and_other_lines_stay_whole(void **state)
{
    (void)state;
    console_set_input(sink);
    put(PART_ALPHA, "~ # ");
    poll_on(0u);
    /* Nobody typed yet: an unfinished line stays in its buffer. */
    assert_int_equal(fake_console_len, 0u);
    console_input('l');
    assert_int_equal(sink_bytes[PART_ALPHA], 1u);
    put(PART_ALPHA, "l");
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] ~ # l");
    put(PART_BETA, "other\n");
    poll_on(2u);
    assert_string_equal(fake_console, "[alpha] ~ # l\r\x1b[K[beta] other\r\n");
    poll_on(0u);
    put(PART_ALPHA, "s");
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] ~ # l\r\x1b[K[beta] other\r\n[alpha] ~ # ls");
    put(PART_ALPHA, "\n");
    poll_on(0u);
    assert_string_equal(fake_console,
                        "[alpha] ~ # l\r\x1b[K[beta] other\r\n[alpha] ~ # ls\r\x1b[K[alpha] ~ # ls\r\n");
    /* beta has no focus: its unfinished line is not shown. */
    put(PART_BETA, "partial");
    poll_on(2u);
    assert_int_equal(strstr(fake_console, "partial"), NULL);
}

/* @req SRS-CON-004 */
static void test_focus_moves_the_console_interrupt_to_its_cpu(void **state)
{
    (void)state;
    console_set_input(sink);
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 0u);
    console_input(CONSOLE_ESCAPE);
    console_input('1');
    assert_int_equal(console_focus_get(), PART_BETA);
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 2u);
    fake_cpu = 2u;
    assert_true(console_irq_here());
    fake_cpu = 0u;
    assert_false(console_irq_here());
}

/* @req SRS-CON-003 */
static void test_a_transmit_interrupt_with_nothing_to_send_is_masked(void **state)
{
    char line[40];

    (void)state;
    memset(line, 'q', sizeof(line));
    put_n(PART_ALPHA, line, sizeof(line));
    put(PART_ALPHA, "\n");
    poll_on(0u);
    assert_true(fake_tx_irq);
    console_uart_irq();
    assert_false(fake_tx_irq);
    /* Another interrupt finds nothing, and leaves it masked. */
    console_uart_irq();
    assert_false(fake_tx_irq);
}

/* @req SRS-CON-001 */
static void test_a_hypervisor_line_goes_at_once_unless_a_line_is_on_the_uart(void **state)
{
    char line[60];

    (void)state;
    fake_cpu = 2u;
    console_hyp_printf("from CPU %u", 2u);
    fake_cpu = 0u;
    assert_string_equal(fake_console, "[septum] from CPU 2\r\n");
    memset(line, 'a', sizeof(line));
    put_n(PART_ALPHA, line, sizeof(line));
    put(PART_ALPHA, "\n");
    poll_on(0u);
    fake_cpu = 2u;
    console_hyp_printf("later");
    fake_cpu = 0u;
    assert_null(strstr(fake_console, "later"));
    fake_console_drain();
    assert_non_null(strstr(fake_console, "aa\r\n[septum] later\r\n"));
}

/* @req SRS-CON-001 */
static void test_emergency_text_ends_the_line_on_the_uart(void **state)
{
    (void)state;
    put(PART_ALPHA, "half a line that is long enough\n");
    poll_on(0u);
    console_emergency("[septum] stop");
    assert_non_null(strstr(fake_console, "\r\n[septum] stop\r\n"));
}

/* @req SRS-CON-001 */
static void test_line_gets_partition_prefix(void **state)
{
    (void)state;
    put(PART_ALPHA, "speed 42\r\n");
    fake_console_drain();
    assert_string_equal(fake_console, "[alpha] speed 42\r\n");
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-CON-001 */
static void test_partial_lines_of_two_partitions_never_interleave(void **state)
{
    (void)state;
    put(PART_ALPHA, "first ");
    put(PART_BETA, "other line\n");
    fake_console_drain();
    assert_string_equal(fake_console, "[beta] other line\r\n");
    put(PART_ALPHA, "half\n");
    fake_console_drain();
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
    fake_console_drain();
    assert_int_equal(fake_console_len, 8u + CONSOLE_LINE_MAX + 2u);
    put(PART_ALPHA, "\n");
    fake_console_drain();
    assert_string_equal(&fake_console[8u + CONSOLE_LINE_MAX + 2u], "[alpha] xxxx\r\n");
}

/* @req SRS-CON-001 */
static void test_control_bytes_esc_and_del_are_shown_escaped(void **state)
{
    (void)state;
    put(PART_BETA, "a\x1b[2Jb\tc\x7f\x01\n");
    fake_console_drain();
    assert_string_equal(fake_console, "[beta] a\\x1b[2Jb\tc\\x7f\\x01\r\n");
}

/* @req SRS-CON-001 */
static void test_bytes_above_0x7f_are_shown_escaped(void **state)
{
    (void)state;
    /* 0x9b is the 8-bit CSI: it must not reach the terminal as such. */
    put(PART_BETA, "50 \xc2\xb0" "C \x9b" "2J\n");
    fake_console_drain();
    assert_string_equal(fake_console, "[beta] 50 \\xc2\\xb0C \\x9b2J\r\n");
}

/* @req SRS-CON-001 */
static void test_vuart_bytes_one_at_a_time_make_the_same_lines(void **state)
{
    static const char text[] = "ok \x1b[2J\x7f\x80\tend\r\n";
    uint32_t i;

    (void)state;
    for (i = 0u; i < (sizeof(text) - 1u); i++) {
        console_part_putc(PART_ALPHA, text[i]);
    }
    /* A full line is finished before the byte that does not fit. */
    for (i = 0u; i < (CONSOLE_LINE_MAX + 1u); i++) {
        console_part_putc(PART_ALPHA, 'z');
    }
    console_part_putc(PART_ALPHA, '\n');
    console_part_putc(CFG_NUM_PARTITIONS, 'x');
    for (i = 0u; i < 20u; i++) {
        poll_on(0u);
    }
    assert_memory_equal(fake_console, "[alpha] ok \\x1b[2J\\x7f\\x80\tend\r\n[alpha] zzz", 39u);
    assert_int_equal(fake_console_len, 32u + (8u + CONSOLE_LINE_MAX + 2u) + (8u + 1u + 2u));
}

/* @req SRS-CON-001 */
static void test_an_escaped_byte_is_never_split_across_lines(void **state)
{
    char line[CONSOLE_LINE_MAX];

    (void)state;
    memset(line, 'y', sizeof(line));
    put_n(PART_ALPHA, line, CONSOLE_LINE_MAX - 2u);
    put(PART_ALPHA, "\x1b\n");
    fake_console_drain();
    /* The 4-byte escape did not fit in the 2 bytes left: it starts the next line. */
    assert_int_equal(fake_console_len, (8u + CONSOLE_LINE_MAX - 2u + 2u) + (8u + 4u + 2u));
    assert_string_equal(&fake_console[8u + CONSOLE_LINE_MAX], "[alpha] \\x1b\r\n");
}

static void test_unknown_partition_is_ignored(void **state)
{
    (void)state;
    put(CFG_NUM_PARTITIONS, "ghost\n");
    fake_console_drain();
    assert_int_equal(fake_console_len, 0u);
}

/* @req SRS-CON-001 */
static void test_hypervisor_lines_have_septum_prefix(void **state)
{
    (void)state;
    console_hyp_printf("CPU %u up", 3u);
    fake_console_drain();
    assert_string_equal(fake_console, "[septum] CPU 3 up\r\n");
}

/* A sink where gamma takes no input and alpha's input buffer is full. */
static bool sink_picky(uint32_t p, int c)
{
    if (p == PART_GAMMA) {
        return false;
    }
    if ((c >= 0) && (p == PART_ALPHA)) {
        return false;
    }
    if (c >= 0) {
        sink_bytes[p]++;
    }
    return true;
}

static void type(char a, char b)
{
    console_input(a);
    console_input(b);
}

/* @req SRS-CON-004 */
static void test_ctrl_t_n_and_tab_skip_partitions_without_input(void **state)
{
    (void)state;
    console_set_input(sink_picky);
    type(CONSOLE_ESCAPE, 'n');
    assert_int_equal(console_focus_get(), PART_BETA);
    fake_console_drain();
    assert_non_null(strstr(fake_console, "[septum] console: input goes to 'beta'"));
    /* gamma takes no input: the next after beta is alpha again. */
    type(CONSOLE_ESCAPE, '\t');
    assert_int_equal(console_focus_get(), PART_ALPHA);
}

/* @req SRS-CON-004 */
static void test_ctrl_t_digit_of_a_partition_without_input_keeps_the_focus(void **state)
{
    (void)state;
    console_set_input(sink_picky);
    type(CONSOLE_ESCAPE, '2');
    assert_int_equal(console_focus_get(), PART_ALPHA);
    type(CONSOLE_ESCAPE, '9');
    assert_int_equal(console_focus_get(), PART_ALPHA);
    fake_console_drain();
    assert_non_null(strstr(fake_console, "console: partition 2 does not take input; focus stays on 'alpha'"));
    assert_non_null(strstr(fake_console, "console: partition 9 does not take input; focus stays on 'alpha'"));
}

/* @req SRS-CON-004 */
static void test_without_an_input_sink_focus_stays_and_input_is_dropped(void **state)
{
    (void)state;
    type(CONSOLE_ESCAPE, '1');
    assert_int_equal(console_focus_get(), PART_ALPHA);
    /* Ctrl-T n finds nobody that takes input: the focus stays. */
    type(CONSOLE_ESCAPE, 'n');
    assert_int_equal(console_focus_get(), PART_ALPHA);
    console_input('x');
    type(CONSOLE_ESCAPE, '?');
    fake_console_drain();
    assert_non_null(strstr(fake_console, "console: 1 input bytes dropped"));
}

/* @req SRS-CON-004 */
static void test_ctrl_t_question_mark_shows_focus_and_drop_counts(void **state)
{
    (void)state;
    console_set_input(sink_picky);
    /* alpha's input is full: the byte is dropped and counted. */
    console_input('a');
    console_input('b');
    assert_int_equal(sink_bytes[PART_ALPHA], 0u);
    type(CONSOLE_ESCAPE, '1');
    console_input('c');
    assert_int_equal(sink_bytes[PART_BETA], 1u);
    /* Ctrl-T Ctrl-T gives beta a literal Ctrl-T. */
    type(CONSOLE_ESCAPE, CONSOLE_ESCAPE);
    assert_int_equal(sink_bytes[PART_BETA], 2u);
    type(CONSOLE_ESCAPE, '?');
    fake_console_drain();
    assert_non_null(strstr(fake_console, "[septum] console: focus 'beta'; Ctrl-T n next"));
    assert_non_null(strstr(fake_console, "[septum] console: 0 'alpha': 0 lines dropped\r\n"));
    assert_non_null(strstr(fake_console, "[septum] console: 1 'beta' (focus): 0 lines dropped\r\n"));
    assert_non_null(strstr(fake_console, "[septum] console: 2 'gamma': 0 lines dropped\r\n"));
    assert_non_null(strstr(fake_console, "[septum] console: 2 input bytes dropped\r\n"));
}

/* @req SRS-CON-004 */
static void test_ctrl_t_unknown_command_says_so_and_delivers_nothing(void **state)
{
    (void)state;
    console_set_input(sink);
    type(CONSOLE_ESCAPE, 'z');
    assert_int_equal(sink_bytes[PART_ALPHA], 0u);
    fake_console_drain();
    assert_non_null(strstr(fake_console, "console: unknown command after Ctrl-T; Ctrl-T ? for help"));
}

/* @req SRS-CON-001 */
static void test_a_cpu_outside_the_configuration_prints_and_polls_nothing(void **state)
{
    (void)state;
    put(PART_ALPHA, "x\n");
    fake_cpu = CFG_NUM_CPUS;
    console_hyp_printf("ghost");
    console_poll();
    fake_cpu = 0u;
    assert_int_equal(fake_console_len, 0u);
    fake_console_drain();
    assert_string_equal(fake_console, "[alpha] x\r\n");
    /* Drop counts exist for the writers only. */
    assert_int_equal(console_dropped(PART_ALPHA), 0u);
    assert_int_equal(console_dropped(0xffffffffu), 0u);
}

/* @req SRS-CON-001 */
static void test_a_composed_hypervisor_line_is_printed_as_printf_would_print_it(void **state)
{
    char text[CONSOLE_LINE_MAX + 40u];
    char want[CONSOLE_LINE_MAX + 60u];

    (void)state;
    /* A line the build composed goes as it is, like console_hyp_printf("%s", text). */
    console_hyp_line("2 partitions \xe2\x80\x94 ok", 19u);
    fake_console_drain();
    assert_string_equal(fake_console, "[septum] 2 partitions \xe2\x80\x94 ok\r\n");
    /* One longer than a line: cut where fmt_vsnprintf() into CONSOLE_LINE_MAX bytes cuts it. */
    memset(text, 'k', sizeof(text));
    fake_console_len = 0u;
    console_hyp_line(text, CONSOLE_LINE_MAX);
    fake_console_drain();
    text[CONSOLE_LINE_MAX - 1u] = '\0';
    (void)snprintf(want, sizeof(want), "[septum] %s\r\n", text);
    assert_string_equal(fake_console, want);
    /* Exactly the longest line fmt leaves: not cut. */
    fake_console_len = 0u;
    console_hyp_line(text, CONSOLE_LINE_MAX - 1u);
    fake_console_drain();
    assert_string_equal(fake_console, want);
    /* A CPU outside the configuration prints nothing. */
    fake_console_len = 0u;
    fake_cpu = CFG_NUM_CPUS;
    console_hyp_line("ghost", 5u);
    console_poll();
    fake_cpu = 0u;
    fake_console_drain();
    assert_int_equal(fake_console_len, 0u);
}

/* @req SRS-CON-001 */
static void test_hypervisor_text_keeps_utf8_but_escapes_control_bytes(void **state)
{
    (void)state;
    console_hyp_printf("a\x01" "b \xe2\x80\x94 c");
    fake_console_drain();
    assert_string_equal(fake_console, "[septum] a\\x01b \xe2\x80\x94 c\r\n");
    /* A tab stays a tab (the line is queued whole); DEL is escaped like a control byte. */
    fake_console_len = 0u;
    console_hyp_printf("t\tu");
    console_hyp_printf("d\x7f" "e");
    fake_console_drain();
    assert_string_equal(fake_console, "[septum] t\tu\r\n[septum] d\\x7fe\r\n");
    /* A command byte below '0' is no partition number. */
    console_input(CONSOLE_ESCAPE);
    console_input(' ');
    fake_console_drain();
    assert_non_null(strstr(fake_console, "console: unknown command after Ctrl-T"));
}

/* @req SRS-CON-004 */
static void test_the_echo_waits_for_the_lines_before_it(void **state)
{
    char line[40];

    (void)state;
    console_set_input(sink);
    console_input('l');
    /* A line longer than a burst, then the prompt being typed at. */
    memset(line, 'q', sizeof(line));
    put_n(PART_ALPHA, line, sizeof(line));
    put(PART_ALPHA, "\n~ # ");
    poll_on(0u);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
    console_uart_irq();
    assert_string_equal(fake_console, "[alpha] qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq\r\n[alpha] ~ # ");
}

/* @req SRS-CON-004 */
static void test_the_echo_waits_while_whole_lines_are_queued(void **state)
{
    char line[CONSOLE_TX_BURST - 10u];

    (void)state;
    console_set_input(sink);
    console_input('l');
    /* The first line fills the burst exactly; the second waits, and the echo after it. */
    memset(line, 'q', sizeof(line));
    put_n(PART_ALPHA, line, sizeof(line));
    put(PART_ALPHA, "\nb\n~ # ");
    poll_on(0u);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
    assert_null(strstr(fake_console, "~ #"));
    fake_console_drain();
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] qqqqqqqqqqqqqqqqqqqqqq\r\n[alpha] b\r\n[alpha] ~ # ");
}

/* @req SRS-SCHED-006 */
static void test_a_scheduled_cpu_sends_the_lines_of_the_partition_whose_window_it_is(void **state)
{
    (void)state;
    /* CPU 0 hosts alpha and gamma under a schedule; alpha's window first (the generated vCPU of CPU 0). */
    put(PART_GAMMA, "gamma line\n");
    poll_on(0u);
    assert_int_equal(fake_console_len, 0u);
    console_cpu_runs(0u, PART_GAMMA);
    put(PART_ALPHA, "alpha line\n");
    poll_on(0u);
    assert_string_equal(fake_console, "[gamma] gamma line\r\n");
    /* Idle time: nobody's lines leave; a CPU outside the configuration changes nothing. */
    console_cpu_runs(0u, CFG_NUM_PARTITIONS);
    console_cpu_runs(CFG_NUM_CPUS, PART_ALPHA);
    poll_on(0u);
    assert_string_equal(fake_console, "[gamma] gamma line\r\n");
    console_cpu_runs(0u, PART_ALPHA);
    poll_on(0u);
    assert_string_equal(fake_console, "[gamma] gamma line\r\n[alpha] alpha line\r\n");
}

/* @req SRS-SCHED-006 */
static void test_a_line_cut_by_its_window_end_waits_for_its_next_window_without_interrupts(void **state)
{
    char line[60];
    uint32_t i;

    (void)state;
    memset(line, 'g', sizeof(line));
    console_cpu_runs(0u, PART_GAMMA);
    put_n(PART_GAMMA, line, sizeof(line));
    put(PART_GAMMA, "\n");
    put(PART_ALPHA, "alpha\n");
    poll_on(0u);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
    assert_true(fake_tx_irq);
    /* gamma's window ends mid-line: in alpha's window the transmit interrupt is switched off, not repeated. */
    console_cpu_runs(0u, PART_ALPHA);
    console_uart_irq();
    assert_false(fake_tx_irq);
    for (i = 0u; i < 4u; i++) {
        poll_on(0u);
    }
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
    /* gamma's next window finishes its line; alpha's follows in alpha's window. */
    console_cpu_runs(0u, PART_GAMMA);
    poll_on(0u);
    assert_true(fake_tx_irq);
    console_uart_irq();
    assert_int_equal(fake_console_len, 8u + 60u + 2u);
    console_cpu_runs(0u, PART_ALPHA);
    console_uart_irq();
    poll_on(0u);
    assert_string_equal(&fake_console[8u + 60u + 2u], "[alpha] alpha\r\n");
}

/* @req SRS-SCHED-006 */
static void test_a_transmit_interrupt_outside_the_configuration_leaves_the_line_alone(void **state)
{
    char line[60];

    (void)state;
    memset(line, 'g', sizeof(line));
    console_cpu_runs(0u, PART_GAMMA);
    put_n(PART_GAMMA, line, sizeof(line));
    put(PART_GAMMA, "\n");
    poll_on(0u);
    assert_true(fake_tx_irq);
    /* Not a CPU of the configuration: it neither sends nor takes the line's interrupt away. */
    fake_cpu = CFG_NUM_CPUS;
    console_uart_irq();
    fake_cpu = 0u;
    assert_true(fake_tx_irq);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
}

/* @req SRS-SCHED-006 */
static void test_a_hypervisor_line_continues_whatever_window_it_is(void **state)
{
    char text[61];

    (void)state;
    memset(text, 'h', sizeof(text) - 1u);
    text[sizeof(text) - 1u] = '\0';
    /* CPU 0's own hypervisor line is cut by gamma's window start: it is no partition's, so it goes on. */
    fake_tx_room = 20u;
    console_hyp_printf("%s", text);
    fake_tx_room = FAKE_TX_UNLIMITED;
    assert_int_equal(fake_console_len, 20u);
    assert_true(fake_tx_irq);
    console_cpu_runs(0u, PART_GAMMA);
    fake_tx_room = 10u;
    console_uart_irq();
    assert_int_equal(fake_console_len, 30u);
    assert_true(fake_tx_irq);
    fake_tx_room = FAKE_TX_UNLIMITED;
    console_uart_irq();
    console_uart_irq();
    assert_int_equal(fake_console_len, 9u + 60u + 2u);
    assert_false(fake_tx_irq);
}

/* 40 lines of 102 bytes ("[alpha] " + 92 + "\r\n") leave alpha's ring: its head is then 16 bytes before its end. */
static void head_16_before_the_ring_end(void)
{
    char line[93];
    uint32_t i;
    uint32_t polls;

    memset(line, 'a', 92u);
    line[92] = '\n';
    for (i = 0u; i < 40u; i++) {
        put_n(PART_ALPHA, line, 93u);
        for (polls = 0u; (polls < 10u) && (fake_console_len < ((i + 1u) * 102u)); polls++) {
            poll_on(0u);
        }
    }
    assert_int_equal(fake_console_len, 4080u);
    fake_console_len = 0u;
}

/* @req SRS-CON-003 */
static void test_a_line_across_the_ring_end_leaves_whole_and_in_order(void **state)
{
    char line[150];
    char want[161];
    uint32_t i;
    uint32_t polls;

    (void)state;
    head_16_before_the_ring_end();
    for (i = 0u; i < 150u; i++) {
        line[i] = (char)('0' + (i % 10u));
    }
    put_n(PART_ALPHA, line, 150u);
    put(PART_ALPHA, "\n");
    /* The FIFO takes 10 bytes: the burst stops inside the ring's first piece and does not send its second. */
    fake_tx_room = 10u;
    poll_on(0u);
    assert_int_equal(fake_console_len, 10u);
    fake_tx_room = FAKE_TX_UNLIMITED;
    for (polls = 0u; (polls < 10u) && (fake_console_len < 160u); polls++) {
        poll_on(0u);
    }
    memcpy(want, "[alpha] ", 8u);
    memcpy(&want[8], line, 150u);
    memcpy(&want[158], "\r\n", 3u);
    assert_int_equal(fake_console_len, 160u);
    assert_memory_equal(fake_console, want, 160u);
    assert_int_equal(console_dropped(PART_ALPHA), 0u);
}

/* @req SRS-CON-003 */
static void test_a_line_ending_at_the_ring_end_leaves_alone_and_the_next_follows(void **state)
{
    uint32_t polls;

    (void)state;
    head_16_before_the_ring_end();
    /* "[alpha] tail16\r\n" is exactly those 16 bytes; the next line starts at the ring's start. */
    put(PART_ALPHA, "tail16\n");
    put(PART_ALPHA, "next\n");
    /* A full FIFO: nothing leaves and the line waits. */
    fake_tx_room = 0u;
    poll_on(0u);
    assert_int_equal(fake_console_len, 0u);
    fake_tx_room = FAKE_TX_UNLIMITED;
    /* One line per burst: the first ends at the ring's last byte, the next is not sent with it. */
    poll_on(0u);
    assert_int_equal(fake_console_len, 16u);
    assert_memory_equal(fake_console, "[alpha] tail16\r\n", 16u);
    for (polls = 0u; (polls < 10u) && (fake_console_len < 30u); polls++) {
        poll_on(0u);
    }
    assert_int_equal(fake_console_len, 30u);
    assert_memory_equal(&fake_console[16], "[alpha] next\r\n", 14u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_line_gets_partition_prefix, setup),
        cmocka_unit_test_setup(test_a_line_across_the_ring_end_leaves_whole_and_in_order, setup),
        cmocka_unit_test_setup(test_a_line_ending_at_the_ring_end_leaves_alone_and_the_next_follows, setup),
        cmocka_unit_test_setup(test_partial_lines_of_two_partitions_never_interleave, setup),
        cmocka_unit_test_setup(test_long_line_is_split_at_the_limit, setup),
        cmocka_unit_test_setup(test_control_bytes_esc_and_del_are_shown_escaped, setup),
        cmocka_unit_test_setup(test_bytes_above_0x7f_are_shown_escaped, setup),
        cmocka_unit_test_setup(test_vuart_bytes_one_at_a_time_make_the_same_lines, setup),
        cmocka_unit_test_setup(test_an_escaped_byte_is_never_split_across_lines, setup),
        cmocka_unit_test_setup(test_a_cpu_sends_only_its_own_partitions_lines, setup),
        cmocka_unit_test_setup(test_the_exit_fast_paths_see_queued_lines_and_leave_them_to_c, setup),
        cmocka_unit_test_setup(test_each_exit_sends_at_most_a_burst_and_a_long_line_continues_on_its_tx_interrupt, setup),
        cmocka_unit_test_setup(test_a_full_fifo_ends_the_burst_without_waiting, setup),
        cmocka_unit_test_setup(test_a_busy_uart_gives_the_next_turn_and_lines_stay_whole, setup),
        cmocka_unit_test_setup(test_writers_waiting_behind_a_taken_turn_get_theirs_in_order, setup),
        cmocka_unit_test_setup(test_a_stalled_line_is_cut_and_the_others_go_on, setup),
        cmocka_unit_test_setup(test_a_cpu_whose_lines_wait_for_their_turn_leaves_the_uart_alone, setup),
        cmocka_unit_test_setup(test_cluster_cpu_sends_only_its_line_while_the_ivi_ring_is_full, setup),
        cmocka_unit_test_setup(test_lost_lines_leave_a_mark_before_the_next_line, setup),
        cmocka_unit_test_setup(test_the_focus_echo_shows_as_typed_and_other_lines_stay_whole, setup),
        cmocka_unit_test_setup(test_focus_moves_the_console_interrupt_to_its_cpu, setup),
        cmocka_unit_test_setup(test_a_transmit_interrupt_with_nothing_to_send_is_masked, setup),
        cmocka_unit_test_setup(test_a_hypervisor_line_goes_at_once_unless_a_line_is_on_the_uart, setup),
        cmocka_unit_test_setup(test_emergency_text_ends_the_line_on_the_uart, setup),
        cmocka_unit_test_setup(test_unknown_partition_is_ignored, setup),
        cmocka_unit_test_setup(test_hypervisor_lines_have_septum_prefix, setup),
        cmocka_unit_test_setup(test_ctrl_t_n_and_tab_skip_partitions_without_input, setup),
        cmocka_unit_test_setup(test_ctrl_t_digit_of_a_partition_without_input_keeps_the_focus, setup),
        cmocka_unit_test_setup(test_without_an_input_sink_focus_stays_and_input_is_dropped, setup),
        cmocka_unit_test_setup(test_ctrl_t_question_mark_shows_focus_and_drop_counts, setup),
        cmocka_unit_test_setup(test_ctrl_t_unknown_command_says_so_and_delivers_nothing, setup),
        cmocka_unit_test_setup(test_a_cpu_outside_the_configuration_prints_and_polls_nothing, setup),
        cmocka_unit_test_setup(test_hypervisor_text_keeps_utf8_but_escapes_control_bytes, setup),
        cmocka_unit_test_setup(test_the_echo_waits_for_the_lines_before_it, setup),
        cmocka_unit_test_setup(test_the_echo_waits_while_whole_lines_are_queued, setup),
        cmocka_unit_test_setup(test_a_scheduled_cpu_sends_the_lines_of_the_partition_whose_window_it_is, setup),
        cmocka_unit_test_setup(test_a_line_cut_by_its_window_end_waits_for_its_next_window_without_interrupts, setup),
        cmocka_unit_test_setup(test_a_transmit_interrupt_outside_the_configuration_leaves_the_line_alone, setup),
        cmocka_unit_test_setup(test_a_hypervisor_line_continues_whatever_window_it_is, setup),
        cmocka_unit_test_setup(test_a_composed_hypervisor_line_is_printed_as_printf_would_print_it, setup),
    };

    return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
