/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Emulated Arm PL011 UART (PrimeCell UART r1p5, Arm DDI 0183G), one per
 * partition that has `console: vuart`. It is what Linux's amba-pl011 driver
 * (`arm,pl011`, `arm,primecell`) and bare-metal partitions write to:
 * transmitted bytes go to the hypervisor's console multiplexer under the
 * partition's name, received bytes are pushed in by the multiplexer.
 *
 * Transmission is instantaneous (FR.TXFE = 1, FR.TXFF = 0, never BUSY), the
 * receive FIFO holds VUART_RX_FIFO_SIZE bytes with VUART_INPUT_RING_SIZE more
 * waiting behind it, and the interrupt lines are
 * levels computed from the state (see vuart.c for each deviation from the TRM).
 *
 * Not internally locked (but for a vuart_tx_direct() write): the caller serialises vuart_mmio() and
 * vuart_rx_push() on one vuart, together with the vuart_irq_level() that
 * follows and the virtual interrupt line it drives, so that a stale level is
 * never driven.
 */
#pragma once

#include "mmio.h"
#include "types.h"

/** Bytes of the receive FIFO (PL011: 32 entries). */
#define VUART_RX_FIFO_SIZE 32u
/**
 * Bytes of typed input held behind the receive FIFO: a pasted command of a
 * few hundred bytes waits here and refills the FIFO as the guest reads DR.
 */
#define VUART_INPUT_RING_SIZE 1024u
/** Bytes of the register window (4 KiB, IDs at 0xFE0-0xFFC). */
#define VUART_WINDOW_SIZE 0x1000u

/* Register offsets (Arm DDI 0183G, 3.2 Summary of registers). */
#define VUART_DR 0x000u      /**< data */
#define VUART_RSR 0x004u     /**< receive status (read) / error clear ECR (write) */
#define VUART_FR 0x018u      /**< flags */
#define VUART_ILPR 0x020u    /**< IrDA low-power counter */
#define VUART_IBRD 0x024u    /**< integer baud rate divisor */
#define VUART_FBRD 0x028u    /**< fractional baud rate divisor */
#define VUART_LCR_H 0x02cu   /**< line control */
#define VUART_CR 0x030u      /**< control */
#define VUART_IFLS 0x034u    /**< interrupt FIFO level select */
#define VUART_IMSC 0x038u    /**< interrupt mask set/clear */
#define VUART_RIS 0x03cu     /**< raw interrupt status */
#define VUART_MIS 0x040u     /**< masked interrupt status */
#define VUART_ICR 0x044u     /**< interrupt clear */
#define VUART_DMACR 0x048u   /**< DMA control */
#define VUART_PERIPHID0 0xfe0u /**< first of PeriphID0-3 (0xFE0-0xFEC) and CellID0-3 (0xFF0-0xFFC) */

/* FR bits (3.3.3). */
#define VUART_FR_BUSY (1u << 3)
#define VUART_FR_RXFE (1u << 4)
#define VUART_FR_TXFF (1u << 5)
#define VUART_FR_RXFF (1u << 6)
#define VUART_FR_TXFE (1u << 7)

/* RSR/ECR bits (3.3.2) and the matching DR error bits 11:8. */
#define VUART_RSR_OE (1u << 3)

/* LCR_H (3.3.7). */
#define VUART_LCR_H_FEN (1u << 4)

/* CR bits (3.3.8). */
#define VUART_CR_UARTEN (1u << 0)
#define VUART_CR_LBE (1u << 7)
#define VUART_CR_TXE ((uint32_t)1u << 8)
#define VUART_CR_RXE ((uint32_t)1u << 9)

/* Interrupt bits of IMSC, RIS, MIS and ICR (3.3.10-3.3.13). */
#define VUART_INT_RX (1u << 4)
#define VUART_INT_TX (1u << 5)
#define VUART_INT_RT (1u << 6)
#define VUART_INT_FE (1u << 7)
#define VUART_INT_PE ((uint32_t)1u << 8)
#define VUART_INT_BE ((uint32_t)1u << 9)
#define VUART_INT_OE ((uint32_t)1u << 10)
#define VUART_INT_ALL 0x7ffu

/** All state of one emulated PL011; the caller provides static storage. */
struct vuart {
    uint32_t partition;                  /**< console_part_write() target */
    uint32_t rx_head;                    /**< index of the oldest byte */
    uint32_t rx_count;                   /**< bytes waiting, <= VUART_RX_FIFO_SIZE */
    uint32_t in_head;                    /**< index of the oldest byte of in */
    uint32_t in_count;                   /**< bytes in in, <= VUART_INPUT_RING_SIZE */
    uint32_t rsr;                        /**< RSR: latched receive errors (OE) */
    uint32_t ilpr;                       /**< ILPR, 8 bits */
    uint32_t ibrd;                       /**< IBRD, 16 bits */
    uint32_t fbrd;                       /**< FBRD, 6 bits */
    uint32_t lcr_h;                      /**< LCR_H, 8 bits */
    uint32_t cr;                         /**< CR (reserved bits 6:3 read as zero) */
    uint32_t ifls;                       /**< IFLS, 6 bits */
    uint32_t imsc;                       /**< IMSC, 11 bits */
    uint32_t ris_latched;                /**< RIS bits set by events and cleared by ICR (OE) */
    uint32_t dmacr;                      /**< DMACR, 3 bits (stored; no DMA) */
    uint32_t rx_drops;                   /**< bytes pushed while the FIFO was full */
    uint32_t ignored;                    /**< accesses with no effect: reserved offsets, wrong direction, upper byte lanes */
    uint64_t tx_bytes;                   /**< bytes transmitted (to the console or, in loopback, to RX) */
    /* Last: vuart_init() clears the fields above only. A byte of these rings is read only
     * below its count (rx_count, in_count), so stale bytes are never seen. */
    uint8_t rx[VUART_RX_FIFO_SIZE];      /**< receive FIFO (ring) */
    uint8_t in[VUART_INPUT_RING_SIZE];   /**< input waiting for room in the FIFO (ring) */
};

/** Reset u to the PL011's power-on state, transmitting for partition. */
void vuart_init(struct vuart *u, uint32_t partition);

/**
 * Emulate one access to u's window. Returns false, touching nothing, for an
 * access the device rejects (offset beyond the window, size other than 1, 2
 * or 4 bytes, or not naturally aligned): the kernel treats it as a fault of
 * the partition. For a load, sets a->value.
 */
bool vuart_mmio(struct vuart *u, struct mmio_access *a);

/**
 * The common access, which needs no lock: a valid write of DR (1, 2 or 4 bytes;
 * offset 0 is aligned for each) outside loopback changes nothing of u but its
 * byte count and so no interrupt level; the caller sends it with vuart_tx()
 * and takes its lock and vuart_mmio() for anything else. Inline, so that the
 * caller's own path stays without a frame. CR is read with one atomic load: a
 * CR write on another vCPU of the partition at the same time takes effect
 * before or after it, as two unordered writes from two PEs may.
 */
static inline bool vuart_tx_direct(const struct vuart *u, const struct mmio_access *a)
{
    if (!a->write || (a->offset != VUART_DR)) {
        return false;
    }
    if ((a->size != 1u) && (a->size != 2u) && (a->size != 4u)) {
        return false;
    }
    return (__atomic_load_n(&u->cr, __ATOMIC_RELAXED) & VUART_CR_LBE) == 0u;
}

/** Transmit byte c of a DR write: to the console, or in loopback to the receive FIFO (then under the caller's lock). */
void vuart_tx(struct vuart *u, uint8_t c);

/**
 * Receive byte c: into the FIFO, or behind it into the input ring, which
 * refills the FIFO as the guest reads. Returns false (and counts a drop,
 * raising OE) when both are full.
 */
bool vuart_rx_push(struct vuart *u, uint8_t c);

/** The raw interrupt status (RIS) as the guest would read it. */
uint32_t vuart_ris(const struct vuart *u);

/** Level of u's interrupt output: (RIS & IMSC) != 0. */
bool vuart_irq_level(const struct vuart *u);
