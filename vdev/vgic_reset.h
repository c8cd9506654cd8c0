/* SPDX-License-Identifier: Apache-2.0 */
/* What a partition's restart does to the physical side of its interrupts (vgic_reset.c). */
#pragma once

#include "types.h"

/**
 * Partition p has stopped (every vCPU out of the guest): deactivate each
 * hardware-backed SPI it owns at the physical GIC (one acknowledged at EL2
 * and still pending in the vGIC, or held in a list register, would stay
 * active and silent in its next life) and put back the physical routing and
 * trigger configuration its guest may have changed (IROUTER, ICFGR) to their
 * boot values: routed to vCPU 0's CPU, level-triggered as the reset vGIC says.
 * The timer PPIs are released by each stopping CPU (arch_vcpu_quiesce).
 */
void vgic_release_hw_partition(uint32_t p);
