/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mem* and str* for a freestanding kernel. The compiler may emit calls to memcpy
 * and memset itself (structure copies), so these exact names are provided.
 */
#include "lib.h"

/* A 64-bit word that may alias any object: word-wise copies stay within C's aliasing rules. */
typedef uint64_t __attribute__((may_alias)) string_word_t;

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    size_t i = 0u;

    /* Whole words when both sides are 8-byte aligned: partition images are large.
     * Sixteen words per step (loads before stores: ldp/stp pairs; four per step were 6,300
     * instructions of a 20 KiB image's boot, eight 4,401, sixteen about 3,500: the step's
     * six instructions of loop and address arithmetic are shared by twice the bytes),
     * then single words. */
    if ((((uintptr_t)d | (uintptr_t)s) & 7u) == 0u) {
        for (; (i + 128u) <= n; i += 128u) {
            const string_word_t *sw = (const string_word_t *)&s[i];
            string_word_t *dw = (string_word_t *)&d[i];
            string_word_t w0 = sw[0];
            string_word_t w1 = sw[1];
            string_word_t w2 = sw[2];
            string_word_t w3 = sw[3];
            string_word_t w4 = sw[4];
            string_word_t w5 = sw[5];
            string_word_t w6 = sw[6];
            string_word_t w7 = sw[7];
            string_word_t w8 = sw[8];
            string_word_t w9 = sw[9];
            string_word_t w10 = sw[10];
            string_word_t w11 = sw[11];
            string_word_t w12 = sw[12];
            string_word_t w13 = sw[13];
            string_word_t w14 = sw[14];
            string_word_t w15 = sw[15];

            dw[0] = w0;
            dw[1] = w1;
            dw[2] = w2;
            dw[3] = w3;
            dw[4] = w4;
            dw[5] = w5;
            dw[6] = w6;
            dw[7] = w7;
            dw[8] = w8;
            dw[9] = w9;
            dw[10] = w10;
            dw[11] = w11;
            dw[12] = w12;
            dw[13] = w13;
            dw[14] = w14;
            dw[15] = w15;
        }
        for (; (i + 8u) <= n; i += 8u) {
            *(string_word_t *)&d[i] = *(const string_word_t *)&s[i];
        }
    }
    /* The rest, and copies of different alignment (console lines into a ring), four bytes per step. */
    for (; (i + 4u) <= n; i += 4u) {
        uint8_t b0 = s[i];
        uint8_t b1 = s[i + 1u];
        uint8_t b2 = s[i + 2u];
        uint8_t b3 = s[i + 3u];

        d[i] = b0;
        d[i + 1u] = b1;
        d[i + 2u] = b2;
        d[i + 3u] = b3;
    }
    for (; i < n; i++) {
        d[i] = s[i];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    string_word_t w = 0x0101010101010101ULL * (uint8_t)c;
    size_t i = 0u;

    /* Bytes up to an 8-byte boundary, then four words per step, whole words (boot clears
     * whole vGIC and partition state: byte by byte that was most of the boot path), then
     * the tail. */
    for (; (i < n) && ((((uintptr_t)d + i) & 7u) != 0u); i++) {
        d[i] = (uint8_t)c;
    }
    for (; (i + 32u) <= n; i += 32u) {
        string_word_t *dw = (string_word_t *)&d[i];

        dw[0] = w;
        dw[1] = w;
        dw[2] = w;
        dw[3] = w;
    }
    for (; (i + 8u) <= n; i += 8u) {
        *(string_word_t *)&d[i] = w;
    }
    for (; i < n; i++) {
        d[i] = (uint8_t)c;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a;
    const uint8_t *y = b;
    size_t i;

    for (i = 0u; i < n; i++) {
        if (x[i] != y[i]) {
            return (x[i] < y[i]) ? -1 : 1;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0u;

    while (s[n] != '\0') {
        n++;
    }
    return n;
}

uint64_t lib_checksum(uint64_t seed, const void *p, size_t len)
{
    const uint8_t *b = p;
    uint64_t h = seed;
    size_t i = 0u;

    /* Whole words where aligned (images are page aligned), then the tail byte by byte. */
    if (((uintptr_t)b & 7u) == 0u) {
        for (; (i + 8u) <= len; i += 8u) {
            h = ((h ^ *(const string_word_t *)&b[i]) * 0x100000001b3ULL) + 0x9e3779b97f4a7c15ULL;
        }
    }
    for (; i < len; i++) {
        h = ((h ^ b[i]) * 0x100000001b3ULL) + 0x9e3779b97f4a7c15ULL;
    }
    return h ^ (uint64_t)len;
}
