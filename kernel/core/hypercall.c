/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMCCC hypercalls. Each handler first validates every argument that came
 * from the partition and returns an SMCCC error before touching any state
 * (decode, then act).
 */
#include "arch.h"
#include "config.h"
#include "console.h"
#include "ctl.h"
#include "health.h"
#include "hypercall.h"
#include "lib.h"
#include "psci.h"
#include "septum/hvc_abi.h"
#include "smccc.h"
#include "spectre.h"
#include "vcpu.h"

/* Number of calls in Septum's vendor range (CALL_COUNT). */
#define HYPERCALL_COUNT 6u

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
    /* A guest with its caches off wrote these bytes to memory: read them, not a stale line of ours. */
    arch_dcache_clean_inval(pa, len);
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
    if ((q != v->partition) && (((cfg_health[q].subscribers >> v->partition) & 1u) == 0u) &&
        !ctl_allowed(v->partition, (uint32_t)q)) {
        hypercall_ret(v, SMCCC_INVALID_PARAMETER);
        return;
    }
    state = health_state((uint32_t)q, &restarts);
    v->regs.x[0] = state;
    v->regs.x[1] = restarts;
}

/* Run-time control of a partition the caller is a controller of. */
static void hypercall_partition_control(struct vcpu *v)
{
    uint64_t q = v->regs.x[1];
    uint64_t op = v->regs.x[2];
    uint32_t restarts;

    if ((q >= CFG_NUM_PARTITIONS) || !ctl_allowed(v->partition, (uint32_t)q) || (op > SEPTUM_CTL_RESTART)) {
        hypercall_ret(v, SMCCC_INVALID_PARAMETER);
        return;
    }
    if (op == SEPTUM_CTL_QUERY) {
        v->regs.x[0] = health_state((uint32_t)q, &restarts);
        v->regs.x[1] = restarts;
        v->regs.x[2] = part_get((uint32_t)q)->faults;
        return;
    }
    hypercall_ret(v, ctl_apply((uint32_t)q, (uint32_t)op, cfg_partitions[v->partition].name));
}

/* Septum's calls that act on hypervisor state (out of line: see hypercall_septum). */
static void __attribute__((noinline)) hypercall_septum_act(struct vcpu *v, uint32_t fid)
{
    switch (fid) {
    case SEPTUM_HVC_CONSOLE_WRITE:
        hypercall_console_write(v);
        break;
    case SEPTUM_HVC_HEARTBEAT:
        health_heartbeat(v->partition);
        health_ready(v->partition);
        hypercall_ret(v, SMCCC_SUCCESS);
        break;
    case SEPTUM_HVC_READY:
        health_ready(v->partition);
        hypercall_ret(v, SMCCC_SUCCESS);
        break;
    case SEPTUM_HVC_PARTITION_CONTROL:
        hypercall_partition_control(v);
        break;
    case SEPTUM_HVC_PARTITION_STATE:
        hypercall_partition_state(v);
        break;
    default:
        hypercall_ret(v, SMCCC_NOT_SUPPORTED);
        break;
    }
}

/*
 * The vendor-hypervisor queries (DEN0028 6.2: call count, UID, revision) and Septum's
 * VERSION: constants, one table for the C path and the HVC vector (the most frequent first).
 */
const struct hypercall_answer hypercall_answers[HYPERCALL_ANSWERS] = {
    { SEPTUM_HVC_VERSION, 1u, { ((uint64_t)SEPTUM_ABI_MAJOR << 16) | SEPTUM_ABI_MINOR, 0u, 0u, 0u } },
    { SEPTUM_HVC_CALL_COUNT, 1u, { HYPERCALL_COUNT, 0u, 0u, 0u } },
    /* "SEPT" "UM\0\0" ... a fixed UID identifying this ABI (x0..x3). */
    { SEPTUM_HVC_CALL_UID, 4u, { 0x53455054u, 0x554d0000u, 0x9a1d4c3bu, 0x7e21f005u } },
    { SEPTUM_HVC_REVISION, 2u, { SEPTUM_ABI_MAJOR, SEPTUM_ABI_MINOR, 0u, 0u } },
};

/* Septum's own calls and the vendor-hypervisor queries, over HVC only. The queries
 * only write registers: answered here from the table, without a stack frame. */
static void hypercall_septum(struct vcpu *v)
{
    uint32_t fid = hypercall_fid(v);
    uint32_t i;
    uint32_t r;

    for (i = 0u; i < HYPERCALL_ANSWERS; i++) {
        if (hypercall_answers[i].fid == fid) {
            for (r = 0u; r < hypercall_answers[i].nregs; r++) {
                v->regs.x[r] = hypercall_answers[i].x[r];
            }
            return;
        }
    }
    hypercall_septum_act(v, fid);
}

/* Is fid one of Septum's own calls (vendor-specific hypervisor service, HVC only)? */
static bool hypercall_is_septum(uint32_t fid)
{
    switch (fid) {
    case SEPTUM_HVC_VERSION:
    case SEPTUM_HVC_CONSOLE_WRITE:
    case SEPTUM_HVC_HEARTBEAT:
    case SEPTUM_HVC_READY:
    case SEPTUM_HVC_PARTITION_CONTROL:
    case SEPTUM_HVC_PARTITION_STATE:
    case SEPTUM_HVC_CALL_COUNT:
    case SEPTUM_HVC_CALL_UID:
    case SEPTUM_HVC_REVISION:
        return true;
    default:
        return false;
    }
}

/*
 * SMCCC_ARCH_FEATURES (DEN0028 7.3): SUCCESS for every function this
 * partition can call on this conduit, NOT_SUPPORTED for anything else
 * (SMCCC_ARCH_WORKAROUND_1/_3: what the calling CPU's type allows, spectre.c).
 */
static int64_t hypercall_arch_features(uint32_t conduit, uint32_t fid)
{
    if ((fid == SMCCC_VERSION) || (fid == SMCCC_ARCH_FEATURES)) {
        return SMCCC_SUCCESS;
    }
    if (spectre_is_workaround(fid)) {
        return spectre_features(fid);
    }
    if (psci_is_psci(fid)) {
        /* hypercall_handle() calls the Arm Architecture Calls only on the partition's PSCI conduit. */
        return psci_features(fid);
    }
    return ((conduit == CFG_CONDUIT_HVC) && hypercall_is_septum(fid)) ? SMCCC_SUCCESS : SMCCC_NOT_SUPPORTED;
}

/* Arm Architecture Calls (owning entity 0), on the partition's PSCI conduit as Linux probes them. */
static void hypercall_arch(struct vcpu *v, uint32_t conduit)
{
    switch (hypercall_fid(v)) {
    case SMCCC_VERSION:
        hypercall_ret(v, (int64_t)SMCCC_VERSION_1_1);
        break;
    case SMCCC_ARCH_FEATURES:
        hypercall_ret(v, hypercall_arch_features(conduit, (uint32_t)v->regs.x[1]));
        break;
    case SMCCC_ARCH_WORKAROUND_1:
    case SMCCC_ARCH_WORKAROUND_3:
        spectre_call(v, hypercall_fid(v));
        break;
    default:
        hypercall_ret(v, SMCCC_NOT_SUPPORTED);
        break;
    }
}

/* Septum's calls: owning entity 6 (vendor-specific hypervisor service), SMC64 or SMC32 (DEN0028 2.5). */
static bool hypercall_is_vendor_hyp(uint32_t fid)
{
    uint32_t top = fid & 0xbf000000u;  /* call type and owning entity, either calling convention */

    return top == (SEPTUM_HVC_BASE & 0xbf000000u);
}

/* Everything but Septum's own calls over HVC: kept out of line so that the common path
 * (hypercall_handle -> hypercall_septum) saves no registers it does not use. */
static void __attribute__((noinline)) hypercall_other(struct vcpu *v, uint32_t conduit, uint32_t fid)
{
    if ((fid & 0xff000000u) == SMCCC_FAST_CALL) {
        /* Owning entity 0, SMC32: the Arm Architecture Calls. */
        if (conduit == cfg_partitions[v->partition].psci_conduit) {
            hypercall_arch(v, conduit);
        } else {
            hypercall_ret(v, SMCCC_NOT_SUPPORTED);
        }
    } else if (psci_is_psci(fid)) {
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

void hypercall_handle(struct vcpu *v, uint32_t conduit)
{
    uint32_t fid = hypercall_fid(v);

    /* Septum's own calls first: the most frequent ones (heartbeat, console) take one test. */
    if (hypercall_is_vendor_hyp(fid) && (conduit == CFG_CONDUIT_HVC)) {
        hypercall_septum(v);
    } else {
        hypercall_other(v, conduit, fid);
    }
}
