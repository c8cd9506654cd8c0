/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small head-up display that shares a CPU under a schedule (time
 * partitioning), and measures its own windows from the generic counter:
 *
 * 1. it spins reading the counter; a jump of more than HUD_GAP ticks between
 *    two reads means another window ran: the second read is the start of its
 *    own window, printed as "window <counter>" (and a "frame" line renders);
 * 2. at a window start it programs its virtual timer to fire in the middle of
 *    the other partition's window and prints when the interrupt arrived
 *    ("timer due <d> fired <f>"): it must arrive at its next window start;
 * 3. it masks its interrupts and spins for HUD_MASKED_FRAMES windows: it is
 *    still switched out on time ("masked window <counter>" lines);
 * 4. in its first life, partition index 1 then faults (restart); index 0 and
 *    later lives keep rendering and reporting windows.
 *
 * First of all it tries to start the PMU's cycle counter and to arm a
 * breakpoint and debug events, and prints what it reads back ("pmu ..."): on
 * a CPU that partitions share, these registers read as zero and ignore writes.
 */
#include "partition.h"
#include "septum.h"

/* A gap of 50 us (62.5 MHz) between two counter reads: another window ran. */
#define HUD_GAP 3125u
#define HUD_WINDOWS_BEFORE_TIMER 8u
#define HUD_MASKED_FRAMES 4u
#define HUD_VTIMER_INTID 27u

static volatile uint64_t timer_fired;

/* Never called: where the breakpoint it tries to arm would point. */
static void __attribute__((noinline, used)) hud_never(void)
{
    __asm__ volatile("nop");
}

/*
 * PMCR_EL0.E (bit 0), PMCNTENSET_EL0.C (bit 31), DBGBCR0_EL1 = E | PMC EL1+EL0 | BAS all,
 * MDSCR_EL1.MDE (bit 15) (Arm ARM D19.4, D19.3): start the cycle counter, arm breakpoint 0
 * and debug events, spin, and print what they read back.
 */
static void probe_debug_pmu(void)
{
    uint64_t pmcr;
    uint64_t ccntr;
    uint64_t bcr;
    uint64_t mdscr;
    uint32_t k;

    __asm__ volatile("msr pmcr_el0, %0\n\tmsr pmcntenset_el0, %1" : : "r"(1ul), "r"(1ul << 31));
    __asm__ volatile("msr dbgbvr0_el1, %0\n\tmsr dbgbcr0_el1, %1" : : "r"((uint64_t)(uintptr_t)hud_never),
                     "r"(0x1e7ul));
    __asm__ volatile("msr mdscr_el1, %0\n\tisb" : : "r"(1ul << 15));
    for (k = 0u; k < 1000u; k++) {
        __asm__ volatile("" : : : "memory");
    }
    __asm__ volatile("mrs %0, pmcr_el0\n\tmrs %1, pmccntr_el0" : "=r"(pmcr), "=r"(ccntr));
    __asm__ volatile("mrs %0, dbgbcr0_el1\n\tmrs %1, mdscr_el1" : "=r"(bcr), "=r"(mdscr));
    /* A read into the zero register (Rt = 31) changes no register, trapped or not. */
    __asm__ volatile("mrs xzr, pmcr_el0" : : : "memory");
    sp_printf("pmu pmcr %lx ccntr %lu debug bcr0 %lx mdscr %lx\n", (unsigned long)pmcr, (unsigned long)ccntr,
              (unsigned long)bcr, (unsigned long)mdscr);
}

static void on_irq(uint32_t intid)
{
    if (intid == HUD_VTIMER_INTID) {
        timer_fired = sp_counter();
        sp_vtimer_stop();
    }
}

/* Spin until the next own window begins; returns its first counter read, and *last the read before the gap. */
static uint64_t next_window(uint64_t *last)
{
    uint64_t prev = sp_counter();

    for (;;) {
        uint64_t now;
        uint32_t k;

        /* Under QEMU -icount every counter read ends a translation block: read about every 300 instructions. */
        for (k = 0u; k < 100u; k++) {
            __asm__ volatile("" : : : "memory");
        }
        now = sp_counter();

        if ((now - prev) > HUD_GAP) {
            *last = prev;
            return now;
        }
        prev = now;
    }
}

int main(void)
{
    struct sp_hvc_result st = sp_hvc(SEPTUM_HVC_PARTITION_STATE, SP_PARTITION_INDEX, 0u, 0u);
    uint64_t restarts = (st.x0 >= 0) ? st.x1 : 0u;
    uint64_t last = 0u;
    uint64_t start;
    uint64_t due;
    uint32_t i;
    uint32_t frame = 0u;

    sp_gic_init_dist();
    sp_gic_init_cpu(on_irq);
    sp_irq_enable(HUD_VTIMER_INTID);
    sp_irq_unmask();
    sp_printf("hud up (life %lu, counter %lu Hz)\n", (unsigned long)restarts, (unsigned long)sp_counter_hz());
    probe_debug_pmu();
    for (i = 0u; i < HUD_WINDOWS_BEFORE_TIMER; i++) {
        start = next_window(&last);
        sp_printf("window %lu out %lu frame %u\n", (unsigned long)start, (unsigned long)last, frame++);
    }
    /* Measure its window L and its absence A, then set its timer for the middle of the next absence. */
    start = next_window(&last);
    {
        uint64_t prev_out = last;
        uint64_t s1 = next_window(&last);
        uint64_t absence = s1 - last;
        uint64_t len = last - start;

        (void)prev_out;
        sp_printf("window %lu out %lu frame %u\n", (unsigned long)s1, (unsigned long)last, frame++);
        /* A timer due in its own window fires at once. */
        timer_fired = 0u;
        sp_vtimer_at(sp_counter() + 625u);
        while (timer_fired == 0u) {
            __asm__ volatile("wfi");
        }
        sp_printf("local timer fired\n");
        due = s1 + len + (absence / 2u);
    }
    timer_fired = 0u;
    sp_vtimer_at(due);
    while (timer_fired == 0u) {
        __asm__ volatile("wfi");
    }
    sp_printf("timer due %lu fired %lu\n", (unsigned long)due, (unsigned long)timer_fired);
    sp_irq_mask();
    for (i = 0u; i < HUD_MASKED_FRAMES; i++) {
        start = next_window(&last);
        sp_printf("masked window %lu out %lu\n", (unsigned long)start, (unsigned long)last);
    }
    sp_irq_unmask();
    if ((SP_PARTITION_INDEX == 1u) && (restarts == 0u)) {
        sp_printf("hud: fault now\n");
        sp_mmio_write32(0x10u, 1u); /* nothing is mapped there: a stage-2 fault */
    }
    for (;;) {
        start = next_window(&last);
        sp_printf("window %lu out %lu frame %u\n", (unsigned long)start, (unsigned long)last, frame++);
    }
    return 0;
}
