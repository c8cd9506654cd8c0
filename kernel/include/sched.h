/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time partitioning (see sched.c): the static cyclic schedule of a physical
 * CPU that several partitions share. Pure table walking over the generated
 * cfg_scheds/cfg_windows; every computation starts from the schedule's epoch
 * (the start of major frame 0), so window starts never accumulate jitter.
 */
#pragma once

#include "config.h"
#include "types.h"
#include "vcpu.h"

/** Window index of the idle time at the end of a frame. */
#define SCHED_IDLE 0xffffffffu

/** Where a counter value falls in a schedule. */
struct sched_slot {
    uint32_t window;  /**< index into the schedule's windows (0-based, not into cfg_windows), or SCHED_IDLE */
    uint64_t start;   /**< counter value at which this window (or idle time) began */
    uint64_t end;     /**< counter value at which it ends: the next switch */
};

/** Counter ticks in us microseconds at hz, rounded down (us <= 10^7, hz <= 10^10: no overflow). */
uint64_t sched_us_to_ticks(uint64_t us, uint64_t hz);

/**
 * The window of schedule s (its windows at w[0 .. s->num_windows)) that holds
 * counter value now, for a schedule whose frame 0 started at epoch (now >=
 * epoch), with counter frequency hz. Bounded by s->num_windows.
 */
void sched_slot_at(const struct cfg_sched *s, const struct cfg_window *w, uint64_t hz, uint64_t epoch, uint64_t now,
                   struct sched_slot *out);

/**
 * Ticks of its own windows that partition p has had on schedule s in the
 * counter interval [epoch, t): what a heartbeat deadline in partition time counts.
 */
uint64_t sched_own_ticks(const struct cfg_sched *s, const struct cfg_window *w, uint64_t hz, uint64_t epoch,
                         uint32_t p, uint64_t t);

/**
 * The earliest counter value t >= t0 at which partition p has had budget more
 * ticks of its own windows than at t0; 0 if p has no window on s (never).
 */
uint64_t sched_own_deadline(const struct cfg_sched *s, const struct cfg_window *w, uint64_t hz, uint64_t epoch,
                            uint32_t p, uint64_t t0, uint64_t budget);

/** The earlier of two EL2 timer deadlines, where 0 means "none". */
uint64_t sched_next_event(uint64_t a, uint64_t b);

/** Index into cfg_scheds of physical CPU cpu's schedule, or CFG_NO_SCHED (1:1 pinning). */
uint32_t sched_of_cpu(uint32_t cpu);

/** Index into cfg_scheds of a schedule that gives partition p a window, or CFG_NO_SCHED. */
uint32_t sched_of_partition(uint32_t p);

/** Set the common epoch of every schedule (the boot CPU, before any scheduled CPU enters a guest). */
void sched_set_epoch(uint64_t epoch);
/** The common epoch: counter value at which major frame 0 of every schedule began. */
uint64_t sched_epoch(void);

/**
 * Of CPU cpu's schedule (sched_of_cpu(cpu) != CFG_NO_SCHED): the slot at now,
 * and the vCPU (index into cfg_vcpus) that runs in it, or CFG_NO_VCPU for idle time.
 */
uint32_t sched_vcpu_at(uint32_t cpu, uint64_t now, struct sched_slot *slot);

/**
 * The watchdog deadline of partition p: its last heartbeat (or start) at t0
 * plus watchdog_ticks, counted in wall time, or in p's own windows when p is
 * scheduled and its watchdog_clock is CFG_WDCLOCK_PARTITION.
 */
uint64_t sched_watchdog_deadline(uint32_t p, uint64_t t0, uint64_t watchdog_ticks);

/** vCPU (index into cfg_vcpus) that scheduled CPU cpu last entered or chose, or CFG_NO_VCPU. */
uint32_t sched_current(uint32_t cpu);

/** True if schedule s (windows w) runs more than one partition: they share its CPU. */
bool sched_shared(const struct cfg_sched *s, const struct cfg_window *w);

/**
 * Once per CPU, before it enters any vCPU: on a CPU that partitions share, the
 * PMU and debug registers trap for all of them (arch_cpu_trap_debug_pmu).
 */
void sched_cpu_init(uint32_t cpu);

/**
 * On scheduled CPU cpu, outside any guest: check the watchdogs of the
 * partitions it hosts, arm the EL2 timer for the earlier of the current
 * window's end and their deadlines, and enter the vCPU of the current window
 * if it can run (restored where its last window left it, or started fresh
 * after a load, restart or PSCI CPU_ON): then it never returns. Returns in
 * idle time, or when the window's vCPU cannot run (off, halted): its window
 * is then idle; the caller waits for an event and calls again.
 */
void sched_step(uint32_t cpu);

/**
 * The EL2 timer fired on the CPU of v, a scheduled CPU: check the watchdogs;
 * if v's window is over, save v and go to the next window (never returns);
 * otherwise re-arm the timer and return.
 */
void sched_tick(struct vcpu *v);
