/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Console output of a bare-metal partition through CONSOLE_WRITE. Formatting
 * is kernel/lib/fmt.c, shared with the hypervisor.
 */
#include "lib.h"
#include "partition.h"
#include "septum.h"

void sp_vprintf(const char *f, va_list ap)
{
    char buf[SEPTUM_CONSOLE_WRITE_MAX];
    size_t n = fmt_vsnprintf(buf, sizeof(buf), f, ap);

    if (sp_console_kind() == SP_CONSOLE_PL011) {
        (void)sp_pl011_write(buf, n);
    } else {
        (void)sp_console_write(buf, n);
    }
}

void sp_printf(const char *f, ...)
{
    va_list ap;

    va_start(ap, f);
    sp_vprintf(f, ap);
    va_end(ap);
}

size_t sp_snprintf(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, f);
    n = fmt_vsnprintf(buf, size, f, ap);
    va_end(ap);
    return n;
}

void kassert_fail(const char *file, int line, const char *expr)
{
    sp_printf("assertion failed: %s:%d: %s\n", file, line, expr);
    for (;;) {
        __asm__ volatile("wfi");
    }
}

/* ---- console backends ---- */

/* PL011 (Arm DDI 0183): data register, flag register and its TX FIFO full bit. */
#define SP_PL011_DR 0x000u
#define SP_PL011_FR 0x018u
#define SP_PL011_FR_TXFF (1u << 5)
/* Bounded wait for FIFO space per byte: a stuck UART must not hang the program. */
#define SP_PL011_POLL_LIMIT 100000u

/* Septum's answer to SMCCC CALL_UID, x0..x1 ("SEPT", "UM"): kernel/core/hypercall.c. */
#define SP_SEPTUM_UID0 0x53455054u
#define SP_SEPTUM_UID1 0x554d0000u

static enum sp_console_kind sp_console_sel = SP_CONSOLE_HVC;

void sp_console_use(enum sp_console_kind kind)
{
    sp_console_sel = kind;
}

enum sp_console_kind sp_console_kind(void)
{
    return sp_console_sel;
}

int64_t sp_pl011_write(const char *buf, size_t len)
{
#ifdef SP_VUART_BASE
    size_t i;

    for (i = 0u; i < len; i++) {
        uint32_t n;

        for (n = 0u; n < SP_PL011_POLL_LIMIT; n++) {
            if ((sp_mmio_read32(SP_VUART_BASE + SP_PL011_FR) & SP_PL011_FR_TXFF) == 0u) {
                break;
            }
            __asm__ volatile("yield");
        }
        sp_mmio_write32(SP_VUART_BASE + SP_PL011_DR, (uint32_t)(uint8_t)buf[i]);
    }
    return (int64_t)len;
#else
    /* A partition without a vUART (console: none) has no PL011 to write. */
    (void)buf;
    (void)len;
    return SMCCC_NOT_SUPPORTED;
#endif
}

int sp_septum_present(void)
{
    uint64_t el;
    uint64_t pfr0;
    uint64_t vbar;
    uint64_t daif;
    struct sp_hvc_result r;

    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    if (((el >> 2) & 3u) != 1u) {
        return 0; /* not at EL1: nothing runs below us */
    }
    __asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
    if (((pfr0 >> 8) & 0xfu) == 0u) {
        return 0; /* EL2 not implemented: HVC is UNDEFINED (or a firmware PSCI conduit) */
    }
    /* Ask EL2 who it is; if HVC turns out UNDEFINED, the probe vectors answer -1. */
    __asm__ volatile("mrs %0, daif; msr daifset, #0xf" : "=r"(daif) : : "memory");
    __asm__ volatile("mrs %0, vbar_el1" : "=r"(vbar));
    __asm__ volatile("msr vbar_el1, %0; isb" : : "r"((uint64_t)(uintptr_t)sp_probe_vectors) : "memory");
    r = sp_hvc(SEPTUM_HVC_CALL_UID, 0u, 0u, 0u);
    __asm__ volatile("msr vbar_el1, %0; isb; msr daif, %1" : : "r"(vbar), "r"(daif) : "memory");
    return ((uint64_t)r.x0 == SP_SEPTUM_UID0) && (r.x1 == SP_SEPTUM_UID1);
}

enum sp_console_kind sp_console_auto(void)
{
#ifdef SP_VUART_BASE
    sp_console_use(sp_septum_present() ? SP_CONSOLE_HVC : SP_CONSOLE_PL011);
#endif
    return sp_console_kind();
}
