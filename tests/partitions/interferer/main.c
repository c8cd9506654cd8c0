/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The interferer: a hostile partition that tries, phase by phase, to delay
 * the partitions beside it through everything it shares with them (ISO 26262-6
 * freedom from interference), and finally to escape its own watchdog:
 *
 *   1. console   floods its vUART with long lines, with ESC and bytes >= 0x80
 *   2. doorbell  rings the doorbell of channel 'bell', which it may only read
 *   3. sgi       storms SGIs at itself (each is a trapped ICC_SGI1R_EL1 write)
 *   4. setway    loops set/way cache maintenance (DC CISW, trapped by TSW)
 *   5. cpu-off   starts vCPU 1, stops its heartbeats and powers vCPU 0 off
 *
 * It starts 500 ms after boot, when the cluster renders. Each of phases 1-4 lasts PHASE_MS of its counter and sends heartbeats, so
 * that only phase 5 can be caught by the watchdog. Each phase ends with one
 * line saying what it did.
 */
#include "partition.h"
#include "septum.h"

#define PHASE_MS 500u
#define HEARTBEAT_MS 50u
#define CHAN_NOTIFY 0x00u
#define CHAN_THROTTLED 0x24u
#define PL011_DR 0x000u
#define PSCI_CPU_OFF 0x84000002u

static uint64_t ticks_ms(uint32_t ms)
{
    return (sp_counter_hz() / 1000u) * ms;
}

/* Run op until PHASE_MS have passed, with a heartbeat every HEARTBEAT_MS; returns how often op ran. */
static uint32_t phase(void (*op)(void))
{
    uint64_t end = sp_counter() + ticks_ms(PHASE_MS);
    uint64_t beat = 0u;
    uint32_t n = 0u;

    while (sp_counter() < end) {
        if (sp_counter() >= beat) {
            (void)sp_hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u);
            beat = sp_counter() + ticks_ms(HEARTBEAT_MS);
        }
        op();
        n++;
        /*
         * A hint without effect on silicon, where the CPUs run in parallel. Under icount QEMU runs them
         * round-robin on one host thread and takes it from a CPU that neither yields nor halts only every
         * 100 ms of virtual time (tests/partitions/hog shows the lateness that gives everybody else); the
         * yield lets the others run between two operations, as the reference neighbour
         * (tests/partitions/spinner) does, so that what differs between the runs is Septum's work.
         */
        __asm__ volatile("yield");
    }
    return n;
}

/* One flood line, straight into the vUART's data register: ESC, CSI and UTF-8 among the text. */
static void flood_line(void)
{
    static const char line[] = "flood \x1b[2J\x1b[H\x9b" "31m \xc2\xb0 0123456789abcdefghijklmnopqrstuvwxyz\n";
    uint32_t i;

    for (i = 0u; i < (sizeof(line) - 1u); i++) {
        sp_mmio_write32(SP_VUART_BASE + PL011_DR, (uint8_t)line[i]);
        __asm__ volatile("yield"); /* see phase() */
    }
}

static void ring(void)
{
    sp_mmio_write32(SP_CHAN_BELL_CTL + CHAN_NOTIFY, 1u << SP_CHAN_BELL_PEER_CLUSTER);
}

static void sgi_self(void)
{
    sp_sgi_send(0u, 1u);
}

/* One sweep of 64 sets x 4 ways of the L1 and the L2 (level field bits 3:1). */
static void set_way(void)
{
    uint64_t level;
    uint64_t set;
    uint64_t way;

    for (level = 0u; level < 2u; level++) {
        for (way = 0u; way < 4u; way++) {
            for (set = 0u; set < 64u; set++) {
                uint64_t v = (way << 30) | (set << 6) | (level << 1);

                __asm__ volatile("dc cisw, %0; yield" : : "r"(v) : "memory"); /* yield: see phase() */
            }
        }
    }
}

static void vcpu1_main(void)
{
    /* Busy, and never a heartbeat: only vCPU 0's watchdog stands in the way. */
    sp_printf("interferer: vCPU 1 runs; vCPU 0 powers off to dodge the watchdog\n");
    for (;;) {
        __asm__ volatile("yield");
    }
}

int main(void)
{
    uint32_t n;

    sp_printf("interferer up\n");
    /* Let the cluster come up and settle first. */
    for (n = 0u; n < 10u; n++) {
        (void)sp_hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u);
        sp_wait_until(sp_counter() + ticks_ms(HEARTBEAT_MS));
    }
    sp_printf("interferer: phase console starts\n");
    n = phase(flood_line);
    /*
     * Its own ring is full of flood: a line written now would be dropped and counted (console.c), as
     * the flood's lines were. Wait until it has drained before saying what the phase did.
     */
    sp_wait_until(sp_counter() + ticks_ms(20u));
    sp_printf("interferer: phase console done: %u lines\n", n);
    n = phase(ring);
    sp_printf("interferer: phase doorbell done: %u rings, %u throttled\n", n,
              sp_mmio_read32(SP_CHAN_BELL_CTL + CHAN_THROTTLED));
    n = phase(sgi_self);
    sp_printf("interferer: phase sgi done: %u SGIs\n", n);
    n = phase(set_way);
    sp_printf("interferer: phase setway done: %u sweeps\n", n);
    if (sp_cpu_on(1u, vcpu1_main) != 0) {
        sp_printf("interferer: vCPU 1 did not start\n");
    }
    sp_wait_until(sp_counter() + ticks_ms(10u));
    sp_printf("interferer: phase cpu-off: vCPU 0 off\n");
    (void)sp_psci(PSCI_CPU_OFF, 0u, 0u, 0u);
    sp_printf("interferer: still here after CPU_OFF?\n");
    for (;;) {
        __asm__ volatile("wfe");
    }
    return 0;
}
