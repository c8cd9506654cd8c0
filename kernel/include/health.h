/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The health monitor: what happens to a partition that faults, asks for a
 * reset or misses its watchdog. A restart stops the partition's vCPUs, scrubs
 * its memory, reloads its images from the read-only copies (checking them
 * first), resets its emulated devices and starts vCPU 0 again; nothing else
 * notices. A restart budget (at most max_restarts within restart_window_ms)
 * turns a crash loop into a halt. Subscribers hear of every state change.
 */
#pragma once

#include "septum/hvc_abi.h"
#include "types.h"

struct vcpu;

/** Why the health monitor acts. */
enum health_event {
    HEALTH_FAULT = 0,   /**< a fault of the partition (abort, unexpected trap, SError) */
    HEALTH_WATCHDOG,    /**< no heartbeat within watchdog_ms */
};

/** Reset the monitor's run-time state (boot, unit tests). */
void health_init(void);

/**
 * Decide and start what happens to partition p after event: a restart if its
 * policy and budget allow it (true), otherwise a halt (false). what and the
 * caller's own line say why; the monitor prints the outcome.
 */
bool health_event(uint32_t p, enum health_event event, const char *what);

/** Tell p's subscribers and the other peers of its channels that its state changed (a virtual interrupt each). */
void health_notify(uint32_t p);

/**
 * Partition p asked for a reset (PSCI SYSTEM_RESET): a request, not a fault.
 * Restarts it (on_reset: restart, counted in its restarts but not in its
 * fault budget) or halts it (on_reset: halt), and tells its subscribers.
 */
void health_reset_request(uint32_t p);

/** Count one restart of p that is not a fault (reset request, run-time control); returns the new count. */
uint32_t health_count_restart(uint32_t p);

/**
 * on_fault: inject: may one more abort of p go to the guest? Consumes one of
 * its max_injected_faults in the current window if so; false when p does not
 * inject or the budget is used up (its restart policy then applies).
 */
bool health_inject_take(uint32_t p);

/** Aborts injected into p in its current window. */
uint32_t health_injected(uint32_t p);

/** Partition p said it is ready (first heartbeat, READY): STARTING becomes RUNNING, said and notified. */
void health_ready(uint32_t p);

/** A heartbeat of partition p (SEPTUM_HVC_HEARTBEAT). */
void health_heartbeat(uint32_t p);

/** Counter value by which partition p must next send a heartbeat, or 0 for none. */
uint64_t health_watchdog_deadline(uint32_t p);

/** The deadline of p's watchdog if it is watched now (started or running), else 0. */
uint64_t health_watchdog_armed(uint32_t p);

/** Check p's watchdog at counter value now; starts the policy and returns true if it expired. */
bool health_watchdog_check(uint32_t p, uint64_t now);

/**
 * On the CPU of vCPU 0 of partition p, before it (re)enters the guest or
 * after its EL2 timer fired: check p's watchdog and (re)arm the EL2 timer for
 * the next deadline. Returns true if the watchdog expired (the policy ran).
 */
bool health_watchdog_tick(uint32_t p);

/** SEPTUM_STATE_* of p and its restart count (SEPTUM_HVC_PARTITION_STATE). */
uint32_t health_state(uint32_t p, uint32_t *restarts);
