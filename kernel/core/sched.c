/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time partitioning: which window of a CPU's static cyclic schedule holds a
 * counter value, when it ends, and how much of its own time a partition has
 * had. Every result is computed from the epoch (the start of major frame 0)
 * and the generated offsets, never by adding up past windows, so a late
 * switch shortens only the window it delays and no error accumulates
 * (ARINC 653 P1 2.3.2: partition windows are fixed offsets in the major frame).
 * Loops are bounded by a schedule's window count (at most 64, the schema's limit).
 */
#include "sched.h"

#include "arch.h"
#include "boot.h"
#include "console.h"
#include "health.h"
#include "vgic.h"

/* Microseconds per second. */
#define SCHED_US_PER_S 1000000u

static uint64_t sched_epoch_value;
/* Per physical CPU: the vCPU whose window it last chose (CFG_NO_VCPU + 1 written as 0 means "none yet"). */
static uint32_t sched_cur[CFG_NUM_CPUS];

uint64_t sched_us_to_ticks(uint64_t us, uint64_t hz)
{
    return (us * hz) / SCHED_US_PER_S;
}

/* Start of window i from the frame start, in ticks (windows are consecutive from 0). */
static uint64_t sched_win_start(const struct cfg_window *w, uint32_t i, uint64_t hz)
{
    return sched_us_to_ticks(w[i].offset_us, hz);
}

/* End of window i from the frame start, in ticks: the next window's start, exactly. */
static uint64_t sched_win_end(const struct cfg_window *w, uint32_t i, uint64_t hz)
{
    return sched_us_to_ticks(w[i].offset_us + w[i].us, hz);
}

void sched_slot_at(const struct cfg_sched *s, const struct cfg_window *w, uint64_t hz, uint64_t epoch, uint64_t now,
                   struct sched_slot *out)
{
    uint64_t major = sched_us_to_ticks(s->major_frame_us, hz);
    uint64_t since = now - epoch;
    uint64_t frame = epoch + ((since / major) * major);
    uint64_t pos = since % major;
    uint32_t i;

    out->window = SCHED_IDLE;
    out->start = frame + sched_win_end(w, s->num_windows - 1u, hz);
    out->end = frame + major;
    for (i = 0u; i < s->num_windows; i++) {
        if (pos < sched_win_end(w, i, hz)) {
            out->window = i;
            out->start = frame + sched_win_start(w, i, hz);
            out->end = frame + sched_win_end(w, i, hz);
            break;
        }
    }
}

/* Ticks of p's windows in [0, pos) of one frame. */
static uint64_t sched_own_in_frame(const struct cfg_sched *s, const struct cfg_window *w, uint64_t hz, uint32_t p,
                                   uint64_t pos)
{
    uint64_t sum = 0u;
    uint32_t i;

    for (i = 0u; i < s->num_windows; i++) {
        uint64_t a = sched_win_start(w, i, hz);
        uint64_t b = sched_win_end(w, i, hz);

        if ((w[i].partition == p) && (pos > a)) {
            sum += ((pos < b) ? pos : b) - a;
        }
    }
    return sum;
}

uint64_t sched_own_ticks(const struct cfg_sched *s, const struct cfg_window *w, uint64_t hz, uint64_t epoch,
                         uint32_t p, uint64_t t)
{
    uint64_t major = sched_us_to_ticks(s->major_frame_us, hz);
    uint64_t since = t - epoch;

    return ((since / major) * sched_own_in_frame(s, w, hz, p, major)) +
           sched_own_in_frame(s, w, hz, p, since % major);
}

uint64_t sched_own_deadline(const struct cfg_sched *s, const struct cfg_window *w, uint64_t hz, uint64_t epoch,
                            uint32_t p, uint64_t t0, uint64_t budget)
{
    uint64_t major = sched_us_to_ticks(s->major_frame_us, hz);
    uint64_t per_frame = sched_own_in_frame(s, w, hz, p, major);
    uint64_t target;
    uint64_t frames;
    uint64_t rest;
    uint64_t cum = 0u;
    uint32_t i;

    if (per_frame == 0u) {
        return 0u;
    }
    if (budget == 0u) {
        return t0;
    }
    target = sched_own_ticks(s, w, hz, epoch, p, t0) + budget;
    frames = target / per_frame;
    rest = target % per_frame;
    if (rest == 0u) {
        /* Reached exactly at the end of p's last window of frame (frames - 1): take one whole frame's worth. */
        frames--;
        rest = per_frame;
    }
    for (i = 0u; i < s->num_windows; i++) {
        uint64_t len = sched_win_end(w, i, hz) - sched_win_start(w, i, hz);

        if (w[i].partition == p) {
            if ((cum + len) >= rest) {
                break;
            }
            cum += len;
        }
    }
    /* i < num_windows: rest <= per_frame, the sum of p's window lengths. */
    return epoch + (frames * major) + sched_win_start(w, i, hz) + (rest - cum);
}

uint64_t sched_next_event(uint64_t a, uint64_t b)
{
    if (a == 0u) {
        return b;
    }
    if ((b != 0u) && (b < a)) {
        return b;
    }
    return a;
}

uint32_t sched_of_cpu(uint32_t cpu)
{
    /* The count as an object: an empty table then compiles without warnings. */
    static const uint32_t sched_num_scheds = CFG_NUM_SCHEDS;
    uint32_t i;

    for (i = 0u; i < sched_num_scheds; i++) {
        if (cfg_scheds[i].cpu == cpu) {
            return i;
        }
    }
    return CFG_NO_SCHED;
}

uint32_t sched_of_partition(uint32_t p)
{
    static const uint32_t sched_num_windows = CFG_NUM_WINDOWS;
    uint32_t i;

    for (i = 0u; i < sched_num_windows; i++) {
        if (cfg_windows[i].partition == p) {
            return sched_of_cpu(cfg_vcpus[cfg_windows[i].vcpu].pcpu);
        }
    }
    return CFG_NO_SCHED;
}

void sched_set_epoch(uint64_t epoch)
{
    __atomic_store_n(&sched_epoch_value, epoch, __ATOMIC_RELEASE);
}

uint64_t sched_epoch(void)
{
    return __atomic_load_n(&sched_epoch_value, __ATOMIC_ACQUIRE);
}

uint32_t sched_vcpu_at(uint32_t cpu, uint64_t now, struct sched_slot *slot)
{
    const struct cfg_sched *s = &cfg_scheds[sched_of_cpu(cpu)];
    const struct cfg_window *w = &cfg_windows[s->first_window];

    sched_slot_at(s, w, arch_counter_hz(), sched_epoch(), now, slot);
    return (slot->window == SCHED_IDLE) ? CFG_NO_VCPU : w[slot->window].vcpu;
}

uint64_t sched_watchdog_deadline(uint32_t p, uint64_t t0, uint64_t watchdog_ticks)
{
    uint32_t si = sched_of_partition(p);
    uint64_t epoch = sched_epoch();
    const struct cfg_sched *s;

    if ((si == CFG_NO_SCHED) || (cfg_health[p].watchdog_clock == CFG_WDCLOCK_WALL)) {
        return t0 + watchdog_ticks;
    }
    s = &cfg_scheds[si];
    /* A start before the first frame counts from the first frame. */
    return sched_own_deadline(s, &cfg_windows[s->first_window], arch_counter_hz(), epoch, p,
                              (t0 < epoch) ? epoch : t0, watchdog_ticks);
}

bool sched_shared(const struct cfg_sched *s, const struct cfg_window *w)
{
    uint32_t i;

    for (i = 1u; i < s->num_windows; i++) {
        if (w[i].partition != w[0].partition) {
            return true;
        }
    }
    return false;
}

/* Does CPU cpu run more than one partition? */
static bool sched_cpu_shared(uint32_t cpu)
{
    uint32_t si = sched_of_cpu(cpu);

    if (si == CFG_NO_SCHED) {
        return false;
    }
    return sched_shared(&cfg_scheds[si], &cfg_windows[cfg_scheds[si].first_window]);
}

void sched_cpu_init(uint32_t cpu)
{
    /* Partitions that share a CPU share its PMU and debug registers: trap them (trap.c). */
    arch_cpu_trap_debug_pmu(sched_cpu_shared(cpu));
}

uint32_t sched_current(uint32_t cpu)
{
    return (sched_cur[cpu] == 0u) ? CFG_NO_VCPU : (sched_cur[cpu] - 1u);
}

/*
 * Check the watchdog of every partition whose vCPU 0 this CPU hosts, and
 * return the earliest deadline still ahead (0: none). Bounded by the window count.
 */
static uint64_t sched_watchdogs(const struct cfg_sched *s, uint64_t now)
{
    uint64_t next = 0u;
    uint32_t i;

    for (i = 0u; i < s->num_windows; i++) {
        const struct cfg_window *w = &cfg_windows[s->first_window + i];

        if (cfg_vcpus[w->vcpu].index == 0u) {
            (void)health_watchdog_check(w->partition, now);
            next = sched_next_event(next, health_watchdog_armed(w->partition));
        }
    }
    return next;
}

/* Arm the EL2 timer for the end of the current window or the first watchdog deadline. */
static uint32_t sched_arm(uint32_t cpu, uint64_t now)
{
    const struct cfg_sched *s = &cfg_scheds[sched_of_cpu(cpu)];
    uint64_t wd = sched_watchdogs(s, now);
    struct sched_slot slot;
    uint32_t id = sched_vcpu_at(cpu, now, &slot);

    arch_hyp_timer_set(sched_next_event(slot.end, wd));
    return id;
}

void sched_step(uint32_t cpu)
{
    uint32_t id = sched_arm(cpu, arch_counter());
    struct vcpu *v;

    if (id == CFG_NO_VCPU) {
        /* Idle time: nobody's lines leave this CPU. */
        console_cpu_runs(cpu, CFG_NUM_PARTITIONS);
        return;
    }
    v = vcpu_get(id);
    sched_cur[cpu] = id + 1u;
    /* Its window: its console lines leave from here now (a burst at once, in its own time), nobody else's. */
    console_cpu_runs(cpu, v->partition);
    console_poll();
    if (part_restart_step(v) || vcpu_take_start(v)) {
        /* A fresh start: nothing of the saved state belongs to this life. */
        v->ctx_saved = false;
        arch_vcpu_enter(v);
    }
    if (vcpu_state_get(v) != VCPU_RUNNING) {
        return;
    }
    vcpu_clear_idle(v);
    if (v->ctx_saved) {
        v->ctx_saved = false;
        arch_vcpu_restore(v, &v->ctx);
        /* Interrupts that arrived while it was out were recorded in its vGIC: into its list registers now. */
        vgic_handlers.flush(v->partition, vcpu_index(v));
        arch_vcpu_resume(v);
    }
    /* Running and never entered on this CPU: its first window after the boot load. */
    arch_vcpu_enter(v);
}

void sched_tick(struct vcpu *v)
{
    uint32_t cpu = arch_cpu_index();

    if (sched_arm(cpu, arch_counter()) == v->id) {
        return;
    }
    if (vcpu_state_get(v) != VCPU_RUNNING) {
        /* Stopped (its watchdog, another CPU): the exit path takes this CPU to its idle loop. */
        return;
    }
    /* Its window is over: keep what it owns, and run the next window. */
    arch_vcpu_save(&v->ctx);
    v->ctx_saved = true;
    vcpu_set_idle(v);
    boot_cpu_idle(cpu);
}
