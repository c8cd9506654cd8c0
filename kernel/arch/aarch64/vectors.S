/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EL2 exception vectors (Arm ARM D1.10.2: 16 entries of 0x80 bytes). Exits
 * from a partition save all general registers into the vCPU of this CPU
 * (TPIDR_EL2 -> struct arch_cpu -> regs), call the C handler on this CPU's
 * stack and restore them. Exceptions taken at EL2 itself are hypervisor bugs.
 *
 * The exit handlers carry call-frame information (DWARF CFI, in .debug_frame)
 * describing the exit as a signal frame whose caller is the guest: CFA = the
 * vCPU's register save area (kept in x19, callee-saved, across the C call),
 * return address = the saved guest PC, x29 = the guest's frame pointer. So a
 * gdb backtrace from trap_sync goes through exit_sync to the guest's PC
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

/* x0 = struct vcpu_regs *, guest x0/x1 at [sp]. */
.macro save_guest
    stp     x2, x3, [x0, #VCPU_REGS_X + 16]
    stp     x4, x5, [x0, #VCPU_REGS_X + 32]
    stp     x6, x7, [x0, #VCPU_REGS_X + 48]
    stp     x8, x9, [x0, #VCPU_REGS_X + 64]
    stp     x10, x11, [x0, #VCPU_REGS_X + 80]
    stp     x12, x13, [x0, #VCPU_REGS_X + 96]
    stp     x14, x15, [x0, #VCPU_REGS_X + 112]
    stp     x16, x17, [x0, #VCPU_REGS_X + 128]
    stp     x18, x19, [x0, #VCPU_REGS_X + 144]
    stp     x20, x21, [x0, #VCPU_REGS_X + 160]
    stp     x22, x23, [x0, #VCPU_REGS_X + 176]
    stp     x24, x25, [x0, #VCPU_REGS_X + 192]
    stp     x26, x27, [x0, #VCPU_REGS_X + 208]
    stp     x28, x29, [x0, #VCPU_REGS_X + 224]
    str     x30, [x0, #VCPU_REGS_X + 240]
    ldp     x2, x3, [sp], #16
    stp     x2, x3, [x0, #VCPU_REGS_X]
    mrs     x2, elr_el2
    str     x2, [x0, #VCPU_REGS_PC]
    mrs     x2, spsr_el2
    str     x2, [x0, #VCPU_REGS_PSTATE]
    mov     x19, x0                 /* guest x19 is saved: keep the save area for the unwinder */
    mrs     x0, tpidr_el2
.endm

/* A guest exit: save, call the C handler, resume or stop. CFI: see the top of this file. */
.macro exit_handler name, c_handler
\name:
    .cfi_startproc
    .cfi_signal_frame
    .cfi_undefined x30
    save_guest
    .cfi_def_cfa x19, 0
    .cfi_offset x29, VCPU_REGS_X + 29 * 8
    .cfi_offset x30, VCPU_REGS_PC
    bl      \c_handler
    cbnz    x0, exit_stop
    b       exit_resume
    .cfi_endproc
.endm

    exit_handler exit_sync, arch_trap_sync
    exit_handler exit_irq, arch_trap_irq
    exit_handler exit_serror, arch_trap_serror

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
