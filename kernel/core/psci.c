/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PSCI 1.1 emulation (Arm DEN0022). A partition powers its own vCPUs on and
 * off; SYSTEM_OFF and SYSTEM_RESET affect that partition only. Every argument
 * is checked before anything changes.
 */
#include "arch.h"
#include "config.h"
#include "console.h"
#include "health.h"
#include "gicv3.h"
#include "psci.h"
#include "smccc.h"
#include "vcpu.h"


bool psci_is_psci(uint32_t fid)
{
    /* SMC32/SMC64 fast calls of owning entity 4 (standard secure), functions 0x00-0x1f. */
    return ((fid & 0xbfffffe0u) == 0x84000000u);
}

/* The vCPU of v's partition with affinity mpidr, or NULL. */
static struct vcpu *psci_find(const struct vcpu *v, uint64_t mpidr)
{
    const struct cfg_partition *cp = &cfg_partitions[v->partition];
    uint32_t i;

    for (i = 0u; i < cp->num_vcpus; i++) {
        if ((cfg_vcpus[cp->first_vcpu + i].vmpidr & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK)) {
            return vcpu_get(cp->first_vcpu + i);
        }
    }
    return NULL;
}

static int64_t psci_cpu_on(struct vcpu *v, uint64_t target, uint64_t entry, uint64_t context)
{
    struct vcpu *t = psci_find(v, target);
    uint64_t pa;

    if (t == NULL) {
        return PSCI_INVALID_PARAMETERS;
    }
    if (!part_ipa_range_to_pa(v->partition, entry, 4u, CFG_PERM_X, &pa)) {
        return PSCI_INVALID_ADDRESS;
    }
    return vcpu_power_on(t, entry, context);
}

static int64_t psci_affinity_info(const struct vcpu *v, uint64_t target, uint64_t level)
{
    const struct vcpu *t = psci_find(v, target);

    if ((t == NULL) || (level != 0u)) {
        return PSCI_INVALID_PARAMETERS;
    }
    return vcpu_affinity_state(t);
}

int64_t psci_features(uint32_t fid)
{
    switch (fid) {
    case PSCI_VERSION:
    case PSCI_CPU_SUSPEND:
    case PSCI_CPU_SUSPEND_64:
    case PSCI_CPU_OFF:
    case PSCI_CPU_ON:
    case PSCI_CPU_ON_64:
    case PSCI_AFFINITY_INFO:
    case PSCI_AFFINITY_INFO_64:
    case PSCI_MIGRATE_INFO_TYPE:
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
    case PSCI_FEATURES:
        /* For CPU_SUSPEND: original power_state format, no OS-initiated mode. */
    case SMCCC_VERSION:
        /* SMCCC v1.1: SMCCC_VERSION and SMCCC_ARCH_FEATURES exist (DEN0022 5.15, DEN0028 7.2). */
        return PSCI_SUCCESS;
    default:
        return PSCI_NOT_SUPPORTED;
    }
}

/*
 * CPU_SUSPEND (DEN0022 5.4): power_state is checked (reserved bits zero; a
 * powerdown state needs an entry point in the partition's executable memory);
 * then the state is left at once, as if woken by a pending event, which 5.4.2
 * allows for standby and powerdown alike.
 */
static int64_t psci_cpu_suspend(const struct vcpu *v, uint32_t power_state, uint64_t entry)
{
    uint64_t pa;

    if ((power_state & PSCI_POWER_STATE_RESERVED) != 0u) {
        return PSCI_INVALID_PARAMETERS;
    }
    if (((power_state & PSCI_POWER_STATE_POWERDOWN) != 0u) &&
        !part_ipa_range_to_pa(v->partition, entry, 4u, CFG_PERM_X, &pa)) {
        return PSCI_INVALID_ADDRESS;
    }
    return PSCI_SUCCESS;
}

static void psci_ret(struct vcpu *v, int64_t r)
{
    v->regs.x[0] = (uint64_t)r;
}

/* SMC32 calls carry 32-bit arguments: the upper halves are ignored (SMCCC 2.6). */
static uint64_t psci_arg(const struct vcpu *v, uint32_t fid, uint32_t i)
{
    return ((fid & 0x40000000u) != 0u) ? v->regs.x[i] : (v->regs.x[i] & 0xffffffffu);
}

void psci_handle(struct vcpu *v, uint32_t fid)
{
    const char *name = cfg_partitions[v->partition].name;

    switch (fid) {
    case PSCI_VERSION:
        psci_ret(v, PSCI_VERSION_1_1);
        break;
    case PSCI_FEATURES:
        psci_ret(v, psci_features((uint32_t)v->regs.x[1]));
        break;
    case PSCI_CPU_SUSPEND:
    case PSCI_CPU_SUSPEND_64:
        psci_ret(v, psci_cpu_suspend(v, (uint32_t)v->regs.x[1], psci_arg(v, fid, 2u)));
        break;
    case PSCI_CPU_ON:
    case PSCI_CPU_ON_64:
        psci_ret(v, psci_cpu_on(v, psci_arg(v, fid, 1u), psci_arg(v, fid, 2u), psci_arg(v, fid, 3u)));
        break;
    case PSCI_CPU_OFF:
        vcpu_power_off(v);
        break;
    case PSCI_AFFINITY_INFO:
    case PSCI_AFFINITY_INFO_64:
        psci_ret(v, psci_affinity_info(v, psci_arg(v, fid, 1u), psci_arg(v, fid, 2u)));
        break;
    case PSCI_MIGRATE_INFO_TYPE:
        /* 2: no trusted OS, nothing to migrate. */
        psci_ret(v, 2);
        break;
    case PSCI_SYSTEM_OFF:
        console_hyp_printf("partition '%s' powered off (PSCI SYSTEM_OFF)", name);
        part_halt(v->partition);
        health_notify(v->partition);
        break;
    case PSCI_SYSTEM_RESET:
        health_reset_request(v->partition);
        break;
    default:
        psci_ret(v, PSCI_NOT_SUPPORTED);
        break;
    }
}
