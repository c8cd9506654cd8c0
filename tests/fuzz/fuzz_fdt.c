/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: kernel/lib/fdt.c over arbitrary bytes, built with
 * AddressSanitizer and UndefinedBehaviorSanitizer (tests/fuzz/fuzz.mk). Any
 * out-of-bounds read, undefined operation or abort is a finding; the token
 * walk must end within one token per 4 bytes of the blob (bounded work).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fdt f;
    struct fdt_facts facts;
    struct fdt_token t;
    uint8_t *copy;
    uint32_t len = (size > 0x10000u) ? 0x10000u : (uint32_t)size;
    uint32_t pos;
    uint32_t steps = 0u;

    /* An exact-size heap copy: ASan sees any read past the bytes the hypervisor copied. */
    copy = malloc(len == 0u ? 1u : len);
    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, data, len);
    if (fdt_open(&f, copy, len) == FDT_OK) {
        (void)fdt_facts(&f, 0x9000000u, &facts);
        if (facts.num_memory > len || facts.num_cpus > len) {
            abort();
        }
        pos = f.struct_off;
        while (fdt_next(&f, &pos, &t) == FDT_OK && t.kind != FDT_TOK_DONE) {
            if (++steps > len / 4u) {
                abort();  /* more tokens than 4-byte words: the walk would not be bounded */
            }
        }
    }
    free(copy);
    return 0;
}
