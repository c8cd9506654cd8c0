/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The console contract: every line on the physical UART is
 * "[<partition>] <text>" or "[septum] <text>", written whole under one lock so
 * lines never interleave.
 */
#pragma once

#include "types.h"

/** Longest line body kept; longer output is split into several lines. */
#define CONSOLE_LINE_MAX 160u
/** Bytes of finished lines queued per writer before its lines are dropped. */
#define CONSOLE_RING_SIZE 4096u
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
 * Append bytes written by partition p. Complete lines (ending in '\n', or
 * reaching CONSOLE_LINE_MAX) are emitted with the partition's prefix; '\r' is
 * dropped and other control bytes are shown as '.'.
 */
void console_part_write(uint32_t p, const char *bytes, size_t len);

/** Print one hypervisor line "[septum] ..." (printf-style; no '\n' needed). */
void console_hyp_printf(const char *f, ...) __attribute__((format(printf, 1, 2)));

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
