/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The EL3 stub's SMC services (start.S): PSCI_VERSION 1.1, PSCI_FEATURES (only
 * SMCCC_VERSION is implemented), SMCCC_VERSION 1.1, SMCCC_ARCH_FEATURES (only
 * SMCCC_ARCH_WORKAROUND_1) and SMCCC_ARCH_WORKAROUND_1 itself, which it counts and
 * reports on the UART at every power of two from 1024 on. Everything else:
 * NOT_SUPPORTED. PSCI CPU_ON starts another CPU at EL2 (start.S). The count is
 * CPU 0's only.
 */
#include <stdint.h>

#define UART_DR ((volatile uint32_t *)0x09000000u)
#define UART_FR ((volatile uint32_t *)0x09000018u)
#define UART_FR_TXFF (1u << 5)
#define NOT_SUPPORTED 0xffffffffffffffffull

uint64_t el3_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
void el3_init(void);

static uint64_t wa1_calls;
/* Per CPU (Aff0): where CPU_ON sends it, and its context_id (start.S waits on entry). */
struct el3_mailbox {
    volatile uint64_t entry;
    volatile uint64_t context;
};
struct el3_mailbox el3_mailbox[8];


static void putc_el3(char c)
{
    while ((*UART_FR & UART_FR_TXFF) != 0u) {
    }
    *UART_DR = (uint32_t)(uint8_t)c;
}

static void puts_el3(const char *s)
{
    while (*s != '\0') {
        putc_el3(*s);
        s++;
    }
}

static void putu_el3(uint64_t v)
{
    char d[21];
    int n = 0;

    do {
        d[n] = (char)('0' + (v % 10u));
        n++;
        v /= 10u;
    } while (v != 0u);
    while (n > 0) {
        n--;
        putc_el3(d[n]);
    }
}

void el3_init(void)
{
    uint32_t i;

    wa1_calls = 0u;
    for (i = 0u; i < 8u; i++) {
        el3_mailbox[i].context = 0u;
        el3_mailbox[i].entry = 0u;
    }
    puts_el3("[el3] stub firmware: SMCCC 1.1, SMCCC_ARCH_WORKAROUND_1 counted\n");
}

uint64_t el3_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    uint64_t r = NOT_SUPPORTED;

    switch ((uint32_t)fid) {
    case 0x84000000u: /* PSCI_VERSION */
        r = 0x10001u;
        break;
    case 0x8400000au: /* PSCI_FEATURES */
        r = ((uint32_t)a1 == 0x80000000u) ? 0u : NOT_SUPPORTED;
        break;
    case 0xc4000003u: /* PSCI CPU_ON (64-bit): target MPIDR a1, entry a2, context_id a3; no checks */
        if (((a1 & 0xffu) > 0u) && ((a1 & 0xffu) < 8u)) {
            el3_mailbox[a1 & 0xffu].context = a3;
            __asm__ volatile("dsb sy" ::: "memory");
            el3_mailbox[a1 & 0xffu].entry = a2;
            __asm__ volatile("dsb sy; sev" ::: "memory");
            r = 0u;
        }
        break;
    case 0x80000000u: /* SMCCC_VERSION */
        r = 0x10001u;
        break;
    case 0x80000001u: /* SMCCC_ARCH_FEATURES */
        r = ((uint32_t)a1 == 0x80008000u) ? 0u : NOT_SUPPORTED;
        break;
    case 0x80008000u: /* SMCCC_ARCH_WORKAROUND_1: counted on CPU 0 only (one writer, one printer) */
        __asm__ volatile("mrs %0, mpidr_el1" : "=r"(a2));
        if ((a2 & 0xffu) != 0u) {
            r = 0u;
            break;
        }
        wa1_calls++;
        if ((wa1_calls >= 1024u) && ((wa1_calls & (wa1_calls - 1u)) == 0u)) {
            puts_el3("[el3] SMCCC_ARCH_WORKAROUND_1 calls: ");
            putu_el3(wa1_calls);
            putc_el3('\n');
        }
        r = 0u;
        break;
    default:
        break;
    }
    return r;
}
