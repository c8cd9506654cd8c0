/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tiny flattened-device-tree writer for the host tests (Devicetree
 * Specification v0.4, chapter 5): header, memory reservation block,
 * structure block, strings block. Also builds a DTB describing the board of
 * the unit-test system, which individual tests then alter.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

struct fdtb {
    uint8_t st[8192];
    uint32_t st_len;
    char str[2048];
    uint32_t str_len;
    uint64_t rsv[8][2];
    uint32_t num_rsv;
};

static inline void fdtb_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void fdtb_tok(struct fdtb *b, uint32_t t)
{
    fdtb_put32(&b->st[b->st_len], t);
    b->st_len += 4u;
}

static inline void fdtb_begin(struct fdtb *b, const char *name)
{
    size_t n = strlen(name) + 1u;

    fdtb_tok(b, 1u);
    memset(&b->st[b->st_len], 0, (n + 3u) & ~3u);
    memcpy(&b->st[b->st_len], name, n);
    b->st_len += (uint32_t)((n + 3u) & ~3u);
}

static inline void fdtb_end(struct fdtb *b)
{
    fdtb_tok(b, 2u);
}

static inline void fdtb_prop(struct fdtb *b, const char *name, const void *val, uint32_t len)
{
    uint32_t off = b->str_len;

    memcpy(&b->str[off], name, strlen(name) + 1u);
    b->str_len += (uint32_t)strlen(name) + 1u;
    fdtb_tok(b, 3u);
    fdtb_tok(b, len);
    fdtb_tok(b, off);
    memset(&b->st[b->st_len], 0, (len + 3u) & ~3u);
    memcpy(&b->st[b->st_len], val, len);
    b->st_len += (len + 3u) & ~3u;
}

/* A property whose name is the string already at off of the strings block (dtc and libfdt share names). */
static inline void fdtb_prop_at(struct fdtb *b, uint32_t off, const void *val, uint32_t len)
{
    fdtb_tok(b, 3u);
    fdtb_tok(b, len);
    fdtb_tok(b, off);
    memset(&b->st[b->st_len], 0, (len + 3u) & ~3u);
    memcpy(&b->st[b->st_len], val, len);
    b->st_len += (len + 3u) & ~3u;
}

static inline void fdtb_u32(struct fdtb *b, const char *name, uint32_t v)
{
    uint8_t x[4];

    fdtb_put32(x, v);
    fdtb_prop(b, name, x, 4u);
}

static inline void fdtb_str(struct fdtb *b, const char *name, const char *s)
{
    fdtb_prop(b, name, s, (uint32_t)strlen(s) + 1u);
}

/* reg of n (address, size) pairs, 2 cells each (nsize 0: no size cells). */
static inline void fdtb_reg(struct fdtb *b, const uint64_t *v, uint32_t n, uint32_t cells_per)
{
    uint8_t x[128];
    uint32_t i;

    for (i = 0u; i < n * cells_per; i++) {
        fdtb_put32(&x[i * 8u], (uint32_t)(v[i] >> 32));
        fdtb_put32(&x[i * 8u + 4u], (uint32_t)v[i]);
    }
    fdtb_prop(b, "reg", x, n * cells_per * 8u);
}

/* Write the blob into out; returns its size. */
static inline uint32_t fdtb_finish(struct fdtb *b, uint8_t *out, uint32_t cap)
{
    uint32_t rsv_off = 40u;
    uint32_t st_off = rsv_off + 16u * (b->num_rsv + 1u);
    uint32_t str_off;
    uint32_t total;
    uint32_t i;

    fdtb_tok(b, 9u);
    str_off = st_off + b->st_len;
    total = str_off + b->str_len;
    if (total > cap) {
        return 0u;
    }
    memset(out, 0, total);
    fdtb_put32(out, 0xd00dfeedu);
    fdtb_put32(out + 4, total);
    fdtb_put32(out + 8, st_off);
    fdtb_put32(out + 12, str_off);
    fdtb_put32(out + 16, rsv_off);
    fdtb_put32(out + 20, 17u);
    fdtb_put32(out + 24, 16u);
    fdtb_put32(out + 28, 0u);
    fdtb_put32(out + 32, b->str_len);
    fdtb_put32(out + 36, b->st_len);
    for (i = 0u; i < b->num_rsv; i++) {
        fdtb_put32(out + rsv_off + 16u * i, (uint32_t)(b->rsv[i][0] >> 32));
        fdtb_put32(out + rsv_off + 16u * i + 4u, (uint32_t)b->rsv[i][0]);
        fdtb_put32(out + rsv_off + 16u * i + 8u, (uint32_t)(b->rsv[i][1] >> 32));
        fdtb_put32(out + rsv_off + 16u * i + 12u, (uint32_t)b->rsv[i][1]);
    }
    memcpy(out + st_off, b->st, b->st_len);
    memcpy(out + str_off, b->str, b->str_len);
    return total;
}

/* What a board DTB built by fdtb_board() gets wrong, one flag each. */
#define FDTB_SMALL_RAM 0x01u     /* /memory ends before the last configured region */
#define FDTB_NO_CPU_LAST 0x02u   /* the last configured CPU is missing */
#define FDTB_GICV2 0x04u         /* the GIC is arm,cortex-a15-gic */
#define FDTB_GICD_MOVED 0x08u    /* GICD elsewhere */
#define FDTB_GICR_MOVED 0x10u    /* GICR elsewhere */
#define FDTB_NO_UART 0x20u       /* no node at the console's address */
#define FDTB_PSCI_OTHER 0x40u    /* /psci method is the other conduit */
#define FDTB_RESERVED_HYP 0x80u  /* /reserved-memory covers the hypervisor */
#define FDTB_MEMRESERVE 0x100u   /* a /memreserve/ entry over the hypervisor */
#define FDTB_NO_PSCI 0x200u      /* no /psci node */
#define FDTB_NO_MEMORY 0x400u    /* no /memory node */
#define FDTB_UART_DISABLED 0x800u /* the UART node has status = "disabled" */
#define FDTB_NO_IDLE_CPUS 0x1000u /* CPUs that host no vCPU are missing */

/* A DTB of the board the unit-test system was built for, altered by flags. */
static inline uint32_t fdtb_board(uint8_t *out, uint32_t cap, uint32_t flags)
{
    static struct fdtb b;
    uint64_t v[4];
    uint32_t i;
    char name[32];

    memset(&b, 0, sizeof(b));
    if ((flags & FDTB_MEMRESERVE) != 0u) {
        b.rsv[0][0] = cfg_hyp.base;
        b.rsv[0][1] = 0x1000u;
        b.num_rsv = 1u;
    }
    fdtb_begin(&b, "");
    fdtb_u32(&b, "#address-cells", 2u);
    fdtb_u32(&b, "#size-cells", 2u);
    fdtb_str(&b, "compatible", "linux,dummy-virt");
    if ((flags & FDTB_NO_PSCI) == 0u) {
        fdtb_begin(&b, "psci");
        fdtb_str(&b, "compatible", "arm,psci-1.0");
        fdtb_str(&b, "method", ((cfg_hyp.psci_smc != 0u) != ((flags & FDTB_PSCI_OTHER) != 0u)) ? "smc" : "hvc");
        fdtb_end(&b);
    }
    if ((flags & FDTB_NO_MEMORY) == 0u) {
        snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)cfg_hyp.ram_base);
        fdtb_begin(&b, name);
        fdtb_str(&b, "device_type", "memory");
        v[0] = cfg_hyp.ram_base;
        v[1] = ((flags & FDTB_SMALL_RAM) != 0u) ? cfg_hyp.ram_size / 512u : cfg_hyp.ram_size;
        fdtb_reg(&b, v, 1u, 2u);
        fdtb_end(&b);
    }
    if ((flags & FDTB_RESERVED_HYP) != 0u) {
        fdtb_begin(&b, "reserved-memory");
        fdtb_u32(&b, "#address-cells", 2u);
        fdtb_u32(&b, "#size-cells", 2u);
        fdtb_begin(&b, "secure@0");
        v[0] = cfg_hyp.base + 0x1000u;
        v[1] = 0x1000u;
        fdtb_reg(&b, v, 1u, 2u);
        fdtb_end(&b);
        fdtb_end(&b);
    }
    fdtb_begin(&b, "cpus");
    fdtb_u32(&b, "#address-cells", 1u);
    fdtb_u32(&b, "#size-cells", 0u);
    for (i = 0u; i < CFG_NUM_CPUS; i++) {
        if (((flags & FDTB_NO_CPU_LAST) != 0u) && (i == CFG_NUM_CPUS - 1u)) {
            continue;
        }
        if (((flags & FDTB_NO_IDLE_CPUS) != 0u) && (cfg_cpus[i].vcpu == CFG_NO_VCPU)) {
            continue;
        }
        snprintf(name, sizeof(name), "cpu@%u", (unsigned)i);
        fdtb_begin(&b, name);
        fdtb_str(&b, "device_type", "cpu");
        fdtb_u32(&b, "reg", (uint32_t)cfg_cpus[i].mpidr);
        fdtb_end(&b);
    }
    fdtb_end(&b);
    fdtb_begin(&b, "intc@8000000");
    fdtb_str(&b, "compatible", ((flags & FDTB_GICV2) != 0u) ? "arm,cortex-a15-gic" : "arm,gic-v3");
    v[0] = cfg_hyp.gicd_pa + (((flags & FDTB_GICD_MOVED) != 0u) ? 0x100000u : 0u);
    v[1] = 0x10000u;
    v[2] = cfg_hyp.gicr_pa + (((flags & FDTB_GICR_MOVED) != 0u) ? 0x100000u : 0u);
    v[3] = 0xf60000u;
    fdtb_reg(&b, v, 2u, 2u);
    fdtb_end(&b);
    if ((flags & FDTB_NO_UART) == 0u) {
        fdtb_begin(&b, "pl011@9000000");
        fdtb_str(&b, "compatible", "arm,pl011");
        if ((flags & FDTB_UART_DISABLED) != 0u) {
            fdtb_str(&b, "status", "disabled");
        }
        v[0] = cfg_hyp.console_pa;
        v[1] = 0x1000u;
        fdtb_reg(&b, v, 1u, 2u);
        fdtb_end(&b);
    }
    fdtb_end(&b);
    return fdtb_finish(&b, out, cap);
}
