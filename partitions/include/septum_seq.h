/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Torn-read-safe publishing on a Septum channel: the message convention that
 * every writer and reader of a shared region follows (the partitions/cluster
 * bare-metal program and the IVI's Linux application include this same
 * header). It is a sequence counter, as Linux's seqcount_t:
 *
 *   writer (exactly one per message):       reader (any number):
 *     septum_seq_write_begin(&m->seq);        s = septum_seq_read_begin(&m->seq);
 *     ... write the body ...                  ... copy the body out ...
 *     septum_seq_write_end(&m->seq);          if (septum_seq_read_retry(&m->seq, s)) the copy is torn:
 *     NOTIFY the readers                           drop it and try again at the next doorbell
 *
 * The counter is odd while the writer is inside the body and changes at every
 * write, so a reader that saw the same even value before and after its copy
 * copied one complete message. Readers never write the region (a read-only
 * peer cannot). A writer that died in the middle leaves the counter odd; its
 * next begin moves it on to a new odd value, so no stale copy can match.
 *
 * Requirements: the counter is a naturally aligned 32-bit word of the region;
 * readers with their MMU off (Device memory: no unaligned accesses) copy the
 * body byte by byte (septum_seq_copy). Fences are full barriers (DMB ISH on
 * AArch64, also compiler barriers), so this works between CPUs of different
 * partitions. Freestanding: no libc, usable by bare-metal and Linux programs.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** Start writing: the counter becomes odd (and differs from any value a reader may hold). */
static inline void septum_seq_write_begin(volatile uint32_t *seq)
{
    *seq = (*seq + 1u) | 1u;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/** Finish writing: the counter becomes even; then ring the readers' doorbells. */
static inline void septum_seq_write_end(volatile uint32_t *seq)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    *seq = *seq + 1u;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/** Start reading: the counter value to hand to septum_seq_read_retry(). */
static inline uint32_t septum_seq_read_begin(const volatile uint32_t *seq)
{
    uint32_t s = *seq;

    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return s;
}

/** After copying: nonzero if the copy may be torn (a write was in progress or happened meanwhile). */
static inline int septum_seq_read_retry(const volatile uint32_t *seq, uint32_t start)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return ((start & 1u) != 0u) || (*seq != start);
}

/** Copy n bytes out of (or into) the region one byte at a time: safe on Device memory. */
static inline void septum_seq_copy(volatile char *dst, const volatile char *src, size_t n)
{
    size_t i;

    for (i = 0u; i < n; i++) {
        dst[i] = src[i];
    }
}
