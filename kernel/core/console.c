/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The console multiplexer. The hypervisor owns the physical UART; every
 * partition, and the hypervisor on each CPU, writes whole lines
 * "[name] text" into its own bounded output ring (a full ring drops the line
 * and counts it). Freedom from interference (ISO 26262-6, Annex D) rules how
 * the rings reach the UART:
 *
 * - A CPU only ever sends its own writers' bytes: the lines of the partition
 *   whose vCPU it runs and its own hypervisor lines. It does so in
 *   console_poll(), on its exits, at most CONSOLE_TX_BURST bytes (a FIFO's
 *   worth) per call, and never waits for the UART: a full transmit FIFO ends
 *   the burst.
 * - One line at a time owns the UART from its first byte to its '\n', so
 *   lines never interleave. A line longer than a burst continues on its own
 *   CPU's next exit, or on the UART's transmit interrupt, which is routed to
 *   that CPU while the line is unfinished. A writer that finds the UART busy
 *   takes the next turn, and the transmit interrupt goes to its CPU when the
 *   line ends; a line that makes no progress for CONSOLE_STALL_MS (its CPU
 *   stopped) is cut, so nobody waits on a dead writer.
 * - No vUART lock is held here: partitions only append (console_part_write).
 * - Partition bytes are shown as printable ASCII; other bytes (control bytes,
 *   ESC, DEL, everything >= 0x80) appear as "\xNN", so nothing a partition
 *   prints can move the cursor or rewrite another line or its own prefix.
 *
 * Input goes to the partition that has focus; the UART interrupt is routed to
 * its CPU (or to the CPU of the line being sent) and takes at most
 * CONSOLE_RX_BURST bytes per interrupt. CONSOLE_ESCAPE (Ctrl-T) starts a
 * command: 'n' or Tab gives focus to the next partition that takes input,
 * '0'..'9' to that partition, '?' shows who has focus and the drop counters,
 * and a second Ctrl-T sends a literal Ctrl-T. Once a person has typed to the
 * focused partition, its unfinished line (its echo, its prompt) is shown as
 * it grows; another writer's line first erases it ("\r" ESC "[K") and it is
 * shown again afterwards, so whole lines stay whole.
 */
#include <stdarg.h>

#include "arch.h"
#include "config.h"
#include "console.h"
#include "ctl.h"
#include "lib.h"

/** A partially written line of one writer, already escaped. */
struct console_line {
    char text[CONSOLE_LINE_MAX];
    uint32_t len;
};

/** A writer's bounded queue of finished, prefixed lines. */
struct console_ring {
    char *buf;         /**< its CONSOLE_RING_SIZE bytes (console_ring_bytes), set by console_init() */
    uint32_t head;     /**< next byte to send */
    uint32_t len;      /**< bytes queued */
    uint32_t dropped;  /**< lines lost because the ring was full */
    uint32_t unshown;  /**< of those, lost since the last drop mark was queued */
    bool cut;          /**< its line on the UART was cut: skip the rest of it */
};

/* Writers 0.. are the partitions, then the hypervisor of each CPU. */
/* The drop mark's text: "... " + up to 10 digits + " lines dropped" + NUL. */
#define CONSOLE_MARK_MAX 32u
#define CONSOLE_HYP(cpu) (CFG_NUM_PARTITIONS + (cpu))
#define CONSOLE_WRITERS (CFG_NUM_PARTITIONS + CFG_NUM_CPUS)
#define CONSOLE_NOBODY CONSOLE_WRITERS

/** Who may use the physical UART. Guarded by its lock. */
struct console_uart {
    struct arch_lock lock;  /**< held only while sending at most one burst; never waited for */
    uint32_t owner;         /**< writer whose line is on the UART, unfinished, or CONSOLE_NOBODY */
    uint64_t progress;      /**< counter value of the owner's last byte */
    uint32_t turn;          /**< writer that found the UART busy and goes next, or CONSOLE_NOBODY */
    uint32_t turn_cpu;      /**< its CPU */
    uint64_t turn_since;    /**< when the turn became free for it */
    uint32_t echo;          /**< partition whose unfinished line is on screen, or CONSOLE_NOBODY */
    uint32_t echo_shown;    /**< bytes of that line on screen */
    uint32_t irq_cpu;       /**< CPU the UART interrupt is routed to */
    bool tx_irq;            /**< transmit interrupt unmasked */
};

static struct console_line console_lines[CONSOLE_WRITERS];
static struct console_ring console_rings[CONSOLE_WRITERS];
/*
 * The rings' bytes, outside .bss: a byte is read only between its ring's head and head + len,
 * which console_init() clears, so the boot need not zero them (about 1,000 instructions of
 * DC ZVA at the cold boot, issue 11). The linker script's .stacks is NOLOAD, read/write and
 * not cleared by start.S (as arch_fw_dtb, the other such buffer).
 */
static char console_ring_bytes[CONSOLE_WRITERS][CONSOLE_RING_SIZE] __attribute__((section(".stacks")));
/* Guards one writer's line and ring. */
static struct arch_lock console_writer_locks[CONSOLE_WRITERS];
static struct console_uart console_uart;
/*
 * What every exit tests first (console_busy): whole lines queued in all rings and not yet sent,
 * and whether a person typed to the focus (show its unfinished line). One object in a section
 * of its own, so that the test reads both at offsets 0 and 4 of one address (an atomic load
 * takes no offset: elsewhere in .bss it cost every exit one more instruction).
 */
struct console_news console_pending __attribute__((section(".bss.console_news")));
/*
 * Writers that found the UART busy while the next turn was taken, or could
 * not take the UART lock: the end of each line hands the turn to the next of
 * them (round robin), on its CPU. Set without the UART lock (a plain flag per
 * writer), cleared under it.
 */
static volatile bool console_want[CONSOLE_WRITERS];
static volatile uint32_t console_want_cpu[CONSOLE_WRITERS];
/* Per CPU: the partition whose vCPU it runs, or CONSOLE_NOBODY. */
static uint32_t console_cpu_part[CFG_NUM_CPUS];

/* Input state: the partition with focus and whether an escape is pending. */
static uint32_t console_focus;
static bool console_escape;
static console_input_fn console_sink;
static uint32_t console_input_dropped;

/* The erase sequence before a line replaces an echoed unfinished one: CR, ESC [ K (ECMA-48 8.3.41 EL). */
static const char console_erase[] = "\r\x1b" "[K";
#define CONSOLE_ERASE_LEN 4u

void console_init(void)
{
    uint32_t cpu;
    uint32_t w;

    for (cpu = 0u; cpu < CFG_NUM_CPUS; cpu++) {
        uint32_t vcpu = cfg_cpus[cpu].vcpu;

        console_cpu_part[cpu] = (vcpu != CFG_NO_VCPU) ? cfg_vcpus[vcpu].partition : CONSOLE_NOBODY;
    }
    /* Only the indexes: the buffers' contents never matter beyond them (and a byte-wise memset of
     * every ring would cost the boot tens of thousands of instructions). */
    for (w = 0u; w < CONSOLE_WRITERS; w++) {
        console_lines[w].len = 0u;
        console_rings[w].buf = console_ring_bytes[w];
        console_rings[w].head = 0u;
        console_rings[w].len = 0u;
        console_rings[w].dropped = 0u;
        console_rings[w].unshown = 0u;
        console_rings[w].cut = false;
    }
    (void)memset(&console_uart, 0, sizeof(console_uart));
    console_pending.queued = 0u;
    for (w = 0u; w < CONSOLE_WRITERS; w++) {
        console_want[w] = false;
        console_want_cpu[w] = 0u;
    }
    console_uart.owner = CONSOLE_NOBODY;
    console_uart.turn = CONSOLE_NOBODY;
    console_uart.echo = CONSOLE_NOBODY;
    console_uart.irq_cpu = CFG_NUM_CPUS;
    console_focus = 0u;
    console_escape = false;
    console_pending.typed = false;
    console_sink = NULL;
    console_input_dropped = 0u;
    /* The exits that never enter C (the IRQ vector's timer path) leave to C while these say work waits. */
    arch_exit_fast_console(&console_pending.queued, &console_pending.typed);
    /* The sync vector appends a partition's printable vUART bytes to its line itself, under the
     * line's lock (arch_vuart_fast_bind: what console_part_putc() does for them). */
    for (w = 0u; w < CFG_NUM_PARTITIONS; w++) {
        arch_console_line_bind(w, console_lines[w].text, &console_lines[w].len, &console_writer_locks[w]);
    }
}

static const char *console_name(uint32_t w)
{
    return (w >= CFG_NUM_PARTITIONS) ? "septum" : cfg_partitions[w].name;
}

/* The CPU that hosts vCPU 0 of partition p: where its input is handled. */
static uint32_t console_part_cpu(uint32_t p)
{
    return cfg_vcpus[cfg_partitions[p].first_vcpu].pcpu;
}

/* Counter ticks in ms milliseconds. */
static uint64_t console_ticks(uint32_t ms)
{
    return (arch_counter_hz() / 1000u) * (uint64_t)ms;
}

/* Copy len bytes (len <= CONSOLE_RING_SIZE) into ring r at pos, wrapping once at most; the position after them. */
static uint32_t console_ring_copy(struct console_ring *r, uint32_t pos, const char *src, size_t len)
{
    size_t first = (size_t)CONSOLE_RING_SIZE - (size_t)pos;

    if (first > len) {
        first = len;
    }
    (void)memcpy(&r->buf[pos], src, first);
    (void)memcpy(r->buf, &src[first], len - first);
    return (uint32_t)((pos + len) % CONSOLE_RING_SIZE);
}

/* Store byte c in ring r at pos; the position after it. */
static uint32_t console_ring_byte(struct console_ring *r, uint32_t pos, char c)
{
    r->buf[pos] = c;
    return (pos + 1u) % CONSOLE_RING_SIZE;
}

/* Append "[name] text\r\n" (need bytes, which fit) to ring r: two block copies, the five
 * punctuation bytes stored one by one (a block copy each cost about 25 instructions). */
static void console_ring_put(struct console_ring *r, const char *name, size_t n, const char *text, size_t len)
{
    uint32_t pos = (r->head + r->len) % CONSOLE_RING_SIZE;

    pos = console_ring_byte(r, pos, '[');
    pos = console_ring_copy(r, pos, name, n);
    pos = console_ring_byte(r, pos, ']');
    pos = console_ring_byte(r, pos, ' ');
    pos = console_ring_copy(r, pos, text, len);
    pos = console_ring_byte(r, pos, '\r');
    (void)console_ring_byte(r, pos, '\n');
    r->len += (uint32_t)(n + len + 5u);
    (void)__atomic_add_fetch(&console_pending.queued, 1u, __ATOMIC_RELAXED);
}

/*
 * Queue "[name] text\r\n" in writer w's ring, or count it as dropped. A line
 * that follows lost ones is preceded by a mark that says how many were lost
 * ("[name] ... N lines dropped"), so a reader of the log knows where it has a
 * gap (a hypervisor burst, e.g. restart messages, or a flooding partition).
 * Caller holds w's lock.
 */
static void console_queue_line(uint32_t w, const char *text, size_t len)
{
    struct console_ring *r = &console_rings[w];
    const char *name = console_name(w);
    size_t n = strlen(name);
    size_t need = n + len + 5u;
    char mark[CONSOLE_MARK_MAX];
    size_t m = 0u;

    if (r->unshown != 0u) {
        m = fmt_snprintf(mark, sizeof(mark), "... %u lines dropped", (unsigned)r->unshown);
        need += n + m + 5u;
    }
    if (need > (CONSOLE_RING_SIZE - r->len)) {
        r->dropped++;
        r->unshown++;
        return;
    }
    if (m != 0u) {
        console_ring_put(r, name, n, mark, m);
        r->unshown = 0u;
    }
    console_ring_put(r, name, n, text, len);
}

/* Is byte u shown as itself? Printable ASCII and tab; the hypervisor's own text may also hold UTF-8. */
static bool console_plain(uint32_t w, uint8_t u)
{
    if ((u >= 0x20u) && (u < 0x7fu)) {
        return true;
    }
    if (u == (uint8_t)'\t') {
        return true;
    }
    return (w >= CFG_NUM_PARTITIONS) && (u >= 0x80u);
}

/* Finish writer w's line: into its ring, and the line buffer starts again. Caller holds w's lock. */
static void console_end_line(uint32_t w)
{
    struct console_line *l = &console_lines[w];

    console_queue_line(w, l->text, l->len);
    l->len = 0u;
}

/* Append byte c to writer w's line, escaped; a full line is finished first. Caller holds w's lock. */
static void console_append(uint32_t w, uint8_t c)
{
    static const char hex[] = "0123456789abcdef";
    struct console_line *l = &console_lines[w];
    char esc[4];
    uint32_t n = 1u;
    uint32_t i;

    esc[0] = (char)c;
    if (!console_plain(w, c)) {
        esc[0] = '\\';
        esc[1] = 'x';
        esc[2] = hex[c >> 4];
        esc[3] = hex[c & 0xfu];
        n = 4u;
    }
    if ((l->len + n) > CONSOLE_LINE_MAX) {
        console_end_line(w);
    }
    for (i = 0u; i < n; i++) {
        l->text[l->len] = esc[i];
        l->len++;
    }
}

/* Append bytes of writer w; finished lines go to its ring. Nothing is sent here. */
static void console_write(uint32_t w, const char *bytes, size_t len)
{
    size_t i;

    arch_lock_acquire(&console_writer_locks[w]);
    for (i = 0u; i < len; i++) {
        char c = bytes[i];

        if (c == '\n') {
            console_end_line(w);
        } else if (c != '\r') {
            console_append(w, (uint8_t)c);
        } else {
            /* '\r' is dropped: every line ends "\r\n" on the UART. */
        }
    }
    arch_lock_release(&console_writer_locks[w]);
}

void console_part_write(uint32_t p, const char *bytes, size_t len)
{
    if (p >= CFG_NUM_PARTITIONS) {
        return;
    }
    console_write(p, bytes, len);
}

/*
 * One byte of partition p (a vUART's DR): a printable byte with room in the
 * line is appended without console_write's per-byte decisions; a line end,
 * a byte to escape or a full line take console_write. Nothing is sent here.
 */
void console_part_putc(uint32_t p, char c)
{
    struct console_line *l;
    uint8_t u = (uint8_t)c;

    if (p >= CFG_NUM_PARTITIONS) {
        return;
    }
    l = &console_lines[p];
    if ((u < 0x20u) || (u >= 0x7fu)) {
        console_write(p, &c, 1u);
        return;
    }
    arch_lock_acquire(&console_writer_locks[p]);
    if (l->len >= CONSOLE_LINE_MAX) {
        console_end_line(p);
    }
    l->text[l->len] = c;
    l->len++;
    arch_lock_release(&console_writer_locks[p]);
}

/* ------------------------------------------------------------- transmit */

/* Route the UART interrupt to cpu and set its transmit interrupt. Caller holds the UART lock. */
static void console_irq_to(uint32_t cpu, bool tx)
{
    if ((cfg_hyp.console_intid < 32u) || (cpu >= CFG_NUM_CPUS)) {
        return;
    }
    if (cpu != console_uart.irq_cpu) {
        arch_gic_route(cfg_hyp.console_intid, cpu);
        console_uart.irq_cpu = cpu;
    }
    if (tx != console_uart.tx_irq) {
        arch_console_tx_irq(tx);
        console_uart.tx_irq = tx;
    }
}

/* Send up to *budget bytes of s; returns how many went (a full FIFO stops it). */
static uint32_t console_put(const char *s, uint32_t len, uint32_t *budget)
{
    uint32_t i = arch_console_tx_write(s, (len < *budget) ? len : *budget);

    *budget -= i;
    return i;
}

/* Take the rest of a cut line out of ring r. Caller holds its writer lock. */
static void console_skip_cut(struct console_ring *r)
{
    bool end = false;
    uint32_t guard;

    for (guard = 0u; (guard < CONSOLE_RING_SIZE) && (r->len > 0u) && !end; guard++) {
        end = (r->buf[r->head] == '\n');
        r->head = (r->head + 1u) % CONSOLE_RING_SIZE;
        r->len--;
    }
    if (end) {
        (void)__atomic_sub_fetch(&console_pending.queued, 1u, __ATOMIC_RELAXED);
    }
    r->cut = false;
}

/* Writer w, on cpu, waits for the UART: it gets a turn when a line ends. */
static void console_wants(uint32_t w, uint32_t cpu)
{
    console_want_cpu[w] = cpu;
    console_want[w] = true;
}

/* The next writer after w that waits for a turn, or CONSOLE_NOBODY. Caller holds the UART lock. */
static uint32_t console_next_wanting(uint32_t w)
{
    uint32_t i;

    for (i = 1u; i <= CONSOLE_WRITERS; i++) {
        uint32_t x = (w + i) % CONSOLE_WRITERS;

        if (console_want[x]) {
            console_want[x] = false;
            if (console_rings[x].len != 0u) {
                return x;
            }
        }
    }
    return CONSOLE_NOBODY;
}

/*
 * May writer w start a line now? If the UART is busy it takes the next turn
 * (if free) and waits for it without waiting here. A line stalled for
 * CONSOLE_STALL_MS is cut ("\r\n" ends it on screen) and its writer skips
 * the rest. Caller holds the UART lock.
 */
static bool console_may_start(uint32_t w, uint32_t cpu, uint64_t now, uint32_t *budget)
{
    struct console_uart *u = &console_uart;
    bool stalled = (now - u->progress) > console_ticks(CONSOLE_STALL_MS);
    bool turn_taken = (u->turn != CONSOLE_NOBODY) && (u->turn != w);

    if ((u->owner != CONSOLE_NOBODY) && !stalled) {
        if (u->turn == CONSOLE_NOBODY) {
            u->turn = w;
            u->turn_cpu = cpu;
            u->turn_since = now;
        } else if (u->turn != w) {
            console_wants(w, cpu);
        } else {
            /* It already has the next turn. */
        }
        return false;
    }
    if (u->owner != CONSOLE_NOBODY) {
        if (console_put("\r\n", 2u, budget) != 2u) {
            return false;
        }
        console_rings[u->owner].cut = true;
        u->owner = CONSOLE_NOBODY;
        u->turn_since = now;
    }
    if (turn_taken && ((now - u->turn_since) <= console_ticks(CONSOLE_STALL_MS))) {
        console_wants(w, cpu);
        return false;
    }
    return true;
}

/* Start writer w's line: erase an echoed unfinished line first. Caller holds the UART lock. */
static bool console_start_line(uint32_t w, uint32_t *budget)
{
    struct console_uart *u = &console_uart;

    if (u->echo != CONSOLE_NOBODY) {
        if (*budget < CONSOLE_ERASE_LEN) {
            return false;
        }
        (void)console_put(console_erase, CONSOLE_ERASE_LEN, budget);
        u->echo = CONSOLE_NOBODY;
    }
    u->owner = w;
    console_want[w] = false;
    if (u->turn == w) {
        u->turn = CONSOLE_NOBODY;
    }
    return true;
}

/* The line of w has ended: hand the UART to whoever has the turn. Caller holds the UART lock. */
static void console_line_done(uint32_t w, uint64_t now)
{
    struct console_uart *u = &console_uart;

    u->owner = CONSOLE_NOBODY;
    if (u->turn == CONSOLE_NOBODY) {
        uint32_t next = console_next_wanting(w);

        if (next != CONSOLE_NOBODY) {
            u->turn = next;
            u->turn_cpu = console_want_cpu[next];
        }
    }
    if (u->turn != CONSOLE_NOBODY) {
        /* Its CPU sends its own line when the transmit interrupt says there is room. */
        u->turn_since = now;
        console_irq_to(u->turn_cpu, true);
    } else {
        console_irq_to(console_part_cpu(console_focus), false);
    }
}

/*
 * Send whole-line bytes of writer w from the calling CPU, at most *budget.
 * Caller holds the UART lock (the only consumer); w's lock is taken only
 * to copy bytes out and to commit what left, never across UART work.
 */
static void console_send(uint32_t w, uint32_t cpu, uint64_t now, uint32_t *budget)
{
    struct console_ring *r = &console_rings[w];
    uint32_t head;
    uint32_t avail;
    uint32_t first;
    uint32_t sent;
    bool end;

    if ((r->len == 0u) || (*budget == 0u)) {
        return;
    }
    if (console_uart.owner != w) {
        if (!console_may_start(w, cpu, now, budget) || !console_start_line(w, budget)) {
            return;
        }
    }
    arch_lock_acquire(&console_writer_locks[w]);
    if (r->cut) {
        console_skip_cut(r);
    }
    head = r->head;
    avail = (r->len < *budget) ? r->len : *budget;
    arch_lock_release(&console_writer_locks[w]);
    /*
     * The queued bytes [head, head + len) are this consumer's: writers only append after them
     * (console_ring_put, under the writer lock whose release published them with len) and only
     * the holder of the UART lock moves head. So they are sent from the ring itself (at most
     * two pieces; the UART write stops after the line's '\n'), without a copy and without the
     * writer lock held across UART work.
     */
    first = CONSOLE_RING_SIZE - head;
    if (first > avail) {
        first = avail;
    }
    if (console_uart.tx_irq && (console_uart.irq_cpu == cpu)) {
        /* Our own continuation: clear the transmit interrupt before refilling the FIFO. */
        arch_console_tx_ack();
    }
    sent = console_put(&r->buf[head], first, budget);
    if ((sent == first) && (avail > first) && (r->buf[CONSOLE_RING_SIZE - 1u] != '\n')) {
        sent += console_put(&r->buf[0], avail - first, budget);
    }
    end = (sent > 0u) && (r->buf[(head + sent - 1u) % CONSOLE_RING_SIZE] == '\n');
    arch_lock_acquire(&console_writer_locks[w]);
    r->head = (r->head + sent) % CONSOLE_RING_SIZE;
    r->len -= sent;
    arch_lock_release(&console_writer_locks[w]);
    if (sent > 0u) {
        console_uart.progress = now;
    }
    if (end) {
        (void)__atomic_sub_fetch(&console_pending.queued, 1u, __ATOMIC_RELAXED);
        console_line_done(w, now);
    } else if (sent > 0u) {
        /* Unfinished: continue on this CPU when the FIFO has room. */
        console_irq_to(cpu, true);
    } else {
        /* Nothing left this time (FIFO full, or an empty cut line): the next exit retries. */
    }
}

/* Show what the focused partition p has written of its unfinished line. Caller holds the UART lock. */
static void console_echo(uint32_t p, uint32_t *budget)
{
    struct console_uart *u = &console_uart;
    struct console_line *l = &console_lines[p];
    char chunk[CONSOLE_LINE_MAX];
    uint32_t shown = (u->echo == p) ? u->echo_shown : 0u;
    uint32_t n = 0u;

    if ((u->owner != CONSOLE_NOBODY) || (u->turn != CONSOLE_NOBODY) || (console_rings[p].len != 0u)) {
        return;
    }
    arch_lock_acquire(&console_writer_locks[p]);
    if (l->len < shown) {
        /* The line ended (and went to the ring) and a new one began: not ours to show yet. */
        n = 0u;
    } else {
        n = l->len - shown;
        (void)memcpy(chunk, &l->text[shown], n);
    }
    arch_lock_release(&console_writer_locks[p]);
    if (n == 0u) {
        return;
    }
    if (u->echo != p) {
        const char *name = cfg_partitions[p].name;
        uint32_t len = (uint32_t)strlen(name);

        if (*budget < (len + 3u)) {
            return;
        }
        (void)console_put("[", 1u, budget);
        (void)console_put(name, len, budget);
        (void)console_put("] ", 2u, budget);
        u->echo = p;
        u->echo_shown = 0u;
    }
    u->echo_shown += console_put(chunk, n, budget);
}

/* Bytes of partition p's unfinished line on screen. */
static uint32_t console_shown(uint32_t p)
{
    return (console_uart.echo == p) ? console_uart.echo_shown : 0u;
}

/*
 * Has cpu anything for the UART: queued lines of its own (hints read without
 * their locks), or the focus's echo? The fast path of every exit.
 */
static bool console_has_work(uint32_t cpu, uint32_t p)
{
    if (console_rings[CONSOLE_HYP(cpu)].len != 0u) {
        return true;
    }
    if (p == CONSOLE_NOBODY) {
        return false;
    }
    if (console_rings[p].len != 0u) {
        return true;
    }
    return console_pending.typed && (p == console_focus) && (console_lines[p].len != console_shown(p));
}

/* Has writer w nothing queued, or asked for the next turn already (console_may_start)? Hints. */
static bool console_in_line(uint32_t w)
{
    return (console_rings[w].len == 0u) || console_want[w] || (console_uart.turn == w);
}

/*
 * Is everything cpu has to send waiting for its turn behind another writer's
 * line that still progresses? Then this exit leaves the UART alone: the
 * turn comes with the transmit interrupt (console_line_done), and a line
 * stalled for CONSOLE_STALL_MS is cut by the next exit that looks. Without
 * this, every exit of a CPU whose lines wait would take the UART lock only
 * to find it busy again (about 250 instructions per exit, the 1 vs 4
 * partitions bench rows). Read without the UART lock: a stale value costs
 * one exit's delay, never a line.
 */
static bool console_behind(uint32_t cpu, uint32_t p)
{
    uint32_t owner = console_uart.owner;

    if ((owner == CONSOLE_NOBODY) || (owner == CONSOLE_HYP(cpu)) || (owner == p)) {
        return false;
    }
    if (!console_in_line(CONSOLE_HYP(cpu)) || ((p != CONSOLE_NOBODY) && !console_in_line(p))) {
        return false;
    }
    return (arch_counter() - console_uart.progress) <= console_ticks(CONSOLE_STALL_MS);
}

/* The calling CPU's work, with budget bytes: its hypervisor lines, and its partition's if part. */
static void __attribute__((noinline)) console_poll_budget(uint32_t cpu, uint32_t budget, bool part)
{
    uint32_t p = part ? console_cpu_part[cpu] : CONSOLE_NOBODY;
    bool echo = console_pending.typed && (p == console_focus);
    uint64_t now;
    uint32_t left = budget;

    if (!console_has_work(cpu, p)) {
        return;
    }
    if (console_behind(cpu, p)) {
        return;
    }
    if (!arch_lock_try(&console_uart.lock)) {
        /* Another CPU sends its burst: ask for a turn, which comes with the transmit interrupt. */
        console_wants(((p != CONSOLE_NOBODY) && (console_rings[p].len != 0u)) ? p : CONSOLE_HYP(cpu), cpu);
        return;
    }
    now = arch_counter();
    console_send(CONSOLE_HYP(cpu), cpu, now, &left);
    if (p != CONSOLE_NOBODY) {
        console_send(p, cpu, now, &left);
        if (echo) {
            console_echo(p, &left);
        }
    }
    arch_lock_release(&console_uart.lock);
}

void console_cpu_runs(uint32_t cpu, uint32_t p)
{
    if (cpu < CFG_NUM_CPUS) {
        console_cpu_part[cpu] = (p < CFG_NUM_PARTITIONS) ? p : CONSOLE_NOBODY;
    }
}

void console_poll(void)
{
    uint32_t cpu;

    if (!console_busy()) {
        /* The common exit: nothing queued anywhere, nobody typing. */
        return;
    }
    cpu = arch_cpu_index();
    if ((cpu < CFG_NUM_CPUS) && console_has_work(cpu, console_cpu_part[cpu])) {
        console_poll_budget(cpu, CONSOLE_TX_BURST, true);
    }
}

/*
 * Is all of text[0..n) shown as itself in a hypervisor line (console_plain() for
 * CONSOLE_HYP: every byte but the C0 controls other than tab, and DEL)?
 */
static bool console_hyp_plain(const char *text, size_t n)
{
    size_t i;

    for (i = 0u; i < n; i++) {
        uint8_t u = (uint8_t)text[i];

        if (((u < 0x20u) && (u != (uint8_t)'\t')) || (u == 0x7fu)) {
            return false;
        }
    }
    return true;
}

/*
 * Queue the plain hypervisor line text[0..n) (no control byte, so no '\n' either) of cpu whole,
 * as console_write() would queue it byte by byte (its line buffer is empty: every hypervisor
 * line ends here), and send it at once if the UART is free: the hypervisor's lines are rare
 * and its own.
 */
static void console_hyp_queue(uint32_t cpu, const char *text, size_t n)
{
    arch_lock_acquire(&console_writer_locks[CONSOLE_HYP(cpu)]);
    console_queue_line(CONSOLE_HYP(cpu), text, n);
    arch_lock_release(&console_writer_locks[CONSOLE_HYP(cpu)]);
    console_poll_budget(cpu, CONSOLE_LINE_MAX + 16u, false);
}

void console_hyp_printf(const char *f, ...)
{
    char text[CONSOLE_LINE_MAX + 1u];
    uint32_t cpu = arch_cpu_index();
    va_list ap;
    size_t n;

    if (cpu >= CFG_NUM_CPUS) {
        return;
    }
    va_start(ap, f);
    n = fmt_vsnprintf(text, CONSOLE_LINE_MAX, f, ap);
    va_end(ap);
    /* n <= CONSOLE_LINE_MAX - 1: a plain line never splits, and the newline always fits. */
    if (console_hyp_plain(text, n)) {
        console_hyp_queue(cpu, text, n);
    } else {
        text[n] = '\n';
        console_write(CONSOLE_HYP(cpu), text, n + 1u);
        console_poll_budget(cpu, CONSOLE_LINE_MAX + 16u, false);
    }
}

void console_hyp_line(const char *text, size_t n)
{
    uint32_t cpu = arch_cpu_index();

    if (cpu >= CFG_NUM_CPUS) {
        return;
    }
    /* As fmt_vsnprintf() into CONSOLE_LINE_MAX bytes would cut it. */
    console_hyp_queue(cpu, text, (n < CONSOLE_LINE_MAX) ? n : (CONSOLE_LINE_MAX - 1u));
}

void console_emergency(const char *text)
{
    size_t n = strlen(text);
    size_t i;

    /* The system is stopping: wait for the UART (bounded per byte in arch) and end any line on it. */
    arch_console_putc('\r');
    arch_console_putc('\n');
    for (i = 0u; i < n; i++) {
        arch_console_putc(text[i]);
    }
    arch_console_putc('\r');
    arch_console_putc('\n');
}

uint32_t console_dropped(uint32_t p)
{
    return (p < CONSOLE_WRITERS) ? console_rings[p].dropped : 0u;
}

/* ---------------------------------------------------------------- input */

void console_set_input(console_input_fn sink)
{
    console_sink = sink;
    arch_lock_acquire(&console_uart.lock);
    console_irq_to(console_part_cpu(console_focus), false);
    arch_lock_release(&console_uart.lock);
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
    console_pending.typed = false;
    arch_lock_acquire(&console_uart.lock);
    if (console_uart.owner == CONSOLE_NOBODY) {
        console_irq_to(console_part_cpu(p), console_uart.tx_irq);
    }
    arch_lock_release(&console_uart.lock);
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
        console_focus_to((uint32_t)c - (uint32_t)'0');
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
        return;
    }
    console_pending.typed = true;
}

/*
 * No line on the UART that this CPU continues: none at all, or the unfinished
 * line of a partition whose window ended on this CPU (time partitioning; it
 * continues on that partition's exits in its next window).
 */
static bool console_line_not_here(uint32_t owner)
{
    uint32_t cpu = arch_cpu_index();

    if (owner == CONSOLE_NOBODY) {
        return true;
    }
    if ((owner >= CFG_NUM_PARTITIONS) || (cpu >= CFG_NUM_CPUS)) {
        return false;
    }
    return console_cpu_part[cpu] != owner;
}

void console_uart_irq(void)
{
    uint32_t i;
    char c;

    /* Input in bounded steps: at most a FIFO's worth per interrupt; the rest stays in the UART. */
    for (i = 0u; (i < CONSOLE_RX_BURST) && arch_console_getc(&c); i++) {
        console_input(c);
    }
    console_poll();
    /* A transmit interrupt with no line of ours to continue would repeat: give the line back to input. */
    if (console_uart.tx_irq && console_line_not_here(console_uart.owner) && arch_lock_try(&console_uart.lock)) {
        bool turn_elsewhere = (console_uart.turn != CONSOLE_NOBODY) && (console_uart.turn_cpu != arch_cpu_index());

        if (console_line_not_here(console_uart.owner) && !turn_elsewhere) {
            console_irq_to(console_part_cpu(console_focus), false);
        }
        arch_lock_release(&console_uart.lock);
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

bool console_irq_here(void)
{
    return console_uart.irq_cpu == arch_cpu_index();
}
