/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one interface between portable code (kernel/core, vdev) and the
 * hardware. Implemented in kernel/arch/aarch64 for the real image and in
 * tests/unit/fake_arch.c for host tests; the build picks the variant.
 */
#pragma once

#include "types.h"

struct vcpu;

/** A spinlock; zero-initialised means unlocked. */
struct arch_lock {
    volatile uint32_t word;
};

/** Take lock, waiting (with an event wait, so QEMU icount progresses). */
void arch_lock_acquire(struct arch_lock *lock);
/** Release lock. */
void arch_lock_release(struct arch_lock *lock);

/** Write one byte to the hypervisor's physical console, waiting for space. */
void arch_console_putc(char c);

/** Index (into cfg_cpus) of the calling physical CPU. */
uint32_t arch_cpu_index(void);

/**
 * Start physical CPU cpu (index into cfg_cpus) at the kernel's secondary
 * entry through the firmware's PSCI CPU_ON. Returns the PSCI status (0 = ok).
 */
int64_t arch_cpu_start(uint32_t cpu);

/** Stop the calling CPU for good (interrupts masked, waits forever). */
void arch_cpu_park(void) NORETURN;

/** A pointer through which the hypervisor reaches physical address pa. */
void *arch_phys_to_virt(uint64_t pa);

/** Make [pa, pa+len) coherent for instruction fetch by a guest with MMU off. */
void arch_sync_guest_image(uint64_t pa, uint64_t len);

/**
 * Enter (or resume) v on the calling CPU: program its stage-2 translation and
 * EL2 controls, restore its registers and ERET. Never returns; the next exit
 * arrives in trap_sync()/trap_irq() on a fresh stack.
 */
void arch_vcpu_enter(struct vcpu *v) NORETURN;
