/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Faults to the guest: a stage-2 abort outside the partition's mappings is
 * given to the guest as a synchronous external abort at EL1 (Arm ARM D1.10:
 * exception entry; D17.2.40 ESR_EL1). The guest's OS then handles it like a
 * bus error (Linux: SIGBUS to the offending process, or an oops in the
 * kernel), and the partition lives on.
 */
#include "arch.h"
#include "config.h"
#include "console.h"
#include "health.h"
#include "inject.h"
#include "lib.h"
#include "vcpu.h"

/* SPSR/PSTATE.M (D1.6.4): bit 4 = AArch32; M[3:0] = EL and SP selection. */
#define SPSR_M_A32 0x10u
#define SPSR_M_MASK 0xfu
#define SPSR_M_EL1T 0x4u
#define SPSR_M_EL1H 0x5u
/* Exception classes at EL1 (D17.2.40): abort from a lower EL, or from EL1 itself (+1). */
#define ESR_EC_IABT_CUR 0x21u
#define ESR_EC_DABT_CUR 0x25u
/* DFSC/IFSC 0b010000: synchronous external abort, not on a translation table walk. */
#define ESR_FSC_SEA ((uint64_t)0x10u)

/* From EL1 itself (either stack), rather than from EL0? */
static bool inject_from_el1(uint64_t spsr)
{
    uint64_t m = spsr & SPSR_M_MASK;

    return ((spsr & SPSR_M_A32) == 0u) && ((m == SPSR_M_EL1T) || (m == SPSR_M_EL1H));
}

static uint64_t inject_vector_offset(uint64_t spsr)
{
    if ((spsr & SPSR_M_A32) != 0u) {
        return INJECT_VEC_LOW_A32;
    }
    switch (spsr & SPSR_M_MASK) {
    case SPSR_M_EL1T:
        return INJECT_VEC_CUR_SP0;
    case SPSR_M_EL1H:
        return INJECT_VEC_CUR_SPX;
    default:
        return INJECT_VEC_LOW_A64;
    }
}

static uint64_t inject_esr(uint64_t esr_el2, uint64_t spsr)
{
    uint32_t ec = (uint32_t)((esr_el2 >> ESR_EC_SHIFT) & 0x3fu);
    bool data = (ec == ESR_EC_DABT_LOW);
    uint64_t esr;

    if (inject_from_el1(spsr) && data) {
        ec = ESR_EC_DABT_CUR;
    } else if (inject_from_el1(spsr)) {
        ec = ESR_EC_IABT_CUR;
    } else {
        /* from EL0: the lower-EL classes it came with */
    }
    /* IL as the trapped instruction had it; no syndrome (ISV = 0); WnR only means something for data. */
    esr = ((uint64_t)ec << ESR_EC_SHIFT) | (esr_el2 & (uint64_t)ESR_IL) | ESR_FSC_SEA;
    if (data) {
        esr |= esr_el2 & (uint64_t)ESR_ISS_WNR;
    }
    return esr;
}

bool inject_abort(struct vcpu *v, const struct trap_info *t)
{
    uint32_t ec = (uint32_t)((t->esr >> ESR_EC_SHIFT) & 0x3fu);
    uint32_t p = v->partition;
    char kind[80];

    if ((ec != ESR_EC_DABT_LOW) && (ec != ESR_EC_IABT_LOW)) {
        return false;
    }
    if (!health_inject_take(p)) {
        return false;
    }
    part_get(p)->faults++;
    trap_describe_fault(t, kind, sizeof(kind));
    console_hyp_printf("partition '%s' fault: %s at IPA 0x%lx (ESR 0x%lx) " CONSOLE_EMDASH
                       " injected (%u of %u)",
                       cfg_partitions[p].name, kind, (unsigned long)trap_fault_ipa(t), (unsigned long)t->esr,
                       (unsigned)health_injected(p), (unsigned)cfg_health[p].max_injected_faults);
    /* ELR_EL2 points at the aborted instruction: the guest's handler sees it in ELR_EL1. */
    arch_el1_exception(inject_esr(t->esr, v->regs.pstate), t->far, v->regs.pc, v->regs.pstate);
    v->regs.pc = arch_el1_vbar() + inject_vector_offset(v->regs.pstate);
    v->regs.pstate = SPSR_EL1H_DAIF;
    return true;
}
