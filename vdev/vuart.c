/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Emulated PL011 UART (see vuart.h), after the PrimeCell UART (PL011)
 * Technical Reference Manual r1p5, Arm DDI 0183G, chapter 3 (registers).
 *
 * What the guest sees, and where it differs from the TRM on purpose:
 * - Transmit: a write to DR hands the byte to the console multiplexer at
 *   once, whatever CR.UARTEN/CR.TXE say: early bare-metal code often writes
 *   DR without enabling the UART, and losing console output is worse than
 *   being lenient. The TX FIFO is therefore always empty: FR.TXFE = 1,
 *   FR.TXFF = 0, FR.BUSY = 0. With CR.LBE (loopback) the byte goes to the
 *   receive FIFO instead.
 * - Transmit interrupt: the TX FIFO is always at or below its trigger level,
 *   so RIS.TXRIS is 1 whenever the transmitter is enabled (CR.UARTEN and
 *   CR.TXE). Linux's amba-pl011 unmasks TXIM only while it has bytes queued,
 *   refills in its interrupt handler and masks TXIM again when done, so this
 *   level never storms. ICR cannot clear it (the condition still holds).
 * - Receive: a 32-byte FIFO whether or not LCR_H.FEN is set (so no typed byte
 *   is lost to a 1-byte holding register), and behind it an input ring of
 *   VUART_INPUT_RING_SIZE bytes that refills the FIFO as the guest reads DR,
 *   so that pasted text arrives whole (a real UART would be flow-controlled). RIS.RXRIS is set while the FIFO
 *   holds at least the IFLS RXIFLSEL trigger level (1 byte when FEN = 0);
 *   reserved RXIFLSEL values act as 1/2. There is no line timing, so
 *   RIS.RTRIS (receive timeout) is set whenever the FIFO is not empty: that
 *   is what makes a driver drain bytes below the trigger level. Bytes are
 *   accepted while the receiver is disabled, too.
 * - Overrun: a byte pushed while FIFO and input ring are full is dropped and counted, and sets
 *   RSR.OE (cleared by any write to ECR) and RIS.OERIS (cleared by ICR). DR
 *   reads carry no error bits; framing, parity and break errors never occur.
 * - No modem lines (FR.CTS/DSR/DCD/RI and the modem interrupts stay 0), no
 *   IrDA, no DMA: ILPR, IBRD, FBRD, LCR_H and DMACR are stored and read back.
 * - Bus: 1, 2 and 4-byte naturally aligned accesses. An access at byte lane
 *   0 of a register reads its low bytes and writes them (other bits kept);
 *   an access at another byte lane (bits 31:8 of a register, where no driver
 *   looks) reads as zero and is ignored, like a reserved offset. Reads of
 *   write-only and writes of read-only registers are ignored too; all of these
 *   are counted in `ignored`.
 */
#include "lib.h"
#include "vdev.h"
#include "vuart.h"

/* Writable bits of the plain read/write registers (3.3). */
#define ILPR_MASK 0xffu
#define IBRD_MASK 0xffffu
#define FBRD_MASK 0x3fu
#define LCR_H_MASK 0xffu
#define CR_MASK 0xff87u   /* bits 6:3 are reserved */
#define IFLS_MASK 0x3fu
#define DMACR_MASK 0x7u

/* Reset values (3.2, Table 3-1). */
#define CR_RESET (VUART_CR_TXE | VUART_CR_RXE)
#define IFLS_RESET 0x12u  /* RX and TX trigger at 1/2 */

/* IFLS.RXIFLSEL, bits 5:3 (3.3.9). */
#define IFLS_RX_SHIFT 3u
#define IFLS_RX_MASK 0x7u

/* Interrupt bits latched by events and cleared by ICR; RX, TX, RT are levels. */
#define INT_LATCHED (VUART_INT_ALL & ~(VUART_INT_RX | VUART_INT_TX | VUART_INT_RT))

/* Peripheral and PrimeCell identification, 0xFE0-0xFFC (3.3.15, 3.3.16): a PL011 (0x011), designer Arm (0x41), revision r1p5 (3). */
static const uint8_t vuart_id[8] = {0x11u, 0x10u, 0x34u, 0x00u, 0x0du, 0xf0u, 0x05u, 0xb1u};

/* Receive trigger level in bytes for each RXIFLSEL: 1/8, 1/4, 1/2, 3/4, 7/8 of 32; reserved values as 1/2. */
static const uint32_t vuart_rx_levels[8] = {4u, 8u, 16u, 24u, 28u, 16u, 16u, 16u};

/* @req SRS-VUART-002 */
void vuart_init(struct vuart *u, uint32_t partition)
{
    /* Every field up to the two rings: their bytes are read only below the counts cleared here
     * (1,056 bytes not cleared, about 280 instructions of each partition's load). */
    (void)memset(u, 0, offsetof(struct vuart, rx));
    u->partition = partition;
    u->cr = CR_RESET;
    u->ifls = IFLS_RESET;
}

static uint32_t vuart_rx_trigger(const struct vuart *u)
{
    if ((u->lcr_h & VUART_LCR_H_FEN) == 0u) {
        return 1u;
    }
    return vuart_rx_levels[(u->ifls >> IFLS_RX_SHIFT) & IFLS_RX_MASK];
}

/* @req SRS-VUART-006 */
uint32_t vuart_ris(const struct vuart *u)
{
    uint32_t ris = u->ris_latched;
    const uint32_t tx_on = VUART_CR_UARTEN | VUART_CR_TXE;

    if (u->rx_count >= vuart_rx_trigger(u)) {
        ris |= VUART_INT_RX;
    }
    if (u->rx_count != 0u) {
        ris |= VUART_INT_RT;
    }
    if ((u->cr & tx_on) == tx_on) {
        ris |= VUART_INT_TX;
    }
    return ris;
}

/* @req SRS-VUART-006 */
bool vuart_irq_level(const struct vuart *u)
{
    return (vuart_ris(u) & u->imsc) != 0u;
}

/* @req SRS-VUART-005 */
bool vuart_rx_push(struct vuart *u, uint8_t c)
{
    /* Order is kept: once bytes wait in the input ring, new ones queue behind them. */
    if ((u->rx_count < VUART_RX_FIFO_SIZE) && (u->in_count == 0u)) {
        u->rx[(u->rx_head + u->rx_count) % VUART_RX_FIFO_SIZE] = c;
        u->rx_count++;
        return true;
    }
    if (u->in_count < VUART_INPUT_RING_SIZE) {
        u->in[(u->in_head + u->in_count) % VUART_INPUT_RING_SIZE] = c;
        u->in_count++;
        return true;
    }
    u->rx_drops++;
    u->rsr |= VUART_RSR_OE;
    u->ris_latched |= VUART_INT_OE;
    return false;
}

/* Move the oldest byte of the input ring into the FIFO, which has room. */
static void vuart_rx_refill(struct vuart *u)
{
    if (u->in_count == 0u) {
        return;
    }
    u->rx[(u->rx_head + u->rx_count) % VUART_RX_FIFO_SIZE] = u->in[u->in_head];
    u->rx_count++;
    u->in_head = (u->in_head + 1u) % VUART_INPUT_RING_SIZE;
    u->in_count--;
}

/* DR read: the oldest received byte, or 0 when the FIFO is empty. */
/* @req SRS-VUART-005 */
static uint32_t vuart_rx_pop(struct vuart *u)
{
    uint32_t c;

    if (u->rx_count == 0u) {
        return 0u;
    }
    c = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1u) % VUART_RX_FIFO_SIZE;
    u->rx_count--;
    vuart_rx_refill(u);
    return c;
}

/* @req SRS-VUART-003 SRS-VUART-004 */
void vuart_tx(struct vuart *u, uint8_t c)
{
    /* Atomic: a vuart_tx_direct() write counts without the caller's lock. */
    (void)__atomic_add_fetch(&u->tx_bytes, 1u, __ATOMIC_RELAXED);
    if ((u->cr & VUART_CR_LBE) != 0u) {
        (void)vuart_rx_push(u, c);
    } else {
        vdev_console_putc(u->partition, (char)c);
    }
}

static uint32_t vuart_fr(const struct vuart *u)
{
    uint32_t fr = VUART_FR_TXFE;

    if (u->rx_count == 0u) {
        fr |= VUART_FR_RXFE;
    }
    if (u->rx_count == VUART_RX_FIFO_SIZE) {
        fr |= VUART_FR_RXFF;
    }
    return fr;
}

/* The storage and writable bits of a plain read/write register, or NULL. */
/* @req SRS-VUART-007 */
static uint32_t *vuart_rw_reg(struct vuart *u, uint32_t reg, uint32_t *mask)
{
    switch (reg) {
    case VUART_ILPR:
        *mask = ILPR_MASK;
        return &u->ilpr;
    case VUART_IBRD:
        *mask = IBRD_MASK;
        return &u->ibrd;
    case VUART_FBRD:
        *mask = FBRD_MASK;
        return &u->fbrd;
    case VUART_LCR_H:
        *mask = LCR_H_MASK;
        return &u->lcr_h;
    case VUART_CR:
        *mask = CR_MASK;
        return &u->cr;
    case VUART_IFLS:
        *mask = IFLS_MASK;
        return &u->ifls;
    case VUART_IMSC:
        *mask = VUART_INT_ALL;
        return &u->imsc;
    case VUART_DMACR:
        *mask = DMACR_MASK;
        return &u->dmacr;
    default:
        return NULL;
    }
}

/* A read of a register other than a plain read/write one (reg at byte lane 0). */
/* @req SRS-VUART-001 */
static uint32_t vuart_read_special(struct vuart *u, uint32_t reg)
{
    if (reg >= VUART_PERIPHID0) {
        return vuart_id[(reg - VUART_PERIPHID0) / 4u];
    }
    switch (reg) {
    case VUART_DR:
        return vuart_rx_pop(u);
    case VUART_RSR:
        return u->rsr;
    case VUART_FR:
        return vuart_fr(u);
    case VUART_RIS:
        return vuart_ris(u);
    case VUART_MIS:
        return vuart_ris(u) & u->imsc;
    default:
        /* Reserved, or ICR (write-only). */
        u->ignored++;
        return 0u;
    }
}

/*
 * A write of v (already cut to the access size) to a register other than a plain read/write
 * one. DR never gets here: vuart_mmio() sends a DR write before any decode.
 */
static void vuart_write_special(struct vuart *u, uint32_t reg, uint32_t v)
{
    switch (reg) {
    case VUART_RSR:
        /* ECR: any write clears the receive errors (3.3.2). */
        u->rsr = 0u;
        break;
    case VUART_ICR:
        u->ris_latched &= ~(v & INT_LATCHED);
        break;
    default:
        /* Reserved, or read-only (FR, RIS, MIS, IDs). */
        u->ignored++;
        break;
    }
}

/* @req SRS-VUART-008 */
static bool vuart_access_valid(const struct mmio_access *a)
{
    bool size_ok = (a->size == 1u) || (a->size == 2u) || (a->size == 4u);

    if (!size_ok) {
        return false;
    }
    return (a->offset < VUART_WINDOW_SIZE) && ((a->offset % a->size) == 0u);
}

/* @req SRS-VUART-008 */
bool vuart_mmio(struct vuart *u, struct mmio_access *a)
{
    uint32_t reg;
    uint32_t size_mask;
    uint32_t mask = 0u;
    uint32_t *rw;

    if (!vuart_access_valid(a)) {
        return false;
    }
    if (a->write && (a->offset == VUART_DR)) {
        /* The common access, a byte to transmit (any valid size at offset 0 writes DR): no decode. */
        vuart_tx(u, (uint8_t)(a->value & 0xffu));
        return true;
    }
    reg = (uint32_t)a->offset;
    size_mask = (a->size == 4u) ? 0xffffffffu : ((1u << (a->size * 8u)) - 1u);
    if ((reg & 3u) != 0u) {
        u->ignored++;
        if (!a->write) {
            a->value = 0u;
        }
        return true;
    }
    rw = vuart_rw_reg(u, reg, &mask);
    if (a->write) {
        uint32_t v = (uint32_t)a->value & size_mask;
        if (rw != NULL) {
            *rw = ((*rw & ~size_mask) | v) & mask;
        } else {
            vuart_write_special(u, reg, v);
        }
    } else {
        uint32_t v = (rw != NULL) ? *rw : vuart_read_special(u, reg);
        a->value = (uint64_t)v & size_mask;
    }
    return true;
}
