/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Synchronous exits from partitions. HVC and trapped SMC go to the hypercall
 * handler; everything else a partition causes (an abort outside its stage-2
 * mappings, an unexpected trap) is a fault of that partition, handled by its
 * fault policy. Nothing a guest does here can stop the hypervisor or touch
 * another partition.
 */
#include "arch.h"
#include "config.h"
#include "console.h"
#include "health.h"
#include "hypercall.h"
#include "inject.h"
#include "lib.h"
#include "mmio.h"
#include "trap.h"
#include "vcpu.h"
#include "vdev.h"
#include "vgic.h"

/* ESR_EL2 ISS fields of data/instruction aborts (Arm ARM D17.2.37). */
#define ESR_ISS_FSC_MASK 0x3fu
#define ESR_ISS_SAS(e) (((e) >> 22) & 3u)
#define ESR_ISS_SSE ((uint32_t)1u << 21)
#define ESR_ISS_SRT(e) ((uint32_t)(((e) >> 16) & 0x1fu))
#define ESR_ISS_SF ((uint32_t)1u << 15)
/* DFSC groups that a stage-2 access outside any mapping produces. */

#define SYSREG_ICC_ASGI1R_EL1 SYSREG_ISS(3u, 0u, 12u, 11u, 6u)
#define SYSREG_ICC_SGI0R_EL1 SYSREG_ISS(3u, 0u, 12u, 11u, 7u)
#define SYSREG_ACTLR_EL1 SYSREG_ISS(3u, 0u, 1u, 0u, 1u)
/* DC ISW, DC CSW, DC CISW (Arm ARM C5.3: op0 1, op1 0, CRn 7, CRm 6/10/14, op2 2). */
#define SYSREG_DC_ISW SYSREG_ISS(1u, 0u, 7u, 6u, 2u)
#define SYSREG_DC_CSW SYSREG_ISS(1u, 0u, 7u, 10u, 2u)
#define SYSREG_DC_CISW SYSREG_ISS(1u, 0u, 7u, 14u, 2u)
#define SYSREG_ISS_RT(e) ((uint32_t)(((e) >> 5) & 0x1fu))
#define SYSREG_ISS_READ 1u
/* Fields of a trapped MSR/MRS's ISS (Arm ARM D17.2.37, ISS encoding for EC 0x18). */
#define SYSREG_ISS_OP0(i) (((i) >> 20) & 3u)
#define SYSREG_ISS_OP1(i) (((i) >> 14) & 7u)
#define SYSREG_ISS_CRN(i) (((i) >> 10) & 0xfu)
#define SYSREG_ISS_CRM(i) (((i) >> 1) & 0xfu)

static uint32_t trap_ec(uint64_t esr)
{
    return (uint32_t)((esr >> ESR_EC_SHIFT) & 0x3fu);
}

uint64_t trap_fault_ipa(const struct trap_info *t)
{
    /* HPFAR_EL2.FIPA, bits [43:4], holds IPA[51:12]. */
    return ((t->hpfar & 0x00000ffffffffff0ULL) << 8) | (t->far & 0xfffULL);
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
        (void)fmt_snprintf(buf, size, "data abort, %s level %u, %s", trap_fsc_name(fsc), fsc & 3u,
                           ((t->esr & ESR_ISS_WNR) != 0u) ? "write" : "read");
    } else if (ec == ESR_EC_IABT_LOW) {
        (void)fmt_snprintf(buf, size, "instruction abort, %s level %u", trap_fsc_name(fsc), fsc & 3u);
    } else {
        (void)fmt_snprintf(buf, size, "unhandled exception class 0x%x", ec);
    }
}

/* Report the fault and apply the policy of v's partition (health monitor). */
/* @req SRS-ISO-004 */
static enum trap_action trap_partition_fault(struct vcpu *v, const struct trap_info *t)
{
    char kind[80];
    char what[128];
    uint32_t ec = trap_ec(t->esr);

    if (inject_abort(v, t)) {
        /* on_fault: inject, within its budget: the guest takes it as an external abort. */
        return TRAP_RESUME;
    }
    trap_describe_fault(t, kind, sizeof(kind));
    part_get(v->partition)->faults++;
    if ((ec == ESR_EC_DABT_LOW) || (ec == ESR_EC_IABT_LOW)) {
        (void)fmt_snprintf(what, sizeof(what), "%s at IPA 0x%lx (ESR 0x%lx)", kind, (unsigned long)trap_fault_ipa(t),
                           (unsigned long)t->esr);
    } else {
        (void)fmt_snprintf(what, sizeof(what), "%s at PC 0x%lx (ESR 0x%lx)", kind, (unsigned long)v->regs.pc,
                           (unsigned long)t->esr);
    }
    (void)health_event(v->partition, HEALTH_FAULT, what);
    return TRAP_STOP;
}

/* Register n of the guest as an operand: x31 is the zero register here. */
static uint64_t trap_reg(const struct vcpu *v, uint32_t n)
{
    return (n < 31u) ? v->regs.x[n] : 0u;
}

/* Skip the trapped instruction (32-bit, or 16-bit where IL says so). */
static void trap_skip(struct vcpu *v, uint64_t esr)
{
    v->regs.pc += ((esr & ESR_IL) != 0u) ? 4u : 2u;
}

/* Where the next set/way operation of each partition continues its by-address sweep. */
struct trap_sw_cursor {
    uint32_t region;   /**< index of the region inside the partition */
    uint64_t offset;   /**< bytes of it already done */
};

/*
 * A set/way operation (HCR_EL2.TSW). Set/way maintenance works on the
 * physical caches that all partitions share, so it never runs for a guest.
 * Like KVM (arch/arm64/kvm/mmu.c, kvm_set_way_flush) it becomes maintenance
 * by address of the partition's own memory, which is all a guest may expect
 * to be coherent; unlike KVM's one flush of everything, each operation does
 * a bounded slice (TRAP_SW_SLICE bytes, DC CIVAC), continuing where the
 * previous one stopped, so a guest's sweep over all sets and ways sweeps
 * its memory, and no exit costs more than a slice.
 */
static void trap_set_way(uint32_t p)
{
    static struct trap_sw_cursor trap_sw[CFG_NUM_PARTITIONS];
    const struct cfg_partition *cp = &cfg_partitions[p];
    struct trap_sw_cursor *c = &trap_sw[p];
    const struct cfg_region *r;
    uint64_t len;

    if (cp->num_regions == 0u) {
        return;
    }
    if (c->region >= cp->num_regions) {
        c->region = 0u;
        c->offset = 0u;
    }
    r = &cfg_regions[cp->first_region + c->region];
    len = r->size - c->offset;
    if (len > TRAP_SW_SLICE) {
        len = TRAP_SW_SLICE;
    }
    arch_dcache_clean_inval(r->pa + c->offset, len);
    c->offset += len;
    if (c->offset >= r->size) {
        c->region++;
        c->offset = 0u;
    }
}

/*
 * A debug or Performance Monitors register, as MDCR_EL2 traps them (Arm ARM D13.2.x):
 * op0 2 is the debug space (TDA, TDOSA: OSLAR/OSLSR/OSDLR/DBGPRCR, TDRA: MDRAR); the PMU is
 * op0 3, CRn 9, CRm 12-14 at op1 3 (PMCR ... PMOVSSET_EL0) or CRm 14 at op1 0 (PMINTENSET/CLR_EL1,
 * PMMIR_EL1), and op1 3, CRn 14, CRm 8-15 (PMEVCNTR<n>, PMEVTYPER<n>, PMCCFILTR_EL0; CRm 0-3 there
 * are the generic timer's).
 */
static bool trap_is_debug_pmu(uint32_t iss)
{
    uint32_t op1 = SYSREG_ISS_OP1(iss);
    uint32_t crn = SYSREG_ISS_CRN(iss);
    uint32_t crm = SYSREG_ISS_CRM(iss);

    if (SYSREG_ISS_OP0(iss) == 2u) {
        return true;
    }
    if (SYSREG_ISS_OP0(iss) != 3u) {
        return false;
    }
    if ((crn == 9u) && (crm >= 12u) && (crm <= 14u)) {
        return (op1 == 3u) || ((op1 == 0u) && (crm == 14u));
    }
    return (crn == 14u) && (op1 == 3u) && (crm >= 8u);
}

/*
 * Debug and PMU registers trap only on a CPU that partitions share (sched.c): there they read
 * as zero and ignore writes, so one partition can neither observe nor disturb another through
 * them: a PMU with no event counters (PMCR_EL0.N = 0) whose cycle counter never starts
 * (PMCR_EL0.E stays 0), breakpoints and watchpoints that never match (DBGBCR/DBGWCR.E stay 0),
 * no debug events (MDSCR_EL1 stays 0), the OS lock open. The physical registers keep the reset
 * values every fresh vCPU was given (arch_el1_reset), whichever partition's window it is.
 */
static bool trap_sysreg_debug_pmu(struct vcpu *v, uint32_t iss, bool write, uint32_t rt)
{
    if (!trap_is_debug_pmu(iss)) {
        return false;
    }
    if (!write && (rt < 31u)) {
        v->regs.x[rt] = 0u;
    }
    return true;
}

/* A system register access the hypervisor emulates (not the SGI registers); false if none. */
static bool trap_sysreg_emulated(struct vcpu *v, uint32_t iss, bool write, uint32_t rt)
{
    bool sw = (iss == SYSREG_DC_ISW) || (iss == SYSREG_DC_CSW) || (iss == SYSREG_DC_CISW);

    if (sw && write) {
        trap_set_way(v->partition);
        return true;
    }
    if (iss == SYSREG_ACTLR_EL1) {
        /* HCR_EL2.TACR: reads as zero, writes ignored (implementation defined, not the guest's). */
        if (!write && (rt < 31u)) {
            v->regs.x[rt] = 0u;
        }
        return true;
    }
    return false;
}

/* A trapped system register access: the SGI generation registers, set/way maintenance, ACTLR_EL1. */
static enum trap_action trap_sysreg(struct vcpu *v, const struct trap_info *t)
{
    uint32_t iss = (uint32_t)t->esr & SYSREG_ISS_MASK;
    bool write = ((uint32_t)t->esr & SYSREG_ISS_READ) == 0u;
    bool group0 = iss == SYSREG_ICC_SGI0R_EL1;
    bool sgi = (iss == SYSREG_ICC_SGI1R_EL1) || (iss == SYSREG_ICC_ASGI1R_EL1) || group0;

    if (trap_sysreg_emulated(v, iss, write, SYSREG_ISS_RT(t->esr))) {
        trap_skip(v, t->esr);
        return TRAP_RESUME;
    }
    if (trap_sysreg_debug_pmu(v, iss, write, SYSREG_ISS_RT(t->esr))) {
        trap_skip(v, t->esr);
        return TRAP_RESUME;
    }
    if (!sgi || !write) {
        return trap_partition_fault(v, t);
    }
    /* ICC_SGI0R_EL1 raises group-0 SGIs; SGI1R and (with one security state) ASGI1R group 1
     * (GICv3 spec 12.2.20-22). */
    vgic_handlers.sgi_write(v->partition, vcpu_index(v), trap_reg(v, SYSREG_ISS_RT(t->esr)), !group0);
    trap_skip(v, t->esr);
    return TRAP_RESUME;
}

/*
 * May the light exit step take this data abort? Only an access with a valid
 * syndrome (ISS.ISV) whose transfer register (ISS.SRT; 31 = xzr) the light
 * step saved: x0-x19 or x30 (Arm ARM D17.2.37; vectors.S). An access through
 * x20-x29, or without syndrome (a fault), takes the full step.
 */
/* @req SRS-VDEV-001 */
bool trap_dabt_light(uint64_t esr)
{
    uint32_t srt = ESR_ISS_SRT(esr);

    if ((esr & ESR_ISS_ISV) == 0u) {
        return false;
    }
    return (srt < 20u) || (srt >= 30u);
}

/*
 * Data abort t with a valid syndrome (ISS.ISV): an access to an emulated device window,
 * or a fault of the partition. A store's value is the transfer register's low 8 << SAS
 * bits; a load's result is sign-extended (SSE) and, for a W register (SF 0), zero-extended
 * from bit 31 (Arm ARM D17.2.37, ISS encoding for an exception from a Data Abort). Only v
 * and t live across the device's call (the syndrome is read again from t): the
 * trapped-MMIO exit's path (trap_dabt_exit).
 */
static inline __attribute__((always_inline)) enum trap_action trap_mmio(struct vcpu *v, const struct trap_info *t)
{
    struct mmio_access a;
    uint64_t esr = t->esr;
    /* 64 - the access's width in bits: 56, 48, 32 or 0 for SAS 0-3. */
    uint32_t shift = 64u - (8u << (uint32_t)ESR_ISS_SAS(esr));

    a.size = 1u << ESR_ISS_SAS(esr);
    a.write = (esr & ESR_ISS_WNR) != 0u;
    a.value = a.write ? ((trap_reg(v, ESR_ISS_SRT(esr)) << shift) >> shift) : 0u;
    if (vdev_mmio(v, trap_fault_ipa(t), &a) != VDEV_HANDLED) {
        return trap_partition_fault(v, t);
    }
    esr = t->esr;
    if (!a.write && (ESR_ISS_SRT(esr) < 31u)) {
        shift = 64u - (8u << (uint32_t)ESR_ISS_SAS(esr));
        if (((esr & ESR_ISS_SSE) != 0u) && (shift != 0u)) {
            /* Sign-extend the access's low size bytes: flip their sign bit, then subtract it. */
            uint32_t top = 63u - shift;
            uint64_t sign = 1ULL << top;

            a.value = ((a.value & ((sign << 1) - 1u)) ^ sign) - sign;
        }
        if ((esr & ESR_ISS_SF) == 0u) {
            a.value &= 0xffffffffULL;
        }
        v->regs.x[ESR_ISS_SRT(esr)] = a.value;
    }
    trap_skip(v, esr);
    return TRAP_RESUME;
}

/* Data abort: an access to an emulated device window, or a fault of the partition. */
/* @req SRS-VDEV-001 */
enum trap_action trap_data_abort(struct vcpu *v, const struct trap_info *t)
{
    if ((t->esr & ESR_ISS_ISV) == 0u) {
        /* No syndrome (load/store pair, writeback...): cannot be emulated. */
        return trap_partition_fault(v, t);
    }
    return trap_mmio(v, t);
}

/* @req SRS-HVC-001 SRS-ISO-004 */
enum trap_action trap_sync(struct vcpu *v, const struct trap_info *t)
{
    switch (trap_ec(t->esr)) {
    case ESR_EC_HVC64:
        /* ELR_EL2 already points after the HVC. */
        hypercall_handle(v, CFG_CONDUIT_HVC);
        return TRAP_RESUME;
    case ESR_EC_SMC64:
        /* A trapped SMC leaves ELR_EL2 at the SMC itself (Arm ARM D1.10.2): skip it. */
        trap_skip(v, t->esr);
        hypercall_handle(v, CFG_CONDUIT_SMC);
        return TRAP_RESUME;
    case ESR_EC_SYSREG:
        return trap_sysreg(v, t);
    case ESR_EC_DABT_LOW:
        return trap_data_abort(v, t);
    default:
        return trap_partition_fault(v, t);
    }
}

enum trap_action trap_exit_done(struct vcpu *v, enum trap_action action)
{
    /* This CPU's own console lines, a burst per exit (console.c); the common exit only tests. */
    if (console_busy()) {
        console_poll();
    }
    if ((action != TRAP_RESUME) || (vcpu_state_get(v) != VCPU_RUNNING)) {
        /* Leaving the guest for good: what its list registers hold must not be lost. */
        vgic_handlers.stop(v->partition, vcpu_index(v));
        return TRAP_STOP;
    }
    if (vgic_has_news(v->id)) {
        vgic_handlers.flush(v->partition, vcpu_index(v));
        /* After the flush cleared the change flag: frames a link peer left for this partition go
         * into its buffers here, on its own CPU (bounded), and the interrupt they raise goes out now. */
        if (vdev_exit_work(v->partition)) {
            vgic_handlers.flush(v->partition, vcpu_index(v));
        }
    }
    return TRAP_RESUME;
}

/*
 * trap_exit_done() for the data abort's light step (trap_dabt_exit): the common exit, with
 * nothing to do, only tests, without a stack frame; anything else goes to trap_exit_done().
 */
static inline __attribute__((always_inline)) enum trap_action trap_exit_check(struct vcpu *v,
                                                                               enum trap_action action)
{
    if (console_busy() || (action != TRAP_RESUME) || (vcpu_state_get(v) != VCPU_RUNNING) || vgic_has_news(v->id)) {
        return trap_exit_done(v, action);
    }
    return TRAP_RESUME;
}

/* @req SRS-VDEV-001 */
enum trap_action trap_dabt_exit(struct vcpu *v, uint64_t esr, uint64_t far, uint64_t hpfar)
{
    struct trap_info t = { esr, far, hpfar };

    if (!trap_dabt_light(esr)) {
        return TRAP_FULL;
    }
    return trap_exit_check(v, trap_mmio(v, &t));
}

/* @req SRS-ISO-004 */
enum trap_action trap_serror(struct vcpu *v, uint64_t esr)
{
    struct trap_info t = { esr, 0u, 0u };

    return trap_partition_fault(v, &t);
}
