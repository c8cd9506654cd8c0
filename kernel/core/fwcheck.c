/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Firmware DTB check (fwcheck.h). The facts come from kernel/lib/fdt.c; the
 * board's values from gen/config.c. Every configured memory range must lie in
 * one firmware /memory range and outside /reserved-memory and /memreserve/;
 * the GIC must be GICv3 at the board's GICD and GICR; every CPU that hosts a
 * vCPU must exist with the MPIDR the tables use; the console UART must be present;
 * the firmware's /psci method must be the board's conduit.
 */
#include "config.h"
#include "console.h"
#include "fwcheck.h"
#include "lib.h"

static bool fwcheck_in(const struct fdt_range *r, uint64_t base, uint64_t size)
{
    /* No wrap: r->base <= base and the range ends inside r. */
    return (base >= r->base) && ((base - r->base) <= r->size) && (size <= (r->size - (base - r->base)));
}

static bool fwcheck_overlaps(const struct fdt_range *r, uint64_t base, uint64_t size)
{
    if ((r->size == 0u) || (size == 0u)) {
        return false;
    }
    return (base >= r->base) ? ((base - r->base) < r->size) : ((r->base - base) < size);
}

/* One configured range: covered by /memory, clear of reservations. Returns false on a difference. */
static bool fwcheck_range(const struct fdt_facts *f, const char *what, const char *name, uint64_t base,
                          uint64_t size)
{
    uint32_t i;
    uint32_t nmem = (f->num_memory < FDT_MAX_BANKS) ? f->num_memory : FDT_MAX_BANKS;
    uint32_t nres = (f->num_reserved < FDT_MAX_RESERVED) ? f->num_reserved : FDT_MAX_RESERVED;
    bool ok = false;

    for (i = 0u; i < nmem; i++) {
        ok = ok || fwcheck_in(&f->memory[i], base, size);
    }
    if (!ok) {
        if (nmem == 0u) {
            console_hyp_printf("firmware differs: /memory: firmware none, board %s '%s' [0x%lx..0x%lx)", what,
                               name, (unsigned long)base, (unsigned long)(base + size));
        } else {
            console_hyp_printf("firmware differs: /memory: firmware [0x%lx..0x%lx)%s, board %s '%s' [0x%lx..0x%lx)",
                               (unsigned long)f->memory[0].base,
                               (unsigned long)(f->memory[0].base + f->memory[0].size),
                               (nmem > 1u) ? " and more" : "", what, name, (unsigned long)base,
                               (unsigned long)(base + size));
        }
        return false;
    }
    for (i = 0u; i < nres; i++) {
        if (fwcheck_overlaps(&f->reserved[i], base, size)) {
            console_hyp_printf("firmware differs: /reserved-memory: firmware [0x%lx..0x%lx), board %s '%s' [0x%lx..0x%lx)",
                               (unsigned long)f->reserved[i].base,
                               (unsigned long)(f->reserved[i].base + f->reserved[i].size), what, name,
                               (unsigned long)base, (unsigned long)(base + size));
            return false;
        }
    }
    return true;
}

bool fwcheck_board(const struct fdt_facts *f)
{
    /* The first check: nothing has failed before it (a later check's "&& ok" keeps earlier failures). */
    bool ok = fwcheck_range(f, "hypervisor", "memory", cfg_hyp.base, cfg_hyp.size);
    uint32_t p;
    uint32_t i;
    uint32_t ncpu = (f->num_cpus < FDT_MAX_CPUS) ? f->num_cpus : FDT_MAX_CPUS;
    uint32_t want_psci = (cfg_hyp.psci_smc != 0u) ? (uint32_t)FDT_PSCI_SMC : (uint32_t)FDT_PSCI_HVC;
    static const char *const psci_name[] = {"none", "hvc", "smc", "other"};
    /* CFG_NUM_CHANNELS as an object, so the loop over an empty table compiles without warnings. */
    static const uint32_t fwcheck_num_channels = CFG_NUM_CHANNELS;

    for (p = 0u; p < CFG_NUM_PARTITIONS; p++) {
        const struct cfg_partition *cp = &cfg_partitions[p];

        for (i = cp->first_region; i < (cp->first_region + cp->num_regions); i++) {
            ok = fwcheck_range(f, cp->name, cfg_regions[i].name, cfg_regions[i].pa, cfg_regions[i].size) && ok;
        }
    }
    for (i = 0u; i < fwcheck_num_channels; i++) {
        ok = fwcheck_range(f, "channel", cfg_channels[i].name, cfg_channels[i].pa, cfg_channels[i].size) && ok;
    }
    if (f->gicv3 == 0u) {
        console_hyp_printf("firmware differs: GIC: firmware has no arm,gic-v3 node, board GICv3 GICD 0x%lx GICR 0x%lx",
                           (unsigned long)cfg_hyp.gicd_pa, (unsigned long)cfg_hyp.gicr_pa);
        ok = false;
    } else {
        if (f->gicd != cfg_hyp.gicd_pa) {
            console_hyp_printf("firmware differs: GICD: firmware 0x%lx, board 0x%lx", (unsigned long)f->gicd,
                               (unsigned long)cfg_hyp.gicd_pa);
            ok = false;
        }
        if (f->gicr != cfg_hyp.gicr_pa) {
            console_hyp_printf("firmware differs: GICR: firmware 0x%lx, board 0x%lx", (unsigned long)f->gicr,
                               (unsigned long)cfg_hyp.gicr_pa);
            ok = false;
        }
    }
    for (p = 0u; p < CFG_NUM_CPUS; p++) {
        /* A board CPU that hosts no vCPU is not configured: the firmware may leave it out. */
        bool found = (cfg_cpus[p].vcpu == CFG_NO_VCPU);

        for (i = 0u; i < ncpu; i++) {
            found = found || (f->cpu_mpidr[i] == cfg_cpus[p].mpidr);
        }
        if (!found) {
            console_hyp_printf("firmware differs: /cpus: firmware %u CPUs, board CPU %u MPIDR 0x%lx missing",
                               (unsigned)f->num_cpus, (unsigned)p, (unsigned long)cfg_cpus[p].mpidr);
            ok = false;
        }
    }
    if (f->uart_found == 0u) {
        console_hyp_printf("firmware differs: console UART: firmware none at 0x%lx, board 0x%lx",
                           (unsigned long)cfg_hyp.console_pa, (unsigned long)cfg_hyp.console_pa);
        ok = false;
    }
    if (f->psci != want_psci) {
        console_hyp_printf("firmware differs: /psci method: firmware %s, board %s", psci_name[f->psci & 3u],
                           psci_name[want_psci]);
        ok = false;
    }
    return ok;
}

/* Append the literal s (n bytes) at line[at]. */
static size_t fwcheck_put(char *line, size_t at, const char *s, size_t n)
{
    (void)memcpy(&line[at], s, n);
    return at + n;
}

/* Append v in base 10 or 16 (lower-case, no leading zeros: fmt's %u and %lx) at line[at]. */
static size_t fwcheck_put_num(char *line, size_t at, uint64_t v, uint32_t base)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[20];
    uint64_t rest = v;
    uint32_t n = 0u;
    size_t i = at;

    /* At most 20 digits (2^64 - 1 in base 10). */
    do {
        tmp[n] = digits[rest % base];
        rest /= base;
        n++;
    } while (rest != 0u);
    while (n > 0u) {
        n--;
        line[i] = tmp[n];
        i++;
    }
    return i;
}

/*
 * The longest line: 18 + 16 hex digits + 2 + 10 digits + 18 + 10 digits + 12 + 3 = 89 bytes.
 * Composed without fmt: its format parse was about 700 of the boot's instructions (issue 11).
 */
_Static_assert(FWCHECK_LINE_MAX >= 89u, "fwcheck_line: room for the longest line");

size_t fwcheck_line(char *line, uint64_t fw_dtb, const struct fdt_facts *f)
{
    static const char at[] = "firmware DTB at 0x";
    static const char mem[] = ": ";
    static const char cpus[] = " memory range(s), ";
    static const char psci[] = " CPUs, PSCI ";
    const char *method = (f->psci == FDT_PSCI_SMC) ? "smc" : ((f->psci == FDT_PSCI_HVC) ? "hvc" : "?");
    size_t n = fwcheck_put(line, 0u, at, sizeof(at) - 1u);

    n = fwcheck_put_num(line, n, fw_dtb, 16u);
    n = fwcheck_put(line, n, mem, sizeof(mem) - 1u);
    n = fwcheck_put_num(line, n, f->num_memory, 10u);
    n = fwcheck_put(line, n, cpus, sizeof(cpus) - 1u);
    n = fwcheck_put_num(line, n, f->num_cpus, 10u);
    n = fwcheck_put(line, n, psci, sizeof(psci) - 1u);
    return fwcheck_put(line, n, method, strlen(method));
}

bool fwcheck_dtb(uint64_t fw_dtb, const uint8_t *copy, uint32_t len)
{
    struct fdt fdt;
    struct fdt_facts facts;
    char line[FWCHECK_LINE_MAX];
    size_t n;
    int rc;
    static const char *const fwcheck_err[] = {
        "ok", "shorter than its header", "bad magic", "unsupported version", "blocks outside totalsize",
        "larger than the 64 KiB the hypervisor reads", "corrupt structure block", "nested too deeply",
    };

    if (fw_dtb == 0u) {
        console_hyp_printf("no firmware DTB (x0 = 0); board description trusted");
        return true;
    }
    if (len == 0u) {
        console_hyp_printf("firmware DTB at 0x%lx is outside board RAM; board description trusted",
                           (unsigned long)fw_dtb);
        return true;
    }
    rc = fdt_open(&fdt, copy, len);
    if (rc == FDT_OK) {
        rc = fdt_facts(&fdt, cfg_hyp.console_pa, &facts);
    }
    if (rc != FDT_OK) {
        console_hyp_printf("firmware DTB at 0x%lx unreadable (%s); board description trusted", (unsigned long)fw_dtb,
                           fwcheck_err[(uint32_t)rc % ARRAY_SIZE(fwcheck_err)]);
        return true;
    }
    /* Plain text only (the text, numbers and a method name): no scan for bytes to escape. */
    n = fwcheck_line(line, fw_dtb, &facts);
    console_hyp_line(line, n);
    if (!fwcheck_board(&facts)) {
        console_hyp_printf("firmware does not match the board this image was built for; no partition started");
        return false;
    }
    return true;
}
