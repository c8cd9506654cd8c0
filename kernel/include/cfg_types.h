/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Types of the generated configuration tables (gen/config.c).
 *
 * The generator only fills these records; their layout is owned here. Any
 * change to a record bumps CFG_LAYOUT_VERSION, and gen/config.c asserts that it
 * was generated for the same version, so a stale gen/ cannot silently be
 * compiled against a newer kernel.
 */
#pragma once

#include <stdint.h>

/** Layout version of every struct in this file; gen/config.c must match. */
#define CFG_LAYOUT_VERSION 1u

/** Access rights of a partition on one of its memory regions. */
#define CFG_PERM_R 0x1u
#define CFG_PERM_W 0x2u
#define CFG_PERM_X 0x4u

/** What the health monitor does when a partition faults. */
#define CFG_FAULT_HALT 0u
#define CFG_FAULT_RESTART 1u

/** Sentinel for "no vCPU on this physical CPU". */
#define CFG_NO_VCPU 0xffffffffu

/** One guest-physical memory region of a partition. */
struct cfg_region {
    const char *name;  /**< region name from system.yaml */
    uint64_t pa;       /**< physical base, 4 KiB aligned */
    uint64_t ipa;      /**< guest-physical base, 4 KiB aligned */
    uint64_t size;     /**< bytes, multiple of 4 KiB */
    uint32_t perm;     /**< CFG_PERM_* */
};

/** A partition: its vCPUs, regions, translation and boot image. */
struct cfg_partition {
    const char *name;         /**< C identifier from system.yaml */
    uint32_t first_vcpu;      /**< index of vCPU 0 in cfg_vcpus */
    uint32_t num_vcpus;       /**< vCPUs are consecutive in cfg_vcpus */
    uint32_t first_region;    /**< index of the first region in cfg_regions */
    uint32_t num_regions;     /**< regions are consecutive in cfg_regions */
    uint32_t vmid;            /**< stage-2 VMID, unique, non-zero */
    uint32_t on_fault;        /**< CFG_FAULT_* */
    const uint64_t *s2_root;  /**< level-1 stage-2 table (VTCR T0SZ=25, SL0=1) */
    const uint8_t *image;     /**< read-only copy of the boot image */
    const uint8_t *image_end; /**< one past its last byte */
    uint64_t load_ipa;        /**< where the image is copied, inside a region */
    uint64_t entry_ipa;       /**< first instruction of vCPU 0 */
};

/** A virtual CPU, pinned to one physical CPU. */
struct cfg_vcpu {
    uint32_t partition;  /**< index into cfg_partitions */
    uint32_t index;      /**< vCPU number inside its partition */
    uint32_t pcpu;       /**< index into cfg_cpus */
    uint64_t vmpidr;     /**< MPIDR the guest reads (its DT cpu reg) */
};

/** A physical CPU of the board. */
struct cfg_cpu {
    uint64_t mpidr;  /**< affinity fields as the board DT cpu reg gives them */
    uint32_t vcpu;   /**< index into cfg_vcpus, or CFG_NO_VCPU */
};

/** The hypervisor's own resources. */
struct cfg_hyp {
    uint64_t base;              /**< start of the hypervisor's RAM */
    uint64_t size;              /**< bytes */
    uint64_t ram_base;          /**< board RAM (first bank) */
    uint64_t ram_size;
    uint64_t console_pa;        /**< physical PL011 owned by the hypervisor */
    uint64_t gicd_pa;           /**< GICv3 distributor */
    uint64_t gicr_pa;           /**< first GICv3 redistributor frame */
    uint64_t gicr_stride;       /**< bytes between redistributor frames */
    uint32_t psci_smc;          /**< 1: firmware PSCI via SMC, 0: via HVC */
    const uint64_t *el2_root;   /**< level-1 EL2 stage-1 table (TCR T0SZ=25) */
};
