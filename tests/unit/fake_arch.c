/* SPDX-License-Identifier: Apache-2.0 */
/* The fake arch of the host unit tests (see fake_arch.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "config.h"
#include "console.h"
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
uint32_t fake_num_lrs;
uint64_t fake_lrs[16];
bool fake_npie;
uint32_t fake_sgi_cpu[FAKE_MAX_LOG], fake_sgi_id[FAKE_MAX_LOG], fake_num_sgis;
uint32_t fake_eoi[FAKE_MAX_LOG], fake_num_eois;
uint32_t fake_dir[FAKE_MAX_LOG], fake_num_dirs;
bool fake_irq_enabled[1024];
uint32_t fake_irq_enabled_cpu[1024];
bool fake_irq_edge[1024];
uint32_t fake_irq_route[1024];
uint32_t fake_ack;
bool fake_gic_ready, fake_gic_cpu_ready;
uint32_t fake_waits, fake_wait_limit;
uint32_t fake_events;
char fake_rx[256];
uint32_t fake_rx_pos, fake_rx_len;
bool fake_rx_enabled;
uint64_t fake_counter;
uint64_t fake_zeroed;
uint64_t fake_hyp_timer;
uint64_t fake_clean_pa, fake_clean_bytes;
uint32_t fake_cleans;
uint32_t fake_stops;
int64_t fake_spectre_state;
uint32_t fake_tx_room;
uint64_t fake_tx_byte_ticks;
uint32_t fake_tx_per_cpu[8];
bool fake_tx_irq;
uint32_t fake_tx_acks;

void fake_reset(void)
{
    memset(fake_console, 0, sizeof(fake_console));
    fake_console_len = 0u;
    fake_tx_room = FAKE_TX_UNLIMITED;
    fake_clean_pa = 0u;
    fake_clean_bytes = 0u;
    fake_cleans = 0u;
    fake_stops = 0u;
    fake_spectre_state = ARCH_SPECTRE_NOT_SUPPORTED;
    fake_tx_byte_ticks = 0u;
    memset(fake_tx_per_cpu, 0, sizeof(fake_tx_per_cpu));
    fake_tx_irq = false;
    fake_tx_acks = 0u;
    memset(fake_ram, 0, sizeof(fake_ram));
    fake_cpu = 0u;
    fake_cpu_start_rc = 0;
    fake_num_cpus_started = 0u;
    fake_lock_depth = 0;
    fake_sync_pa = 0u;
    fake_sync_len = 0u;
    fake_entered = NULL;
    fake_parks = 0u;
    fake_num_lrs = 4u;
    memset(fake_lrs, 0, sizeof(fake_lrs));
    fake_npie = false;
    fake_num_sgis = 0u;
    fake_num_eois = 0u;
    fake_num_dirs = 0u;
    memset(fake_irq_enabled, 0, sizeof(fake_irq_enabled));
    memset(fake_irq_enabled_cpu, 0xff, sizeof(fake_irq_enabled_cpu));
    memset(fake_irq_edge, 0, sizeof(fake_irq_edge));
    memset(fake_irq_route, 0xff, sizeof(fake_irq_route));
    fake_ack = 1023u;
    fake_gic_ready = false;
    fake_gic_cpu_ready = false;
    fake_waits = 0u;
    fake_wait_limit = 0u;
    fake_events = 0u;
    fake_rx_pos = 0u;
    fake_rx_len = 0u;
    fake_rx_enabled = false;
    fake_counter = 1000u;
    fake_zeroed = 0u;
    fake_hyp_timer = 0u;
}

static void fake_log(uint32_t *log, uint32_t *n, uint32_t v)
{
    if (*n < FAKE_MAX_LOG) {
        log[*n] = v;
        (*n)++;
    }
}

void arch_wait_event(void)
{
    fake_waits++;
    if ((fake_wait_limit != 0u) && (fake_waits >= fake_wait_limit)) {
        longjmp(fake_noreturn, 3);
    }
}

void arch_send_event(void)
{
    fake_events++;
}

void arch_gic_init(void)
{
    fake_gic_ready = true;
}

void arch_gic_cpu_init(void)
{
    fake_gic_cpu_ready = true;
}

uint32_t arch_gic_ack(void)
{
    return fake_ack;
}

void arch_gic_eoi(uint32_t intid)
{
    fake_log(fake_eoi, &fake_num_eois, intid);
}

void arch_gic_deactivate(uint32_t intid)
{
    fake_log(fake_dir, &fake_num_dirs, intid);
}

void arch_gic_send_sgi(uint32_t cpu, uint32_t sgi)
{
    if (fake_num_sgis < FAKE_MAX_LOG) {
        fake_sgi_cpu[fake_num_sgis] = cpu;
        fake_sgi_id[fake_num_sgis] = sgi;
        fake_num_sgis++;
    }
}

void arch_gic_set_enabled(uint32_t intid, uint32_t cpu, bool on)
{
    fake_irq_enabled[intid & 1023u] = on;
    fake_irq_enabled_cpu[intid & 1023u] = cpu;
}

void arch_gic_set_edge(uint32_t intid, bool edge)
{
    fake_irq_edge[intid & 1023u] = edge;
}

void arch_gic_route(uint32_t intid, uint32_t cpu)
{
    fake_irq_route[intid & 1023u] = cpu;
}

uint32_t arch_lr_count(void)
{
    return fake_num_lrs;
}

uint64_t arch_lr_read(uint32_t i)
{
    return fake_lrs[i & 15u];
}

void arch_lr_write(uint32_t i, uint64_t lr)
{
    fake_lrs[i & 15u] = lr;
}

void arch_lr_notify_when_free(bool on)
{
    fake_npie = on;
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

bool arch_lock_try(struct arch_lock *lock)
{
    if (lock->word != 0u) {
        return false;
    }
    lock->word = 1u;
    fake_lock_depth++;
    return true;
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

bool arch_console_tx_put(char c)
{
    if (fake_tx_room == 0u) {
        return false;
    }
    if (fake_tx_room != FAKE_TX_UNLIMITED) {
        fake_tx_room--;
    }
    fake_tx_per_cpu[fake_cpu & 7u]++;
    /* A slow UART: every byte costs line time (115,200 Bd: ~87 us, 5,425 ticks at 62.5 MHz). */
    fake_counter += fake_tx_byte_ticks;
    arch_console_putc(c);
    return true;
}

void arch_console_tx_irq(bool on)
{
    fake_tx_irq = on;
}

void arch_console_tx_ack(void)
{
    fake_tx_acks++;
}

bool arch_console_getc(char *c)
{
    if (fake_rx_len == 0u) {
        return false;
    }
    *c = fake_rx[fake_rx_pos];
    fake_rx_pos++;
    fake_rx_len--;
    return true;
}

void arch_console_rx_enable(void)
{
    fake_rx_enabled = true;
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

int64_t arch_spectre_state(uint32_t fid)
{
    (void)fid;
    return fake_spectre_state;
}

void arch_stop_system(void)
{
    fake_stops++;
    boot_stop_requested();
    longjmp(fake_noreturn, 1);
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

void arch_zero(uint64_t pa, uint64_t len)
{
    memset(arch_phys_to_virt(pa), 0, (size_t)len);
    fake_zeroed += len;
}

void arch_hyp_timer_set(uint64_t deadline)
{
    fake_hyp_timer = deadline;
}

uint64_t arch_counter(void)
{
    return fake_counter;
}

uint64_t arch_counter_hz(void)
{
    return 62500000u;
}

void arch_clean_inval(uint64_t pa, uint64_t len)
{
    fake_clean_pa = pa;
    fake_clean_bytes += len;
    fake_cleans++;
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

void fake_console_drain(void)
{
    uint32_t saved = fake_cpu;
    uint32_t round;
    uint32_t cpu;

    /* Every CPU's exits, a few hundred times: enough for any queued line to leave. */
    for (round = 0u; round < 512u; round++) {
        for (cpu = 0u; cpu < CFG_NUM_CPUS; cpu++) {
            fake_cpu = cpu;
            console_poll();
        }
    }
    fake_cpu = saved;
}
