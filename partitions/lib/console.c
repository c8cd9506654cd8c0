/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Console output of a bare-metal partition through CONSOLE_WRITE. Formatting
 * is kernel/lib/fmt.c, shared with the hypervisor.
 */
#include "lib.h"
#include "septum.h"

void sp_vprintf(const char *f, va_list ap)
{
    char buf[SEPTUM_CONSOLE_WRITE_MAX];
    size_t n = fmt_vsnprintf(buf, sizeof(buf), f, ap);

    (void)sp_console_write(buf, n);
}

void sp_printf(const char *f, ...)
{
    va_list ap;

    va_start(ap, f);
    sp_vprintf(f, ap);
    va_end(ap);
}

size_t sp_snprintf(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, f);
    n = fmt_vsnprintf(buf, size, f, ap);
    va_end(ap);
    return n;
}

void kassert_fail(const char *file, int line, const char *expr)
{
    sp_printf("assertion failed: %s:%d: %s\n", file, line, expr);
    for (;;) {
        __asm__ volatile("wfi");
    }
}
