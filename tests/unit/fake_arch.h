/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fake arch of the host unit tests: records what portable code asked of
 * the hardware, and lets a test observe "never returns" calls (park, guest
 * entry) through longjmp.
 */
#pragma once

#include <setjmp.h>

#include "arch.h"
#include "fwcheck.h"

/** Base and size of the simulated physical memory (covers tests/unit/system.yaml). */
#define FAKE_RAM_BASE 0x40000000ull
#define FAKE_RAM_SIZE 0x00a00000ull

/** What the console received, NUL-terminated. */
extern char fake_console[16384];
extern size_t fake_console_len;
/** Transmit FIFO room arch_console_tx_write() sees (FAKE_TX_UNLIMITED: never full), counter ticks each byte costs, bytes sent per CPU, TX interrupt state. */
#define FAKE_TX_UNLIMITED 0xffffffffu
extern uint32_t fake_tx_room;
extern uint64_t fake_tx_byte_ticks;
extern uint32_t fake_tx_per_cpu[8];
extern bool fake_tx_irq;
extern uint32_t fake_tx_acks;
/** arch_dcache_clean_inval(): last address, bytes in all calls, number of calls. */
extern uint64_t fake_clean_pa, fake_clean_bytes;
extern uint32_t fake_cleans;
/** The calling CPU's type for Spectre (arch_spectre_core()). */
extern uint32_t fake_spectre_core;
/* Firmware answers (arch_firmware_call): PSCI_VERSION, PSCI_FEATURES(SMCCC_VERSION), SMCCC_VERSION, ARCH_FEATURES(WA1). */
extern int32_t fake_fw_psci_version, fake_fw_psci_features, fake_fw_smccc_version, fake_fw_wa1;
extern uint32_t fake_fw_calls;       /* firmware calls made */
extern uint32_t fake_spectre_fw_on;  /* arch_spectre_firmware_on() calls */
/** arch_stop_system() calls. */
extern uint32_t fake_stops;
/** Simulated physical memory. */
extern uint8_t fake_ram[FAKE_RAM_SIZE];
/** The boot-time firmware DTB copy arch_fw_dtb_copy() returns. */
extern uint8_t fake_fw_dtb[FWCHECK_DTB_MAX];
extern uint32_t fake_fw_dtb_len;
/** CPU index arch_cpu_index() reports. */
extern uint32_t fake_cpu;
/** Status arch_cpu_start() returns, and the CPUs it was asked to start. */
extern int64_t fake_cpu_start_rc;
extern uint32_t fake_cpus_started[8];
extern uint32_t fake_num_cpus_started;
/** Lock balance: acquisitions minus releases. */
extern int fake_lock_depth;
/** arch_lock_acquire() calls. */
extern uint32_t fake_lock_acquires;
/** Last arch_sync_guest_image() range. */
extern uint64_t fake_sync_pa, fake_sync_len;
/** vCPU passed to arch_vcpu_enter(), or NULL. */
extern struct vcpu *fake_entered;
/** arch_vcpu_save() calls (time partitioning). */
extern uint32_t fake_vcpu_saves;
/** Number of arch_cpu_park() calls. */
extern uint32_t fake_parks;
/** Where arch_cpu_park() and arch_vcpu_enter() jump back to. */
extern jmp_buf fake_noreturn;

/** The physical GIC as the fake sees it. */
#define FAKE_MAX_LOG 64u
extern uint32_t fake_num_lrs;              /**< list registers this "CPU" implements */
extern uint64_t fake_lrs[16];
extern bool fake_npie;                     /**< arch_lr_notify(): NPIE requested */
extern bool fake_uie;                      /**< arch_lr_notify(): UIE requested */
extern uint32_t fake_free_mask_reads;      /**< arch_lr_free_mask() calls */
/** The IRQ vector's fast-path records (arch_irq_fast_*), per vCPU. */
extern uint64_t fake_fast_lr[CFG_NUM_VCPUS];
extern uint32_t fake_fast_hold[CFG_NUM_VCPUS];
extern uint32_t fake_fast_lrs[CFG_NUM_VCPUS];
extern uint16_t fake_fast_vintid[CFG_NUM_VCPUS][16];
extern uint64_t fake_sgi_lr[CFG_NUM_VCPUS][ARCH_FAST_SLOTS];
extern uint32_t fake_sgi_hold[CFG_NUM_VCPUS][ARCH_FAST_SLOTS];
/** Kicks the model of the vector took by itself. */
extern uint32_t fake_kick_done;
extern const uint32_t *fake_fast_news[CFG_NUM_VCPUS];
/** The console's words bound by arch_exit_fast_console(). */
extern const uint32_t *fake_fast_console_queued;
extern const bool *fake_fast_console_typed;
/** ICH_ELRSR_EL2 of the fake: implemented LRs with state invalid and (HW = 1 or EOI = 0) (IHI 0069H 12.4). */
uint32_t fake_elrsr(void);
/** What the sync vector's vUART path reads, per partition (arch_vuart_fast_bind, arch_console_line_bind). */
struct fake_vuart_fast {
    uint64_t dr_ipa;
    const uint32_t *cr;
    const bool *level;
    uint64_t *tx_bytes;
    char *text;
    uint32_t *len;
    struct arch_lock *lock;
};
extern struct fake_vuart_fast fake_vuart_fast[CFG_NUM_PARTITIONS];
/** Stores the model below appended by itself. */
extern uint32_t fake_dabt_fast_done;
/**
 * The model of vectors.S exit_dabt_fast for vCPU vcpu_id storing xt at ipa with syndrome esr (an
 * ESR_EL2 value): the same decisions in the same order. True when it appended the byte to the
 * partition's console line (the C step is not entered); false: the C step takes the access.
 */
bool fake_dabt_vector(uint32_t vcpu_id, uint64_t esr, uint64_t ipa, uint64_t xt);
/**
 * The model of vectors.S exit_irq_fast for vCPU vcpu_id (running on the fake's CPU) taking
 * physical intid: the same decisions in the same order. True when it wrote a list register
 * and dropped the priority (the C step is not entered); false: the C step takes intid.
 */
bool fake_irq_vector(uint32_t vcpu_id, uint32_t intid);
extern bool fake_irq_pending[1024];        /**< physical pending state (arch_gic_set_pending / _pending) */
extern bool fake_irq_active[1024];         /**< physical active state (arch_gic_set_active) */
extern uint32_t fake_irq_state_cpu[1024];  /**< CPU named by the last pending/active call of each INTID */
extern bool fake_timer_output[32];         /**< arch_timer_output() per PPI */
extern uint32_t fake_sgi_cpu[FAKE_MAX_LOG], fake_sgi_id[FAKE_MAX_LOG], fake_num_sgis;
extern uint32_t fake_eoi[FAKE_MAX_LOG], fake_num_eois;
extern uint32_t fake_dir[FAKE_MAX_LOG], fake_num_dirs;
extern bool fake_irq_enabled[1024];         /**< SPIs, and PPIs of the last CPU named */
extern uint32_t fake_irq_enabled_cpu[1024]; /**< CPU named by the last arch_gic_set_enabled() of each INTID */
extern bool fake_irq_edge[1024];
extern uint32_t fake_irq_route[1024];
extern bool fake_gic_ready, fake_gic_cpu_ready;
/** arch_wait_event() calls, and after how many it longjmps (0 = never). */
extern uint32_t fake_waits, fake_wait_limit;
extern uint32_t fake_events;

/** Bytes the physical console "received": fake_rx[fake_rx_pos..+fake_rx_len). */
extern char fake_rx[256];
extern uint32_t fake_rx_pos, fake_rx_len;
extern bool fake_rx_enabled;

/** The system counter arch_counter() returns (62.5 MHz), and bytes arch_zero() cleared. */
extern uint64_t fake_counter;
extern uint64_t fake_zeroed;
/** What arch_counter_hz() answers (62.5 MHz after fake_reset()). */
extern uint64_t fake_counter_hz;
/** Deadline of the EL2 timer (arch_hyp_timer_set), 0 when stopped. */
extern uint64_t fake_hyp_timer;
/** Per CPU: what arch_cpu_trap_debug_pmu() last set (PMU and debug registers trapped). */
extern bool fake_debug_pmu_trapped[CFG_NUM_CPUS];

/**
 * The order of the arch calls a reset sequence makes: one short name per call
 * ("clear_active", "edge", "route", "zero", "clean", "sync", "enter"), in order.
 */
#define FAKE_MAX_CALLS 64u
extern const char *fake_calls[FAKE_MAX_CALLS];
extern uint32_t fake_num_calls;
/** Index of the first call named name in fake_calls, or -1. */
int fake_call_index(const char *name);
/** Index of the last call named name in fake_calls, or -1. */
int fake_call_last(const char *name);
/** INTIDs passed to arch_gic_clear_active(), and bytes arch_dcache_clean_inval() covered. */
extern uint32_t fake_cleared_active[FAKE_MAX_LOG], fake_num_cleared_active;
extern uint64_t fake_cleaned;
/** Called (if set) at each arch_sync_guest_image(), after it is logged: a test may corrupt the copy. */
extern void (*fake_sync_hook)(uint64_t pa, uint64_t len);
/** Called (if set) once, at the next byte arch_console_tx_write() sends: another CPU's work while the UART is held. */
extern void (*fake_tx_hook)(void);
/** Run once by the next arch_lock_try(), before it tries: another CPU acting between a caller's check and its lock. */
extern void (*fake_lock_try_hook)(void);
/** Run once by the next arch_lock_acquire(), before it takes the lock: another CPU's locked work just before. */
extern void (*fake_lock_acquire_hook)(void);
/** The EL1 registers the injection path reads and writes. */
extern uint64_t fake_vbar_el1, fake_esr_el1, fake_far_el1, fake_elr_el1, fake_spsr_el1;
/** Run console_poll() on every CPU until the queued lines have left (the exits of a running system). */
void fake_console_drain(void);

/** Reset every fake to its initial state. */
void fake_reset(void);
