/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runtime for bare-metal Septum partitions: hypercalls, console output and
 * time. Partitions run at EL1 with their MMU off; see partitions/lib/start.S.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "septum/chan_abi.h"
#include "septum/hvc_abi.h"

/** Results of an SMCCC call: x0..x3. */
struct sp_hvc_result {
    int64_t x0;
    uint64_t x1;
    uint64_t x2;
    uint64_t x3;
};

/** Issue HVC #0 with function ID fid and arguments a1..a3. */
struct sp_hvc_result sp_hvc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/** CONSOLE_WRITE of len bytes at buf; returns bytes written or an SMCCC error. */
int64_t sp_console_write(const void *buf, size_t len);
/** Print a formatted string (printf subset: %s %c %d %u %x %ld %lu %lx, width, '0'). */
void sp_printf(const char *f, ...) __attribute__((format(printf, 1, 2)));
/** sp_printf with a va_list. */
void sp_vprintf(const char *f, va_list ap);
/** Format into buf; always NUL-terminated when size > 0. */
size_t sp_snprintf(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));

/* ---- console backends (partitions/lib/console.c) ----
 * sp_printf() writes through the CONSOLE_WRITE hypercall unless sp_console_use()
 * selects the PL011 at SP_VUART_BASE: Septum emulates that UART, and on a
 * machine without a hypervisor it is the real one, so a program that calls
 * sp_console_auto() first runs unchanged with and without Septum.
 * sp_console_write() always is the hypercall.
 */
enum sp_console_kind {
    SP_CONSOLE_HVC = 0,   /**< CONSOLE_WRITE hypercall (the default) */
    SP_CONSOLE_PL011 = 1, /**< the PL011 data register, polled */
};
/** Select the backend of sp_printf() and sp_vprintf(). */
void sp_console_use(enum sp_console_kind kind);
/** The selected backend. */
enum sp_console_kind sp_console_kind(void);
/** Write len bytes to the PL011 at SP_VUART_BASE; returns len. */
int64_t sp_pl011_write(const char *buf, size_t len);
/**
 * 1 if Septum is the hypervisor below: this runs at EL1, EL2 is implemented
 * (ID_AA64PFR0_EL1.EL2) and HVC CALL_UID answers Septum's UID. No HVC is
 * issued without EL2; an HVC that is UNDEFINED anyway is caught (sp_probe_vectors).
 */
int sp_septum_present(void);
/** Select SP_CONSOLE_HVC under Septum, SP_CONSOLE_PL011 otherwise (if the partition has a vUART); returns the choice. */
enum sp_console_kind sp_console_auto(void);
/** EL1 vectors used only while probing: a synchronous exception returns -1 in x0, past the instruction. */
extern char sp_probe_vectors[];

/** Virtual counter (CNTVCT_EL0). */
uint64_t sp_counter(void);
/** Counter frequency in Hz (CNTFRQ_EL0). */
uint64_t sp_counter_hz(void);
/** Wait until the virtual counter reaches deadline (WFE loop, yields under icount). */
void sp_wait_until(uint64_t deadline);

/** Read/write a 32-bit device register. */
uint32_t sp_mmio_read32(uint64_t addr);
void sp_mmio_write32(uint64_t addr, uint32_t v);

/* ---- interrupts (partitions/lib/gic.c) ---- */

/** Handler of every interrupt; called with the INTID, EOI follows. */
typedef void (*sp_irq_fn)(uint32_t intid);
/** This vCPU's index (MPIDR Aff0). */
uint32_t sp_cpu_id(void);
/** Base of the distributor, and of vCPU cpu's redistributor. */
uint64_t sp_gicd_base(void);
uint64_t sp_gicr_base(uint32_t cpu);
/** Enable the distributor (once, on vCPU 0). */
void sp_gic_init_dist(void);
/** Wake this vCPU's redistributor, enable its CPU interface, install vectors and handler. */
void sp_gic_init_cpu(sp_irq_fn handler);
/** Enable interrupt intid (SGI/PPI on this vCPU's redistributor). */
void sp_irq_enable(uint32_t intid);
/** Route SPI intid to vCPU cpu. */
void sp_irq_route(uint32_t intid, uint32_t cpu);
/** Unmask / mask IRQs on this vCPU. */
void sp_irq_unmask(void);
void sp_irq_mask(void);
/** Send SGI intid to vCPU cpu, or to every other vCPU. */
void sp_sgi_send(uint32_t cpu, uint32_t intid);
void sp_sgi_broadcast(uint32_t intid);
/** Called from the vectors (vectors.S). */
void sp_irq_dispatch(void);
void sp_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far);
/** The EL1 vector table. */
extern char sp_vectors[];

/* ---- vCPUs and timers (partitions/lib/smp.c) ---- */

/** SMCCC/PSCI call through HVC; returns x0. */
int64_t sp_psci(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
/** Start vCPU cpu running fn (PSCI CPU_ON); returns the PSCI status. */
int64_t sp_cpu_on(uint32_t cpu, void (*fn)(void));
/** Entry of a secondary vCPU in C (start.S). */
void sp_secondary_main(uint64_t cpu);
/** Arm the EL1 virtual timer for an absolute counter value; stop it. */
void sp_vtimer_at(uint64_t deadline);
void sp_vtimer_stop(void);
/** PSCI SYSTEM_OFF: the partition halts. */
void sp_system_off(void);

/* ---- channels (partitions/lib/chan.c) ----
 * ctl is the channel's control page, SP_CHAN_<NAME>_CTL in the generated
 * partition.h; peers are numbered as SP_CHAN_<NAME>_PEER_<PARTITION>.
 */
/** Who signaled since the last call (bit i = peer i) | SEPTUM_CHAN_PENDING_STATE if a peer's state changed; clears. */
uint32_t sp_chan_pending(uint64_t ctl);
/** Raise the doorbells of the peers in mask. */
void sp_chan_notify(uint64_t ctl, uint32_t mask);
/** Bit i set: peer i's partition is running. */
uint32_t sp_chan_peer_state(uint64_t ctl);
/** This partition's peer index, and the number of peers. */
uint32_t sp_chan_self(uint64_t ctl);
uint32_t sp_chan_peers(uint64_t ctl);

/** The partition's main program. */
int main(void);
