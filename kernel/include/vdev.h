/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatch of trapped accesses to the emulated devices of a partition. */
#pragma once

#include "mmio.h"
#include "types.h"

struct vcpu;

/** Outcome of an access to guest-physical memory that stage 2 does not map. */
enum vdev_result {
    VDEV_HANDLED = 0,  /**< an emulated device performed it */
    VDEV_NONE,         /**< no emulated device there: a partition fault */
    VDEV_REJECTED,     /**< a device window, but a malformed access: a partition fault */
};

/** Emulate the access a of v to ipa if one of its partition's devices lies there. */
enum vdev_result vdev_mmio(struct vcpu *v, uint64_t ipa, struct mmio_access *a);

/**
 * Console input for partition p (a console_input_fn): push byte c into its
 * vUART and return true, false if p has no vUART or its FIFO is full; c = -1
 * only asks whether p has a vUART.
 */
bool vdev_console_input(uint32_t p, int c);

/**
 * Output of partition p's emulated UART: one byte to the hypervisor console
 * (console_part_putc()). Devices reach the console only through this.
 */
void vdev_console_putc(uint32_t p, char c);

/**
 * A device of partition p entered an error state: one hypervisor line
 * "partition '<p>': <kind> '<name>': <what> — <effect>". Devices reach the
 * hypervisor's own log only through this (no console.h in vdev/).
 */
void vdev_report_fault(uint32_t p, const char *kind, const char *name, const char *what,
                       const char *effect);

/**
 * Device work of partition p at an exit of one of its vCPUs, after the vGIC
 * flush (frames a link peer left for it). True if it raised an interrupt that
 * the caller must flush.
 */
bool vdev_exit_work(uint32_t p);

/** Reset the emulated devices of partition p. */
void vdev_reset(uint32_t p);
