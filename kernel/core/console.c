/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Console line assembly. Each partition has one line buffer; a line goes to
 * the physical UART whole, with its "[name] " prefix, under console_lock, so
 * output of different CPUs never interleaves inside a line.
 */
#include <stdarg.h>

#include "arch.h"
#include "config.h"
#include "console.h"
#include "lib.h"

/** A partially written line of one partition. */
struct console_line {
    char text[CONSOLE_LINE_MAX];
    uint32_t len;
};

static struct console_line console_lines[CFG_NUM_PARTITIONS];
static struct arch_lock console_lock;
/* The vCPUs of one partition share its line buffer. Taken before console_lock. */
static struct arch_lock console_line_locks[CFG_NUM_PARTITIONS];

void console_init(void)
{
    memset(console_lines, 0, sizeof(console_lines));
}

/* Emit "[prefix] text\r\n" in one piece. Caller must not hold console_lock. */
static void console_emit(const char *prefix, const char *text, size_t len)
{
    size_t i;

    arch_lock_acquire(&console_lock);
    arch_console_putc('[');
    for (i = 0u; prefix[i] != '\0'; i++) {
        arch_console_putc(prefix[i]);
    }
    arch_console_putc(']');
    arch_console_putc(' ');
    for (i = 0u; i < len; i++) {
        arch_console_putc(text[i]);
    }
    arch_console_putc('\r');
    arch_console_putc('\n');
    arch_lock_release(&console_lock);
}

/* A byte as it may appear on the console: printable ASCII, tab, or UTF-8. */
static char console_sanitize(char c)
{
    uint8_t u = (uint8_t)c;

    if ((u >= 0x20u) && (u != 0x7fu)) {
        return c;
    }
    return (c == '\t') ? c : '.';
}

void console_part_write(uint32_t p, const char *bytes, size_t len)
{
    struct console_line *l;
    size_t i;

    if (p >= CFG_NUM_PARTITIONS) {
        return;
    }
    l = &console_lines[p];
    arch_lock_acquire(&console_line_locks[p]);
    for (i = 0u; i < len; i++) {
        char c = bytes[i];

        if (c == '\r') {
            continue;
        }
        if (c == '\n') {
            console_emit(cfg_partitions[p].name, l->text, l->len);
            l->len = 0u;
            continue;
        }
        l->text[l->len] = console_sanitize(c);
        l->len++;
        if (l->len == CONSOLE_LINE_MAX) {
            console_emit(cfg_partitions[p].name, l->text, l->len);
            l->len = 0u;
        }
    }
    arch_lock_release(&console_line_locks[p]);
}

void console_hyp_printf(const char *f, ...)
{
    char text[CONSOLE_LINE_MAX];
    va_list ap;
    size_t n;

    va_start(ap, f);
    n = fmt_vsnprintf(text, sizeof(text), f, ap);
    va_end(ap);
    console_emit("septum", text, n);
}
