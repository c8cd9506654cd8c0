/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The victim: a small partition that sleeps on its EL1 virtual timer with a
 * fixed period (WFI, woken by the timer interrupt, PPI 27) and measures how
 * late each wake-up is: counter value in the interrupt handler minus the
 * deadline it programmed. Every REPORT_WAKES wake-ups it prints one line
 *
 *   victim: wakes N worst W ns
 *
 * with W the worst lateness of that window, so that a test can compare a run
 * beside a hostile partition with a run without it (freedom from
 * interference, ISO 26262-6 Annex D: timing and execution).
 */
#include "septum.h"

#define PPI_VTIMER 27u
#define PERIOD_US 2000u
#define REPORT_WAKES 100u

static volatile uint32_t wakes;
static volatile uint64_t deadline;
static volatile uint64_t lateness;

static void on_irq(uint32_t intid)
{
    if (intid == PPI_VTIMER) {
        lateness = sp_counter() - deadline;
        sp_vtimer_stop();
        wakes++;
    }
}

int main(void)
{
    uint64_t hz = sp_counter_hz();
    uint64_t period = (hz / 1000000u) * PERIOD_US;
    uint64_t worst = 0u;
    uint32_t n = 0u;

    sp_printf("victim up: period %u us\n", PERIOD_US);
    sp_gic_init_dist();
    sp_gic_init_cpu(on_irq);
    sp_irq_enable(PPI_VTIMER);
    sp_irq_unmask();
    deadline = sp_counter() + period;
    for (;;) {
        uint32_t before = wakes;

        sp_vtimer_at(deadline);
        /* Masked around the check: WFI still wakes on a pending interrupt, none is missed. */
        while (wakes == before) {
            sp_irq_mask();
            if (wakes == before) {
                __asm__ volatile("wfi");
            }
            sp_irq_unmask();
        }
        if (lateness > worst) {
            worst = lateness;
        }
        n++;
        if ((n % REPORT_WAKES) == 0u) {
            sp_printf("victim: wakes %u worst %lu ns\n", n, (unsigned long)((worst * 1000000000u) / hz));
            worst = 0u;
        }
        deadline += period;
    }
    return 0;
}
