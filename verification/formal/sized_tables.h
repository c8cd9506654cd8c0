/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Included (cpp -include) before kernel/core/part.c when Frama-C proves it: the
 * generated tables are declared unsized in gen/config.h (STYLE.md: the generator's
 * counts are static-asserted instead), and WP needs their bounds to reason about
 * validity. Redeclaring them with the CFG_NUM_* sizes is compatible C (it completes the
 * array types); gen/config.c's _Static_asserts tie those sizes to the definitions.
 */
#pragma once
#include "config.h"

extern const struct cfg_partition cfg_partitions[CFG_NUM_PARTITIONS];
extern const struct cfg_region cfg_regions[CFG_NUM_REGIONS];
