/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runtime for bare-metal Septum partitions: hypercalls, console output and
 * time. Partitions run at EL1 with their MMU off; see partitions/lib/start.S.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "septum/hvc_abi.h"

/** Results of an SMCCC call: x0..x3. */
struct sp_hvc_result {
    int64_t x0;
    uint64_t x1;
    uint64_t x2;
    uint64_t x3;
};

/** Issue HVC #0 with function ID fid and arguments a1..a3. */
struct sp_hvc_result sp_hvc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/** CONSOLE_WRITE of len bytes at buf; returns bytes written or an SMCCC error. */
int64_t sp_console_write(const void *buf, size_t len);
/** Print a formatted string (printf subset: %s %c %d %u %x %ld %lu %lx, width, '0'). */
void sp_printf(const char *f, ...) __attribute__((format(printf, 1, 2)));
/** sp_printf with a va_list. */
void sp_vprintf(const char *f, va_list ap);
/** Format into buf; always NUL-terminated when size > 0. */
size_t sp_snprintf(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));

/** Virtual counter (CNTVCT_EL0). */
uint64_t sp_counter(void);
/** Counter frequency in Hz (CNTFRQ_EL0). */
uint64_t sp_counter_hz(void);
/** Wait until the virtual counter reaches deadline (WFE loop, yields under icount). */
void sp_wait_until(uint64_t deadline);

/** The partition's main program. */
int main(void);
