/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A trapped MMIO access of a partition, decoded from the data-abort syndrome,
 * as the emulated devices (vdev/) receive it.
 */
#pragma once

#include "types.h"

/** One load or store to an emulated device window. */
struct mmio_access {
    uint64_t offset;  /**< byte offset from the start of the window */
    uint32_t size;    /**< access size in bytes: 1, 2, 4 or 8 */
    bool write;       /**< store (true) or load (false) */
    uint64_t value;   /**< the stored value; for a load, set by the device */
};
