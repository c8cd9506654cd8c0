/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual CPUs and partitions: the kernel's only run-time objects, all in
 * static arrays sized by gen/config.h.
 */
#pragma once

#include "arch.h"
#include "config.h"
#include "types.h"

/** Guest register state saved on every exit to EL2. Layout used by asm (asm_defs.c). */
struct vcpu_regs {
    uint64_t x[31];   /**< x0..x30 */
    uint64_t pc;      /**< ELR_EL2: where the guest resumes */
    uint64_t pstate;  /**< SPSR_EL2 */
};

/** Life cycle of a vCPU. */
enum vcpu_state {
    VCPU_OFF = 0,     /**< powered off: not started yet, or after PSCI CPU_OFF */
    VCPU_ON_PENDING,  /**< PSCI CPU_ON accepted; its CPU has not entered it yet */
    VCPU_RUNNING,     /**< executing guest code, or in the hypervisor on its behalf */
    VCPU_HALTED,      /**< stopped with its partition (fault, SYSTEM_OFF) */
};

/** One virtual CPU; vcpus[i] corresponds to cfg_vcpus[i]. */
struct vcpu {
    struct vcpu_regs regs;
    uint32_t id;          /**< index into cfg_vcpus */
    uint32_t partition;   /**< index into cfg_partitions */
    enum vcpu_state state;
    bool idle;            /**< its CPU waits in boot_cpu_idle(): it is not in the guest */
    bool ctx_saved;       /**< time partitioning: ctx holds its state from the end of its last window */
    struct arch_vcpu_ctx ctx;  /**< time partitioning: its CPU state while another vCPU's window runs */
};

/** Life cycle of a partition. */
enum part_state {
    PART_STATE_BOOTING = 0,
    PART_STATE_RUNNING,
    PART_STATE_RESTARTING,  /**< stopping its vCPUs; vCPU 0's CPU reloads and starts it */
    PART_STATE_HALTED,
    PART_STATE_STARTING,    /**< loaded and entered; RUNNING once it says it is ready (heartbeat, READY) */
};

/** Run-time state of a partition; parts[i] corresponds to cfg_partitions[i]. */
struct partition {
    enum part_state state;
    uint32_t faults;        /**< faults seen since boot */
    uint64_t checksum;      /**< of its read-only images, taken at build time (cfg digest), checked at each reload */
    bool loaded;            /**< loaded once: a later load is a reload */
};

/** The vCPU with index id. */
struct vcpu *vcpu_get(uint32_t id);
/** Run-time state of partition p. */
struct partition *part_get(uint32_t p);
/** Reset all run-time state to its boot values (boot, and unit tests). */
void part_init_all(void);

/**
 * Translate a guest-physical range of partition p to a physical address,
 * provided the whole range lies inside one region granting perm (CFG_PERM_*).
 * Returns true and sets *pa on success; false for empty, wrapping, unmapped or
 * forbidden ranges.
 */
bool part_ipa_range_to_pa(uint32_t p, uint64_t ipa, uint64_t len, uint32_t perm, uint64_t *pa);

/**
 * Prepare vCPU 0 of partition p to run: copy the boot images into its
 * memory, verify a reload against the digest taken at build time,
 * reset its devices and console line and set the entry state (STARTING).
 * Returns false (and says why) if an image does not fit its region, which the
 * generator also rejects, or a reload does not verify.
 */
bool part_load(uint32_t p);

/**
 * Stop partition p (fault, SYSTEM_OFF): mark all its vCPUs halted, silence
 * its physical interrupts and make the CPUs running them leave the guest.
 */
void part_halt(uint32_t p);

/**
 * Restart partition p: like part_halt(), but its state becomes RESTARTING and
 * vCPU 0's CPU reloads and starts it once every vCPU has left the guest.
 */
void part_restart(uint32_t p);

/** Partition p said it is ready: STARTING becomes RUNNING. True if its state changed. */
bool part_set_ready(uint32_t p);

/** Start halted partition p again (run-time control): true if it was halted. */
bool part_start(uint32_t p);

/** State of p, read under its lock. */
enum part_state part_state_get(uint32_t p);

/** On v's CPU while it idles: if v is vCPU 0 of a partition ready to restart, reload it; true to enter v. */
bool part_restart_step(struct vcpu *v);

/** Mark v as waiting in the idle loop (its CPU is not in the guest). */
void vcpu_set_idle(struct vcpu *v);
/** Mark v as back in the guest (its window began). */
void vcpu_clear_idle(struct vcpu *v);

/** Index of v inside its partition (0 = the boot vCPU). */
uint32_t vcpu_index(const struct vcpu *v);

/**
 * PSCI CPU_ON of t: start it at entry with x0 = context. Returns PSCI_SUCCESS,
 * PSCI_ALREADY_ON, PSCI_ON_PENDING or PSCI_DENIED (its partition is halted).
 */
int64_t vcpu_power_on(struct vcpu *t, uint64_t entry, uint64_t context);

/** PSCI CPU_OFF of the calling vCPU v. */
void vcpu_power_off(struct vcpu *v);

/** AFFINITY_INFO state of t: PSCI_AFF_ON, _OFF or _ON_PENDING. */
int64_t vcpu_affinity_state(const struct vcpu *t);

/**
 * If v is ON_PENDING, make it RUNNING and return true: its CPU then enters it.
 * Called by the CPU that hosts v while it waits.
 */
bool vcpu_take_start(struct vcpu *v);

/**
 * State of v. Every exit reads it: a load-acquire that pairs with the writers'
 * lock release, no lock (inline: it is on every exit's path).
 */
static inline enum vcpu_state vcpu_state_get(const struct vcpu *v)
{
    return __atomic_load_n(&v->state, __ATOMIC_ACQUIRE);
}
