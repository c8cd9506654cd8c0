/* SPDX-License-Identifier: Apache-2.0 */
/* Freestanding string and formatting helpers (kernel/lib). */
#pragma once

#include <stdarg.h>

#include "types.h"

/** Copy n bytes; the areas must not overlap. */
void *memcpy(void *dst, const void *src, size_t n);
/** Fill n bytes with c. */
void *memset(void *dst, int c, size_t n);
/** Compare n bytes. */
int memcmp(const void *a, const void *b, size_t n);
/** Length of a NUL-terminated string. */
size_t strlen(const char *s);

/**
 * Fold len bytes at p into the running checksum seed (start with 0): a fast
 * 64-bit mix for detecting corruption of read-only images, not a MAC.
 */
uint64_t lib_checksum(uint64_t seed, const void *p, size_t len);

/**
 * Format into buf (always NUL-terminated when size > 0). Supports %s %c %d %u
 * %x %lu %ld %lx %llu %lld %llx %p %% with optional '0' flag and width.
 * Returns the number of characters stored, excluding the NUL.
 */
size_t fmt_vsnprintf(char *buf, size_t size, const char *f, va_list ap);
/** fmt_vsnprintf with a variable argument list. */
size_t fmt_snprintf(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));
