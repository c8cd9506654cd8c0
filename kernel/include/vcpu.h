/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual CPUs and partitions: the kernel's only run-time objects, all in
 * static arrays sized by gen/config.h.
 */
#pragma once

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
    VCPU_OFF = 0,  /**< not started (secondary vCPU before CPU_ON) */
    VCPU_RUNNING,  /**< executing guest code, or in the hypervisor on its behalf */
    VCPU_HALTED,   /**< stopped by the health monitor */
};

/** One virtual CPU; vcpus[i] corresponds to cfg_vcpus[i]. */
struct vcpu {
    struct vcpu_regs regs;
    uint32_t id;          /**< index into cfg_vcpus */
    uint32_t partition;   /**< index into cfg_partitions */
    enum vcpu_state state;
};

/** Life cycle of a partition. */
enum part_state {
    PART_STATE_BOOTING = 0,
    PART_STATE_RUNNING,
    PART_STATE_HALTED,
};

/** Run-time state of a partition; parts[i] corresponds to cfg_partitions[i]. */
struct partition {
    enum part_state state;
    uint32_t faults;        /**< faults seen since boot */
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
 * Prepare vCPU 0 of partition p to run: copy the boot image into its region
 * and set the entry state. Returns false (and says why) if the image does not
 * fit its region, which the generator also rejects.
 */
bool part_load(uint32_t p);

/** Stop partition p after a fault: mark its vCPUs halted and report. */
void part_halt(uint32_t p);
