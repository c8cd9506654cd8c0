/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of vdev/vuart.c: the emulated PL011 as amba-pl011 and bare-metal code use it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "console.h"
#include "fake_arch.h"
#include "vuart.h"

static struct vuart uart;

static int setup(void **state)
{
    (void)state;
    fake_reset();
    console_init();
    vuart_init(&uart, PART_ALPHA);
    return 0;
}

static bool acc(uint64_t offset, uint32_t size, bool write, uint64_t *value)
{
    struct mmio_access a = {.offset = offset, .size = size, .write = write, .value = write ? *value : 0xdeadbeefu};
    bool ok = vuart_mmio(&uart, &a);

    if (!write) {
        *value = a.value;
    }
    return ok;
}

static uint32_t rd(uint64_t offset)
{
    uint64_t v = 0u;

    assert_true(acc(offset, 4u, false, &v));
    return (uint32_t)v;
}

static uint32_t rd_sized(uint64_t offset, uint32_t size)
{
    uint64_t v = 0u;

    assert_true(acc(offset, size, false, &v));
    return (uint32_t)v;
}

static void wr(uint64_t offset, uint32_t value)
{
    uint64_t v = value;

    assert_true(acc(offset, 4u, true, &v));
}

static void wr_sized(uint64_t offset, uint32_t size, uint32_t value)
{
    uint64_t v = value;

    assert_true(acc(offset, size, true, &v));
}

static void push_n(uint32_t n)
{
    uint32_t i;

    for (i = 0u; i < n; i++) {
        assert_true(vuart_rx_push(&uart, (uint8_t)('a' + (i % 26u))));
    }
}

/* @req SRS-VUART-001 */
static void test_id_registers_identify_a_pl011_r1p5_primecell(void **state)
{
    static const uint32_t want[8] = {0x11u, 0x10u, 0x34u, 0x00u, 0x0du, 0xf0u, 0x05u, 0xb1u};
    uint32_t i;

    (void)state;
    for (i = 0u; i < 8u; i++) {
        assert_int_equal(rd(VUART_PERIPHID0 + 4u * i), want[i]);
    }
    /* Read-only: a write changes nothing and is counted. */
    wr(VUART_PERIPHID0, 0xffu);
    assert_int_equal(rd(VUART_PERIPHID0), 0x11u);
    assert_int_equal(uart.ignored, 1u);
    /* amba bus probe reads them with byte accesses too. */
    assert_int_equal(rd_sized(0xffcu, 1u), 0xb1u);
}

/* @req SRS-VUART-002 */
static void test_reset_state_shows_empty_fifos_and_cr_0x300(void **state)
{
    (void)state;
    assert_int_equal(rd(VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
    assert_int_equal(rd(VUART_CR), 0x300u);
    assert_int_equal(rd(VUART_IFLS), 0x12u);
    assert_int_equal(rd(VUART_IMSC), 0u);
    assert_int_equal(rd(VUART_RIS), 0u);
    assert_int_equal(rd(VUART_MIS), 0u);
    assert_int_equal(rd(VUART_RSR), 0u);
    assert_int_equal(rd(VUART_ILPR), 0u);
    assert_int_equal(rd(VUART_IBRD), 0u);
    assert_int_equal(rd(VUART_FBRD), 0u);
    assert_int_equal(rd(VUART_LCR_H), 0u);
    assert_int_equal(rd(VUART_DMACR), 0u);
    assert_false(vuart_irq_level(&uart));
    assert_int_equal(uart.partition, PART_ALPHA);
}

/* @req SRS-VUART-002 */
static void test_init_resets_a_used_uart_for_a_partition_restart(void **state)
{
    (void)state;
    push_n(5u);
    wr(VUART_IMSC, VUART_INT_ALL);
    wr(VUART_CR, 0xff87u);
    (void)vuart_rx_push(&uart, 'x');
    vuart_init(&uart, PART_BETA);
    assert_int_equal(uart.partition, PART_BETA);
    assert_int_equal(rd(VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
    assert_int_equal(rd(VUART_CR), 0x300u);
    assert_int_equal(rd(VUART_IMSC), 0u);
    assert_int_equal(uart.rx_drops, 0u);
    assert_false(vuart_irq_level(&uart));
}

/* vuart_init() clears every field but the rings' bytes: the old life's input is never read. */
/* @req SRS-VUART-002 */
static void test_init_leaves_no_byte_of_the_old_input_readable(void **state)
{
    (void)state;
    wr(VUART_CR, 0x301u);
    wr(VUART_DR, 'a');
    push_n(VUART_RX_FIFO_SIZE + 8u);  /* the FIFO full, 8 bytes in the input ring */
    assert_int_equal(uart.in_count, 8u);
    vuart_init(&uart, PART_ALPHA);
    assert_int_equal(uart.rx_count, 0u);
    assert_int_equal(uart.in_count, 0u);
    assert_int_equal(uart.rx_head, 0u);
    assert_int_equal(uart.in_head, 0u);
    assert_int_equal(uart.tx_bytes, 0u);
    assert_int_equal(rd(VUART_DR), 0u);
    assert_int_equal(rd(VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
    (void)vuart_rx_push(&uart, 'y');
    assert_int_equal(rd(VUART_DR), 'y');
    assert_int_equal(rd(VUART_DR), 0u);
}

/* @req SRS-VUART-003 */
static void test_dr_write_reaches_the_console_even_with_the_uart_disabled(void **state)
{
    (void)state;
    wr(VUART_CR, 0u);
    wr(VUART_DR, 'h');
    wr(VUART_DR, 0x169u); /* only bits 7:0 are data: 'i' */
    wr(VUART_DR, '\n');
    fake_console_drain();
    assert_string_equal(fake_console, "[alpha] hi\r\n");
    assert_int_equal(uart.tx_bytes, 3u);
    /* Transmission is instantaneous: the TX FIFO never fills or stays busy. */
    assert_int_equal(rd(VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
}

/* @req SRS-VUART-003 */
static void test_dr_write_of_an_enabled_uart_goes_out_under_the_partition_name(void **state)
{
    (void)state;
    vuart_init(&uart, PART_BETA);
    wr(VUART_CR, VUART_CR_UARTEN | VUART_CR_TXE | VUART_CR_RXE);
    wr_sized(VUART_DR, 1u, 'o');
    wr_sized(VUART_DR, 2u, 0xff6bu); /* halfword: low byte 'k' */
    wr(VUART_DR, '\n');
    fake_console_drain();
    assert_string_equal(fake_console, "[beta] ok\r\n");
    assert_int_equal(rd(VUART_FR) & (VUART_FR_TXFF | VUART_FR_BUSY), 0u);
}

/* @req SRS-VUART-004 */
static void test_loopback_sends_transmitted_bytes_to_the_receive_fifo(void **state)
{
    (void)state;
    wr(VUART_CR, VUART_CR_UARTEN | VUART_CR_TXE | VUART_CR_RXE | VUART_CR_LBE);
    wr(VUART_DR, 'L');
    fake_console_drain();
    assert_int_equal(fake_console_len, 0u);
    assert_int_equal(rd(VUART_FR) & VUART_FR_RXFE, 0u);
    assert_int_equal(rd(VUART_DR), 'L');
    assert_int_equal(rd(VUART_FR) & VUART_FR_RXFE, VUART_FR_RXFE);
    assert_int_equal(uart.tx_bytes, 1u);
}

/* vuart_tx_direct() on one access and, if it takes it, vuart_tx() as its caller does. */
static bool tx(uint64_t offset, uint32_t size, bool write, uint64_t value)
{
    struct mmio_access a = {.offset = offset, .size = size, .write = write, .value = value};

    if (!vuart_tx_direct(&uart, &a)) {
        return false;
    }
    vuart_tx(&uart, (uint8_t)(a.value & 0xffu));
    return true;
}

/* @req SRS-VUART-003 SRS-VUART-008 */
static void test_the_unlocked_path_takes_only_valid_dr_writes_outside_loopback(void **state)
{
    (void)state;
    /* A read, another register, a malformed size: left to vuart_mmio() (under the caller's lock). */
    assert_false(tx(VUART_DR, 4u, false, 'r'));
    assert_false(tx(VUART_IMSC, 4u, true, VUART_INT_TX));
    assert_false(tx(VUART_DR, 8u, true, 'w'));
    assert_false(tx(VUART_DR, 3u, true, 'w'));
    assert_false(tx(VUART_DR, 0u, true, 'w'));
    assert_int_equal(uart.imsc, 0u);
    assert_int_equal(uart.tx_bytes, 0u);
    /* Loopback needs the receive FIFO, so the lock: not taken here either. */
    wr(VUART_CR, VUART_CR_UARTEN | VUART_CR_TXE | VUART_CR_RXE | VUART_CR_LBE);
    assert_false(tx(VUART_DR, 4u, true, 'L'));
    assert_int_equal(uart.tx_bytes, 0u);
    assert_int_equal(rd(VUART_FR) & VUART_FR_RXFE, VUART_FR_RXFE);
    /* Outside loopback every valid size writes DR's low byte to the console. */
    wr(VUART_CR, VUART_CR_UARTEN | VUART_CR_TXE | VUART_CR_RXE);
    assert_true(tx(VUART_DR, 1u, true, 'o'));
    assert_true(tx(VUART_DR, 2u, true, 0x126bu));
    assert_true(tx(VUART_DR, 4u, true, '\n'));
    fake_console_drain();
    assert_string_equal(fake_console, "[alpha] ok\r\n");
    assert_int_equal(uart.tx_bytes, 3u);
    assert_int_equal(rd(VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
}

/* @req SRS-VUART-005 */
static void test_received_bytes_are_read_in_order_and_empty_reads_zero(void **state)
{
    (void)state;
    assert_true(vuart_rx_push(&uart, 'l'));
    assert_true(vuart_rx_push(&uart, 's'));
    assert_int_equal(rd(VUART_FR), VUART_FR_TXFE);
    assert_int_equal(rd_sized(VUART_DR, 2u), 'l');
    assert_int_equal(rd_sized(VUART_DR, 1u), 's');
    assert_int_equal(rd(VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
    assert_int_equal(rd(VUART_DR), 0u);
}

/* @req SRS-VUART-005 */
static void test_fifo_wraps_around_its_32_bytes(void **state)
{
    uint32_t i;

    (void)state;
    for (i = 0u; i < 100u; i++) {
        assert_true(vuart_rx_push(&uart, (uint8_t)i));
        assert_true(vuart_rx_push(&uart, (uint8_t)(i + 1u)));
        assert_int_equal(rd(VUART_DR), i);
        assert_int_equal(rd(VUART_DR), i + 1u);
    }
    assert_int_equal(uart.rx_count, 0u);
}

/* @req SRS-VUART-005 */
static void test_full_fifo_drops_counts_and_flags_overrun(void **state)
{
    (void)state;
    push_n(VUART_RX_FIFO_SIZE + VUART_INPUT_RING_SIZE);
    assert_int_equal(rd(VUART_FR), VUART_FR_TXFE | VUART_FR_RXFF);
    assert_false(vuart_rx_push(&uart, '!'));
    assert_false(vuart_rx_push(&uart, '!'));
    assert_int_equal(uart.rx_drops, 2u);
    assert_int_equal(rd(VUART_RSR), VUART_RSR_OE);
    assert_int_equal(rd(VUART_RIS) & VUART_INT_OE, VUART_INT_OE);
    /* The overrun interrupt reaches the line only when unmasked. */
    wr(VUART_IMSC, VUART_INT_OE);
    assert_int_equal(rd(VUART_MIS), VUART_INT_OE);
    assert_true(vuart_irq_level(&uart));
    /* ECR (any value) clears RSR; ICR clears the interrupt. */
    wr(VUART_RSR, 0u);
    assert_int_equal(rd(VUART_RSR), 0u);
    assert_int_equal(rd(VUART_RIS) & VUART_INT_OE, VUART_INT_OE);
    wr(VUART_ICR, VUART_INT_OE);
    assert_int_equal(rd(VUART_RIS) & VUART_INT_OE, 0u);
    assert_false(vuart_irq_level(&uart));
    /* The bytes that fitted are intact. */
    assert_int_equal(rd(VUART_DR), 'a');
}

/* @req SRS-VUART-005 */
static void test_pasted_input_waits_behind_the_fifo_and_arrives_whole(void **state)
{
    uint32_t i;

    (void)state;
    /* 400 bytes, more than 12 FIFOs: nothing is lost, order is kept. */
    push_n(400u);
    assert_int_equal(uart.rx_count, VUART_RX_FIFO_SIZE);
    assert_int_equal(uart.rx_drops, 0u);
    for (i = 0u; i < 400u; i++) {
        assert_int_equal(rd(VUART_DR), 'a' + (i % 26u));
    }
    assert_int_equal(rd(VUART_FR) & VUART_FR_RXFE, VUART_FR_RXFE);
    /* With the ring drained, new bytes go to the FIFO again. */
    assert_true(vuart_rx_push(&uart, 'z'));
    assert_int_equal(uart.rx_count, 1u);
    assert_int_equal(uart.in_count, 0u);
}

/* @req SRS-VUART-006 */
static void test_rx_interrupt_follows_the_ifls_trigger_level(void **state)
{
    static const uint32_t level[8] = {4u, 8u, 16u, 24u, 28u, 16u, 16u, 16u};
    uint32_t sel;

    (void)state;
    for (sel = 0u; sel < 8u; sel++) {
        vuart_init(&uart, PART_ALPHA);
        wr(VUART_LCR_H, VUART_LCR_H_FEN);
        wr(VUART_IFLS, sel << 3);
        push_n(level[sel] - 1u);
        assert_int_equal(vuart_ris(&uart) & VUART_INT_RX, 0u);
        push_n(1u);
        assert_int_equal(vuart_ris(&uart) & VUART_INT_RX, VUART_INT_RX);
    }
}

/* @req SRS-VUART-006 */
static void test_rx_interrupt_at_one_byte_without_fifo(void **state)
{
    (void)state;
    wr(VUART_LCR_H, 0u);
    assert_int_equal(vuart_ris(&uart) & VUART_INT_RX, 0u);
    push_n(1u);
    assert_int_equal(vuart_ris(&uart) & (VUART_INT_RX | VUART_INT_RT), VUART_INT_RX | VUART_INT_RT);
}

/* @req SRS-VUART-006 */
static void test_receive_timeout_is_raised_while_bytes_wait_below_the_trigger(void **state)
{
    (void)state;
    wr(VUART_LCR_H, VUART_LCR_H_FEN);
    wr(VUART_IMSC, VUART_INT_RT | VUART_INT_RX);
    assert_false(vuart_irq_level(&uart));
    push_n(1u);
    assert_int_equal(rd(VUART_RIS), VUART_INT_RT);
    assert_int_equal(rd(VUART_MIS), VUART_INT_RT);
    assert_true(vuart_irq_level(&uart));
    /* ICR cannot clear a condition that still holds; draining the FIFO does. */
    wr(VUART_ICR, VUART_INT_ALL);
    assert_true(vuart_irq_level(&uart));
    (void)rd(VUART_DR);
    assert_false(vuart_irq_level(&uart));
}

/* @req SRS-VUART-006 */
static void test_tx_interrupt_is_raised_only_while_uarten_and_txe(void **state)
{
    (void)state;
    wr(VUART_IMSC, VUART_INT_TX);
    wr(VUART_CR, 0u);
    assert_false(vuart_irq_level(&uart));
    wr(VUART_CR, VUART_CR_UARTEN);
    assert_false(vuart_irq_level(&uart));
    wr(VUART_CR, VUART_CR_TXE);
    assert_false(vuart_irq_level(&uart));
    wr(VUART_CR, VUART_CR_UARTEN | VUART_CR_TXE);
    assert_int_equal(rd(VUART_RIS), VUART_INT_TX);
    assert_true(vuart_irq_level(&uart));
    /* The TX FIFO stays empty: ICR does not clear the level, masking does. */
    wr(VUART_ICR, VUART_INT_TX);
    assert_true(vuart_irq_level(&uart));
    wr(VUART_IMSC, 0u);
    assert_false(vuart_irq_level(&uart));
    assert_int_equal(rd(VUART_MIS), 0u);
}

/*
 * The sequence of Linux's amba-pl011 (6.1): probe, startup, a console line,
 * interrupt-driven receive of a typed command, interrupt-driven transmit.
 */
/* @req SRS-VUART-006 */
static void test_amba_pl011_driver_sequence(void **state)
{
    uint32_t im;
    uint32_t status;
    char got[8];
    uint32_t n = 0u;

    (void)state;
    /* pl011_hwinit: clear interrupts, mask all but RX/RT. */
    wr_sized(VUART_ICR, 2u, 0x7ffu);
    assert_int_equal(rd_sized(VUART_IMSC, 2u), 0u);
    wr_sized(VUART_IMSC, 2u, VUART_INT_RT | VUART_INT_RX);
    im = VUART_INT_RT | VUART_INT_RX;
    /* pl011_startup: IFLS RX4_8|TX4_8, enable, 8N1 with FIFO. */
    wr_sized(VUART_IFLS, 2u, 0x12u);
    wr_sized(VUART_CR, 2u, VUART_CR_UARTEN | VUART_CR_TXE | VUART_CR_RXE);
    wr_sized(VUART_IBRD, 2u, 13u);
    wr_sized(VUART_FBRD, 2u, 1u);
    wr_sized(VUART_LCR_H, 2u, 0x70u);
    assert_false(vuart_irq_level(&uart));
    /* A typed "ls\r": below the trigger, so the receive timeout interrupts. */
    assert_true(vuart_rx_push(&uart, 'l'));
    assert_true(vuart_rx_push(&uart, 's'));
    assert_true(vuart_rx_push(&uart, '\r'));
    assert_true(vuart_irq_level(&uart));
    /* pl011_int: status = RIS & im; pl011_fifo_to_tty reads until RXFE. */
    status = rd_sized(VUART_RIS, 2u) & im;
    assert_int_equal(status, VUART_INT_RT);
    wr_sized(VUART_ICR, 2u, status & ~(VUART_INT_TX | VUART_INT_RT | VUART_INT_RX));
    while ((rd_sized(VUART_FR, 2u) & VUART_FR_RXFE) == 0u) {
        got[n] = (char)rd_sized(VUART_DR, 2u);
        n++;
        assert_true(n < sizeof(got));
    }
    assert_memory_equal(got, "ls\r", 3u);
    assert_int_equal(n, 3u);
    assert_int_equal(rd_sized(VUART_RIS, 2u) & im, 0u);
    assert_false(vuart_irq_level(&uart));
    /* pl011_start_tx_pio: write while !TXFF (never full), so the whole buffer goes at once. */
    n = 0u;
    while (((rd_sized(VUART_FR, 2u) & VUART_FR_TXFF) == 0u) && (n < 3u)) {
        wr_sized(VUART_DR, 2u, (uint32_t)"ok\n"[n]);
        n++;
    }
    fake_console_drain();
    assert_string_equal(fake_console, "[alpha] ok\r\n");
    /* With TXIM unmasked the TX interrupt fires at once: the driver refills or masks it. */
    im |= VUART_INT_TX;
    wr_sized(VUART_IMSC, 2u, im);
    assert_true(vuart_irq_level(&uart));
    assert_int_equal(rd_sized(VUART_RIS, 2u) & im, VUART_INT_TX);
    im &= ~VUART_INT_TX;
    wr_sized(VUART_IMSC, 2u, im);
    assert_false(vuart_irq_level(&uart));
}

/* @req SRS-VUART-007 */
static void test_plain_registers_read_back_their_implemented_bits(void **state)
{
    static const struct {
        uint32_t offset;
        uint32_t mask;
    } regs[] = {
        {VUART_ILPR, 0xffu}, {VUART_IBRD, 0xffffu}, {VUART_FBRD, 0x3fu}, {VUART_LCR_H, 0xffu},
        {VUART_CR, 0xff87u}, {VUART_IFLS, 0x3fu},   {VUART_IMSC, 0x7ffu}, {VUART_DMACR, 0x7u},
    };
    uint32_t i;

    (void)state;
    for (i = 0u; i < sizeof(regs) / sizeof(regs[0]); i++) {
        wr(regs[i].offset, 0xffffffffu);
        assert_int_equal(rd(regs[i].offset), regs[i].mask);
        wr(regs[i].offset, 0u);
        assert_int_equal(rd(regs[i].offset), 0u);
    }
    assert_int_equal(uart.ignored, 0u);
}

/* @req SRS-VUART-007 */
static void test_sub_word_access_at_lane_0_reads_and_writes_low_bytes(void **state)
{
    (void)state;
    wr(VUART_IBRD, 0x1234u);
    assert_int_equal(rd_sized(VUART_IBRD, 1u), 0x34u);
    assert_int_equal(rd_sized(VUART_IBRD, 2u), 0x1234u);
    /* A byte write replaces bits 7:0 and keeps the rest. */
    wr_sized(VUART_IBRD, 1u, 0xabu);
    assert_int_equal(rd(VUART_IBRD), 0x12abu);
    wr_sized(VUART_CR, 1u, VUART_CR_UARTEN);
    assert_int_equal(rd(VUART_CR), 0x301u);
    /* FR as a byte (earlycon polls it so). */
    assert_int_equal(rd_sized(VUART_FR, 1u), VUART_FR_TXFE | VUART_FR_RXFE);
    /* A byte write to ICR clears only the bits it carries. */
    push_n(VUART_RX_FIFO_SIZE + VUART_INPUT_RING_SIZE);
    assert_false(vuart_rx_push(&uart, 0u));
    assert_int_equal(rd(VUART_RIS) & VUART_INT_OE, VUART_INT_OE);
    wr_sized(VUART_ICR, 1u, 0xffu);
    assert_int_equal(rd(VUART_RIS) & VUART_INT_OE, VUART_INT_OE);
    wr_sized(VUART_ICR, 2u, VUART_INT_OE);
    assert_int_equal(rd(VUART_RIS) & VUART_INT_OE, 0u);
}

/* @req SRS-VUART-008 */
static void test_malformed_accesses_are_rejected_without_effect(void **state)
{
    static const struct {
        uint64_t offset;
        uint32_t size;
    } bad[] = {
        {VUART_DR, 8u},   {VUART_DR, 3u},     {VUART_DR, 0u},          {VUART_WINDOW_SIZE, 4u},
        {0x10000u, 1u},   {VUART_CR + 2u, 4u}, {VUART_CR + 1u, 2u},    {~0ull, 1u},
    };
    struct vuart before;
    uint32_t i;
    uint64_t v;

    (void)state;
    push_n(2u);
    memcpy(&before, &uart, sizeof(before));
    for (i = 0u; i < sizeof(bad) / sizeof(bad[0]); i++) {
        v = 'z';
        assert_false(acc(bad[i].offset, bad[i].size, true, &v));
        assert_false(acc(bad[i].offset, bad[i].size, false, &v));
    }
    assert_memory_equal(&before, &uart, sizeof(uart));
    fake_console_drain();
    assert_int_equal(fake_console_len, 0u);
}

/* @req SRS-VUART-008 */
static void test_reserved_and_wrong_direction_accesses_are_ignored_and_counted(void **state)
{
    static const uint32_t reserved[] = {0x008u, 0x00cu, 0x010u, 0x014u, 0x01cu, 0x04cu, 0x080u, 0xfdcu};
    uint32_t i;
    uint32_t n = 0u;

    (void)state;
    for (i = 0u; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        wr(reserved[i], 0xffffffffu);
        assert_int_equal(rd(reserved[i]), 0u);
        n += 2u;
    }
    /* Read-only registers ignore writes. */
    wr(VUART_FR, 0u);
    wr(VUART_RIS, 0xffffffffu);
    wr(VUART_MIS, 0xffffffffu);
    n += 3u;
    /* ICR is write-only. */
    assert_int_equal(rd(VUART_ICR), 0u);
    n += 1u;
    /* Upper byte lanes: read as zero (no FIFO pop), writes dropped. */
    push_n(1u);
    assert_int_equal(rd_sized(VUART_DR + 1u, 1u), 0u);
    assert_int_equal(rd_sized(VUART_CR + 2u, 2u), 0u);
    wr_sized(VUART_CR + 1u, 1u, 0u);
    wr_sized(VUART_DR + 3u, 1u, 'X');
    n += 4u;
    assert_int_equal(uart.ignored, n);
    assert_int_equal(uart.rx_count, 1u);
    assert_int_equal(rd(VUART_CR), 0x300u);
    assert_int_equal(rd(VUART_FR), VUART_FR_TXFE);
    fake_console_drain();
    assert_int_equal(fake_console_len, 0u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_id_registers_identify_a_pl011_r1p5_primecell, setup),
        cmocka_unit_test_setup(test_reset_state_shows_empty_fifos_and_cr_0x300, setup),
        cmocka_unit_test_setup(test_init_resets_a_used_uart_for_a_partition_restart, setup),
        cmocka_unit_test_setup(test_init_leaves_no_byte_of_the_old_input_readable, setup),
        cmocka_unit_test_setup(test_dr_write_reaches_the_console_even_with_the_uart_disabled, setup),
        cmocka_unit_test_setup(test_dr_write_of_an_enabled_uart_goes_out_under_the_partition_name, setup),
        cmocka_unit_test_setup(test_loopback_sends_transmitted_bytes_to_the_receive_fifo, setup),
        cmocka_unit_test_setup(test_the_unlocked_path_takes_only_valid_dr_writes_outside_loopback, setup),
        cmocka_unit_test_setup(test_received_bytes_are_read_in_order_and_empty_reads_zero, setup),
        cmocka_unit_test_setup(test_fifo_wraps_around_its_32_bytes, setup),
        cmocka_unit_test_setup(test_full_fifo_drops_counts_and_flags_overrun, setup),
        cmocka_unit_test_setup(test_pasted_input_waits_behind_the_fifo_and_arrives_whole, setup),
        cmocka_unit_test_setup(test_rx_interrupt_follows_the_ifls_trigger_level, setup),
        cmocka_unit_test_setup(test_rx_interrupt_at_one_byte_without_fifo, setup),
        cmocka_unit_test_setup(test_receive_timeout_is_raised_while_bytes_wait_below_the_trigger, setup),
        cmocka_unit_test_setup(test_tx_interrupt_is_raised_only_while_uarten_and_txe, setup),
        cmocka_unit_test_setup(test_amba_pl011_driver_sequence, setup),
        cmocka_unit_test_setup(test_plain_registers_read_back_their_implemented_bits, setup),
        cmocka_unit_test_setup(test_sub_word_access_at_lane_0_reads_and_writes_low_bytes, setup),
        cmocka_unit_test_setup(test_malformed_accesses_are_rejected_without_effect, setup),
        cmocka_unit_test_setup(test_reserved_and_wrong_direction_accesses_are_ignored_and_counted, setup),
    };

    return cmocka_run_group_tests_name("vuart", tests, NULL, NULL);
}
