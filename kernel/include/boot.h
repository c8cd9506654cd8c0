/* SPDX-License-Identifier: Apache-2.0 */
/* Boot sequence: called from the arch entry code with the MMU on and a stack. */
#pragma once

#include "types.h"

/** Kernel version string printed in the banner. */
#define SEPTUM_VERSION "0.1.0"

/** Boot CPU: banner, checks, start the other CPUs, then run its own vCPU. */
void boot_primary(uint32_t cpu, uint64_t fw_dtb) NORETURN;
/** Every other CPU, once started by PSCI CPU_ON. */
void boot_secondary(uint32_t cpu) NORETURN;
/** Run the vCPU pinned to cpu, or park the CPU if it has none. */
void boot_cpu_run(uint32_t cpu) NORETURN;
/** Wait until the vCPU pinned to cpu is started (PSCI CPU_ON), then enter it. */
void boot_cpu_idle(uint32_t cpu) NORETURN;

/** The system stops (arch_stop_system): CPUs waiting in boot_cpu_idle() park. */
void boot_stop_requested(void);
