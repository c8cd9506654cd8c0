/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The health monitor (see health.h): fault policy, restart budget,
 * watchdog and state-change notifications, driven by the generated
 * cfg_health table (one entry per partition).
 */
#include "arch.h"
#include "chan.h"
#include "config.h"
#include "console.h"
#include "health.h"
#include "sched.h"
#include "vcpu.h"
#include "vgic.h"
#include "virtio_net.h"

/** Run-time health state of one partition. */
struct health_part {
    uint32_t restarts;        /**< restarts since boot */
    uint32_t window_count;    /**< restarts in the current budget window */
    uint64_t window_start;    /**< counter value when that window began */
    uint64_t last_heartbeat;  /**< counter value of the last heartbeat (or of the last start) */
    uint32_t injected;        /**< aborts injected in the current inject window */
    uint64_t inject_start;    /**< counter value when that window began */
};

static struct health_part health_parts[CFG_NUM_PARTITIONS];
static struct arch_lock health_lock;

void health_init(void)
{
    uint32_t p;

    for (p = 0u; p < CFG_NUM_PARTITIONS; p++) {
        health_parts[p].restarts = 0u;
        health_parts[p].window_count = 0u;
        health_parts[p].window_start = 0u;
        health_parts[p].injected = 0u;
        health_parts[p].inject_start = 0u;
        health_parts[p].last_heartbeat = arch_counter();
    }
}

/* Counter ticks in ms milliseconds. */
static uint64_t health_ms_to_ticks(uint32_t ms)
{
    return (arch_counter_hz() / 1000u) * (uint64_t)ms;
}

/* May p be restarted now? Consumes one restart of its budget if so. */
static bool health_budget_take(uint32_t p)
{
    const struct cfg_health *h = &cfg_health[p];
    struct health_part *s = &health_parts[p];
    uint64_t now = arch_counter();
    bool ok;

    arch_lock_acquire(&health_lock);
    if ((h->restart_window_ms != 0u) && ((now - s->window_start) > health_ms_to_ticks(h->restart_window_ms))) {
        /* The window has passed: the budget refills. */
        s->window_start = now;
        s->window_count = 0u;
    }
    ok = (h->max_restarts == 0u) || (s->window_count < h->max_restarts);
    if (ok) {
        s->window_count++;
        s->restarts++;
    }
    arch_lock_release(&health_lock);
    return ok;
}

static const char *health_event_name(enum health_event event)
{
    return (event == HEALTH_FAULT) ? "fault" : "watchdog";
}

bool health_event(uint32_t p, enum health_event event, const char *what)
{
    const char *name = cfg_partitions[p].name;
    const char *ev = health_event_name(event);
    /* on_fault: inject falls back to a restart once its injection budget is used up. A reset
     * request is not an event here: health_reset_request() answers it outside the budget. */
    bool wants = cfg_partitions[p].on_fault != CFG_FAULT_HALT;

    if (wants && health_budget_take(p)) {
        console_hyp_printf("partition '%s' %s: %s " CONSOLE_EMDASH " restarting (restart %u)", name, ev, what,
                           (unsigned)health_parts[p].restarts);
        part_restart(p);
        health_notify(p);
        return true;
    }
    if (wants) {
        console_hyp_printf("partition '%s' %s: %s " CONSOLE_EMDASH " restart budget (%u in %u ms) used up: halted",
                           name, ev, what, (unsigned)cfg_health[p].max_restarts,
                           (unsigned)cfg_health[p].restart_window_ms);
    } else {
        console_hyp_printf("partition '%s' %s: %s " CONSOLE_EMDASH " halted", name, ev, what);
    }
    part_halt(p);
    health_notify(p);
    return false;
}

void health_notify(uint32_t p)
{
    uint32_t s;

    /* The peers of p's channels hear of it too, through their doorbells (chan.h). */
    chan_peer_state_changed(p);
    virtio_net_peer_changed(p);  /* the other end of each of p's links: link up or down */

    for (s = 0u; s < CFG_NUM_PARTITIONS; s++) {
        uint32_t virq = cfg_health[s].notify_vintid;

        if (((cfg_health[p].subscribers >> s) & 1u) != 0u) {
            if (virq != CFG_NO_VINTID) {
                vgic_inject(s, 0u, virq, VGIC_EDGE, NULL);
            }
        }
    }
}

bool health_inject_take(uint32_t p)
{
    const struct cfg_health *h = &cfg_health[p];
    struct health_part *s = &health_parts[p];
    uint64_t now = arch_counter();
    bool ok;

    if (cfg_partitions[p].on_fault != CFG_FAULT_INJECT) {
        return false;
    }
    arch_lock_acquire(&health_lock);
    if ((h->restart_window_ms != 0u) && ((now - s->inject_start) > health_ms_to_ticks(h->restart_window_ms))) {
        /* The window has passed: the budget refills. */
        s->inject_start = now;
        s->injected = 0u;
    }
    ok = s->injected < h->max_injected_faults;
    if (ok) {
        s->injected++;
    }
    arch_lock_release(&health_lock);
    return ok;
}

uint32_t health_injected(uint32_t p)
{
    return health_parts[p].injected;
}

uint32_t health_count_restart(uint32_t p)
{
    uint32_t n;

    arch_lock_acquire(&health_lock);
    health_parts[p].restarts++;
    n = health_parts[p].restarts;
    arch_lock_release(&health_lock);
    return n;
}

void health_reset_request(uint32_t p)
{
    const char *name = cfg_partitions[p].name;

    if (cfg_health[p].on_reset == CFG_RESET_HALT) {
        console_hyp_printf("partition '%s' asked for a reset (PSCI SYSTEM_RESET) " CONSOLE_EMDASH
                           " halted (on_reset: halt)", name);
        part_halt(p);
    } else {
        /* A request, not a fault: counted, but the fault budget is not touched. */
        console_hyp_printf("partition '%s' asked for a reset (PSCI SYSTEM_RESET) " CONSOLE_EMDASH
                           " restarting (restart %u, not a fault)", name, (unsigned)health_count_restart(p));
        part_restart(p);
    }
    health_notify(p);
}

void health_ready(uint32_t p)
{
    if (part_set_ready(p)) {
        console_hyp_printf("partition '%s' ready", cfg_partitions[p].name);
        health_notify(p);
    }
}

void health_heartbeat(uint32_t p)
{
    arch_lock_acquire(&health_lock);
    health_parts[p].last_heartbeat = arch_counter();
    arch_lock_release(&health_lock);
}

uint64_t health_watchdog_deadline(uint32_t p)
{
    uint64_t d;

    if (cfg_health[p].watchdog_ms == 0u) {
        return 0u;
    }
    arch_lock_acquire(&health_lock);
    d = health_parts[p].last_heartbeat;
    arch_lock_release(&health_lock);
    /* On a shared CPU the period counts the partition's own windows unless watchdog_clock says wall time. */
    d = sched_watchdog_deadline(p, d, health_ms_to_ticks(cfg_health[p].watchdog_ms));
    return d;
}

/* A partition that has been started is watched, ready or not: a first heartbeat that never comes is a miss. */
static bool health_watched(enum part_state s)
{
    return (s == PART_STATE_RUNNING) || (s == PART_STATE_STARTING);
}

uint64_t health_watchdog_armed(uint32_t p)
{
    return health_watched(part_get(p)->state) ? health_watchdog_deadline(p) : 0u;
}

bool health_watchdog_check(uint32_t p, uint64_t now)
{
    uint64_t d = health_watchdog_deadline(p);

    if ((d == 0u) || (now < d) || !health_watched(part_get(p)->state)) {
        return false;
    }
    (void)health_event(p, HEALTH_WATCHDOG, "no heartbeat in time");
    return true;
}

bool health_watchdog_tick(uint32_t p)
{
    if (health_watchdog_check(p, arch_counter())) {
        arch_hyp_timer_set(0u);
        return true;
    }
    /* 0 (no watchdog) also stops the timer. */
    arch_hyp_timer_set(health_watchdog_deadline(p));
    return false;
}

uint32_t health_state(uint32_t p, uint32_t *restarts)
{
    *restarts = health_parts[p].restarts;
    switch (part_get(p)->state) {
    case PART_STATE_RUNNING:
        return SEPTUM_STATE_RUNNING;
    case PART_STATE_RESTARTING:
        return SEPTUM_STATE_RESTARTING;
    case PART_STATE_HALTED:
        return SEPTUM_STATE_HALTED;
    case PART_STATE_STARTING:
        return SEPTUM_STATE_STARTING;
    default:
        return SEPTUM_STATE_BOOTING;
    }
}
