/* SPDX-License-Identifier: Apache-2.0 */
/* The fake arch of the host unit tests (see fake_arch.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "config.h"
#include "console.h"
#include "fake_arch.h"
#include "trap.h"
#include "vuart.h"

char fake_console[16384];
size_t fake_console_len;
uint8_t fake_ram[FAKE_RAM_SIZE];
uint32_t fake_cpu;
int64_t fake_cpu_start_rc;
uint32_t fake_cpus_started[8];
uint32_t fake_num_cpus_started;
int fake_lock_depth;
uint32_t fake_lock_acquires;
uint64_t fake_sync_pa, fake_sync_len;
struct vcpu *fake_entered;
uint32_t fake_parks;
jmp_buf fake_noreturn;
uint32_t fake_num_lrs;
uint64_t fake_lrs[16];
bool fake_uie;
uint32_t fake_free_mask_reads;
uint64_t fake_fast_lr[CFG_NUM_VCPUS];
uint32_t fake_fast_hold[CFG_NUM_VCPUS];
uint32_t fake_fast_lrs[CFG_NUM_VCPUS];
uint16_t fake_fast_vintid[CFG_NUM_VCPUS][16];
uint64_t fake_sgi_lr[CFG_NUM_VCPUS][ARCH_FAST_SLOTS];
uint32_t fake_sgi_hold[CFG_NUM_VCPUS][ARCH_FAST_SLOTS];
uint32_t fake_kick_done;
const uint32_t *fake_fast_news[CFG_NUM_VCPUS];
const uint32_t *fake_fast_console_queued;
const bool *fake_fast_console_typed;
bool fake_irq_pending[1024], fake_irq_active[1024], fake_timer_output[32];
uint32_t fake_irq_state_cpu[1024];
bool fake_npie;
uint32_t fake_sgi_cpu[FAKE_MAX_LOG], fake_sgi_id[FAKE_MAX_LOG], fake_num_sgis;
uint32_t fake_eoi[FAKE_MAX_LOG], fake_num_eois;
uint32_t fake_dir[FAKE_MAX_LOG], fake_num_dirs;
bool fake_irq_enabled[1024];
uint32_t fake_irq_enabled_cpu[1024];
bool fake_irq_edge[1024];
uint32_t fake_irq_route[1024];
bool fake_gic_ready, fake_gic_cpu_ready;
uint32_t fake_waits, fake_wait_limit;
uint32_t fake_events;
char fake_rx[256];
uint32_t fake_rx_pos, fake_rx_len;
bool fake_rx_enabled;
uint64_t fake_counter;
uint64_t fake_zeroed;
uint64_t fake_hyp_timer;
bool fake_debug_pmu_trapped[CFG_NUM_CPUS];
const char *fake_calls[FAKE_MAX_CALLS];
uint32_t fake_num_calls;
uint32_t fake_cleared_active[FAKE_MAX_LOG], fake_num_cleared_active;
uint64_t fake_cleaned;
void (*fake_sync_hook)(uint64_t pa, uint64_t len);
void (*fake_tx_hook)(void);
void (*fake_lock_try_hook)(void);
void (*fake_lock_acquire_hook)(void);
uint64_t fake_vbar_el1, fake_esr_el1, fake_far_el1, fake_elr_el1, fake_spsr_el1;

static void fake_call(const char *name)
{
    if (fake_num_calls < FAKE_MAX_CALLS) {
        fake_calls[fake_num_calls] = name;
        fake_num_calls++;
    }
}

int fake_call_index(const char *name)
{
    uint32_t i;

    for (i = 0u; i < fake_num_calls; i++) {
        if (strcmp(fake_calls[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

int fake_call_last(const char *name)
{
    int last = -1;
    uint32_t i;

    for (i = 0u; i < fake_num_calls; i++) {
        if (strcmp(fake_calls[i], name) == 0) {
            last = (int)i;
        }
    }
    return last;
}
uint64_t fake_clean_pa, fake_clean_bytes;
uint32_t fake_cleans;
uint32_t fake_stops;
uint32_t fake_spectre_core;
int32_t fake_fw_psci_version, fake_fw_psci_features, fake_fw_smccc_version, fake_fw_wa1;
uint32_t fake_fw_calls;
uint32_t fake_spectre_fw_on;
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
    fake_spectre_core = ARCH_SPECTRE_CORE_UNKNOWN;
    fake_fw_psci_version = (int32_t)0x10001;
    fake_fw_psci_features = -1;
    fake_fw_smccc_version = -1;
    fake_fw_wa1 = -1;
    fake_fw_calls = 0u;
    fake_spectre_fw_on = 0u;
    fake_tx_byte_ticks = 0u;
    memset(fake_tx_per_cpu, 0, sizeof(fake_tx_per_cpu));
    fake_tx_irq = false;
    fake_tx_acks = 0u;
    memset(fake_ram, 0, sizeof(fake_ram));
    memset(fake_fw_dtb, 0, sizeof(fake_fw_dtb));
    fake_fw_dtb_len = 0u;
    fake_cpu = 0u;
    fake_cpu_start_rc = 0;
    fake_num_cpus_started = 0u;
    fake_lock_depth = 0;
    fake_lock_acquires = 0u;
    fake_sync_pa = 0u;
    fake_sync_len = 0u;
    fake_entered = NULL;
    fake_parks = 0u;
    fake_num_lrs = 4u;
    memset(fake_lrs, 0, sizeof(fake_lrs));
    fake_npie = false;
    fake_uie = false;
    fake_free_mask_reads = 0u;
    memset(fake_fast_lr, 0, sizeof(fake_fast_lr));
    memset(fake_fast_hold, 0, sizeof(fake_fast_hold));
    memset(fake_fast_lrs, 0, sizeof(fake_fast_lrs));
    memset(fake_fast_vintid, 0, sizeof(fake_fast_vintid));
    memset(fake_sgi_lr, 0, sizeof(fake_sgi_lr));
    memset(fake_sgi_hold, 0, sizeof(fake_sgi_hold));
    fake_kick_done = 0u;
    fake_dabt_fast_done = 0u;
    (void)memset(fake_vuart_fast, 0, sizeof(fake_vuart_fast));
    memset(fake_fast_news, 0, sizeof(fake_fast_news));
    fake_fast_console_queued = NULL;
    fake_fast_console_typed = NULL;
    memset(fake_irq_pending, 0, sizeof(fake_irq_pending));
    memset(fake_irq_active, 0, sizeof(fake_irq_active));
    memset(fake_irq_state_cpu, 0xff, sizeof(fake_irq_state_cpu));
    memset(fake_timer_output, 0, sizeof(fake_timer_output));
    fake_num_sgis = 0u;
    fake_num_eois = 0u;
    fake_num_dirs = 0u;
    memset(fake_irq_enabled, 0, sizeof(fake_irq_enabled));
    memset(fake_irq_enabled_cpu, 0xff, sizeof(fake_irq_enabled_cpu));
    memset(fake_irq_edge, 0, sizeof(fake_irq_edge));
    memset(fake_irq_route, 0xff, sizeof(fake_irq_route));
    fake_gic_ready = false;
    fake_gic_cpu_ready = false;
    fake_waits = 0u;
    fake_wait_limit = 0u;
    fake_events = 0u;
    fake_rx_pos = 0u;
    fake_rx_len = 0u;
    fake_rx_enabled = false;
    fake_counter = 1000u;
    fake_counter_hz = 62500000u;
    fake_zeroed = 0u;
    fake_hyp_timer = 0u;
    memset(fake_debug_pmu_trapped, 0, sizeof(fake_debug_pmu_trapped));
    fake_vcpu_saves = 0u;
    fake_num_calls = 0u;
    fake_num_cleared_active = 0u;
    fake_cleaned = 0u;
    fake_sync_hook = NULL;
    fake_tx_hook = NULL;
    fake_lock_try_hook = NULL;
    fake_lock_acquire_hook = NULL;
    fake_vbar_el1 = 0u;
    fake_esr_el1 = 0u;
    fake_far_el1 = 0u;
    fake_elr_el1 = 0u;
    fake_spsr_el1 = 0u;
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

void arch_gic_eoi(uint32_t intid)
{
    fake_log(fake_eoi, &fake_num_eois, intid);
}

void arch_gic_deactivate(uint32_t intid)
{
    fake_log(fake_dir, &fake_num_dirs, intid);
}

void arch_gic_clear_active(uint32_t intid, uint32_t cpu)
{
    (void)cpu;
    fake_call("clear_active");
    fake_log(fake_cleared_active, &fake_num_cleared_active, intid);
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
    fake_call("edge");
    fake_irq_edge[intid & 1023u] = edge;
}

void arch_gic_route(uint32_t intid, uint32_t cpu)
{
    fake_call("route");
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

uint32_t arch_lr_free_mask(void)
{
    uint32_t m = 0u;
    uint32_t i;

    /* ICH_ELRSR_EL2 | ICH_EISR_EL2: every implemented LR whose state is invalid. */
    for (i = 0u; i < fake_num_lrs; i++) {
        m |= ((fake_lrs[i] >> 62) == 0u) ? (1u << i) : 0u;
    }
    fake_free_mask_reads++;
    return m;
}

uint32_t fake_elrsr(void)
{
    uint32_t m = 0u;
    uint32_t i;

    for (i = 0u; i < fake_num_lrs; i++) {
        bool invalid = (fake_lrs[i] >> 62) == 0u;
        bool eoi_request = ((fake_lrs[i] & (1ull << 61)) == 0u) && ((fake_lrs[i] & (1ull << 41)) != 0u);

        m |= (invalid && !eoi_request) ? (1u << i) : 0u;
    }
    return m;
}

void arch_exit_fast_console(const uint32_t *queued, const bool *typed)
{
    fake_fast_console_queued = queued;
    fake_fast_console_typed = typed;
}

void arch_irq_fast_bind(uint32_t vcpu_id, const uint32_t *news)
{
    fake_fast_news[vcpu_id] = news;
}

void arch_irq_fast_set(uint32_t vcpu_id, uint64_t lr, uint32_t hold)
{
    fake_fast_lr[vcpu_id] = lr;
    fake_fast_hold[vcpu_id] = hold;
}

uint32_t arch_irq_fast_take(uint32_t vcpu_id)
{
    uint32_t lrs = fake_fast_lrs[vcpu_id];

    fake_fast_lrs[vcpu_id] = 0u;
    return lrs;
}

uint32_t arch_irq_fast_vintid(uint32_t vcpu_id, uint32_t i)
{
    return fake_fast_vintid[vcpu_id][i % 16u];
}

void arch_sgi_send_bind(uint32_t vcpu_id, uint32_t first_id, uint32_t num, uint32_t *news)
{
    (void)vcpu_id;
    (void)first_id;
    (void)num;
    (void)news;
}

void arch_sgi_fast_set(uint32_t vcpu_id, uint32_t n, uint64_t lr, uint32_t hold)
{
    fake_sgi_lr[vcpu_id][n % ARCH_FAST_SLOTS] = lr;
    fake_sgi_hold[vcpu_id][n % ARCH_FAST_SLOTS] = hold;
}

/* The kick's part of exit_irq_fast (vectors.S, label 20), decision for decision. */
static bool fake_kick_vector(uint32_t vcpu_id)
{
    uint32_t *news = (uint32_t *)(uintptr_t)fake_fast_news[vcpu_id];
    uint32_t w = *news;
    uint32_t n;
    uint32_t elrsr;
    uint32_t slot;

    if ((fake_fast_console_queued != NULL) && ((*fake_fast_console_queued != 0u) || *fake_fast_console_typed)) {
        return false;
    }
    /* tst #0xfffe0000: only inbox SGIs and the posted SPI (bit 16, slot ARCH_FAST_POSTED). */
    if (((w & ~(ARCH_SGI_INBOX | ARCH_IRQ_POSTED)) != 0u) || (w == 0u) || ((w & (w - 1u)) != 0u)) {
        return false;
    }
    n = (uint32_t)__builtin_ctz(w);
    elrsr = fake_elrsr();
    if ((fake_sgi_lr[vcpu_id][n] == 0u) || (((fake_sgi_hold[vcpu_id][n] | fake_fast_lrs[vcpu_id]) & ~elrsr) != 0u) ||
        (elrsr == 0u)) {
        return false;
    }
    *news = 0u;
    slot = (uint32_t)__builtin_ctz(elrsr);
    fake_lrs[slot] = fake_sgi_lr[vcpu_id][n];
    fake_fast_lrs[vcpu_id] |= 1u << slot;
    fake_fast_vintid[vcpu_id][slot] = (uint16_t)fake_lrs[slot]; /* strh of the value: its vINTID */
    fake_kick_done++;
    return true;
}

bool fake_irq_vector(uint32_t vcpu_id, uint32_t intid)
{
    uint32_t elrsr;
    uint32_t slot;

    if (intid == ARCH_SGI_KICK) {
        return fake_kick_vector(vcpu_id);
    }
    if (intid != 27u) {
        return false;
    }
    if ((fake_fast_lr[vcpu_id] == 0u) || (*fake_fast_news[vcpu_id] != 0u)) {
        return false;
    }
    /* Console work waiting (bound by console_init(); unbound in tests that never start it). */
    if ((fake_fast_console_queued != NULL) && ((*fake_fast_console_queued != 0u) || *fake_fast_console_typed)) {
        return false;
    }
    elrsr = fake_elrsr();
    if ((((fake_fast_lrs[vcpu_id] | fake_fast_hold[vcpu_id]) & ~elrsr) != 0u) || (elrsr == 0u)) {
        return false;
    }
    slot = (uint32_t)__builtin_ctz(elrsr);
    fake_lrs[slot] = fake_fast_lr[vcpu_id];
    fake_fast_lrs[vcpu_id] |= 1u << slot;
    fake_fast_vintid[vcpu_id][slot] = 27u;
    arch_gic_eoi(intid);
    return true;
}

void arch_lr_notify(uint32_t mode)
{
    fake_npie = (mode == ARCH_LR_NOTIFY_NO_PENDING);
    fake_uie = (mode == ARCH_LR_NOTIFY_UNDERFLOW);
}

void arch_gic_set_pending(uint32_t intid, uint32_t cpu, bool on)
{
    fake_irq_pending[intid & 1023u] = on;
    fake_irq_state_cpu[intid & 1023u] = cpu;
}

void arch_gic_set_active(uint32_t intid, uint32_t cpu, bool on)
{
    fake_irq_active[intid & 1023u] = on;
    fake_irq_state_cpu[intid & 1023u] = cpu;
}

bool arch_gic_pending(uint32_t intid, uint32_t cpu)
{
    fake_irq_state_cpu[intid & 1023u] = cpu;
    return fake_irq_pending[intid & 1023u];
}

bool arch_timer_output(uint32_t intid)
{
    return fake_timer_output[intid & 31u];
}

struct fake_vuart_fast fake_vuart_fast[CFG_NUM_PARTITIONS];

void arch_vuart_fast_bind(uint32_t p, uint64_t dr_ipa, const uint32_t *cr, const bool *level, uint64_t *tx_bytes)
{
    fake_vuart_fast[p].dr_ipa = dr_ipa;
    fake_vuart_fast[p].cr = cr;
    fake_vuart_fast[p].level = level;
    fake_vuart_fast[p].tx_bytes = tx_bytes;
}

void arch_console_line_bind(uint32_t p, char *text, uint32_t *len, struct arch_lock *lock)
{
    fake_vuart_fast[p].text = text;
    fake_vuart_fast[p].len = len;
    fake_vuart_fast[p].lock = lock;
}

bool fake_dabt_vector(uint32_t vcpu_id, uint64_t esr, uint64_t ipa, uint64_t xt)
{
    const uint32_t mask = ESR_IL | ESR_ISS_ISV | ESR_ISS_S1PTW | ESR_ISS_WNR;
    struct fake_vuart_fast *f = &fake_vuart_fast[cfg_vcpus[vcpu_id].partition];
    uint8_t c = (uint8_t)(xt & 0xffu);

    if (((esr >> ESR_EC_SHIFT) != ESR_EC_DABT_LOW) || ((esr & mask) != (ESR_IL | ESR_ISS_ISV | ESR_ISS_WNR))) {
        return false;
    }
    if ((((esr >> 22) & 3u) == 3u) || (ipa != f->dr_ipa)) {
        return false;
    }
    if ((c < 0x20u) || (c > 0x7eu) || ((*f->cr & VUART_CR_LBE) != 0u) || *f->level) {
        return false;
    }
    if ((*fake_fast_news[vcpu_id] != 0u) || (*fake_fast_console_queued != 0u) || *fake_fast_console_typed) {
        return false;
    }
    if (f->lock->word != 0u) {
        return false;  /* held: the vector never waits (arch_lock_try's test, without its hook) */
    }
    if (*f->len >= CONSOLE_LINE_MAX) {
        return false;  /* the vector takes the lock, finds the line full and releases it */
    }
    f->text[*f->len] = (char)c;
    (*f->len)++;
    (*f->tx_bytes)++;
    fake_dabt_fast_done++;
    return true;
}

uint32_t fake_dabt_fast_done;

void arch_lock_acquire(struct arch_lock *lock)
{
    if (fake_lock_acquire_hook != NULL) {
        void (*hook)(void) = fake_lock_acquire_hook;

        fake_lock_acquire_hook = NULL;
        hook();
    }
    if (lock->word != 0u) {
        fprintf(stderr, "fake_arch: lock taken twice (deadlock on hardware)\n");
        abort();
    }
    lock->word = 1u;
    fake_lock_depth++;
    fake_lock_acquires++;
}

bool arch_lock_try(struct arch_lock *lock)
{
    if (fake_lock_try_hook != NULL) {
        void (*hook)(void) = fake_lock_try_hook;

        fake_lock_try_hook = NULL;
        hook();
    }
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

static bool fake_tx_put(char c)
{
    if (fake_tx_room == 0u) {
        return false;
    }
    if (fake_tx_room != FAKE_TX_UNLIMITED) {
        fake_tx_room--;
    }
    fake_tx_per_cpu[fake_cpu & 7u]++;
    if (fake_tx_hook != NULL) {
        /* Another CPU acts while this one is at the UART (its lock held). */
        void (*hook)(void) = fake_tx_hook;

        fake_tx_hook = NULL;
        hook();
    }
    /* A slow UART: every byte costs line time (115,200 Bd: ~87 us, 5,425 ticks at 62.5 MHz). */
    fake_counter += fake_tx_byte_ticks;
    arch_console_putc(c);
    return true;
}

uint32_t arch_console_tx_write(const char *s, uint32_t n)
{
    uint32_t i;

    for (i = 0u; (i < n) && fake_tx_put(s[i]); i++) {
        if (s[i] == '\n') {
            return i + 1u;
        }
    }
    return i;
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

uint32_t arch_spectre_core(void)
{
    return fake_spectre_core;
}

/* The firmware's answers to the calls spectre_probe() makes; anything else: NOT_SUPPORTED. */
int32_t arch_firmware_call(uint32_t fid, uint32_t arg)
{
    int32_t r = -1;

    fake_fw_calls++;
    if (fid == 0x84000000u) { /* PSCI_VERSION */
        r = fake_fw_psci_version;
    } else if ((fid == 0x8400000au) && (arg == 0x80000000u)) { /* PSCI_FEATURES(SMCCC_VERSION) */
        r = fake_fw_psci_features;
    } else if (fid == 0x80000000u) { /* SMCCC_VERSION */
        r = fake_fw_smccc_version;
    } else if ((fid == 0x80000001u) && (arg == 0x80008000u)) { /* ARCH_FEATURES(WORKAROUND_1) */
        r = fake_fw_wa1;
    }
    return r;
}

void arch_spectre_firmware_on(void)
{
    fake_spectre_fw_on++;
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

uint8_t fake_fw_dtb[FWCHECK_DTB_MAX];
uint32_t fake_fw_dtb_len;

const uint8_t *arch_fw_dtb_copy(uint32_t *len)
{
    *len = fake_fw_dtb_len;
    return fake_fw_dtb;
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
    fake_call("zero");
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

uint64_t fake_counter_hz = 62500000u;

uint64_t arch_counter_hz(void)
{
    return fake_counter_hz;
}

void arch_sync_guest_image(uint64_t pa, uint64_t len)
{
    fake_call("sync");
    fake_sync_pa = pa;
    fake_sync_len = len;
    if (fake_sync_hook != NULL) {
        fake_sync_hook(pa, len);
    }
}

void arch_dcache_clean_inval(uint64_t pa, uint64_t len)
{
    (void)arch_phys_to_virt(pa);
    fake_call("clean");
    fake_cleaned += len;
    fake_clean_pa = pa;
    fake_clean_bytes += len;
    fake_cleans++;
}

uint64_t arch_el1_vbar(void)
{
    return fake_vbar_el1;
}

void arch_el1_exception(uint64_t esr, uint64_t far, uint64_t elr, uint64_t spsr)
{
    fake_esr_el1 = esr;
    fake_far_el1 = far;
    fake_elr_el1 = elr;
    fake_spsr_el1 = spsr;
}

void arch_vcpu_enter(struct vcpu *v)
{
    fake_call("enter");
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

uint32_t fake_vcpu_saves;

void arch_vcpu_save(struct arch_vcpu_ctx *ctx)
{
    fake_call("save");
    fake_vcpu_saves++;
    ctx->w[0] = fake_vcpu_saves;
}

void arch_vcpu_restore(struct vcpu *v, const struct arch_vcpu_ctx *ctx)
{
    (void)v;
    (void)ctx;
    fake_call("restore");
}

void arch_cpu_trap_debug_pmu(bool on)
{
    fake_debug_pmu_trapped[fake_cpu] = on;
}

void arch_vcpu_resume(struct vcpu *v)
{
    fake_call("resume");
    fake_entered = v;
    longjmp(fake_noreturn, 3);
}
