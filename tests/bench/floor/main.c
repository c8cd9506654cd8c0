/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EL1 half of the HVC->ERET floor: the same unrolled batches as
 * tests/bench/partition (movz x0 + hvc, 32 per batch), against an EL2 that
 * only returns. Prints one line in the benchmark format on the PL011, then
 * PSCI SYSTEM_OFF (QEMU's PSCI conduit is SMC when EL2 is present).
 */
#include <stdarg.h>
#include <stdint.h>

#include "lib.h"

#define UART_DR 0x09000000u
#define UART_FR 0x09000018u
#define SAMPLES 64u
#define BATCH 32u

void floor_main(void);

static void out(const char *s, size_t n)
{
    size_t i;

    for (i = 0u; i < n; i++) {
        while ((*(volatile uint32_t *)(uintptr_t)UART_FR & (1u << 5)) != 0u) {
        }
        *(volatile uint32_t *)(uintptr_t)UART_DR = (uint32_t)(uint8_t)s[i];
    }
}

static void say(const char *f, ...)
{
    char buf[160];
    va_list ap;
    size_t n;

    va_start(ap, f);
    n = fmt_vsnprintf(buf, sizeof(buf), f, ap);
    va_end(ap);
    out(buf, n);
}

void kassert_fail(const char *file, int line, const char *expr)
{
    say("assertion failed: %s:%d: %s\n", file, line, expr);
    for (;;) {
    }
}

static uint64_t counter(void)
{
    uint64_t v;

    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
    return v;
}

static uint64_t batch_hvc(void)
{
    uint64_t t0 = counter();

    __asm__ volatile(".rept 32\n movz x0, #0xc600, lsl #16\n hvc #0\n .endr" : : : "memory", "x0");
    return counter() - t0;
}

void floor_main(void)
{
    static uint64_t s[SAMPLES];
    uint64_t hz;
    uint64_t nspt;
    uint32_t i;
    uint32_t j;

    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
    nspt = 1000000000u / hz;
    (void)batch_hvc();
    for (i = 0u; i < SAMPLES; i++) {
        s[i] = (batch_hvc() * nspt) / BATCH;
    }
    for (i = 1u; i < SAMPLES; i++) {
        uint64_t v = s[i];

        for (j = i; (j > 0u) && (s[j - 1u] > v); j--) {
            s[j] = s[j - 1u];
        }
        s[j] = v;
    }
    say("bench hvc-floor min %lu median %lu max %lu n %u unit instructions\n", (unsigned long)s[0],
        (unsigned long)s[SAMPLES / 2u], (unsigned long)s[SAMPLES - 1u], SAMPLES);
    say("bench done\n");
    {
        register uint64_t x0 __asm__("x0") = 0x84000008u; /* PSCI SYSTEM_OFF */

        __asm__ volatile("smc #0" : "+r"(x0) : : "memory");
    }
    for (;;) {
        __asm__ volatile("wfi");
    }
}
