/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Synchronous exits from partitions. HVC and trapped SMC go to the hypercall
 * handler; everything else a partition causes (an abort outside its stage-2
 * mappings, an unexpected trap) is a fault of that partition, handled by its
 * fault policy. Nothing a guest does here can stop the hypervisor or touch
 * another partition.
 */
#include "config.h"
#include "console.h"
#include "hypercall.h"
#include "lib.h"
#include "trap.h"
#include "vcpu.h"

/* ESR_EL2 ISS fields of data/instruction aborts (Arm ARM D17.2.37). */
#define ESR_ISS_WNR (1u << 6)
#define ESR_ISS_FSC_MASK 0x3fu
#define ESR_IL (1u << 25)

static uint32_t trap_ec(uint64_t esr)
{
    return (uint32_t)((esr >> ESR_EC_SHIFT) & 0x3fu);
}

uint64_t trap_fault_ipa(const struct trap_info *t)
{
    /* HPFAR_EL2.FIPA, bits [43:4], holds IPA[51:12]. */
    return ((t->hpfar & 0x00000ffffffffff0ull) << 8) | (t->far & 0xfffull);
}

/* Name of a fault status code group (DFSC/IFSC bits [5:2]). */
static const char *trap_fsc_name(uint32_t fsc)
{
    switch (fsc >> 2) {
    case 0x1u:
        return "translation fault";
    case 0x2u:
        return "access flag fault";
    case 0x3u:
        return "permission fault";
    default:
        return "abort";
    }
}

void trap_describe_fault(const struct trap_info *t, char *buf, size_t size)
{
    uint32_t ec = trap_ec(t->esr);
    uint32_t fsc = (uint32_t)(t->esr & ESR_ISS_FSC_MASK);

    if (ec == ESR_EC_DABT_LOW) {
        fmt_snprintf(buf, size, "data abort, %s level %u, %s", trap_fsc_name(fsc), fsc & 3u,
                     ((t->esr & ESR_ISS_WNR) != 0u) ? "write" : "read");
    } else if (ec == ESR_EC_IABT_LOW) {
        fmt_snprintf(buf, size, "instruction abort, %s level %u", trap_fsc_name(fsc), fsc & 3u);
    } else {
        fmt_snprintf(buf, size, "unhandled exception class 0x%x", ec);
    }
}

/* Apply the fault policy of v's partition. Only halting exists until the health monitor. */
static enum trap_action trap_partition_fault(struct vcpu *v, const struct trap_info *t)
{
    const struct cfg_partition *cp = &cfg_partitions[v->partition];
    char kind[80];
    uint32_t ec = trap_ec(t->esr);

    trap_describe_fault(t, kind, sizeof(kind));
    part_get(v->partition)->faults++;
    part_halt(v->partition);
    if ((ec == ESR_EC_DABT_LOW) || (ec == ESR_EC_IABT_LOW)) {
        console_hyp_printf("partition '%s' fault: %s at IPA 0x%lx (ESR 0x%lx) \xe2\x80\x94 halted", cp->name, kind,
                           (unsigned long)trap_fault_ipa(t), (unsigned long)t->esr);
    } else {
        console_hyp_printf("partition '%s' fault: %s at PC 0x%lx (ESR 0x%lx) \xe2\x80\x94 halted", cp->name, kind,
                           (unsigned long)v->regs.pc, (unsigned long)t->esr);
    }
    return TRAP_STOP;
}

enum trap_action trap_sync(struct vcpu *v, const struct trap_info *t)
{
    switch (trap_ec(t->esr)) {
    case ESR_EC_HVC64:
        /* ELR_EL2 already points after the HVC. */
        hypercall_handle(v);
        return TRAP_RESUME;
    case ESR_EC_SMC64:
        /* A trapped SMC leaves ELR_EL2 at the SMC itself (Arm ARM D1.10.2): skip it. */
        v->regs.pc += ((t->esr & ESR_IL) != 0u) ? 4u : 2u;
        hypercall_handle(v);
        return TRAP_RESUME;
    default:
        return trap_partition_fault(v, t);
    }
}

enum trap_action trap_serror(struct vcpu *v, uint64_t esr)
{
    struct trap_info t = { esr, 0u, 0u };

    return trap_partition_fault(v, &t);
}
