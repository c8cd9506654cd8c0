/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The message on the `nav` channel: the IVI (partitions/ivi/app, the only
 * writer) publishes one line of guidance, the cluster (partitions/cluster,
 * read-only) shows it. Published with the sequence-counter convention of
 * septum_seq.h; after a complete copy the cluster NOTIFYs the IVI (an
 * acknowledgement: the IVI waits for it on its doorbell).
 */
#pragma once

#include <stdint.h>

/** Bytes of guidance text, with its NUL. */
#define NAV_TEXT_MAX 60u

/** At offset 0 of the nav channel's shared region. */
struct nav_msg {
    volatile uint32_t seq;            /**< septum_seq.h counter */
    volatile char text[NAV_TEXT_MAX]; /**< NUL-terminated guidance line */
};
