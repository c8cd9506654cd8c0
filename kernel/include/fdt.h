/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small read-only reader of flattened device trees (Devicetree
 * Specification v0.4, chapter 5), for the firmware's DTB only.
 *
 * No allocation, no recursion, no writes to the blob. Every offset is checked
 * against the bytes actually present, and every loop advances by at least one
 * 4-byte token, so work is bounded by the blob's length. A blob the reader
 * does not accept yields an FDT_ERR_* code; it never faults.
 */
#pragma once

#include "types.h"

/** Results of fdt_open() and fdt_next() / fdt_facts(). */
#define FDT_OK 0
#define FDT_ERR_SHORT 1      /**< fewer bytes than the 40-byte header */
#define FDT_ERR_MAGIC 2      /**< header magic is not 0xd00dfeed */
#define FDT_ERR_VERSION 3    /**< not compatible with version 17 */
#define FDT_ERR_LAYOUT 4     /**< a block lies outside totalsize or is misaligned */
#define FDT_ERR_TRUNCATED 5  /**< the blocks extend beyond the bytes available (copy bound) */
#define FDT_ERR_STRUCT 6     /**< bad token, name or nesting in the structure block */
#define FDT_ERR_DEPTH 7      /**< nodes nested deeper than FDT_MAX_DEPTH */

/** Limits of what fdt_facts() records; more entries are counted, not stored. */
#define FDT_MAX_DEPTH 16u
#define FDT_MAX_BANKS 8u
#define FDT_MAX_RESERVED 16u
#define FDT_MAX_CPUS 16u

/** An opened blob: the checked block bounds inside buf. */
struct fdt {
    const uint8_t *buf;
    uint32_t len;            /**< bytes of buf that may be read */
    uint32_t struct_off;     /**< structure block */
    uint32_t struct_end;
    uint32_t strings_off;    /**< strings block */
    uint32_t strings_size;
    uint32_t strings_term;   /**< bytes of the strings block up to its last NUL: a name offset below ends inside */
    uint32_t rsvmap_off;     /**< memory reservation block (up to struct_off or len) */
    uint32_t totalsize;      /**< from the header (may exceed len) */
    uint32_t pad0;
};

#define FDT_TOK_BEGIN 1u  /**< FDT_BEGIN_NODE: name */
#define FDT_TOK_END 2u    /**< FDT_END_NODE */
#define FDT_TOK_PROP 3u   /**< FDT_PROP: name, val, val_len */
#define FDT_TOK_DONE 9u   /**< FDT_END */

/** One structure-block token. Strings are NUL-terminated inside the blob. */
struct fdt_token {
    uint32_t kind;        /**< FDT_TOK_* */
    const char *name;     /**< node name (BEGIN) or property name (PROP) */
    const uint8_t *val;   /**< property value (PROP) */
    uint32_t val_len;
};

/** Check the header of buf[0..len) and fill f. */
int fdt_open(struct fdt *f, const uint8_t *buf, uint32_t len);

/**
 * The token at *pos (start with *pos = f->struct_off), skipping NOPs; advances
 * *pos past it. FDT_OK with kind FDT_TOK_DONE at the end.
 */
int fdt_next(const struct fdt *f, uint32_t *pos, struct fdt_token *t);

/** A physical address range. */
struct fdt_range {
    uint64_t base;
    uint64_t size;
};

/** Firmware PSCI method (/psci "method"). */
#define FDT_PSCI_NONE 0u
#define FDT_PSCI_HVC 1u
#define FDT_PSCI_SMC 2u
#define FDT_PSCI_OTHER 3u

/** What the board check needs from a firmware DTB. */
struct fdt_facts {
    uint32_t num_memory;                         /**< /memory ranges found (stored: <= FDT_MAX_BANKS) */
    struct fdt_range memory[FDT_MAX_BANKS];
    uint32_t num_reserved;                       /**< /reserved-memory children and /memreserve/ entries */
    struct fdt_range reserved[FDT_MAX_RESERVED];
    uint32_t num_cpus;                           /**< /cpus/cpu nodes */
    uint64_t cpu_mpidr[FDT_MAX_CPUS];
    uint32_t gicv3;                              /**< 1: an "arm,gic-v3" node with two reg entries */
    uint32_t uart_found;                         /**< 1: a node whose first reg address is uart_pa */
    uint64_t gicd;
    uint64_t gicr;
    uint32_t psci;                               /**< FDT_PSCI_* */
    uint32_t pad0;
};

/**
 * Collect the facts of an opened blob in one bounded pass. uart_pa is the
 * address of the console UART to look for. Addresses are read with each
 * parent's #address-cells / #size-cells (1 or 2); "ranges" are taken as
 * identity, as on the boards Septum supports.
 */
int fdt_facts(const struct fdt *f, uint64_t uart_pa, struct fdt_facts *out);
