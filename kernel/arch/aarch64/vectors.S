/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EL2 exception vectors (Arm ARM D1.10.2: 16 entries of 0x80 bytes). Exits
 * from a partition save all general registers into the vCPU of this CPU
 * (TPIDR_EL2 -> struct arch_cpu -> regs), call the C handler on this CPU's
 * stack and restore them. Exceptions taken at EL2 itself are hypervisor bugs.
 *
 * The exit handlers carry call-frame information (DWARF CFI, in .debug_frame)
 * describing the exit as a signal frame whose caller is the guest: CFA = the
 * vCPU's register save area (its address is the word at SP_EL2 during the
 * exit: found through the C frames' stack pointer, which gdb unwinds without
 * CFI), return address = the saved guest PC, x29 = the guest's frame pointer
 * (live until save_rest, saved after). So a gdb backtrace from trap_sync or
 * hypercall_handle goes through the exit to the guest's PC
 * (and names the guest function when its symbols are loaded: make debug).
 */
#include "asm_defs.h"

    .cfi_sections .debug_frame

.macro el2_bug kind
    .balign 0x80
    mov     x0, #\kind
    mrs     x1, esr_el2
    mrs     x2, elr_el2
    mrs     x3, far_el2
    b       arch_trap_el2
.endm

.macro guest_exit handler
    .balign 0x80
    /* x0/x1 are parked on the stack while TPIDR_EL2 gives the save area. */
    stp     x0, x1, [sp, #-16]!
    mrs     x0, tpidr_el2
    /*
     * Spectre-BHB: on cores that need it (Cortex-A57/A72: k = 8, as Linux's
     * spectre_bhb_loop_affected()), overwrite the branch history the guest
     * trained with k taken branches before any indirect branch at EL2
     * (Arm "Spectre-BHB" whitepaper, 2022, the loop workaround).
     */
    ldr     w1, [x0, #ARCH_CPU_BHB_LOOPS]
    cbz     w1, 2f
1:  b       . + 4
    subs    w1, w1, #1
    b.ne    1b
    dsb     nsh
    isb
2:  ldr     x0, [x0, #ARCH_CPU_REGS]
    b       \handler
.endm

    .text
    .balign 0x800
    .global el2_vectors
el2_vectors:
    el2_bug 0                       /* current EL, SP_EL0: sync */
    el2_bug 1                       /* irq */
    el2_bug 2                       /* fiq */
    el2_bug 3                       /* serror */
    el2_bug 4                       /* current EL, SP_ELx: sync */
    el2_bug 5
    el2_bug 6
    el2_bug 7
    guest_exit exit_sync            /* lower EL, AArch64 */
    guest_exit exit_irq
    guest_exit exit_irq             /* FIQ: not used, treated as IRQ */
    guest_exit exit_serror
    el2_bug 12                      /* lower EL, AArch32: never enabled */
    el2_bug 13
    el2_bug 14
    el2_bug 15

/*
 * Exits are taken in two steps (the "light" entry): first only the registers
 * a C call may clobber are saved (x0-x18, x30; AAPCS64 6.1.1) plus x19, which
 * then holds the save area for the unwinder, and ELR/SPSR. The C handler of
 * the light step (arch_trap_hvc, arch_trap_irq) handles the exits that read
 * or write no other guest register (hypercalls: SMCCC arguments and results
 * are x0-x17 and x4-x17 must be preserved, DEN0028 2.6; interrupts other than
 * the scheduler's) and returns ARCH_EXIT_RESUME, and the light path restores only
 * what it saved: x20-x29 were preserved by the C code itself. Otherwise it
 * returns ARCH_EXIT_FULL having done nothing (or ARCH_EXIT_STOP with the vCPU leaving
 * the CPU): x20-x29, still the guest's, are saved too, so that v->regs is
 * complete before the full handler, a vCPU switch or a stop. A data abort
 * takes the light step when it is an MMIO access through a register the light
 * step saved (arch_trap_dabt, trap_dabt_light() in kernel/core); other
 * synchronous exits (system registers, faults, MMIO through x20-x29) take
 * the full step. trap_irq_light() (kernel/core) decides for interrupts.
 */

/* x0 = struct vcpu_regs *, guest x0/x1 at [sp]. Saves x0-x19, x30, ELR, SPSR; x19 = save area, x0 = arch_cpu. */
.macro save_light
    stp     x2, x3, [x0, #VCPU_REGS_X + 16]
    stp     x4, x5, [x0, #VCPU_REGS_X + 32]
    stp     x6, x7, [x0, #VCPU_REGS_X + 48]
    stp     x8, x9, [x0, #VCPU_REGS_X + 64]
    stp     x10, x11, [x0, #VCPU_REGS_X + 80]
    stp     x12, x13, [x0, #VCPU_REGS_X + 96]
    stp     x14, x15, [x0, #VCPU_REGS_X + 112]
    stp     x16, x17, [x0, #VCPU_REGS_X + 128]
    stp     x18, x19, [x0, #VCPU_REGS_X + 144]
    str     x30, [x0, #VCPU_REGS_X + 240]
    ldp     x2, x3, [sp]
    stp     x2, x3, [x0, #VCPU_REGS_X]
    str     x0, [sp]                /* the save area where the unwinder finds it: CFA = [sp] */
    mrs     x2, elr_el2
    mrs     x3, spsr_el2
    stp     x2, x3, [x0, #VCPU_REGS_PC]
    mov     x19, x0                 /* guest x19 is saved: x19 = save area (callee-saved in C) */
    mrs     x0, tpidr_el2
.endm

/* x19 = save area: the rest of the guest's registers (still live: callee-saved in C). */
.macro save_rest
    stp     x20, x21, [x19, #VCPU_REGS_X + 160]
    stp     x22, x23, [x19, #VCPU_REGS_X + 176]
    stp     x24, x25, [x19, #VCPU_REGS_X + 192]
    stp     x26, x27, [x19, #VCPU_REGS_X + 208]
    stp     x28, x29, [x19, #VCPU_REGS_X + 224]
.endm

/*
 * A guest exit: light step, then (when asked) the full one. CFI: see the top of
 * this file; x29 is the guest's until save_rest (the C code preserves it).
 */
.macro exit_handler name, light_handler, full_handler
\name:
    .cfi_startproc
    .cfi_signal_frame
    .cfi_undefined x30
    save_light
    .cfi_escape 0x0f, 0x03, 0x8f, 0x00, 0x06  /* DW_CFA_def_cfa_expression: DW_OP_breg31 0, DW_OP_deref */
    .cfi_same_value x29
    .cfi_offset x30, VCPU_REGS_PC
    bl      \light_handler
    cbz     x0, exit_resume_light
    save_rest
    .cfi_offset x29, VCPU_REGS_X + 29 * 8
    cmp     x0, #ARCH_EXIT_STOP_ASM
    b.eq    exit_stop
    mrs     x0, tpidr_el2
    bl      \full_handler
    cbnz    x0, exit_stop
    b       exit_resume
    .cfi_endproc
.endm

    exit_handler exit_irq, arch_trap_irq, arch_trap_irq_full

/* Synchronous: an HVC and a data abort take the light step, everything else the full one at once. */
exit_sync:
    .cfi_startproc
    .cfi_signal_frame
    .cfi_undefined x30
    save_light
    .cfi_escape 0x0f, 0x03, 0x8f, 0x00, 0x06  /* DW_CFA_def_cfa_expression: DW_OP_breg31 0, DW_OP_deref */
    .cfi_same_value x29
    .cfi_offset x30, VCPU_REGS_PC
    mrs     x1, esr_el2
    ubfx    x1, x1, #ESR_EC_SHIFT_ASM, #6
    cmp     x1, #ESR_EC_HVC64_ASM
    b.ne    2f
    bl      arch_trap_hvc
    cbz     x0, exit_resume_light
    .cfi_remember_state
    save_rest                       /* EXIT_STOP: the vCPU leaves this CPU with all of its registers */
    .cfi_offset x29, VCPU_REGS_X + 29 * 8
    b       exit_stop
    .cfi_restore_state
    /*
     * A data abort takes the light step too: arch_trap_dabt() emulates an MMIO
     * access whose transfer register the light step saved (trap_dabt_light()),
     * and returns ARCH_EXIT_FULL having done nothing for any other.
     */
2:  cmp     x1, #ESR_EC_DABT_LOW_ASM
    b.ne    1f
    bl      arch_trap_dabt
    cbz     x0, exit_resume_light
    .cfi_remember_state
    save_rest                       /* EXIT_STOP, or ARCH_EXIT_FULL: the full step */
    .cfi_offset x29, VCPU_REGS_X + 29 * 8
    cmp     x0, #ARCH_EXIT_STOP_ASM
    b.eq    exit_stop
    b       3f
    .cfi_restore_state
1:  save_rest
    .cfi_offset x29, VCPU_REGS_X + 29 * 8
3:  mrs     x0, tpidr_el2
    bl      arch_trap_sync
    cbnz    x0, exit_stop
    b       exit_resume
    .cfi_endproc

/* SError: always the full save. */
exit_serror:
    .cfi_startproc
    .cfi_signal_frame
    .cfi_undefined x30
    save_light
    .cfi_escape 0x0f, 0x03, 0x8f, 0x00, 0x06  /* DW_CFA_def_cfa_expression: DW_OP_breg31 0, DW_OP_deref */
    .cfi_same_value x29
    .cfi_offset x30, VCPU_REGS_PC
    save_rest
    .cfi_offset x29, VCPU_REGS_X + 29 * 8
    bl      arch_trap_serror
    cbnz    x0, exit_stop
    b       exit_resume
    .cfi_endproc

/* Back to the guest after a light step: x19 = save area; x20-x29 were never touched. */
exit_resume_light:
    ldp     x2, x3, [x19, #VCPU_REGS_PC]
    msr     elr_el2, x2
    msr     spsr_el2, x3
    mov     x0, x19
    ldp     x2, x3, [x0, #VCPU_REGS_X + 16]
    ldp     x4, x5, [x0, #VCPU_REGS_X + 32]
    ldp     x6, x7, [x0, #VCPU_REGS_X + 48]
    ldp     x8, x9, [x0, #VCPU_REGS_X + 64]
    ldp     x10, x11, [x0, #VCPU_REGS_X + 80]
    ldp     x12, x13, [x0, #VCPU_REGS_X + 96]
    ldp     x14, x15, [x0, #VCPU_REGS_X + 112]
    ldp     x16, x17, [x0, #VCPU_REGS_X + 128]
    ldp     x18, x19, [x0, #VCPU_REGS_X + 144]
    ldr     x30, [x0, #VCPU_REGS_X + 240]
    ldp     x0, x1, [x0, #VCPU_REGS_X]
    add     sp, sp, #16             /* the save area's slot: SP_EL2 back at the stack top */
    eret
    isb                             /* speculation barrier after ERET */

exit_stop:
    /* The vCPU is off or halted: reset the stack and wait for it to be started again. */
    mrs     x0, tpidr_el2
    ldr     x1, [x0, #ARCH_CPU_STACK_TOP]
    mov     sp, x1
    b       arch_cpu_idle_current

exit_resume:
    mrs     x0, tpidr_el2
    ldr     x1, [x0, #ARCH_CPU_STACK_TOP]
    ldr     x0, [x0, #ARCH_CPU_REGS]
    /* fall through */

/* x0 = struct vcpu_regs *, x1 = stack top for the next exit. */
    .global arch_guest_eret
arch_guest_eret:
    mov     sp, x1
    ldr     x2, [x0, #VCPU_REGS_PC]
    msr     elr_el2, x2
    ldr     x2, [x0, #VCPU_REGS_PSTATE]
    msr     spsr_el2, x2
    ldp     x2, x3, [x0, #VCPU_REGS_X + 16]
    ldp     x4, x5, [x0, #VCPU_REGS_X + 32]
    ldp     x6, x7, [x0, #VCPU_REGS_X + 48]
    ldp     x8, x9, [x0, #VCPU_REGS_X + 64]
    ldp     x10, x11, [x0, #VCPU_REGS_X + 80]
    ldp     x12, x13, [x0, #VCPU_REGS_X + 96]
    ldp     x14, x15, [x0, #VCPU_REGS_X + 112]
    ldp     x16, x17, [x0, #VCPU_REGS_X + 128]
    ldp     x18, x19, [x0, #VCPU_REGS_X + 144]
    ldp     x20, x21, [x0, #VCPU_REGS_X + 160]
    ldp     x22, x23, [x0, #VCPU_REGS_X + 176]
    ldp     x24, x25, [x0, #VCPU_REGS_X + 192]
    ldp     x26, x27, [x0, #VCPU_REGS_X + 208]
    ldp     x28, x29, [x0, #VCPU_REGS_X + 224]
    ldr     x30, [x0, #VCPU_REGS_X + 240]
    ldp     x0, x1, [x0, #VCPU_REGS_X]
    eret
    isb                             /* speculation barrier after ERET */
