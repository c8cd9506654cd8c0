/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GICv3 architecture constants (Arm IHI 0069H, "GICv3 and GICv4 architecture
 * specification"), written once for the physical driver (kernel/arch) and the
 * virtual GIC (vdev/vgic*). Section numbers refer to that document; MPIDR
 * to the Arm ARM (DDI 0487).
 */
#pragma once

/* ---- MPIDR_EL1 (Arm ARM D17.2.101) ---- */

/** Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0]: the affinity fields. */
#define MPIDR_AFF_MASK 0xff00ffffffull
/** One affinity field of an MPIDR / IROUTER value: n = 0..3. */
#define MPIDR_AFF(m, n) ((uint32_t)(((m) >> (((n) == 3u) ? 32u : (8u * (n)))) & 0xffu))

/* ---- INTID ranges (2.2) ---- */

/** SGIs 0-15, PPIs 16-31, SPIs from 32; 1020-1023 are special (none pending). */
#define GIC_NUM_PRIVATE 32u
#define GIC_NUM_SGIS 16u
#define GIC_INTID_SPECIAL 1020u

/** Architected PPIs (Arm BSA / Server Base System Architecture): the ones Septum uses. */
#define GIC_PPI_MAINTENANCE 25u  /**< virtual CPU interface maintenance interrupt */
#define GIC_PPI_HYP_TIMER 26u    /**< EL2 physical timer (CNTHP) */
#define GIC_PPI_VTIMER 27u       /**< EL1 virtual timer (CNTV) */
#define GIC_PPI_PTIMER 30u       /**< EL1 physical timer (CNTP) */

/* ---- Distributor (12.9); the SGI_base frame of a redistributor repeats the
 *      per-INTID banks for INTIDs 0-31 at the same offsets (12.11). ---- */
#define GICD_CTLR 0x0000u
#define GICD_TYPER 0x0004u
#define GICD_IIDR 0x0008u
#define GICD_IGROUPR 0x0080u
#define GICD_ISENABLER 0x0100u
#define GICD_ICENABLER 0x0180u
#define GICD_ISPENDR 0x0200u
#define GICD_ICPENDR 0x0280u
#define GICD_ISACTIVER 0x0300u
#define GICD_ICACTIVER 0x0380u
#define GICD_IPRIORITYR 0x0400u
#define GICD_IPRIORITYR_END 0x0800u
#define GICD_ICFGR 0x0c00u
#define GICD_ICFGR_END 0x0d00u
#define GICD_IROUTER 0x6000u
#define GICD_IROUTER_END 0x8000u
#define GIC_PIDR2 0xffe8u
/** Bytes of one 1-bit-per-INTID bank (1,024 INTIDs). */
#define GICD_BANK_SIZE 0x80u

/** GICD_CTLR (12.9.4), DS = 1 view: EnableGrp0, EnableGrp1, ARE, DS, RWP. */
#define GICD_CTLR_GRP0 (1u << 0)
#define GICD_CTLR_GRP1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_DS (1u << 6)
#define GICD_CTLR_RWP ((uint32_t)1u << 31)

/** GICD_TYPER (12.9.38): ITLinesNumber [4:0], CPUNumber [7:5], IDbits [23:19], No1N [25]. */
#define GICD_TYPER_LINES(t) (((t) & 0x1fu) + 1u)
#define GICD_TYPER_CPUS_SHIFT 5u
#define GICD_TYPER_IDBITS_SHIFT 19u
#define GICD_TYPER_NO1N ((uint32_t)1u << 25)

/** GICD_IROUTER (12.9.22): affinity and Interrupt_Routing_Mode [31]. */
#define GICD_IROUTER_IRM (1ull << 31)

/* ---- Redistributor RD_base (12.10) and SGI_base (12.11) ---- */
#define GICR_CTLR 0x0000u
#define GICR_IIDR 0x0004u
#define GICR_TYPER 0x0008u
#define GICR_TYPER_HI 0x000cu
#define GICR_WAKER 0x0014u
#define GICR_SGI_BASE 0x10000u
/** Bytes of one redistributor: RD_base and SGI_base frames (GICv3, no VLPI frames). */
#define GICR_STRIDE 0x20000u
#define GICR_CTLR_RWP (1u << 3)
#define GICR_TYPER_LAST (1u << 4)
#define GICR_TYPER_PROC_SHIFT 8u
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/** Identification: implementer Arm (JEP106 0x43B); PIDR2.ArchRev = 3 (GICv3). */
#define GIC_IIDR_ARM 0x0000043bu
#define GIC_PIDR2_GICV3 0x3bu

/* ---- ICH_LR<n>_EL2 (12.4.6) ---- */
#define ICH_LR_STATE_SHIFT 62u
#define ICH_LR_STATE_PENDING 1u
#define ICH_LR_STATE_ACTIVE 2u
#define ICH_LR_HW (1ull << 61)
#define ICH_LR_GROUP1 (1ull << 60)
/** Maintenance interrupt when a non-HW entry is deactivated (HW = 0 only). */
#define ICH_LR_EOI (1ull << 41)
#define ICH_LR_PRIO_SHIFT 48u
#define ICH_LR_PINTID_SHIFT 32u
#define ICH_LR_PINTID_MASK 0x1fffu
#define ICH_LR_STATE(lr) ((uint32_t)((lr) >> ICH_LR_STATE_SHIFT))

/** ICH_HCR_EL2 (12.4.4): En, UIE (underflow), NPIE (no pending). */
#define ICH_HCR_EN (1ull << 0)
#define ICH_HCR_UIE (1ull << 1)
#define ICH_HCR_NPIE (1ull << 3)

/** ICH_VTR_EL2 (12.4.10): ListRegs [4:0] (count - 1), PREbits [28:26] (bits - 1). */
#define ICH_VTR_LRS(v) ((uint32_t)((v) & 0x1fu) + 1u)
#define ICH_VTR_PREBITS(v) ((uint32_t)(((v) >> 26) & 7u) + 1u)

/* ---- ICC_SGI0R_EL1 / ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 (12.2.20-22) ---- */
#define SGIR_TARGETS(v) ((uint32_t)((v) & 0xffffu))
#define SGIR_AFF1(v) ((uint32_t)(((v) >> 16) & 0xffu))
#define SGIR_INTID(v) ((uint32_t)(((v) >> 24) & 0xfu))
#define SGIR_AFF2(v) ((uint32_t)(((v) >> 32) & 0xffu))
#define SGIR_IRM (1ull << 40)
#define SGIR_RS(v) ((uint32_t)(((v) >> 44) & 0xfu))
#define SGIR_AFF3(v) ((uint32_t)(((v) >> 48) & 0xffu))
