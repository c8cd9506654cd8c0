/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark partition (make bench). One binary, run both as a Septum
 * partition and alone on QEMU (the baseline): sp_console_auto() picks the
 * CONSOLE_WRITE hypercall under Septum and the PL011 without a hypervisor;
 * GIC, timer and PSCI are at the same addresses either way.
 *
 * Every figure is one line:
 *   bench <name> min <n> median <n> max <n> n <samples> unit ticks|instructions
 *   bench <name> value <n> unit ticks
 *   bench <name> not available (<why>)
 * then "bench done" and PSCI SYSTEM_OFF.
 *
 * Built into a description with a channel named "bench" (tests/bench/systems/
 * chan.yaml) the same program also measures the channel doorbell: the
 * partition that is not "bench" only echoes (NOTIFY back from its doorbell
 * handler, after stamping the counter into the shared region). Under QEMU -icount shift=0 one
 * instruction is one virtual ns and a counter tick 16 ns: figures in
 * "instructions" are per operation from unrolled batches of BATCH operations
 * (batch ticks * ns-per-tick / BATCH, so +-1 instruction), figures in "ticks"
 * are single events measured with the virtual counter.
 */
#include "partition.h"
#include "septum.h"

#define PPI_VTIMER 27u
#define SGI_PING 1u
#define SGI_PONG 2u
/* Operations per batch (the .rept counts in the asm below). */
#define BATCH 32u
#define OP_SAMPLES 64u
#define IRQ_SAMPLES 200u
#define GICD_TYPER 0x0004u
#define PL011_DR 0x000u
#define GICD_ISENABLER 0x0100u
#define GICD_ICENABLER 0x0180u

/* Everything the benchmark writes at run time lives in .data: start.S then clears little .bss. */
#define BENCH_DATA __attribute__((section(".data")))

struct shared {
    volatile uint64_t vt_deadline;
    volatile uint64_t vt_seen;
    volatile uint32_t vt_hits;
    volatile uint64_t sgi_seen;
    volatile uint32_t pongs;
    volatile uint32_t pings;
    volatile uint32_t secondary_up;
    volatile uint32_t unexpected;
};

static struct shared sh BENCH_DATA = {0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u};
static uint64_t samples[IRQ_SAMPLES] BENCH_DATA = {1u};
static uint64_t ns_per_tick BENCH_DATA = 16u;

static void sort(uint64_t *a, uint32_t n)
{
    uint32_t i;
    uint32_t j;

    for (i = 1u; i < n; i++) {
        uint64_t v = a[i];

        for (j = i; (j > 0u) && (a[j - 1u] > v); j--) {
            a[j] = a[j - 1u];
        }
        a[j] = v;
    }
}

static void report(const char *name, uint64_t *a, uint32_t n, const char *unit)
{
    sort(a, n);
    sp_printf("bench %s min %lu median %lu max %lu n %u unit %s\n", name, (unsigned long)a[0],
              (unsigned long)a[n / 2u], (unsigned long)a[n - 1u], n, unit);
}

static void on_irq(uint32_t intid)
{
    uint64_t now = sp_counter();

    if (intid == PPI_VTIMER) {
        sh.vt_seen = now;
        sp_vtimer_stop();
        sh.vt_hits++;
    } else if (intid == SGI_PING) {
        sh.pings++;
        sp_sgi_send(0u, SGI_PONG);
    } else if (intid == SGI_PONG) {
        sh.sgi_seen = now;
        sh.pongs++;
    } else {
        sh.unexpected++;
    }
}

/* Wait (WFE: under icount the other vCPU runs meanwhile) until *flag != old or 1 s passes. */
static int wait_change(volatile uint32_t *flag, uint32_t old)
{
    uint64_t end = sp_counter() + sp_counter_hz();

    while ((*flag == old) && (sp_counter() < end)) {
        __asm__ volatile("wfe");
    }
    return *flag != old;
}

/* Ticks for BATCH null hypercalls (SEPTUM_HVC_VERSION); each is 2 instructions at EL1 (movz, hvc). */
static uint64_t batch_hvc(void)
{
    uint64_t t0 = sp_counter();

    __asm__ volatile(".rept 32\n movz x0, #0xc600, lsl #16\n hvc #0\n .endr" : : : "memory", "x0", "x1", "x2",
                     "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16",
                     "x17");
    return sp_counter() - t0;
}

/* Ticks for BATCH GICD_TYPER reads (1 instruction each at EL1). */
static uint64_t batch_gicd_read(void)
{
    uint64_t a = SP_GICD_BASE + GICD_TYPER;
    uint64_t t0 = sp_counter();

    __asm__ volatile(".rept 32\n ldr w9, [%0]\n .endr" : : "r"(a) : "memory", "x9");
    return sp_counter() - t0;
}

/* Ticks for BATCH GICD_ISENABLER writes enabling an owned SPI (the console's). */
static uint64_t batch_gicd_write(void)
{
    uint64_t a = SP_GICD_BASE + GICD_ISENABLER + (4u * (SP_VUART_INTID / 32u));
    uint64_t v = 1ull << (SP_VUART_INTID % 32u);
    uint64_t t0 = sp_counter();

    __asm__ volatile(".rept 32\n str %w1, [%0]\n .endr" : : "r"(a), "r"(v) : "memory");
    return sp_counter() - t0;
}

/* Ticks for BATCH bytes written to the vUART's DR: 31 letters and a newline, one whole console line. */
static uint64_t batch_vuart_byte(void)
{
    uint64_t a = SP_VUART_BASE + PL011_DR;
    uint64_t x = 'x';
    uint64_t nl = '\n';
    uint64_t t0 = sp_counter();

    __asm__ volatile(".rept 31\n str %w1, [%0]\n .endr\n str %w2, [%0]" : : "r"(a), "r"(x), "r"(nl) : "memory");
    return sp_counter() - t0;
}

static void bench_ops(const char *name, uint64_t (*batch)(void))
{
    uint32_t i;

    (void)batch(); /* warm: the first run translates the code */
    for (i = 0u; i < OP_SAMPLES; i++) {
        samples[i] = (batch() * ns_per_tick) / BATCH;
    }
    report(name, samples, OP_SAMPLES, "instructions");
}

static void bench_vtimer(void)
{
    uint64_t step = sp_counter_hz() / 10000u; /* 100 us ahead */
    uint32_t i;

    for (i = 0u; i < IRQ_SAMPLES; i++) {
        uint32_t before = sh.vt_hits;
        uint64_t deadline = sp_counter() + step;

        sh.vt_deadline = deadline;
        sp_vtimer_at(deadline);
        if (!wait_change(&sh.vt_hits, before)) {
            sp_printf("bench vtimer-latency not available (no interrupt after %u samples)\n", i);
            return;
        }
        samples[i] = sh.vt_seen - deadline;
    }
    report("vtimer-latency", samples, IRQ_SAMPLES, "ticks");
}

static void secondary(void)
{
    sp_gic_init_cpu(on_irq);
    sp_irq_enable(SGI_PING);
    sp_irq_unmask();
    sh.secondary_up = 1u;
    __asm__ volatile("dsb sy; sev" : : : "memory");
    for (;;) {
        __asm__ volatile("wfi");
    }
}

#ifdef SP_CHAN_BENCH_CTL
#define CHAN_NOTIFY 0x00u
#define CHAN_PENDING 0x04u
#define IS_ECHO (SP_CHAN_BENCH_SELF != SP_CHAN_BENCH_PEER_BENCH)
#if IS_ECHO
#define CHAN_OTHER SP_CHAN_BENCH_PEER_BENCH
#else
#define CHAN_OTHER (1u - SP_CHAN_BENCH_PEER_BENCH)
#endif

/* The channel's shared region: the echo partition's stamps. */
struct chan_shm {
    volatile uint64_t echo_seen;
    volatile uint32_t echo_hits;
    volatile uint32_t echo_ready;
};
#define SHM ((struct chan_shm *)(uintptr_t)SP_CHAN_BENCH_BASE)

static volatile uint64_t door_seen BENCH_DATA = 1u;
static volatile uint32_t door_hits BENCH_DATA = 0u;

static void on_doorbell(uint32_t intid)
{
    uint64_t now = sp_counter();

    if (intid != SP_CHAN_BENCH_INTID) {
        on_irq(intid);
        return;
    }
    (void)sp_mmio_read32(SP_CHAN_BENCH_CTL + CHAN_PENDING);
    if (IS_ECHO) {
        SHM->echo_seen = now;
        SHM->echo_hits++;
        sp_mmio_write32(SP_CHAN_BENCH_CTL + CHAN_NOTIFY, 1u << CHAN_OTHER);
    } else {
        door_seen = now;
        door_hits++;
    }
}

static void doorbell_irq_init(void)
{
    sp_gic_init_cpu(on_doorbell);
    sp_irq_route(SP_CHAN_BENCH_INTID, 0u);
    sp_irq_enable(SP_CHAN_BENCH_INTID);
}

/* The echo partition: answer every doorbell, forever. */
static void echo_main(void)
{
    sp_gic_init_dist();
    doorbell_irq_init();
    sp_irq_unmask();
    SHM->echo_ready = 1u;
    __asm__ volatile("dsb sy; sev" : : : "memory");
    for (;;) {
        __asm__ volatile("wfi");
    }
}

static void bench_doorbell(void)
{
    static uint64_t rt[IRQ_SAMPLES] BENCH_DATA = {1u};
    uint32_t i;

    doorbell_irq_init();
    if (!wait_change(&SHM->echo_ready, 0u)) {
        sp_printf("bench channel-doorbell not available (the echo partition is not up)\n");
        sp_printf("bench channel-roundtrip not available (the echo partition is not up)\n");
        return;
    }
    for (i = 0u; i <= IRQ_SAMPLES; i++) {
        uint32_t before = door_hits;
        uint64_t t0 = sp_counter();

        sp_mmio_write32(SP_CHAN_BENCH_CTL + CHAN_NOTIFY, 1u << CHAN_OTHER);
        if (!wait_change(&door_hits, before)) {
            sp_printf("bench channel-doorbell not available (no answer after %u samples)\n", i);
            sp_printf("bench channel-roundtrip not available (no answer after %u samples)\n", i);
            return;
        }
        if (i > 0u) { /* the first one also wakes the echo partition's CPU */
            samples[i - 1u] = SHM->echo_seen - t0;
            rt[i - 1u] = door_seen - t0;
        }
    }
    report("channel-doorbell", samples, IRQ_SAMPLES, "ticks");
    report("channel-roundtrip", rt, IRQ_SAMPLES, "ticks");
}
#else
#define IS_ECHO 0
static void echo_main(void)
{
}

static void bench_doorbell(void)
{
    sp_printf("bench channel-doorbell not available (no channel named bench in this system)\n");
    sp_printf("bench channel-roundtrip not available (no channel named bench in this system)\n");
}
#endif

static void bench_sgi(void)
{
    uint32_t i;

    if (SP_NUM_VCPUS < 2u) {
        sp_printf("bench sgi-roundtrip not available (1 vCPU)\n");
        return;
    }
    if ((sp_cpu_on(1u, secondary) != 0) || !wait_change(&sh.secondary_up, 0u)) {
        sp_printf("bench sgi-roundtrip not available (vCPU 1 did not start)\n");
        return;
    }
    for (i = 0u; i <= IRQ_SAMPLES; i++) {
        uint32_t before = sh.pongs;
        uint64_t t0 = sp_counter();

        sp_sgi_send(1u, SGI_PING);
        if (!wait_change(&sh.pongs, before)) {
            sp_printf("bench sgi-roundtrip not available (no answer after %u samples)\n", i);
            return;
        }
        if (i > 0u) { /* the first one also wakes vCPU 1 from its first WFI */
            samples[i - 1u] = sh.sgi_seen - t0;
        }
    }
    report("sgi-roundtrip", samples, IRQ_SAMPLES, "ticks");
}

int main(void)
{
    uint64_t t_main = sp_counter(); /* first thing: reset -> main() in virtual time */
    uint64_t t_line;
    enum sp_console_kind con;

    con = sp_console_auto();
    if (IS_ECHO) {
        sp_printf("bench echo partition for the channel doorbell\n");
        echo_main();
    }
    sp_printf("bench start\n");
    t_line = sp_counter(); /* the first line is out (Septum drains it synchronously) */
    ns_per_tick = 1000000000u / sp_counter_hz();
    sp_printf("bench env hypervisor %s console %s vcpus %u hz %lu ns-per-tick %lu\n",
              (con == SP_CONSOLE_HVC) ? "septum" : "none", (con == SP_CONSOLE_HVC) ? "hvc" : "pl011",
              SP_NUM_VCPUS, (unsigned long)sp_counter_hz(), (unsigned long)ns_per_tick);
    sp_printf("bench boot-main value %lu unit ticks\n", (unsigned long)t_main);
    sp_printf("bench boot-first-line value %lu unit ticks\n", (unsigned long)t_line);

    sp_gic_init_dist();
    sp_gic_init_cpu(on_irq);
    sp_irq_enable(PPI_VTIMER);
    sp_irq_enable(SGI_PONG);
    sp_irq_unmask();

    if (con == SP_CONSOLE_HVC) {
        bench_ops("hvc-null", batch_hvc);
    } else {
        sp_printf("bench hvc-null not available (no hypervisor)\n");
    }
    bench_ops("gicd-typer-read", batch_gicd_read);
    bench_ops("gicd-isenabler-write", batch_gicd_write);
    bench_ops("vuart-byte", batch_vuart_byte);
    sp_mmio_write32(SP_GICD_BASE + GICD_ICENABLER + (4u * (SP_VUART_INTID / 32u)), 1u << (SP_VUART_INTID % 32u));
    bench_vtimer();
    bench_sgi();
    bench_doorbell();
    if (sh.unexpected != 0u) {
        sp_printf("bench warning %u unexpected interrupts\n", sh.unexpected);
    }
    sp_printf("bench done\n");
    sp_system_off();
    return 0;
}
