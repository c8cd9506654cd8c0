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
