/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of kernel/core/console.c with two CPUs at once: a CPU that polls
 * while another holds the UART (fake_tx_hook runs its poll in the middle of
 * the other's burst) asks for a turn instead of waiting, for its partition's
 * line or its own hypervisor line.
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

static void poll_on(uint32_t cpu)
{
    fake_cpu = cpu;
    console_poll();
    fake_cpu = 0u;
}

/* CPU 2 (beta's) polls while CPU 0 holds the UART. */
static void beta_cpu_polls(void)
{
    uint32_t me = fake_cpu;

    poll_on(2u);
    fake_cpu = me;
}

/* While CPU 0 holds the UART, CPU 2 prints a hypervisor line (beta's ring is empty). */
static void beta_cpu_prints(void)
{
    uint32_t me = fake_cpu;

    fake_cpu = 2u;
    console_hyp_printf("two");
    console_poll();
    fake_cpu = me;
}

/* While CPU 0 holds the UART, CPU 1 (no vCPU: only hypervisor lines) prints one. */
static void idle_cpu_prints(void)
{
    uint32_t me = fake_cpu;

    fake_cpu = 1u;
    console_hyp_printf("one");
    console_poll();
    fake_cpu = me;
}

/* @req SRS-CON-003 */
static void test_a_cpu_finding_the_uart_held_asks_a_turn_for_its_partitions_line(void **state)
{
    (void)state;
    assert_int_equal(cfg_vcpus[cfg_partitions[PART_BETA].first_vcpu].pcpu, 2u);
    put(PART_BETA, "b\n");
    put(PART_ALPHA, "alpha\n");
    fake_tx_hook = beta_cpu_polls;
    poll_on(0u);
    /* alpha's line went out whole; beta's CPU did not send, it got the next turn and the interrupt. */
    assert_string_equal(fake_console, "[alpha] alpha\r\n");
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 2u);
    assert_true(fake_tx_irq);
    fake_cpu = 2u;
    console_uart_irq();
    fake_cpu = 0u;
    assert_string_equal(fake_console, "[alpha] alpha\r\n[beta] b\r\n");
    assert_int_equal(fake_lock_depth, 0);
}

/*
 * CPU 0 sends alpha's line while hook runs on CPU 2 (beta: nothing queued) and gives it a
 * hypervisor line: alpha's line goes out whole, CPU 2 gets the turn with the transmit
 * interrupt, and its line follows when the interrupt comes.
 */
static void alpha_line_then_cpu2s_hypervisor_line(void (*hook)(void))
{
    put(PART_ALPHA, "alpha\n");
    fake_tx_hook = hook;
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] alpha\r\n");
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 2u);
    fake_cpu = 2u;
    console_uart_irq();
    fake_cpu = 0u;
    assert_string_equal(fake_console, "[alpha] alpha\r\n[septum] two\r\n");
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-CON-003 */
static void test_a_cpu_finding_the_uart_held_asks_a_turn_for_its_hypervisor_line(void **state)
{
    (void)state;
    alpha_line_then_cpu2s_hypervisor_line(beta_cpu_prints);
}

/* While CPU 0 holds the UART past the stall time, CPU 2 (beta, nothing queued) prints a hypervisor line and polls. */
static void beta_cpu_prints_after_a_stall(void)
{
    uint32_t me = fake_cpu;

    fake_cpu = 2u;
    console_hyp_printf("two");
    fake_counter += (arch_counter_hz() / 1000u) * (CONSOLE_STALL_MS + 1u);
    console_poll();
    fake_cpu = me;
}

/* @req SRS-CON-003 */
static void test_a_cpu_whose_partition_has_nothing_queued_asks_a_turn_for_its_hypervisor_line(void **state)
{
    (void)state;
    /* Past the stall time CPU 2 is not "behind" any more and tries the UART: held, so it asks again
     * for its hypervisor line (its partition's ring is empty), not for beta. */
    alpha_line_then_cpu2s_hypervisor_line(beta_cpu_prints_after_a_stall);
}

/* CPU 1, which runs alpha too (a schedule), polls while CPU 0 sends alpha's line: it asks a turn for alpha. */
static void second_alpha_cpu_polls(void)
{
    uint32_t me = fake_cpu;

    poll_on(1u);
    fake_cpu = me;
}

/* @req SRS-CON-003 */
static void test_a_turn_asked_for_a_line_another_cpu_sent_meanwhile_is_not_given(void **state)
{
    (void)state;
    console_cpu_runs(1u, PART_ALPHA);
    put(PART_ALPHA, "alpha\n");
    fake_tx_hook = second_alpha_cpu_polls;
    poll_on(0u);
    /* CPU 0 sent the line whole; alpha's wish (from CPU 1) found nothing queued at the line's end. */
    assert_string_equal(fake_console, "[alpha] alpha\r\n");
    assert_false(fake_tx_irq);
    poll_on(1u);
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] alpha\r\n");
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-CON-003 */
static void test_a_partition_with_the_turn_behind_its_own_cpus_unfinished_hypervisor_line_waits(void **state)
{
    (void)state;
    /* CPU 0's hypervisor line owns the UART, unfinished (the FIFO took 8 bytes). */
    fake_tx_room = 8u;
    console_hyp_printf("restart");
    assert_int_equal(fake_console_len, 8u);
    /* alpha's line on the same CPU takes the next turn, then waits for it on the next exits. */
    put(PART_ALPHA, "alpha\n");
    fake_tx_room = 0u;
    poll_on(0u);
    poll_on(0u);
    assert_int_equal(fake_console_len, 8u);
    fake_tx_room = FAKE_TX_UNLIMITED;
    poll_on(0u);
    poll_on(0u);
    assert_string_equal(fake_console, "[septum] restart\r\n[alpha] alpha\r\n");
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-CON-003 */
static void test_a_cpu_without_partition_finding_the_uart_held_asks_a_turn(void **state)
{
    (void)state;
    assert_int_equal(cfg_cpus[1].vcpu, CFG_NO_VCPU);
    put(PART_ALPHA, "alpha\n");
    fake_tx_hook = idle_cpu_prints;
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] alpha\r\n");
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 1u);
    fake_cpu = 1u;
    console_uart_irq();
    fake_cpu = 0u;
    assert_string_equal(fake_console, "[alpha] alpha\r\n[septum] one\r\n");
}

static bool sink(uint32_t p, int c)
{
    (void)p;
    (void)c;
    return true;
}

/* @req SRS-CON-004 */
static void test_an_echo_longer_than_the_burst_continues_on_the_next_exit(void **state)
{
    char line[51];

    (void)state;
    memset(line, 'e', 50u);
    line[50] = '\0';
    console_set_input(sink);
    console_input('l');
    put(PART_ALPHA, line);
    poll_on(0u);
    /* One burst: the prefix and the first 24 bytes; the rest on the next exit. */
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
    assert_memory_equal(fake_console, "[alpha] eeee", 12u);
    poll_on(0u);
    assert_int_equal(fake_console_len, 8u + 50u);
}

/* @req SRS-CON-004 */
static void test_an_echo_waits_for_a_burst_with_room_for_its_prefix(void **state)
{
    (void)state;
    console_set_input(sink);
    console_input('l');
    /* A whole line of 29 bytes on screen leaves 3 of the burst: too few for "[alpha] ". */
    put(PART_ALPHA, "0123456789012345678\n");
    put(PART_ALPHA, "typed");
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] 0123456789012345678\r\n");
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] 0123456789012345678\r\n[alpha] typed");
}

/* @req SRS-CON-004 */
static void test_an_echo_waits_while_another_writer_has_the_turn(void **state)
{
    char line[61];

    (void)state;
    memset(line, 'b', 60u);
    line[60] = '\0';
    put(PART_BETA, line);
    put(PART_BETA, "\n");
    poll_on(2u);
    /* beta's line is on the UART; the hypervisor on CPU 1 takes the next turn. */
    fake_cpu = 1u;
    console_hyp_printf("one");
    fake_cpu = 0u;
    poll_on(2u);
    poll_on(2u);
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 1u);
    /* alpha has the focus and an unfinished typed line: it is not shown before CPU 1's line. */
    console_set_input(sink);
    console_input('l');
    put(PART_ALPHA, "typed");
    poll_on(0u);
    assert_null(strstr(fake_console, "typed"));
    fake_cpu = 1u;
    console_uart_irq();
    fake_cpu = 0u;
    poll_on(0u);
    assert_non_null(strstr(fake_console, "[septum] one\r\n[alpha] typed"));
}

/* @req SRS-CON-003 */
static void test_a_hypervisor_line_that_takes_the_whole_burst_leaves_the_partitions_line_for_the_next_exit(void **state)
{
    char line[61];

    (void)state;
    memset(line, 'b', 60u);
    line[60] = '\0';
    put(PART_BETA, line);
    put(PART_BETA, "\n");
    poll_on(2u);
    /* beta's line is on the UART: CPU 0's hypervisor line (longer than a burst) waits for the next turn. */
    console_hyp_printf("0123456789012345678901234567890123456789");
    poll_on(2u);
    poll_on(2u);
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 0u);
    put(PART_ALPHA, "alpha\n");
    /* One exit of CPU 0: its hypervisor line first, the whole burst of it; alpha's line waits. */
    fake_console_len = 0u;
    memset(fake_console, 0, sizeof(fake_console));
    poll_on(0u);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
    assert_memory_equal(fake_console, "[septum] 0123456789012345678901", CONSOLE_TX_BURST - 1u);
    poll_on(0u);
    poll_on(0u);
    assert_string_equal(fake_console, "[septum] 0123456789012345678901234567890123456789\r\n[alpha] alpha\r\n");
}

/* Puts a 60-byte line of beta on the UART from CPU 2 (one burst sent, the line unfinished). */
static void beta_line_on_the_uart(void)
{
    char line[61];

    memset(line, 'b', 60u);
    line[60] = '\0';
    put(PART_BETA, line);
    put(PART_BETA, "\n");
    poll_on(2u);
}

/* @req SRS-CON-003 */
static void test_a_turn_not_taken_within_the_stall_time_is_passed_over(void **state)
{
    (void)state;
    beta_line_on_the_uart();
    fake_cpu = 1u;
    console_hyp_printf("one");
    fake_cpu = 0u;
    poll_on(2u);
    poll_on(2u);
    /* beta's line ended; the turn is CPU 1's, which does not take it. alpha waits ... */
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 1u);
    put(PART_ALPHA, "alpha\n");
    poll_on(0u);
    assert_null(strstr(fake_console, "[alpha]"));
    /* ... until the turn has gone unused for longer than the stall time. */
    fake_counter += (arch_counter_hz() / 1000u) * (CONSOLE_STALL_MS + 1u);
    poll_on(0u);
    assert_non_null(strstr(fake_console, "bb\r\n[alpha] alpha\r\n"));
}

/* While CPU 2 sends, CPU 0 (focus alpha, an unfinished typed line: echo work only) finds the UART held. */
static void alpha_cpu_polls_with_only_an_echo(void)
{
    uint32_t me = fake_cpu;

    poll_on(0u);
    fake_cpu = me;
}

/* @req SRS-CON-003 SRS-CON-004 */
static void test_a_writer_waiting_with_nothing_queued_is_passed_over_for_the_turn(void **state)
{
    (void)state;
    console_set_input(sink);
    console_input('l');
    put(PART_ALPHA, "typed");
    fake_tx_hook = alpha_cpu_polls_with_only_an_echo;
    beta_line_on_the_uart();
    poll_on(2u);
    poll_on(2u);
    /* beta's line ended; CPU 0 had asked for a turn for nothing queued: no turn, no transmit interrupt. */
    assert_non_null(strstr(fake_console, "bb\r\n"));
    assert_false(fake_tx_irq);
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 0u);
    /* The echo comes with CPU 0's next exit. */
    poll_on(0u);
    assert_non_null(strstr(fake_console, "bb\r\n[alpha] typed"));
}

/* @req SRS-CON-003 */
static void test_a_cut_with_room_for_half_its_line_end_finishes_on_the_next_exit(void **state)
{
    (void)state;
    beta_line_on_the_uart();
    put(PART_ALPHA, "alive\n");
    fake_counter += (arch_counter_hz() / 1000u) * (CONSOLE_STALL_MS + 1u);
    /* The stalled line is cut, but the FIFO takes only the "\r" of its "\r\n": alpha waits. */
    fake_tx_room = 1u;
    poll_on(0u);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST + 1u);
    assert_null(strstr(fake_console, "[alpha]"));
    fake_tx_room = FAKE_TX_UNLIMITED;
    poll_on(0u);
    assert_non_null(strstr(fake_console, "[alpha] alive\r\n"));
}

/* @req SRS-CON-003 */
static void test_a_full_fifo_at_a_lines_start_sends_nothing_and_the_next_exit_sends_it_whole(void **state)
{
    (void)state;
    put(PART_ALPHA, "abc\n");
    fake_tx_room = 0u;
    poll_on(0u);
    assert_int_equal(fake_console_len, 0u);
    assert_false(fake_tx_irq);
    fake_tx_room = FAKE_TX_UNLIMITED;
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] abc\r\n");
}

/* @req SRS-CON-004 */
static void test_a_focus_change_during_a_line_leaves_the_interrupt_with_the_line(void **state)
{
    (void)state;
    console_set_input(sink);
    beta_line_on_the_uart();
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 2u);
    assert_true(fake_tx_irq);
    console_input(CONSOLE_ESCAPE);
    console_input('n');
    assert_int_equal(console_focus_get(), PART_BETA);
    /* beta's line still owns the UART: its CPU keeps the transmit interrupt. */
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 2u);
    assert_true(fake_tx_irq);
}

/* A 60-byte line of alpha on the UART from CPU 0 (one burst sent, unfinished: its CPU has the transmit interrupt). */
static void alpha_line_on_the_uart(void)
{
    char line[61];

    memset(line, 'a', 60u);
    line[60] = '\0';
    put(PART_ALPHA, line);
    put(PART_ALPHA, "\n");
    poll_on(0u);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
    assert_true(fake_tx_irq);
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 0u);
}

static bool irq_seen_tx;
static uint32_t irq_seen_route;

/* CPU 1 takes a UART interrupt while CPU 0 holds the UART in its burst. */
static void idle_cpu_takes_the_uart_interrupt(void)
{
    uint32_t me = fake_cpu;

    fake_cpu = 1u;
    console_uart_irq();
    fake_cpu = me;
    irq_seen_tx = fake_tx_irq;
    irq_seen_route = fake_irq_route[cfg_hyp.console_intid];
}

/* @req SRS-CON-003 */
static void test_a_transmit_interrupt_on_a_cpu_finding_the_uart_held_leaves_the_line_alone(void **state)
{
    (void)state;
    alpha_line_on_the_uart();
    fake_tx_hook = idle_cpu_takes_the_uart_interrupt;
    poll_on(0u);
    /* CPU 1 has no line of its own, but CPU 0 is sending: CPU 1 did not hand the interrupt back. */
    assert_true(irq_seen_tx);
    assert_int_equal(irq_seen_route, 0u);
    poll_on(0u);
    assert_int_equal(fake_console_len, 8u + 60u + 2u);
    assert_memory_equal(&fake_console[fake_console_len - 3u], "a\r\n", 3u);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-CON-003 SRS-SCHED-006 */
static void test_a_transmit_interrupt_after_the_lines_window_ended_with_no_turn_goes_back_to_input(void **state)
{
    char line[60];

    (void)state;
    memset(line, 'g', sizeof(line));
    console_cpu_runs(0u, PART_GAMMA);
    console_part_write(PART_GAMMA, line, sizeof(line));
    put(PART_GAMMA, "\n");
    poll_on(0u);
    assert_true(fake_tx_irq);
    /* gamma's window ends mid-line; alpha (the focus) has nothing queued, so nobody has the turn. */
    console_cpu_runs(0u, PART_ALPHA);
    console_uart_irq();
    assert_false(fake_tx_irq);
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 0u);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST);
    /* gamma's next window finishes the line. */
    console_cpu_runs(0u, PART_GAMMA);
    poll_on(0u);
    poll_on(0u);
    assert_int_equal(fake_console_len, 8u + 60u + 2u);
    assert_memory_equal(&fake_console[fake_console_len - 3u], "g\r\n", 3u);
}

/* Between CPU 1's look at the UART and its lock, the stall time passes and CPU 0 cuts alpha's line for its own. */
static void cpu0_cuts_the_line_for_a_hypervisor_line(void)
{
    uint32_t me = fake_cpu;

    fake_counter += (arch_counter_hz() / 1000u) * (CONSOLE_STALL_MS + 1u);
    fake_tx_room = 8u;
    fake_cpu = 0u;
    console_hyp_printf("restart");
    fake_cpu = me;
}

/* @req SRS-CON-003 */
static void test_a_transmit_interrupt_finding_a_hypervisor_line_started_meanwhile_leaves_it_alone(void **state)
{
    (void)state;
    alpha_line_on_the_uart();
    fake_lock_try_hook = cpu0_cuts_the_line_for_a_hypervisor_line;
    fake_cpu = 1u;
    console_uart_irq();
    fake_cpu = 0u;
    /* CPU 0's hypervisor line owns the UART, unfinished: its transmit interrupt stays. */
    assert_null(fake_lock_try_hook);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST + 2u + 6u);
    assert_true(fake_tx_irq);
    assert_int_equal(fake_irq_route[cfg_hyp.console_intid], 0u);
    fake_tx_room = FAKE_TX_UNLIMITED;
    poll_on(0u);
    poll_on(0u);
    /* The cut line's rest is skipped: nothing of alpha follows the hypervisor line. */
    assert_memory_equal(&fake_console[CONSOLE_TX_BURST], "\r\n[septum] restart\r\n", 20u);
    assert_int_equal(fake_console_len, CONSOLE_TX_BURST + 20u);
    assert_int_equal(fake_lock_depth, 0);
}

/* While CPU 0 echoes alpha's typed line, its controller on CPU 2 restarts it: the unfinished line is dropped. */
static void controller_restarts_alpha(void)
{
    uint32_t me = fake_cpu;

    fake_cpu = 2u;
    assert_int_equal(console_part_discard(PART_ALPHA), 5u);
    console_hyp_printf("alpha restarted");
    fake_cpu = me;
}

/* @req SRS-CON-004 */
static void test_an_echo_of_a_line_dropped_by_a_restart_is_not_continued_with_the_new_line(void **state)
{
    (void)state;
    console_set_input(sink);
    console_input('l');
    put(PART_ALPHA, "hello");
    fake_tx_hook = controller_restarts_alpha;
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] hello");
    /* The restarted alpha begins a shorter line: the 5 bytes on screen are not its own. */
    put(PART_ALPHA, "ab");
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] hello");
    /* CPU 2's line erases the stale echo; then the new line is shown from its start. */
    poll_on(2u);
    poll_on(0u);
    assert_string_equal(fake_console, "[alpha] hello\r\x1b[K[septum] alpha restarted\r\n[alpha] ab");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_a_cpu_finding_the_uart_held_asks_a_turn_for_its_partitions_line, setup),
        cmocka_unit_test_setup(test_a_cpu_finding_the_uart_held_asks_a_turn_for_its_hypervisor_line, setup),
        cmocka_unit_test_setup(test_a_cpu_without_partition_finding_the_uart_held_asks_a_turn, setup),
        cmocka_unit_test_setup(test_a_cpu_whose_partition_has_nothing_queued_asks_a_turn_for_its_hypervisor_line, setup),
        cmocka_unit_test_setup(test_a_turn_asked_for_a_line_another_cpu_sent_meanwhile_is_not_given, setup),
        cmocka_unit_test_setup(test_a_partition_with_the_turn_behind_its_own_cpus_unfinished_hypervisor_line_waits, setup),
        cmocka_unit_test_setup(test_a_hypervisor_line_that_takes_the_whole_burst_leaves_the_partitions_line_for_the_next_exit, setup),
        cmocka_unit_test_setup(test_a_turn_not_taken_within_the_stall_time_is_passed_over, setup),
        cmocka_unit_test_setup(test_a_writer_waiting_with_nothing_queued_is_passed_over_for_the_turn, setup),
        cmocka_unit_test_setup(test_a_cut_with_room_for_half_its_line_end_finishes_on_the_next_exit, setup),
        cmocka_unit_test_setup(test_a_full_fifo_at_a_lines_start_sends_nothing_and_the_next_exit_sends_it_whole, setup),
        cmocka_unit_test_setup(test_a_focus_change_during_a_line_leaves_the_interrupt_with_the_line, setup),
        cmocka_unit_test_setup(test_an_echo_longer_than_the_burst_continues_on_the_next_exit, setup),
        cmocka_unit_test_setup(test_an_echo_waits_for_a_burst_with_room_for_its_prefix, setup),
        cmocka_unit_test_setup(test_an_echo_waits_while_another_writer_has_the_turn, setup),
        cmocka_unit_test_setup(test_a_transmit_interrupt_on_a_cpu_finding_the_uart_held_leaves_the_line_alone, setup),
        cmocka_unit_test_setup(test_a_transmit_interrupt_after_the_lines_window_ended_with_no_turn_goes_back_to_input, setup),
        cmocka_unit_test_setup(test_a_transmit_interrupt_finding_a_hypervisor_line_started_meanwhile_leaves_it_alone, setup),
        cmocka_unit_test_setup(test_an_echo_of_a_line_dropped_by_a_restart_is_not_continued_with_the_new_line, setup),
    };

    return cmocka_run_group_tests_name("cov_console", tests, NULL, NULL);
}
