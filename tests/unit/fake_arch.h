/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fake arch of the host unit tests: records what portable code asked of
 * the hardware, and lets a test observe "never returns" calls (park, guest
 * entry) through longjmp.
 */
#pragma once

#include <setjmp.h>

#include "arch.h"

/** Base and size of the simulated physical memory (covers tests/unit/system.yaml). */
#define FAKE_RAM_BASE 0x40000000ull
#define FAKE_RAM_SIZE 0x00a00000ull

/** What the console received, NUL-terminated. */
extern char fake_console[16384];
extern size_t fake_console_len;
/** Simulated physical memory. */
extern uint8_t fake_ram[FAKE_RAM_SIZE];
/** CPU index arch_cpu_index() reports. */
extern uint32_t fake_cpu;
/** Status arch_cpu_start() returns, and the CPUs it was asked to start. */
extern int64_t fake_cpu_start_rc;
extern uint32_t fake_cpus_started[8];
extern uint32_t fake_num_cpus_started;
/** Lock balance: acquisitions minus releases. */
extern int fake_lock_depth;
/** Last arch_sync_guest_image() range. */
extern uint64_t fake_sync_pa, fake_sync_len;
/** vCPU passed to arch_vcpu_enter(), or NULL. */
extern struct vcpu *fake_entered;
/** Number of arch_cpu_park() calls. */
extern uint32_t fake_parks;
/** Where arch_cpu_park() and arch_vcpu_enter() jump back to. */
extern jmp_buf fake_noreturn;

/** Reset every fake to its initial state. */
void fake_reset(void);
