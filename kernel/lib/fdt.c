/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Read-only, bounded, allocation-free FDT reader (kernel/include/fdt.h).
 * Format: Devicetree Specification v0.4, chapter 5 (header 5.2, memory
 * reservation block 5.3, structure block 5.4, strings block 5.5); the
 * properties it interprets: 2.3.5 #address-cells/#size-cells, 2.3.6 reg,
 * 3.4 /memory, 3.5 /reserved-memory, 3.7-3.8 /cpus.
 */
#include "fdt.h"
#include "lib.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_HEADER_SIZE 40u
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u

/* A 32-bit word of the blob: may alias the bytes (see fdt_be32). */
typedef uint32_t __attribute__((may_alias)) fdt_word_t;

/*
 * The big-endian 32-bit value at p, which is 4-byte aligned: the blob is
 * (fdt_open() checks buf), and every offset read is (tokens and values 5.4.1,
 * cells, the reservation block 5.3 is 8-aligned). One load and a byte swap
 * instead of four byte loads: -mstrict-align would not merge them. Deviation of
 * Rule 11.3 (verification/misra/deviations.md): an aligned, may_alias read.
 */
static inline uint32_t fdt_be32(const uint8_t *p)
{
    /* Little-endian: the EL2 build (SCTLR_EL2.EE = 0) and the hosts of the unit tests and the fuzzer. */
    return __builtin_bswap32(*(const fdt_word_t *)p);
}

int fdt_open(struct fdt *f, const uint8_t *buf, uint32_t len)
{
    uint64_t limit;
    uint64_t s_off;
    uint64_t s_end;
    uint64_t str_off;
    uint64_t str_end;
    uint64_t rsv_off;

    (void)memset(f, 0, sizeof(*f));
    if ((buf == NULL) || (len < FDT_HEADER_SIZE)) {
        return FDT_ERR_SHORT;
    }
    if (((uintptr_t)buf & 3u) != 0u) {
        return FDT_ERR_LAYOUT;  /* words are read whole (fdt_be32); the kernel's copy is page aligned */
    }
    if (fdt_be32(buf) != FDT_MAGIC) {
        return FDT_ERR_MAGIC;
    }
    /* 5.2: version 17, backwards compatible with 16 (last_comp_version 16). */
    if ((fdt_be32(&buf[20u]) < 17u) || (fdt_be32(&buf[24u]) > 17u)) {
        return FDT_ERR_VERSION;
    }
    f->totalsize = fdt_be32(&buf[4u]);
    s_off = fdt_be32(&buf[8u]);
    str_off = fdt_be32(&buf[12u]);
    rsv_off = fdt_be32(&buf[16u]);
    str_end = str_off + fdt_be32(&buf[32u]);
    s_end = s_off + fdt_be32(&buf[36u]);
    /* 64-bit sums of 32-bit fields cannot wrap. */
    if ((s_off < FDT_HEADER_SIZE) || (str_off < FDT_HEADER_SIZE) || (rsv_off < FDT_HEADER_SIZE) ||
        ((s_off & 3u) != 0u) || ((rsv_off & 7u) != 0u) || (s_end > f->totalsize) || (str_end > f->totalsize) ||
        (rsv_off >= f->totalsize) || ((s_end - s_off) < 4u)) {
        return FDT_ERR_LAYOUT;
    }
    limit = (uint64_t)len;
    if ((s_end > limit) || (str_end > limit) || (rsv_off >= limit)) {
        return FDT_ERR_TRUNCATED;
    }
    f->buf = buf;
    f->len = len;
    f->struct_off = (uint32_t)s_off;
    f->struct_end = (uint32_t)s_end;
    f->strings_off = (uint32_t)str_off;
    f->strings_size = (uint32_t)(str_end - str_off);
    f->rsvmap_off = (uint32_t)rsv_off;
    /*
     * A property's name is NUL-terminated inside the strings block exactly when a NUL
     * lies at or after its offset, i.e. when the offset is below the last NUL + 1: one
     * backward scan here (one step for any real blob) instead of a strlen per property.
     */
    f->strings_term = f->strings_size;
    while ((f->strings_term > 0u) && (buf[f->strings_off + f->strings_term - 1u] != 0u)) {
        f->strings_term--;
    }
    return FDT_OK;
}

/*
 * Length of the NUL-terminated string at buf[off..end), or -1 if it is not
 * terminated there. off is 4-aligned (a node name): whole words while they hold
 * no zero byte (the test of Hacker's Delight 6-1), then byte by byte. The words
 * are taken in memory order (little-endian, no byte swap): the least significant
 * flagged byte is the first zero; a borrow can only flag bytes after it.
 */
static inline int64_t fdt_strlen_in(const uint8_t *buf, uint32_t off, uint32_t end)
{
    uint32_t i = off;

    /* off <= end and end >= 4 (the caller read a token before it): last never wraps. */
    const uint32_t last = end - 4u;

    while (i <= last) {
        uint32_t w = *(const fdt_word_t *)&buf[i];
        uint32_t zero = (w - 0x01010101u) & ~w & 0x80808080u;

        if (zero != 0u) {
            uint32_t len = (i - off) + ((uint32_t)__builtin_ctz(zero) / 8u);

            return (int64_t)len;
        }
        i += 4u;
    }
    for (; i < end; i++) {
        if (buf[i] == 0u) {
            return (int64_t)i - (int64_t)off;
        }
    }
    return -1;
}

/*
 * The token at *pos, skipping NOPs (fdt_next()); inline in fdt_facts()'s one pass.
 * Every field of *t is set on FDT_OK.
 */
static inline __attribute__((always_inline)) int fdt_token(const struct fdt *f, uint32_t *pos, struct fdt_token *t)
{
    uint32_t p = *pos;
    uint32_t end = f->struct_end;
    const uint8_t *buf = f->buf;

    /* Each iteration consumes at least one 4-byte token: bounded by the block's size. */
    while ((p <= end) && ((end - p) >= 4u)) {
        uint32_t tok = fdt_be32(&buf[p]);
        int64_t n;

        p += 4u;
        t->val = NULL;
        t->val_len = 0u;
        if (tok == FDT_PROP) {
            const uint8_t *hdr;
            uint32_t vlen;
            uint32_t nameoff;

            if ((end - p) < 8u) {
                return FDT_ERR_STRUCT;
            }
            hdr = &buf[p];  /* one base register for both words (offsets from buf took an add each) */
            vlen = fdt_be32(hdr);
            nameoff = fdt_be32(&hdr[4u]);
            p += 8u;
            /* nameoff < strings_term: the name is NUL-terminated inside the strings block (fdt_open). */
            if ((vlen > (end - p)) || (nameoff >= f->strings_term)) {
                return FDT_ERR_STRUCT;
            }
            t->kind = FDT_TOK_PROP;
            t->name = (const char *)&buf[f->strings_off + nameoff];
            t->val = &buf[p];
            t->val_len = vlen;
            p += vlen;
            p = ((end - p) >= 3u) ? ((p + 3u) & ~3u) : end;
            *pos = p;
            return FDT_OK;
        }
        if (tok == FDT_BEGIN_NODE) {
            n = fdt_strlen_in(buf, p, end);
            if (n < 0) {
                return FDT_ERR_STRUCT;
            }
            t->kind = FDT_TOK_BEGIN;
            t->name = (const char *)&buf[p];
            /* Name, its NUL, padding to 4 (5.4.1); may end exactly at the block's end. */
            p += ((uint32_t)n + 4u) & ~3u;
            *pos = (p > end) ? end : p;
            return FDT_OK;
        }
        t->name = NULL;
        if (tok == FDT_END_NODE) {
            t->kind = FDT_TOK_END;
            *pos = p;
            return FDT_OK;
        }
        if (tok == FDT_END) {
            t->kind = FDT_TOK_DONE;
            *pos = p;
            return FDT_OK;
        }
        if (tok != FDT_NOP) {
            return FDT_ERR_STRUCT;
        }
    }
    return FDT_ERR_STRUCT;  /* no FDT_END before the block's end */
}

int fdt_next(const struct fdt *f, uint32_t *pos, struct fdt_token *t)
{
    return fdt_token(f, pos, t);
}

/* ------------------------------------------------------------------ facts */

/*
 * Compare a (NUL-terminated inside the blob) with the literal b; stops at a's
 * NUL, so it never reads past the blob. Returns the index where they differ
 * or where b ends.
 */
static size_t fdt_prefix(const char *a, const char *b)
{
    size_t i = 0u;

    while ((b[i] != '\0') && (a[i] == b[i])) {
        i++;
    }
    return i;
}

/* a equals the literal b. */
static bool fdt_streq(const char *a, const char *b)
{
    size_t i = fdt_prefix(a, b);

    return (b[i] == '\0') && (a[i] == '\0');
}

/* Node name is base or base@unit. */
static bool fdt_node_is(const char *name, const char *base)
{
    size_t i = fdt_prefix(name, base);

    return (base[i] == '\0') && ((name[i] == '\0') || (name[i] == '@'));
}

/*
 * The property value is a string list containing s. Each string of the list is
 * compared whole with s (fdt_streq stops at its NUL, val[j]): no strlen of s per
 * call (8 calls, 160 instructions of QEMU's DTB's check).
 */
static bool fdt_val_has(const uint8_t *val, uint32_t val_len, const char *s)
{
    uint32_t i = 0u;

    while (i < val_len) {
        uint32_t j = i;

        while ((j < val_len) && (val[j] != 0u)) {
            j++;
        }
        if ((j < val_len) && fdt_streq((const char *)&val[i], s)) {
            return true;
        }
        i = j + 1u;
    }
    return false;
}

/* Read cells (1 or 2) big-endian cells at p. */
static uint64_t fdt_cells(const uint8_t *p, uint32_t cells)
{
    uint64_t v = fdt_be32(p);

    if (cells == 2u) {
        v = (v << 32) | fdt_be32(&p[4u]);
    }
    return v;
}

/* Node kinds the pass cares about. */
#define K_OTHER 0u
#define K_MEMORY 1u    /* /memory, /memory@... */
#define K_RESMEM 2u    /* /reserved-memory */
#define K_RESCHILD 3u  /* a child of /reserved-memory */
#define K_CPUS 4u      /* /cpus */
#define K_CPU 5u       /* a child of /cpus */
#define K_PSCI 6u      /* /psci */

struct fdt_level {
    uint32_t kind;
    uint32_t ac;        /* #address-cells for children */
    uint32_t sc;        /* #size-cells for children */
    uint32_t is_cpu_type;
    uint32_t disabled;
    const uint8_t *reg;
    uint32_t reg_len;
    uint32_t compat_len;
    const uint8_t *compat;  /* "compatible", looked at when the node ends (only a GIC candidate's) */
};

static void fdt_add(struct fdt_range *tab, uint32_t max, uint32_t *count, uint64_t base, uint64_t size)
{
    if (*count < max) {
        tab[*count].base = base;
        tab[*count].size = size;
    }
    if (*count < UINT32_MAX) {
        (*count)++;
    }
}

/* A node ends: record what it describes. parent's cells decode its reg. */
static void fdt_node_done(const struct fdt_level *n, const struct fdt_level *parent, uint64_t uart_pa,
                          struct fdt_facts *out)
{
    uint32_t ac = parent->ac;
    uint32_t sc = parent->sc;
    uint32_t entry = (ac + sc) * 4u;
    uint32_t i;

    if ((ac == 0u) || (ac > 2u) || (sc > 2u) || (n->reg == NULL) || (n->reg_len < entry)) {
        return;
    }
    if ((n->kind == K_MEMORY) || (n->kind == K_RESCHILD)) {
        /* Every (address, size) pair of reg; bounded by reg_len / entry. */
        for (i = 0u; (n->reg_len - i) >= entry; i += entry) {
            uint64_t base = fdt_cells(&n->reg[i], ac);
            uint64_t size = (sc == 0u) ? 0u : fdt_cells(&n->reg[i + (ac * 4u)], sc);

            if (n->kind == K_MEMORY) {
                fdt_add(out->memory, FDT_MAX_BANKS, &out->num_memory, base, size);
            } else {
                fdt_add(out->reserved, FDT_MAX_RESERVED, &out->num_reserved, base, size);
            }
        }
        return;
    }
    if ((n->kind == K_CPU) && (n->is_cpu_type != 0u)) {
        if (out->num_cpus < FDT_MAX_CPUS) {
            out->cpu_mpidr[out->num_cpus] = fdt_cells(n->reg, ac);
        }
        out->num_cpus++;
        return;
    }
    /* A GICv3 has GICD and GICR: only a node with two reg entries needs its compatible list read. */
    if ((out->gicv3 == 0u) && (n->reg_len >= (2u * entry)) && (n->compat != NULL) &&
        fdt_val_has(n->compat, n->compat_len, "arm,gic-v3")) {
        out->gicv3 = 1u;
        out->gicd = fdt_cells(n->reg, ac);
        out->gicr = fdt_cells(&n->reg[entry], ac);
    }
    if ((n->disabled == 0u) && (fdt_cells(n->reg, ac) == uart_pa)) {
        out->uart_found = 1u;
    }
}

/* The memory reservation block (5.3): (address, size) pairs up to a (0, 0) pair. */
static void fdt_rsvmap(const struct fdt *f, struct fdt_facts *out)
{
    uint32_t p = f->rsvmap_off;

    while ((f->len - p) >= 16u) {
        uint64_t base = fdt_cells(&f->buf[p], 2u);
        uint64_t size = fdt_cells(&f->buf[p + 8u], 2u);

        if ((base == 0u) && (size == 0u)) {
            return;
        }
        fdt_add(out->reserved, FDT_MAX_RESERVED, &out->num_reserved, base, size);
        p += 16u;
    }
}

/* The properties the pass reads (P_OTHER: all the rest). */
#define P_OTHER 0u
#define P_ADDRESS_CELLS 1u
#define P_SIZE_CELLS 2u
#define P_REG 3u
#define P_COMPATIBLE 4u
#define P_DEVICE_TYPE 5u
#define P_STATUS 6u
#define P_METHOD 7u

/* Which of them name is: the first character picks the one name to compare. */
static uint32_t fdt_prop_id(const char *name)
{
    uint32_t id = P_OTHER;

    switch (name[0]) {
    case '#':
        if (fdt_streq(name, "#address-cells")) {
            id = P_ADDRESS_CELLS;
        } else if (fdt_streq(name, "#size-cells")) {
            id = P_SIZE_CELLS;
        } else {
            /* another #-property (#interrupt-cells, ...) */
        }
        break;
    case 'r':
        id = fdt_streq(name, "reg") ? P_REG : P_OTHER;
        break;
    case 'c':
        id = fdt_streq(name, "compatible") ? P_COMPATIBLE : P_OTHER;
        break;
    case 'd':
        id = fdt_streq(name, "device_type") ? P_DEVICE_TYPE : P_OTHER;
        break;
    case 's':
        id = fdt_streq(name, "status") ? P_STATUS : P_OTHER;
        break;
    case 'm':
        id = fdt_streq(name, "method") ? P_METHOD : P_OTHER;
        break;
    default:
        /* not needed */
        break;
    }
    return id;
}

/*
 * Property names by their offset in the strings block, which dtc and libfdt
 * share between all properties of one name (5.5): a direct-mapped cache, so
 * each distinct name is compared once, not once per property (QEMU's DTB: 222
 * properties, 40 names). A collision only costs a comparison.
 */
#define FDT_NAME_SLOTS 64u
/* A slot holds (name_off + 1) << 8 | id of the cached name, 0 when empty: one load per property. */

/* Property id (not P_OTHER) of node n, value v[0..len): keep what the pass needs. */
static void fdt_prop(struct fdt_level *n, uint32_t id, const uint8_t *v, uint32_t len, struct fdt_facts *out)
{
    switch (id) {
    case P_ADDRESS_CELLS:
        if (len == 4u) {
            n->ac = fdt_be32(v);
        }
        break;
    case P_SIZE_CELLS:
        if (len == 4u) {
            n->sc = fdt_be32(v);
        }
        break;
    case P_REG:
        n->reg = v;
        n->reg_len = len;
        break;
    case P_COMPATIBLE:
        n->compat = v;
        n->compat_len = len;
        break;
    case P_DEVICE_TYPE:
        if (fdt_val_has(v, len, "memory") && (n->kind == K_OTHER)) {
            n->kind = K_MEMORY;
        }
        n->is_cpu_type = fdt_val_has(v, len, "cpu") ? 1u : 0u;
        break;
    case P_STATUS:
        n->disabled = (fdt_val_has(v, len, "okay") || fdt_val_has(v, len, "ok")) ? (uint32_t)0u : (uint32_t)1u;
        break;
    case P_METHOD:
        if (n->kind == K_PSCI) {
            if (fdt_val_has(v, len, "smc")) {
                out->psci = FDT_PSCI_SMC;
            } else if (fdt_val_has(v, len, "hvc")) {
                out->psci = FDT_PSCI_HVC;
            } else {
                out->psci = FDT_PSCI_OTHER;
            }
        }
        break;
    default:
        /* not needed */
        break;
    }
}

static uint32_t fdt_kind_of(const char *name, uint32_t depth, uint32_t parent_kind)
{
    uint32_t kind = K_OTHER;

    if (depth == 1u) {
        /* The first character picks the one name to compare. */
        switch (name[0]) {
        case 'm':
            kind = fdt_node_is(name, "memory") ? K_MEMORY : K_OTHER;
            break;
        case 'r':
            kind = fdt_node_is(name, "reserved-memory") ? K_RESMEM : K_OTHER;
            break;
        case 'c':
            kind = fdt_node_is(name, "cpus") ? K_CPUS : K_OTHER;
            break;
        case 'p':
            kind = fdt_node_is(name, "psci") ? K_PSCI : K_OTHER;
            break;
        default:
            /* no node the check reads */
            break;
        }
    } else if (depth == 2u) {
        if (parent_kind == K_RESMEM) {
            kind = K_RESCHILD;
        } else if ((parent_kind == K_CPUS) && fdt_node_is(name, "cpu")) {
            kind = K_CPU;
        } else {
            /* another child */
        }
    } else {
        /* deeper nodes only matter as GIC or UART */
    }
    return kind;
}

int fdt_facts(const struct fdt *f, uint64_t uart_pa, struct fdt_facts *out)
{
    /* A node's level when it begins: 2.3.5's defaults for its children, nothing seen yet. */
    static const struct fdt_level fdt_level_new = {
        .kind = K_OTHER, .ac = 2u, .sc = 1u, .is_cpu_type = 0u, .disabled = 0u,
        .reg = NULL, .reg_len = 0u, .compat_len = 0u, .compat = NULL,
    };
    struct fdt_level lv[FDT_MAX_DEPTH + 1u];
    struct fdt_level *cur = &lv[0];  /* lv[depth] */
    uint64_t names[FDT_NAME_SLOTS];
    const uint8_t *buf = f->buf;
    uint32_t end = f->struct_end;
    uint32_t p = f->struct_off;
    /* In registers: the stores of the pass may alias *f for the compiler (reloaded per property). */
    const uint32_t str_term = f->strings_term;
    const uint8_t *const strings = &buf[f->strings_off];
    uint32_t depth = 0u;  /* nodes open; lv[depth] is the innermost, lv[0] a virtual parent of / */
    bool seen_root = false;

    (void)memset(out, 0, sizeof(*out));
    /* Only lv[0] here: each deeper level is set when its node begins. */
    (void)memset(&lv[0], 0, sizeof(lv[0]));
    (void)memset(names, 0, sizeof(names));
    /* 2.3.5: a node without #address-cells/#size-cells means 2 and 1 for its children. */
    lv[0].ac = 2u;
    lv[0].sc = 1u;
    fdt_rsvmap(f, out);
    /*
     * One pass over the structure block, the tokens read in place (the same checks as
     * fdt_next(), fused with their use: QEMU's 335 tokens were 77 instructions each through
     * fdt_next()). p <= end throughout (fdt_open: struct_off < struct_end; every step below
     * stays inside), and every step consumes at least one 4-byte token: bounded.
     */
    while ((end - p) >= 4u) {
        uint32_t tok = fdt_be32(&buf[p]);

        p += 4u;
        if (tok == FDT_PROP) {
            const uint8_t *hdr;
            uint32_t vlen;
            uint32_t nameoff;
            uint32_t slot;
            uint64_t entry;
            uint32_t id;

            if ((end - p) < 8u) {
                return FDT_ERR_STRUCT;
            }
            hdr = &buf[p];  /* one base register for both words (offsets from buf took an add each) */
            vlen = fdt_be32(hdr);
            nameoff = fdt_be32(&hdr[4u]);
            p += 8u;
            /* nameoff < strings_term: the name is NUL-terminated inside the strings block (fdt_open). */
            if ((vlen > (end - p)) || (nameoff >= str_term)) {
                return FDT_ERR_STRUCT;
            }
            if (depth == 0u) {
                return FDT_ERR_STRUCT;  /* a property outside any node */
            }
            slot = nameoff % FDT_NAME_SLOTS;
            entry = names[slot];
            if ((entry >> 8) != ((uint64_t)nameoff + 1u)) {
                entry = fdt_prop_id((const char *)&strings[nameoff]);
                entry |= ((uint64_t)nameoff + 1u) << 8;
                names[slot] = entry;
            }
            id = (uint32_t)entry & 0xffu;
            if (id != P_OTHER) {
                fdt_prop(cur, id, &buf[p], vlen, out);
            }
            p += vlen;
            p = ((end - p) >= 3u) ? ((p + 3u) & ~3u) : end;
        } else if (tok == FDT_BEGIN_NODE) {
            int64_t n = fdt_strlen_in(buf, p, end);

            if (n < 0) {
                return FDT_ERR_STRUCT;
            }
            if ((depth == 0u) && seen_root) {
                return FDT_ERR_STRUCT;  /* a second root */
            }
            if (depth >= FDT_MAX_DEPTH) {
                return FDT_ERR_DEPTH;
            }
            depth++;
            seen_root = true;
            cur++;
            *cur = fdt_level_new;
            cur->kind = (depth >= 2u) ? fdt_kind_of((const char *)&buf[p], depth - 1u, cur[-1].kind) : K_OTHER;
            /* Name, its NUL, padding to 4 (5.4.1); may end exactly at the block's end. */
            p += ((uint32_t)n + 4u) & ~3u;
            p = (p > end) ? end : p;
        } else if (tok == FDT_END_NODE) {
            if (depth == 0u) {
                return FDT_ERR_STRUCT;
            }
            fdt_node_done(cur, &cur[-1], uart_pa, out);
            depth--;
            cur--;
        } else if (tok == FDT_END) {
            return ((depth == 0u) && seen_root) ? FDT_OK : FDT_ERR_STRUCT;
        } else if (tok != FDT_NOP) {
            return FDT_ERR_STRUCT;
        } else {
            /* FDT_NOP */
        }
    }
    return FDT_ERR_STRUCT;  /* no FDT_END before the block's end */
}
