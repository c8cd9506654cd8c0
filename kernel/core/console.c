/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The console multiplexer. The hypervisor owns the physical UART; every
 * partition and the hypervisor itself write whole lines, "[name] text", into
 * their own bounded output ring. Whoever gets console_lock drains every ring
 * to the UART, a whole line at a time, so lines never interleave and a
 * partition that prints a lot fills its own ring and loses its own lines
 * (counted) instead of delaying anyone else.
 *
 * Input goes to the partition that has focus. CONSOLE_ESCAPE (Ctrl-T) starts
 * a command: 'n' or Tab gives focus to the next partition that takes input,
 * '0'..'9' to that partition, '?' shows who has focus and the drop counters,
 * and a second Ctrl-T sends a literal Ctrl-T.
 */
#include <stdarg.h>

#include "arch.h"
#include "config.h"
#include "console.h"
#include "ctl.h"
#include "lib.h"

/** A partially written line of one writer. */
struct console_line {
    char text[CONSOLE_LINE_MAX];
    uint32_t len;
};

/** A writer's bounded queue of finished, prefixed lines. */
struct console_ring {
    char buf[CONSOLE_RING_SIZE];
    uint32_t head;     /**< next byte to send */
    uint32_t len;      /**< bytes queued */
    uint32_t dropped;  /**< lines lost because the ring was full */
};

/* Writer CONSOLE_HYP is the hypervisor; writers 0.. are the partitions. */
#define CONSOLE_HYP CFG_NUM_PARTITIONS
#define CONSOLE_WRITERS (CFG_NUM_PARTITIONS + 1u)

static struct console_line console_lines[CONSOLE_WRITERS];
static struct console_ring console_rings[CONSOLE_WRITERS];
/* Guards one writer's line and ring. */
static struct arch_lock console_writer_locks[CONSOLE_WRITERS];
/* Held by the CPU that drains the rings to the UART. */
static struct arch_lock console_uart_lock;

/* Input state: the partition with focus and whether an escape is pending. */
static uint32_t console_focus;
static bool console_escape;
static console_input_fn console_sink;
static uint32_t console_input_dropped;

void console_init(void)
{
    memset(console_lines, 0, sizeof(console_lines));
    memset(console_rings, 0, sizeof(console_rings));
    console_focus = 0u;
    console_escape = false;
    console_sink = NULL;
    console_input_dropped = 0u;
}

static const char *console_name(uint32_t w)
{
    return (w == CONSOLE_HYP) ? "septum" : cfg_partitions[w].name;
}

/* Queue "[name] text\r\n" in writer w's ring, or count it as dropped. Caller holds w's lock. */
static void console_queue_line(uint32_t w, const char *text, size_t len)
{
    struct console_ring *r = &console_rings[w];
    const char *name = console_name(w);
    size_t n = strlen(name);
    size_t need = n + len + 5u;
    size_t i;
    uint32_t pos;

    if (need > (CONSOLE_RING_SIZE - r->len)) {
        r->dropped++;
        return;
    }
    pos = (r->head + r->len) % CONSOLE_RING_SIZE;
    r->buf[pos] = '[';
    pos = (pos + 1u) % CONSOLE_RING_SIZE;
    for (i = 0u; i < (n + len + 4u); i++) {
        char c;

        if (i < n) {
            c = name[i];
        } else if (i == n) {
            c = ']';
        } else if (i == (n + 1u)) {
            c = ' ';
        } else if (i < (n + 2u + len)) {
            c = text[i - n - 2u];
        } else {
            c = (i == (n + 2u + len)) ? '\r' : '\n';
        }
        r->buf[pos] = c;
        pos = (pos + 1u) % CONSOLE_RING_SIZE;
    }
    r->len += (uint32_t)need;
}

/* Send one queued line of writer w, if any. Caller holds console_uart_lock. Returns true if it sent one. */
static bool console_send_line(uint32_t w)
{
    struct console_ring *r = &console_rings[w];
    char chunk[64];
    uint32_t total = 0u;
    bool end = false;
    uint32_t guard;

    /* A line is at most CONSOLE_RING_SIZE bytes: so many chunks always suffice. */
    for (guard = 0u; (guard < CONSOLE_RING_SIZE) && !end; guard++) {
        uint32_t n = 0u;
        uint32_t i;

        arch_lock_acquire(&console_writer_locks[w]);
        while ((r->len > 0u) && !end && (n < sizeof(chunk))) {
            chunk[n] = r->buf[r->head];
            end = (chunk[n] == '\n');
            n++;
            r->head = (r->head + 1u) % CONSOLE_RING_SIZE;
            r->len--;
        }
        arch_lock_release(&console_writer_locks[w]);
        if (n == 0u) {
            break;
        }
        for (i = 0u; i < n; i++) {
            arch_console_putc(chunk[i]);
        }
        total += n;
    }
    return total > 0u;
}

/*
 * Drain every ring, whole lines, round robin. If another CPU is draining, it
 * will send what we queued: we never wait for the UART on its behalf. The
 * number of rounds is bounded by what the rings can hold.
 */
static void console_drain(void)
{
    uint32_t round;

    if (!arch_lock_try(&console_uart_lock)) {
        return;
    }
    for (round = 0u; round < CONSOLE_RING_SIZE; round++) {
        bool sent = false;
        uint32_t w;

        for (w = 0u; w < CONSOLE_WRITERS; w++) {
            sent = console_send_line(w) || sent;
        }
        if (!sent) {
            break;
        }
    }
    arch_lock_release(&console_uart_lock);
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

/* Append bytes of writer w; finished lines go to its ring. */
static void console_write(uint32_t w, const char *bytes, size_t len)
{
    struct console_line *l = &console_lines[w];
    size_t i;

    arch_lock_acquire(&console_writer_locks[w]);
    for (i = 0u; i < len; i++) {
        char c = bytes[i];

        if (c == '\r') {
            continue;
        }
        if (c == '\n') {
            console_queue_line(w, l->text, l->len);
            l->len = 0u;
            continue;
        }
        l->text[l->len] = console_sanitize(c);
        l->len++;
        if (l->len == CONSOLE_LINE_MAX) {
            console_queue_line(w, l->text, l->len);
            l->len = 0u;
        }
    }
    arch_lock_release(&console_writer_locks[w]);
    console_drain();
}

void console_part_write(uint32_t p, const char *bytes, size_t len)
{
    if (p >= CFG_NUM_PARTITIONS) {
        return;
    }
    console_write(p, bytes, len);
}

void console_hyp_printf(const char *f, ...)
{
    char text[CONSOLE_LINE_MAX + 1u];
    va_list ap;
    size_t n;

    va_start(ap, f);
    n = fmt_vsnprintf(text, CONSOLE_LINE_MAX, f, ap);
    va_end(ap);
    /* n <= CONSOLE_LINE_MAX - 1: the newline always fits. */
    text[n] = '\n';
    console_write(CONSOLE_HYP, text, n + 1u);
}

uint32_t console_dropped(uint32_t p)
{
    return (p < CONSOLE_WRITERS) ? console_rings[p].dropped : 0u;
}

/* ---------------------------------------------------------------- input */

void console_set_input(console_input_fn sink)
{
    console_sink = sink;
}

uint32_t console_focus_get(void)
{
    return console_focus;
}

/* Give focus to partition p (it must take input) and say so. */
static void console_focus_to(uint32_t p)
{
    if ((p >= CFG_NUM_PARTITIONS) || (console_sink == NULL) || !console_sink(p, -1)) {
        console_hyp_printf("console: partition %u does not take input; focus stays on '%s'", (unsigned)p,
                           cfg_partitions[console_focus].name);
        return;
    }
    console_focus = p;
    console_hyp_printf("console: input goes to '%s' (Ctrl-T ? for help)", cfg_partitions[p].name);
}

static void console_show_status(void)
{
    uint32_t p;

    console_hyp_printf("console: focus '%s'; Ctrl-T n next, Ctrl-T 0-9 partition, Ctrl-T Ctrl-T a literal Ctrl-T",
                       cfg_partitions[console_focus].name);
    for (p = 0u; p < CFG_NUM_PARTITIONS; p++) {
        console_hyp_printf("console: %u '%s'%s: %u lines dropped", (unsigned)p, cfg_partitions[p].name,
                           (p == console_focus) ? " (focus)" : "", (unsigned)console_rings[p].dropped);
    }
    console_hyp_printf("console: %u input bytes dropped", (unsigned)console_input_dropped);
}

/* The next partition after the focus that takes input (the focus itself if none). */
static uint32_t console_next_focus(void)
{
    uint32_t i;

    for (i = 1u; i <= CFG_NUM_PARTITIONS; i++) {
        uint32_t p = (console_focus + i) % CFG_NUM_PARTITIONS;

        if ((console_sink != NULL) && console_sink(p, -1)) {
            return p;
        }
    }
    return console_focus;
}

/* The command byte after the escape. */
static void console_command(char c)
{
    if ((c == 'n') || (c == '\t')) {
        console_focus_to(console_next_focus());
    } else if ((c >= '0') && (c <= '9')) {
        console_focus_to((uint32_t)(c - '0'));
    } else if (c == '?') {
        console_show_status();
    } else if (ctl_console_command(c)) {
        /* a run-time control command (ctl.c) */
    } else {
        console_hyp_printf("console: unknown command after Ctrl-T; Ctrl-T ? for help");
    }
}

void console_input(char c)
{
    bool deliver = true;

    if (ctl_console_arg(c)) {
        /* the argument of a run-time control command */
        return;
    }
    if (console_escape) {
        console_escape = false;
        deliver = (c == CONSOLE_ESCAPE);
        if (!deliver) {
            console_command(c);
        }
    } else if (c == CONSOLE_ESCAPE) {
        console_escape = true;
        deliver = false;
    } else {
        /* an ordinary byte */
    }
    if (!deliver) {
        return;
    }
    if ((console_sink == NULL) || !console_sink(console_focus, (int)(uint8_t)c)) {
        console_input_dropped++;
    }
}

/* ---------------------------------------------------------------- restart and halt */

uint32_t console_part_discard(uint32_t p)
{
    uint32_t n;

    if (p >= CFG_NUM_PARTITIONS) {
        return 0u;
    }
    arch_lock_acquire(&console_writer_locks[p]);
    n = console_lines[p].len;
    console_lines[p].len = 0u;
    arch_lock_release(&console_writer_locks[p]);
    return n;
}

void console_focus_leave(uint32_t p)
{
    uint32_t next;

    if (console_focus != p) {
        return;
    }
    next = console_next_focus();
    if (next != p) {
        console_focus_to(next);
    }
}
