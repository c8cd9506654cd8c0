/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Offsets and sizes the assembly needs, computed by the C compiler. Compiled
 * to assembly only; the build turns the "->" markers into asm_defs.h, so no
 * number is ever copied by hand into a .S file.
 */
#include "arch.h"
#include "arch_cpu.h"
#include "config.h"
#include "fwcheck.h"
#include "gicv3.h"
#include "hypercall.h"
#include "smccc.h"
#include "trap.h"
#include "console.h"
#include "vcpu.h"

#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))

void asm_defs(void);

void asm_defs(void)
{
    DEFINE(VCPU_REGS_X, offsetof(struct vcpu_regs, x));
    DEFINE(VCPU_REGS_PC, offsetof(struct vcpu_regs, pc));
    DEFINE(VCPU_REGS_PSTATE, offsetof(struct vcpu_regs, pstate));
    DEFINE(CFG_CPU_SIZE, sizeof(struct cfg_cpu));
    DEFINE(MPIDR_AFF_MASK_ASM, MPIDR_AFF_MASK);
    DEFINE(CFG_CPU_MPIDR, offsetof(struct cfg_cpu, mpidr));
    DEFINE(CFG_CPU_EL2_ROOT, offsetof(struct cfg_cpu, el2_root));
    DEFINE(CFG_HYP_EL2_ROOT, offsetof(struct cfg_hyp, el2_root));
    DEFINE(CFG_HYP_RAM_BASE, offsetof(struct cfg_hyp, ram_base));
    DEFINE(CFG_HYP_RAM_SIZE, offsetof(struct cfg_hyp, ram_size));
    DEFINE(FW_DTB_MAX, FWCHECK_DTB_MAX);
    DEFINE(ARCH_CPU_SIZE, sizeof(struct arch_cpu));
    DEFINE(ARCH_CPU_REGS, offsetof(struct arch_cpu, regs));
    DEFINE(ARCH_CPU_STACK_TOP, offsetof(struct arch_cpu, stack_top));
    DEFINE(ARCH_CPU_BHB_LOOPS, offsetof(struct arch_cpu, bhb_loops));
    DEFINE(SMCCC_WA1_HI_ASM, SMCCC_ARCH_WORKAROUND_1 >> 16);
    DEFINE(SMCCC_WA1_LO_ASM, SMCCC_ARCH_WORKAROUND_1 & 0xffffu);
    DEFINE(ARCH_CPU_IRQ_INTID, offsetof(struct arch_cpu, irq_intid));
    DEFINE(ARCH_CPU_IRQ_FAST, offsetof(struct arch_cpu, irq_fast));
    DEFINE(IRQ_FAST_LR, offsetof(struct arch_irq_fast, lr));
    DEFINE(IRQ_FAST_NEWS, offsetof(struct arch_irq_fast, news));
    DEFINE(IRQ_FAST_LRS, offsetof(struct arch_irq_fast, lrs));
    DEFINE(IRQ_FAST_HOLD, offsetof(struct arch_irq_fast, hold));
    DEFINE(IRQ_FAST_VINTID, offsetof(struct arch_irq_fast, vintid));
    DEFINE(IRQ_FAST_SGI_LR, offsetof(struct arch_irq_fast, sgi_lr));
    DEFINE(IRQ_FAST_SGI_HOLD, offsetof(struct arch_irq_fast, sgi_hold));
    DEFINE(ARCH_SGI_KICK_ASM, ARCH_SGI_KICK);
    DEFINE(IRQ_FAST_SGI_NEWS, offsetof(struct arch_irq_fast, sgi_news));
    DEFINE(IRQ_FAST_SGI_KICK, offsetof(struct arch_irq_fast, sgi_kick));
    DEFINE(IRQ_FAST_SGI_SELF, offsetof(struct arch_irq_fast, sgi_self));
    DEFINE(IRQ_FAST_SGI_VCPUS, offsetof(struct arch_irq_fast, sgi_vcpus));
    /* Below the EC field (the vector has tested EC): IL, the register's ISS, direction = write. */
    DEFINE(ESR_SGI1R_WRITE_ASM, ESR_IL | SYSREG_ICC_SGI1R_EL1);
    DEFINE(ESR_SGI1R_MASK_ASM, ESR_IL | SYSREG_ISS_MASK | 1u);
    DEFINE(ESR_EC_SYSREG_ASM, ESR_EC_SYSREG);
    DEFINE(IRQ_FAST_SGI_VCPUS_AFTER_SELF, offsetof(struct arch_irq_fast, sgi_vcpus) - offsetof(struct arch_irq_fast, sgi_self));
    DEFINE(ARCH_SGI_INBOX_ASM, ARCH_SGI_INBOX);
    DEFINE(ARCH_IRQ_POSTED_ASM, ARCH_IRQ_POSTED);
    DEFINE(ARCH_FAST_POSTED_ASM, ARCH_FAST_POSTED);
    DEFINE(FAST_CONSOLE_QUEUED, offsetof(struct arch_fast_console, queued));
    DEFINE(FAST_CONSOLE_TYPED, offsetof(struct arch_fast_console, typed));
    DEFINE(ARCH_PPI_VTIMER_ASM, ARCH_PPI_VTIMER);
    DEFINE(HYPERCALL_ANSWERS_ASM, HYPERCALL_ANSWERS);
    DEFINE(HANSWER_SIZE, sizeof(struct hypercall_answer));
    DEFINE(HANSWER_FID, offsetof(struct hypercall_answer, fid));
    DEFINE(HANSWER_NREGS, offsetof(struct hypercall_answer, nregs));
    DEFINE(HANSWER_X, offsetof(struct hypercall_answer, x));
    DEFINE(ARCH_STACK_SIZE, ARCH_STACK_SIZE_VALUE);
    DEFINE(ASM_NUM_CPUS, CFG_NUM_CPUS);
    DEFINE(ARCH_EXIT_STOP_ASM, ARCH_EXIT_STOP);
    DEFINE(ESR_EC_SHIFT_ASM, ESR_EC_SHIFT);
    DEFINE(ESR_EC_HVC64_ASM, ESR_EC_HVC64);
    DEFINE(ESR_EC_DABT_LOW_ASM, ESR_EC_DABT_LOW);
    DEFINE(VUART_FAST_SIZE, sizeof(struct arch_vuart_fast));
    DEFINE(VUART_FAST_DR_PAGE, offsetof(struct arch_vuart_fast, dr_page));
    DEFINE(VUART_FAST_DR_OFFSET, offsetof(struct arch_vuart_fast, dr_offset));
    DEFINE(ARCH_CPU_VUART_FAST, offsetof(struct arch_cpu, vuart_fast));
    DEFINE(VUART_FAST_CR, offsetof(struct arch_vuart_fast, cr));
    DEFINE(VUART_FAST_LEVEL, offsetof(struct arch_vuart_fast, level));
    DEFINE(VUART_FAST_TX_BYTES, offsetof(struct arch_vuart_fast, tx_bytes));
    DEFINE(VUART_FAST_TEXT, offsetof(struct arch_vuart_fast, text));
    DEFINE(VUART_FAST_LEN, offsetof(struct arch_vuart_fast, len));
    DEFINE(VUART_FAST_LOCK, offsetof(struct arch_vuart_fast, lock));
    DEFINE(VUART_CR_LBE_BIT, ARCH_VUART_CR_LBE_BIT);
    DEFINE(CONSOLE_LINE_MAX_ASM, CONSOLE_LINE_MAX);
    /* Data abort syndrome bits (Arm ARM D17.2.37) the vUART path tests one by one (tbz/tbnz). */
    DEFINE(ESR_IL_ASM, ESR_IL);
    DEFINE(ESR_ISS_ISV_ASM, ESR_ISS_ISV);
    DEFINE(ESR_ISS_S1PTW_ASM, ESR_ISS_S1PTW);
    DEFINE(ESR_ISS_WNR_ASM, ESR_ISS_WNR);
}
