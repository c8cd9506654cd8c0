/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The console contract: every line on the physical UART is
 * "[<partition>] <text>" or "[septum] <text>", whole (lines never
 * interleave), and each CPU sends only its own writers' lines, a bounded
 * burst at a time, never waiting for the UART (see console.c).
 */
#pragma once

#include "types.h"

/** Longest line body kept; longer output is split into several lines. */
#define CONSOLE_LINE_MAX 160u
/** Bytes of finished lines queued per writer before its lines are dropped. */
#define CONSOLE_RING_SIZE 4096u
/** Bytes one console_poll() may send: a PL011's (r1p5) transmit FIFO; a full FIFO stops it earlier. */
#define CONSOLE_TX_BURST 32u
/** Bytes of input one UART interrupt takes: a receive FIFO's worth. */
#define CONSOLE_RX_BURST 32u
/**
 * A line that made no progress for so long (its CPU stopped) is cut, and a
 * turn not taken for so long lapses, so that others proceed. Far above a
 * burst's line time (32 bytes at 115,200 Bd: 2.8 ms) and above QEMU's
 * round-robin slice under icount (100 ms of virtual time).
 */
#define CONSOLE_STALL_MS 250u
/** The input escape byte: Ctrl-T. */
#define CONSOLE_ESCAPE '\x14'

/**
 * Where console input goes: deliver byte c (0..255) to partition p and return
 * true, or return false if p takes no input. c = -1 only asks whether p takes
 * input.
 */
typedef bool (*console_input_fn)(uint32_t p, int c);

/** Reset all line buffers (boot, and unit tests). */
void console_init(void);

/**
 * Append bytes written by partition p (nothing is sent here). Complete lines
 * (ending in '\n', or reaching CONSOLE_LINE_MAX) are queued with the
 * partition's prefix; '\r' is dropped, and every byte other than printable
 * ASCII and tab is shown as "\xNN".
 */
void console_part_write(uint32_t p, const char *bytes, size_t len);

/** console_part_write() of the one byte c (a vUART's DR write); printable bytes take a shorter path. */
void console_part_putc(uint32_t p, char c);

/*
 * U+2014 (em dash) in UTF-8, for console messages: "... " CONSOLE_EMDASH " ...".
 * Its own literal, so the last escape ends at the end of a literal and no
 * following character can be read as another hex digit (MISRA C:2012 Rule 4.1).
 */
#define CONSOLE_EMDASH "\xe2\x80\x94"

/**
 * Print one hypervisor line "[septum] ..." (printf-style; no '\n' needed),
 * queued for the calling CPU and sent at once if the UART is free.
 */
void console_hyp_printf(const char *f, ...) __attribute__((format(printf, 1, 2)));

/**
 * Print the hypervisor line text[0..n) as it is, like console_hyp_printf("%s", text)
 * without the formatting and the scan for bytes to escape: text is plain (printable
 * ASCII, tab or UTF-8; no control byte, no '\n'), e.g. a line the build composed
 * (cfg_text). Cut to CONSOLE_LINE_MAX - 1 bytes as console_hyp_printf() would cut it.
 */
void console_hyp_line(const char *text, size_t n);

/**
 * The calling CPU's console work, on each exit and in its idle loop: send at
 * most CONSOLE_TX_BURST bytes of its own writers' lines (its hypervisor lines,
 * the partition whose vCPU it runs) and of the focus's echo. Never waits.
 */
void console_poll(void);

/** What every exit tests first (console.c): work may wait on some CPU. */
struct console_news {
    uint32_t queued;  /**< whole lines queued in all writers' rings and not yet sent */
    bool typed;       /**< a byte typed went to the focus: its unfinished line is shown */
};
extern struct console_news console_pending;

/** console_poll()'s first test, inline for the exit path: may there be console work on any CPU? */
static inline bool console_busy(void)
{
    return (__atomic_load_n(&console_pending.queued, __ATOMIC_RELAXED) != 0u) || console_pending.typed;
}

/**
 * CPU cpu now runs a vCPU of partition p (CFG_NUM_PARTITIONS: none, an idle
 * window): a CPU under a schedule sends the lines of the partition whose
 * window it is, and only in that window (sched.c calls this on each switch).
 */
void console_cpu_runs(uint32_t cpu, uint32_t p);

/** The physical UART's interrupt: at most CONSOLE_RX_BURST input bytes, then console_poll(). */
void console_uart_irq(void);

/** True if the UART's interrupt is routed to the calling CPU (its idle loop then polls the UART). */
bool console_irq_here(void);

/** Last words before the system stops: text on a line of its own, waiting for the UART. */
void console_emergency(const char *text);

/** Lines of partition p (or CFG_NUM_PARTITIONS: the hypervisor) dropped so far. */
uint32_t console_dropped(uint32_t p);

/** Set the consumer of console input (the vUARTs). */
void console_set_input(console_input_fn sink);

/** One byte typed on the physical console: a focus command or input for the focus. */
void console_input(char c);

/** The partition that has input focus. */
uint32_t console_focus_get(void);

/** Drop the unfinished line of partition p (its restart); returns how many bytes it held. */
uint32_t console_part_discard(uint32_t p);

/** Partition p halted: if it has input focus, give focus to the next partition that takes input. */
void console_focus_leave(uint32_t p);
