/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small printf-style formatter for hypervisor messages. Iterative, bounded
 * by the output size; no floating point.
 */
#include "lib.h"

/** Output cursor: stores while there is room, always counts. */
struct fmt_out {
    char *buf;
    size_t size;
    size_t len;
};

/*
 * The helpers are inlined into fmt_vsnprintf(), so the cursor lives in registers: called
 * out of line, the struct stayed in memory and each stored byte reloaded and wrote back its
 * fields (issue 11: the boot lines' formatting was 4,700 instructions, 1,100 of them the
 * room test).
 */
static inline __attribute__((always_inline)) void fmt_put(struct fmt_out *o, char c)
{
    if ((o->len + 1u) < o->size) {
        o->buf[o->len] = c;
        o->len++;
    }
}

/* Digits of v in base, most significant first, padded to width with pad. */
static inline __attribute__((always_inline)) void fmt_unsigned(struct fmt_out *o, uint64_t v, uint32_t base,
                                                               uint32_t width, char pad)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[24];
    uint32_t n = 0u;

    do {
        tmp[n] = digits[v % base];
        n++;
        v /= base;
    } while (v != 0u);
    while (width > n) {
        fmt_put(o, pad);
        width--;
    }
    while (n > 0u) {
        n--;
        fmt_put(o, tmp[n]);
    }
}

static inline __attribute__((always_inline)) void fmt_string(struct fmt_out *o, const char *s)
{
    if (s == NULL) {
        s = "(null)";
    }
    while (*s != '\0') {
        fmt_put(o, *s);
        s++;
    }
}

size_t fmt_vsnprintf(char *buf, size_t size, const char *f, va_list ap)
{
    struct fmt_out o = { buf, size, 0u };

    while (*f != '\0') {
        char pad = ' ';
        uint32_t width = 0u;
        uint32_t longs = 0u;
        uint64_t mag = 0u;
        uint32_t base = 0u;  /* a number to print in this base; 0: none */
        int64_t sv;          /* %d's argument */

        if (*f != '%') {
            fmt_put(&o, *f);
            f++;
            continue;
        }
        f++;
        if (*f == '0') {
            pad = '0';
            f++;
        }
        while ((*f >= '0') && (*f <= '9')) {
            width = (width * 10u) + (uint32_t)(*f - '0');
            f++;
        }
        while (*f == 'l') {
            longs++;
            f++;
        }
        switch (*f) {
        case 'd':
            sv = (longs > 0u) ? va_arg(ap, int64_t) : (int64_t)va_arg(ap, int);
            if (sv < 0) {
                fmt_put(&o, '-');
                mag = (uint64_t)0 - (uint64_t)sv;
                if (width > 0u) {
                    width--;
                }
            } else {
                mag = (uint64_t)sv;
            }
            base = 10u;
            break;
        case 'u':
            mag = (longs > 0u) ? va_arg(ap, uint64_t) : (uint64_t)va_arg(ap, unsigned int);
            base = 10u;
            break;
        case 'x':
            mag = (longs > 0u) ? va_arg(ap, uint64_t) : (uint64_t)va_arg(ap, unsigned int);
            base = 16u;
            break;
        case 'p':
            fmt_string(&o, "0x");
            mag = (uint64_t)(uintptr_t)va_arg(ap, void *);
            base = 16u;
            break;
        case 's':
            fmt_string(&o, va_arg(ap, const char *));
            break;
        case 'c':
            fmt_put(&o, (char)va_arg(ap, int));
            break;
        case '%':
            fmt_put(&o, '%');
            break;
        default:
            /* Unknown conversion: show it rather than guess an argument. */
            fmt_put(&o, '%');
            if (*f == '\0') {
                continue;
            }
            fmt_put(&o, *f);
            break;
        }
        /* One place prints every number: fmt_unsigned() is inlined once. */
        if (base != 0u) {
            fmt_unsigned(&o, mag, base, width, pad);
        }
        f++;
    }
    if (size > 0u) {
        buf[o.len] = '\0';
    }
    return o.len;
}

size_t fmt_snprintf(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, f);
    n = fmt_vsnprintf(buf, size, f, ap);
    va_end(ap);
    return n;
}
