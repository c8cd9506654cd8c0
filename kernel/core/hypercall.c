/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMCCC hypercalls. Each handler first validates every argument that came
 * from the partition and returns an SMCCC error before touching any state
 * (decode, then act).
 */
#include "arch.h"
#include "config.h"
#include "console.h"
#include "health.h"
#include "hypercall.h"
#include "lib.h"
#include "psci.h"
#include "septum/hvc_abi.h"
#include "spectre.h"
#include "vcpu.h"

/* Number of calls in Septum's vendor range (CALL_COUNT). */
#define HYPERCALL_COUNT 4u

/* SMCCC: a 32-bit function ID is in w0; the upper half of x0 is ignored. */
static uint32_t hypercall_fid(const struct vcpu *v)
{
    return (uint32_t)v->regs.x[0];
}

static void hypercall_ret(struct vcpu *v, int64_t x0)
{
    v->regs.x[0] = (uint64_t)x0;
}

static void hypercall_console_write(struct vcpu *v)
{
    uint64_t ipa = v->regs.x[1];
    uint64_t len = v->regs.x[2];
    uint64_t pa;

    if (len > SEPTUM_CONSOLE_WRITE_MAX) {
        hypercall_ret(v, SMCCC_INVALID_PARAMETER);
        return;
    }
    if (len == 0u) {
        hypercall_ret(v, 0);
        return;
    }
    if (!part_ipa_range_to_pa(v->partition, ipa, len, CFG_PERM_R, &pa)) {
        hypercall_ret(v, SMCCC_INVALID_PARAMETER);
        return;
    }
    console_part_write(v->partition, arch_phys_to_virt(pa), (size_t)len);
    hypercall_ret(v, (int64_t)len);
}

/* The state of a partition the caller subscribes to (or its own). */
static void hypercall_partition_state(struct vcpu *v)
{
    uint64_t q = v->regs.x[1];
    uint32_t restarts;
    uint32_t state;

    if (q >= CFG_NUM_PARTITIONS) {
        hypercall_ret(v, SMCCC_INVALID_PARAMETER);
        return;
    }
    if ((q != v->partition) && (((cfg_health[q].subscribers >> v->partition) & 1u) == 0u)) {
        hypercall_ret(v, SMCCC_INVALID_PARAMETER);
        return;
    }
    state = health_state((uint32_t)q, &restarts);
    v->regs.x[0] = state;
    v->regs.x[1] = restarts;
}

/* Septum's own calls and the vendor-hypervisor queries, over HVC only. */
static void hypercall_septum(struct vcpu *v)
{
    switch (hypercall_fid(v)) {
    case SEPTUM_HVC_VERSION:
        hypercall_ret(v, (int64_t)((SEPTUM_ABI_MAJOR << 16) | SEPTUM_ABI_MINOR));
        break;
    case SEPTUM_HVC_CONSOLE_WRITE:
        hypercall_console_write(v);
        break;
    case SEPTUM_HVC_HEARTBEAT:
        health_heartbeat(v->partition);
        hypercall_ret(v, SMCCC_SUCCESS);
        break;
    case SEPTUM_HVC_PARTITION_STATE:
        hypercall_partition_state(v);
        break;
    case SEPTUM_HVC_CALL_COUNT:
        hypercall_ret(v, (int64_t)HYPERCALL_COUNT);
        break;
    case SEPTUM_HVC_CALL_UID:
        /* "SEPT" "UM\0\0" ... a fixed UID identifying this ABI (x0..x3). */
        v->regs.x[0] = 0x53455054u;
        v->regs.x[1] = 0x554d0000u;
        v->regs.x[2] = 0x9a1d4c3bu;
        v->regs.x[3] = 0x7e21f005u;
        break;
    case SEPTUM_HVC_REVISION:
        v->regs.x[0] = SEPTUM_ABI_MAJOR;
        v->regs.x[1] = SEPTUM_ABI_MINOR;
        break;
    default:
        hypercall_ret(v, SMCCC_NOT_SUPPORTED);
        break;
    }
}

/*
 * The SMCCC architecture calls of the Spectre workarounds (issue 12): the calls themselves,
 * and SMCCC_ARCH_FEATURES about them. True if fid was one of these.
 */
static bool hypercall_spectre(struct vcpu *v, uint32_t fid)
{
    if (spectre_is_workaround(fid)) {
        spectre_call(v, fid);
        return true;
    }
    if ((fid == SPECTRE_SMCCC_ARCH_FEATURES) && spectre_is_workaround((uint32_t)v->regs.x[1])) {
        hypercall_ret(v, spectre_features((uint32_t)v->regs.x[1]));
        return true;
    }
    return false;
}

void hypercall_handle(struct vcpu *v, uint32_t conduit)
{
    uint32_t fid = hypercall_fid(v);

    if (hypercall_spectre(v, fid)) {
        return;
    }
    if (psci_is_psci(fid)) {
        if (conduit == cfg_partitions[v->partition].psci_conduit) {
            psci_handle(v, fid);
        } else {
            hypercall_ret(v, SMCCC_NOT_SUPPORTED);
        }
    } else if (conduit == CFG_CONDUIT_HVC) {
        hypercall_septum(v);
    } else {
        hypercall_ret(v, SMCCC_NOT_SUPPORTED);
    }
}
