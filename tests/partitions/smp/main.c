/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMP interrupt test partition: 2 vCPUs. Checks what a guest OS relies on
 * from Septum's virtual GIC, timer and PSCI, one "PASS name"/"FAIL name" line
 * per check, then a summary line and PSCI SYSTEM_OFF. Under QEMU -icount it
 * also reports the virtual-timer latency and the SGI round trip in counter
 * ticks (they feed the benchmarks).
 */
#include "partition.h"
#include "septum.h"

#define PPI_VTIMER 27u
#define SGI_PING 1u
#define SGI_PONG 2u
#define TIMER_SAMPLES 64u
#define SGI_SAMPLES 32u

/* PL031 RTC registers (Arm DDI 0224). */
#define RTC_DR 0x000u
#define RTC_MR 0x004u
#define RTC_IMSC 0x010u
#define RTC_ICR 0x01cu

/* GIC registers the view checks look at. */
#define GICD_TYPER 0x0004u
#define GICD_ISENABLER 0x0100u
#define GICD_ICENABLER 0x0180u
#define GICD_IPRIORITYR 0x0400u
#define GICR_TYPER 0x0008u
#define GICR_SGI_BASE 0x10000u
#define GICR_ISPENDR0 (GICR_SGI_BASE + 0x0200u)
#define GICR_ICENABLER0 (GICR_SGI_BASE + 0x0180u)

/* SMCCC (Arm DEN0028) architecture calls. */
#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_ARCH_WORKAROUND_1 0x80008000u

struct shared {
    volatile uint32_t vtimer_hits[SP_NUM_VCPUS];
    volatile uint64_t vtimer_deadline[SP_NUM_VCPUS];
    volatile uint64_t vtimer_latency[SP_NUM_VCPUS];
    volatile uint32_t sgi_from[SP_NUM_VCPUS][16];
    volatile uint32_t rtc_hits;
    volatile uint32_t secondary_up;
    volatile uint32_t secondary_timer_done;
    volatile uint32_t unexpected;
};

static struct shared sh;
static uint32_t passed;
static uint32_t failed;

static void check(int ok, const char *name)
{
    sp_printf("%s %s\n", ok ? "PASS" : "FAIL", name);
    if (ok) {
        passed++;
    } else {
        failed++;
    }
}

static void on_irq(uint32_t intid)
{
    uint32_t me = sp_cpu_id();

    if (intid == PPI_VTIMER) {
        sh.vtimer_latency[me] = sp_counter() - sh.vtimer_deadline[me];
        sp_vtimer_stop();
        sh.vtimer_hits[me]++;
    } else if (intid < 16u) {
        sh.sgi_from[me][intid]++;
        if ((intid == SGI_PING) && (me != 0u)) {
            sp_sgi_send(0u, SGI_PONG);
        }
    } else if (intid == SP_DEV_RTC_INTID) {
        sp_mmio_write32(SP_DEV_RTC_BASE + RTC_ICR, 1u);
        sh.rtc_hits++;
    } else {
        sh.unexpected++;
    }
}

/*
 * Wait until *flag reaches want or timeout ticks pass. WFE wakes on an
 * interrupt and on the timer event stream, so the flag and the clock are
 * both looked at again.
 */
static int wait_for(volatile uint32_t *flag, uint32_t want, uint64_t timeout)
{
    uint64_t end = sp_counter() + timeout;

    while ((*flag < want) && (sp_counter() < end)) {
        __asm__ volatile("wfe");
    }
    return *flag >= want;
}

/* One virtual-timer interrupt per sample on this vCPU; returns how many arrived. */
static uint32_t timer_round(uint32_t samples, uint64_t *lat_min, uint64_t *lat_max, uint64_t *lat_sum)
{
    uint32_t me = sp_cpu_id();
    uint64_t step = sp_counter_hz() / 2000u; /* 0.5 ms ahead */
    uint32_t i;

    *lat_min = UINT64_MAX;
    *lat_max = 0u;
    *lat_sum = 0u;
    for (i = 0u; i < samples; i++) {
        uint32_t before = sh.vtimer_hits[me];
        uint64_t deadline = sp_counter() + step;

        sh.vtimer_deadline[me] = deadline;
        sp_vtimer_at(deadline);
        if (!wait_for(&sh.vtimer_hits[me], before + 1u, sp_counter_hz())) {
            break;
        }
        *lat_sum += sh.vtimer_latency[me];
        if (sh.vtimer_latency[me] < *lat_min) {
            *lat_min = sh.vtimer_latency[me];
        }
        if (sh.vtimer_latency[me] > *lat_max) {
            *lat_max = sh.vtimer_latency[me];
        }
    }
    return i;
}

static void secondary(void)
{
    uint64_t mn;
    uint64_t mx;
    uint64_t sum;

    sp_gic_init_cpu(on_irq);
    sp_irq_enable(SGI_PING);
    sp_irq_enable(3u);
    sp_irq_enable(PPI_VTIMER);
    sp_irq_unmask();
    sh.secondary_up = 1u;
    (void)timer_round(16u, &mn, &mx, &sum);
    sh.secondary_timer_done = 1u;
    for (;;) {
        __asm__ volatile("wfi");
    }
}

static void check_gic_view(void)
{
    uint32_t typer = sp_mmio_read32(sp_gicd_base() + GICD_TYPER);
    uint64_t rtyper0 = *(volatile uint64_t *)(uintptr_t)(sp_gicr_base(0u) + GICR_TYPER);
    uint64_t rtyper1 = *(volatile uint64_t *)(uintptr_t)(sp_gicr_base(1u) + GICR_TYPER);
    /* An SPI this partition does not own: the one right above its RTC. */
    uint32_t foreign = SP_DEV_RTC_INTID + 1u;
    uint64_t en = sp_gicd_base() + GICD_ISENABLER + (4u * (foreign / 32u));
    uint64_t prio = sp_gicd_base() + GICD_IPRIORITYR + (foreign & ~3u);

    check(((((typer >> 5) & 7u) + 1u) == SP_NUM_VCPUS) && ((32u * ((typer & 0x1fu) + 1u)) == SP_NUM_VIRQS),
          "gicd-typer-matches-partition");
    check(((rtyper0 >> 8) & 0xffffu) == 0u && ((rtyper0 >> 4) & 1u) == 0u && ((rtyper1 >> 8) & 0xffffu) == 1u &&
              ((rtyper1 >> 4) & 1u) == 1u && (rtyper1 >> 32) == 1u,
          "gicr-typer-affinity-and-last");
    sp_mmio_write32(en, 1u << (foreign % 32u));
    sp_mmio_write32(prio, 0xa0a0a0a0u);
    check((sp_mmio_read32(en) & (1u << (foreign % 32u))) == 0u &&
              ((sp_mmio_read32(prio) >> (8u * (foreign & 3u))) & 0xffu) == 0u,
          "dist-hides-unowned-interrupt");
    sp_mmio_write32(sp_gicd_base() + GICD_ICENABLER + (4u * (foreign / 32u)), 1u << (foreign % 32u));
}

static void check_psci(void)
{
    int64_t r;

    check(sp_psci(0x84000000u, 0u, 0u, 0u) == 0x10001, "psci-version-1.1");
    check(sp_psci(0x8400000au, SMCCC_VERSION, 0u, 0u) == 0, "psci-features-smccc-version-supported");
    check(sp_psci(SMCCC_VERSION, 0u, 0u, 0u) >= 0x10001, "smccc-version-1.1-or-later");
    check((sp_psci(SMCCC_ARCH_FEATURES, 0xc4000003u, 0u, 0u) == 0) &&
              (sp_psci(SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, 0u, 0u) == 0) &&
              (sp_psci(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0u, 0u) == -1) &&
              (sp_psci(SMCCC_ARCH_FEATURES, 0x8400001fu, 0u, 0u) == -1),
          "smccc-arch-features-truthful");
    /* CPU_SUSPEND: reserved power_state bits are INVALID_PARAMETERS; a standby state returns SUCCESS. */
    check((sp_psci(0xc4000001u, 1ull << 31, 0u, 0u) == -2) && (sp_psci(0xc4000001u, 0u, 0u, 0u) == 0),
          "psci-cpu-suspend-validates-power-state");
    check(sp_psci(0x84000006u, 0u, 0u, 0u) == 2, "psci-migrate-info-type-2");
    check(sp_cpu_on(7u, secondary) == -2, "psci-cpu-on-unknown-cpu-invalid");
    check(sp_psci(0xc4000003u, 1u, 0x1000u, 0u) == -9, "psci-cpu-on-outside-memory-invalid-address");
    check(sp_cpu_on(1u, secondary) == 0, "psci-cpu-on-secondary");
    /* At once, before vCPU 1 can have started: SUCCESS made it ON, so ALREADY_ON (never ON_PENDING). */
    r = sp_cpu_on(1u, secondary);
    check(r == -4, "psci-cpu-on-concurrent-already-on");
    check(wait_for(&sh.secondary_up, 1u, sp_counter_hz() * 5u), "secondary-vcpu-runs");
    check(sp_psci(0xc4000004u, 1u, 0u, 0u) == 0, "psci-affinity-info-on");
}

static void check_sgis(void)
{
    uint64_t hz = sp_counter_hz();
    uint64_t t0;
    uint64_t rt_min = UINT64_MAX;
    uint64_t rt_max = 0u;
    uint64_t rt_sum = 0u;
    uint32_t i;

    for (i = 0u; i < SGI_SAMPLES; i++) {
        uint32_t before = sh.sgi_from[0][SGI_PONG];
        uint64_t rt;

        t0 = sp_counter();
        sp_sgi_send(1u, SGI_PING);
        /* Generous: under TCG without icount, a loaded host can stall a vCPU for a while. */
        if (!wait_for(&sh.sgi_from[0][SGI_PONG], before + 1u, hz * 5u)) {
            break;
        }
        rt = sp_counter() - t0;
        rt_sum += rt;
        rt_min = (rt < rt_min) ? rt : rt_min;
        rt_max = (rt > rt_max) ? rt : rt_max;
    }
    check(i == SGI_SAMPLES, "sgi-vcpu0-to-vcpu1-and-back");
    if (i == SGI_SAMPLES) {
        sp_printf("measure sgi-roundtrip-ticks min %lu avg %lu max %lu n %u\n", (unsigned long)rt_min,
                  (unsigned long)(rt_sum / SGI_SAMPLES), (unsigned long)rt_max, SGI_SAMPLES);
    }
    /* IRM is RES0 (GICD_TYPER.No1N = 1): a "broadcast" with an empty target list reaches nobody. */
    i = sh.sgi_from[1][3];
    sp_sgi_broadcast(3u);
    check(!wait_for(&sh.sgi_from[1][3], i + 1u, hz / 100u) && (sh.sgi_from[0][3] == 0u), "sgi-irm-res0-with-no1n");
}

static void check_timers(void)
{
    uint64_t mn;
    uint64_t mx;
    uint64_t sum;
    uint32_t n = timer_round(TIMER_SAMPLES, &mn, &mx, &sum);

    check(n == TIMER_SAMPLES, "vtimer-interrupts-on-vcpu0");
    if (n == TIMER_SAMPLES) {
        sp_printf("measure vtimer-latency-ticks min %lu avg %lu max %lu n %u\n", (unsigned long)mn,
                  (unsigned long)(sum / TIMER_SAMPLES), (unsigned long)mx, TIMER_SAMPLES);
    }
    check(wait_for(&sh.secondary_timer_done, 1u, sp_counter_hz() * 5u) && (sh.vtimer_hits[1] == 16u),
          "vtimer-interrupts-on-vcpu1");
}

/* ISPENDR of the virtual timer's PPI shows the timer's output while the guest has the PPI disabled. */
static void check_timer_pending_while_disabled(void)
{
    uint64_t rd = sp_gicr_base(0u);
    uint32_t fired;
    uint32_t stopped;

    sp_mmio_write32(rd + GICR_ICENABLER0, 1u << PPI_VTIMER);
    sp_vtimer_at(sp_counter());
    (void)wait_for(&sh.unexpected, 0xffffffffu, sp_counter_hz() / 1000u);
    fired = sp_mmio_read32(rd + GICR_ISPENDR0) & (1u << PPI_VTIMER);
    sp_vtimer_stop();
    stopped = sp_mmio_read32(rd + GICR_ISPENDR0) & (1u << PPI_VTIMER);
    sp_irq_enable(PPI_VTIMER);
    check((fired != 0u) && (stopped == 0u), "timer-pending-while-disabled");
}

static void check_passthrough(void)
{
    uint32_t now = sp_mmio_read32(SP_DEV_RTC_BASE + RTC_DR);

    sp_irq_route(SP_DEV_RTC_INTID, 0u);
    sp_irq_enable(SP_DEV_RTC_INTID);
    sp_mmio_write32(SP_DEV_RTC_BASE + RTC_MR, now + 1u);
    sp_mmio_write32(SP_DEV_RTC_BASE + RTC_IMSC, 1u);
    check(wait_for(&sh.rtc_hits, 1u, sp_counter_hz() * 4u), "passthrough-rtc-alarm-interrupt");
    sp_mmio_write32(SP_DEV_RTC_BASE + RTC_IMSC, 0u);
}

int main(void)
{
    sp_printf("smp: up, %u vCPUs\n", SP_NUM_VCPUS);
    sp_gic_init_dist();
    sp_gic_init_cpu(on_irq);
    sp_irq_enable(SGI_PONG);
    sp_irq_enable(3u);
    sp_irq_enable(PPI_VTIMER);
    sp_irq_unmask();

    check_gic_view();
    check_psci();
    check_timers();
    check_timer_pending_while_disabled();
    check_sgis();
    check_passthrough();
    check(sh.unexpected == 0u, "no-unexpected-interrupts");
    sp_printf("smp: %u passed, %u failed\n", passed, failed);
    sp_system_off();
    return 0;
}
