/* SPDX-License-Identifier: Apache-2.0 */
/* The fake arch of the host unit tests (see fake_arch.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_arch.h"

char fake_console[16384];
size_t fake_console_len;
uint8_t fake_ram[FAKE_RAM_SIZE];
uint32_t fake_cpu;
int64_t fake_cpu_start_rc;
uint32_t fake_cpus_started[8];
uint32_t fake_num_cpus_started;
int fake_lock_depth;
uint64_t fake_sync_pa, fake_sync_len;
struct vcpu *fake_entered;
uint32_t fake_parks;
jmp_buf fake_noreturn;

void fake_reset(void)
{
    memset(fake_console, 0, sizeof(fake_console));
    fake_console_len = 0u;
    memset(fake_ram, 0, sizeof(fake_ram));
    fake_cpu = 0u;
    fake_cpu_start_rc = 0;
    fake_num_cpus_started = 0u;
    fake_lock_depth = 0;
    fake_sync_pa = 0u;
    fake_sync_len = 0u;
    fake_entered = NULL;
    fake_parks = 0u;
}

void arch_lock_acquire(struct arch_lock *lock)
{
    if (lock->word != 0u) {
        fprintf(stderr, "fake_arch: lock taken twice (deadlock on hardware)\n");
        abort();
    }
    lock->word = 1u;
    fake_lock_depth++;
}

void arch_lock_release(struct arch_lock *lock)
{
    lock->word = 0u;
    fake_lock_depth--;
}

void arch_console_putc(char c)
{
    if (fake_console_len + 1u < sizeof(fake_console)) {
        fake_console[fake_console_len] = c;
        fake_console_len++;
        fake_console[fake_console_len] = '\0';
    }
}

uint32_t arch_cpu_index(void)
{
    return fake_cpu;
}

int64_t arch_cpu_start(uint32_t cpu)
{
    if (fake_num_cpus_started < 8u) {
        fake_cpus_started[fake_num_cpus_started] = cpu;
        fake_num_cpus_started++;
    }
    return fake_cpu_start_rc;
}

void arch_cpu_park(void)
{
    fake_parks++;
    longjmp(fake_noreturn, 1);
}

void *arch_phys_to_virt(uint64_t pa)
{
    if ((pa < FAKE_RAM_BASE) || (pa >= FAKE_RAM_BASE + FAKE_RAM_SIZE)) {
        fprintf(stderr, "fake_arch: physical address 0x%llx outside the fake RAM\n", (unsigned long long)pa);
        abort();
    }
    return &fake_ram[pa - FAKE_RAM_BASE];
}

void arch_sync_guest_image(uint64_t pa, uint64_t len)
{
    fake_sync_pa = pa;
    fake_sync_len = len;
}

void arch_vcpu_enter(struct vcpu *v)
{
    fake_entered = v;
    longjmp(fake_noreturn, 2);
}
