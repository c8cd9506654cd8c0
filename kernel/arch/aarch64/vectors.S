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

/* Layouts the fast paths read with one load (asm_defs.h offsets). */
.if IRQ_FAST_HOLD != (IRQ_FAST_LRS + 4)
.error "struct arch_irq_fast: hold must follow lrs (read as one 64-bit word)"
.endif
.if (FAST_CONSOLE_QUEUED != 0) || (FAST_CONSOLE_TYPED != 8)
.error "struct arch_fast_console: queued, typed must be one ldp pair"
.endif
.if (ARCH_SGI_KICK_ASM != 0) || (ARCH_SGI_INBOX_ASM != 0xffff) || (ARCH_IRQ_POSTED_ASM != 0x10000)
.error "exit_irq_fast tests the kick with cbz and the inbox and posted SPI with tst #0xfffe0000"
.endif
.if ARCH_FAST_POSTED_ASM != 16
.error "the posted SPI's slot (sgi_lr, sgi_hold) is the number of its bit in the changed word"
.endif
.if IRQ_FAST_SGI_VCPUS_AFTER_SELF != 4
.error "struct arch_irq_fast: sgi_vcpus must follow sgi_self (one ldp)"
.endif
.if IRQ_FAST_VINTID != 0
.error "struct arch_irq_fast: vintid[] must be at offset 0 (strh with a register offset)"
.endif
.if VUART_FAST_SIZE != 64
.error "struct arch_vuart_fast: 64 bytes (exit_dabt_fast indexes it with lsl #6)"
.endif
.if (VUART_FAST_LEVEL != (VUART_FAST_CR + 8)) || (VUART_FAST_LEN != (VUART_FAST_TEXT + 8))
.error "struct arch_vuart_fast: cr, level and text, len must be ldp pairs"
.endif
.if (ESR_IL_ASM != (1 << 25)) || (ESR_ISS_ISV_ASM != (1 << 24)) || (ESR_ISS_S1PTW_ASM != (1 << 7)) || (ESR_ISS_WNR_ASM != (1 << 6))
.error "exit_dabt_fast tests ESR_EL2 IL (25), ISV (24), S1PTW (7), WnR (6) with tbz/tbnz"
.endif

    .cfi_sections .debug_frame

/* Console work waiting (arch_fast_console: lines queued, a typed byte)? Then branch to \busy: the
 * C exit sends this CPU's burst (console_poll()). ra, rb: scratch (x registers, given as numbers). */
.macro fast_console_busy ra, rb, busy
    adrp    x\ra, arch_fast_console
    add     x\ra, x\ra, :lo12:arch_fast_console
    ldp     x\ra, x\rb, [x\ra]
    ldr     w\ra, [x\ra]                   /* console_queued */
    ldrb    w\rb, [x\rb]                   /* console_typed */
    orr     w\ra, w\ra, w\rb
    cbnz    w\ra, \busy
.endm

/* x2 = the guest's register X[x2] (index 0-31, 31: xzr reads as 0), through a table of 32
 * entries of 8 bytes (no register can be named by a register index). The guest's x0/x1 are at
 * [sp + 16], x2/x3 at [sp] (the vector's push, then the caller's); x4-x30 are still the guest's.
 * x3: scratch. */
.macro guest_xt
    adr     x3, .Lxt_table\@
    add     x3, x3, x2, lsl #3              /* 8 bytes per table entry */
    br      x3
.Lxt_table\@:
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    .if \n < 2
    ldr     x2, [sp, #(16 + 8 * \n)]
    .elseif \n < 4
    ldr     x2, [sp, #(8 * (\n - 2))]
    .elseif \n == 31
    mov     x2, xzr
    .else
    mov     x2, x\n
    .endif
    b       .Lxt_done\@
    .endr
.Lxt_done\@:
.endm

.macro el2_bug kind
    .balign 0x80
    mov     x0, #\kind
    mrs     x1, esr_el2
    mrs     x2, elr_el2
    mrs     x3, far_el2
    b       arch_trap_el2
.endm

.macro guest_exit handler, firmware=0
    .balign 0x80
    /* x0/x1 are parked on the stack while TPIDR_EL2 gives the save area. */
    stp     x0, x1, [sp, #-16]!
    .if \firmware
    /*
     * Spectre-v2 on Cortex-A57/A72 (el2_vectors_fw, chosen per CPU at boot by
     * spectre_probe() only where the firmware implements it): the EL3 firmware
     * invalidates the branch predictor, SMCCC_ARCH_WORKAROUND_1 through SMC
     * (DEN0028 7.5; as KVM's hardened hyp vectors do), before any indirect
     * branch at EL2. An SMC32 call: x0-x3 may change (DEN0028 2.6), x0/x1 are
     * parked already, x2/x3 are parked here.
     */
    stp     x2, x3, [sp, #-16]!
    mov     w0, #SMCCC_WA1_LO_ASM
    movk    w0, #SMCCC_WA1_HI_ASM, lsl #16
    smc     #0
    ldp     x2, x3, [sp], #16
    .endif
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
    guest_exit exit_hvc_fast        /* lower EL, AArch64: HVC fast path, else exit_sync */
    guest_exit exit_irq_fast
    guest_exit exit_irq_fast        /* FIQ: not used, treated as IRQ */
    guest_exit exit_serror
    el2_bug 12                      /* lower EL, AArch32: never enabled */
    el2_bug 13
    el2_bug 14
    el2_bug 15

/*
 * The same table with the firmware branch-predictor invalidation in every
 * lower-EL entry (guest_exit firmware=1): VBAR_EL2 of the CPUs whose firmware
 * offers SMCCC_ARCH_WORKAROUND_1 (arch_spectre_firmware_on()); the others keep
 * el2_vectors and pay nothing for it.
 */
    .balign 0x800
    .global el2_vectors_fw
el2_vectors_fw:
    el2_bug 0
    el2_bug 1
    el2_bug 2
    el2_bug 3
    el2_bug 4
    el2_bug 5
    el2_bug 6
    el2_bug 7
    guest_exit exit_hvc_fast, 1
    guest_exit exit_irq_fast, 1
    guest_exit exit_irq_fast, 1
    guest_exit exit_serror, 1
    el2_bug 12
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

/*
 * The IRQ exit's fast path (issue 11): the running vCPU's EL1 virtual timer PPI goes into a
 * list register without entering C. Entered from the vector with x0 = save area (unused here)
 * and the guest's x0/x1 at [sp]; the Spectre-BHB loop has already run (guest_exit).
 *
 * 1. ICC_IAR1_EL1 acknowledges the interrupt (GICv3, IHI 0069H 12.2 ICC_IAR1_EL1); its INTID
 *    goes to arch_cpu.irq_intid, where the C step finds it if the fast path does not apply.
 * 2. Only while the console has no work waiting (arch_fast_console: what console_poll()
 *    tests first on every exit; with work waiting the C step sends this CPU's burst).
 *    Only INTID 27 (CNTV, the guest's own timer: every other interrupt, the EL2 timer, kicks,
 *    maintenance, SPIs, takes the C step), only while the vGIC published a non-zero ICH_LR
 *    value for this vCPU (arch_irq_fast.lr: vgic_fast_lr() in vdev/vgic_lr.c, the C
 *    predicate this mirrors: hardware-backed, enabled, its group enabled, not pending in
 *    software), only while the vCPU's vGIC change flag is clear (so a pending injection is
 *    never delayed: the C step flushes it), only while every list register that may still
 *    hold vINTID 27 is empty (arch_irq_fast.hold: the vGIC's; .lrs: the vector's own, not yet
 *    taken; two LRs with one vINTID would be UNPREDICTABLE, 12.4 ICH_LR<n>_EL2), and only with
 *    a list register that ICH_ELRSR_EL2 shows empty (12.4, ICH_ELRSR_EL2: state invalid and
 *    no EOI maintenance request outstanding, so no LR the vGIC still has to collect through
 *    ICH_EISR_EL2 is ever overwritten). fake_irq_vector() (tests/unit/fake_arch.c) is the C
 *    model of these decisions the vGIC's unit tests run against (SRS-IRQ-007).
 * 3. The value has HW = 1 and pINTID = vINTID = 27 (12.4, ICH_LR<n>_EL2): the guest's
 *    deactivation of the virtual interrupt deactivates the physical one. The LR goes into
 *    arch_irq_fast.lrs, which the vGIC takes into its own state before it next reads or
 *    writes a list register of this vCPU (vgic_lr_adopt()).
 * 4. ICC_EOIR1_EL1 drops the priority only: ICC_CTLR_EL1.EOImode = 1 (gic.c,
 *    arch_gic_cpu_init; IHI 0069H 4.1.1 "Priority drop and interrupt deactivation"), so the
 *    physical interrupt stays active until the guest deactivates it through the LR.
 * 5. ERET: the write to ICH_LR<n>_EL2 and ICC_EOIR1_EL1 take effect by this context
 *    synchronisation; the guest takes the virtual interrupt on return.
 * No DSB after the IAR read here: a timer PPI hands over no memory (the C path keeps
 * Linux's DSB for the interrupts whose handlers read device state).
 * x0-x3 are scratch: x0/x1 were saved by the vector, x2/x3 are pushed here.
 *
 * The kick (SGI 0, ARCH_SGI_KICK) takes the same way when all it brings is one SGI from
 * another vCPU of the partition (section at 20 below): the vCPU's changed word holds only
 * inbox bits (ARCH_SGI_INBOX), exactly one, the vGIC published a non-zero ICH_LR value for
 * that SGI n (arch_irq_fast.sgi_lr: vgic_fast_sgi(), enabled, group 1 and group 1 enabled,
 * not pending in software), every list register that may hold vINTID n is empty (the vGIC's,
 * .sgi_hold[n], and every one the vector filled, .lrs), a list register is empty, and the
 * console has no work waiting. The word is emptied with the exclusive pair that read it
 * (ldaxr/stlxr: what the flush's exchange does); if another CPU wrote it meanwhile, the C step
 * takes everything. The SGI goes into the lowest empty list register as the timer does (the
 * vINTID is recorded per list register, arch_irq_fast.vintid, for vgic_lr_adopt()); the kick
 * is the hypervisor's own: priority drop and deactivation (ICC_EOIR1_EL1, ICC_DIR_EL1, EOImode
 * 1). fake_irq_vector() models these decisions too (SRS-IRQ-008).
 * A virtual SPI posted to the vCPU (a channel doorbell, a health notification: bit 16 of the
 * word, ARCH_IRQ_POSTED, with its ICH_LR value in slot 16 of .sgi_lr / .sgi_hold, published by
 * the sender under the partition's lock, vgic_post_spi() in vdev/vgic.c) takes the same way as
 * one more SGI: the same tests, bit 16 alone in the word; its vINTID (up to 1019) is why
 * vintid[] holds halfwords (SRS-IRQ-009).
 */
exit_irq_fast:
    stp     x2, x3, [sp, #-16]!
    mrs     x1, icc_iar1_el1
    and     w1, w1, #0xffffff               /* INTID, bits [23:0] */
    mrs     x0, tpidr_el2
    str     w1, [x0, #ARCH_CPU_IRQ_INTID]
    ldr     x2, [x0, #ARCH_CPU_IRQ_FAST]
    cmp     w1, #ARCH_PPI_VTIMER_ASM
    b.ne    19f
    ldr     x3, [x2, #IRQ_FAST_LR]          /* the vGIC's value, or 0 */
    cbz     x3, 9f
    ldr     x0, [x2, #IRQ_FAST_NEWS]
    ldar    w0, [x0]                        /* the vCPU's vGIC change flag */
    cbnz    w0, 9f
    fast_console_busy 0, 1, 9f  /* C sends this CPU's burst */
    mrs     x0, ich_elrsr_el2
    ldr     x1, [x2, #IRQ_FAST_LRS]         /* lrs, and hold in the high half */
    orr     x1, x1, x1, lsr #32
    bics    wzr, w1, w0                     /* every LR that may hold the timer's vINTID empty? */
    b.ne    9f                              /* no: a second LR for one vINTID is UNPREDICTABLE */
    cbz     w0, 9f                          /* no empty list register */
    rbit    w0, w0
    clz     w0, w0                          /* the lowest empty one */
    mov     x1, #ARCH_PPI_VTIMER_ASM
    msr     icc_eoir1_el1, x1
4:  /* x0 = list register, x2 = arch_irq_fast, x3 = ICH_LR value (vINTID in bits [31:0]) */
    adr     x1, 5f
    add     x1, x1, x0, lsl #3              /* 8 bytes per table entry */
    br      x1
5:
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    msr     ich_lr\n\()_el2, x3
    b       6f
    .endr
6:  strh    w3, [x2, x0, lsl #1]            /* which interrupt the list register holds (vintid[]) */
    mov     w1, #1
    lsl     w1, w1, w0
    ldr     w0, [x2, #IRQ_FAST_LRS]
    orr     w0, w0, w1
    str     w0, [x2, #IRQ_FAST_LRS]
    ldp     x2, x3, [sp], #16
    ldp     x0, x1, [sp], #16
    eret
    isb                                     /* speculation barrier after ERET */
19: cbnz    w1, 9f                          /* INTID 0 is the kick: on at 20 */
20: /* The kick: one inbox SGI straight into a list register (see above). x4/x5 are pushed too. */
    ldr     x1, [x2, #IRQ_FAST_NEWS]
    ldar    w0, [x1]                        /* other news: the flush, at once */
    tst     w0, #0xfffe0000
    b.ne    9f
    stp     x4, x5, [sp, #-16]!
    fast_console_busy 0, 4, 29f  /* C sends this CPU's burst */
    ldaxr   w0, [x1]                        /* the vCPU's changed word, for the exclusive pair */
    tst     w0, #0xfffe0000                 /* other news: the flush */
    b.ne    29f
    cbz     w0, 29f                         /* nothing (the flush took it already) */
    sub     w3, w0, #1
    tst     w0, w3
    b.ne    29f                             /* more than one SGI (or an SGI and the SPI): the flush */
    rbit    w4, w0
    clz     w4, w4                          /* n: SGI n, or 16, the posted SPI */
    add     x3, x2, x4, lsl #3
    ldr     x3, [x3, #IRQ_FAST_SGI_LR]      /* the vGIC's value for SGI n (the SPI), or 0 */
    cbz     x3, 29f
    add     x5, x2, x4, lsl #2
    ldr     w5, [x5, #IRQ_FAST_SGI_HOLD]
    ldr     w4, [x2, #IRQ_FAST_LRS]
    orr     w5, w5, w4
    mrs     x4, ich_elrsr_el2
    bics    wzr, w5, w4                     /* every LR that may hold SGI n empty? */
    b.ne    29f
    cbz     w4, 29f                         /* no empty list register */
    stlxr   w5, wzr, [x1]                   /* the word emptied: the SGI is this exit's */
    cbnz    w5, 29f                         /* written meanwhile: the C step takes all of it */
    rbit    w0, w4
    clz     w0, w0                          /* the lowest empty list register */
    ldp     x4, x5, [sp], #16
    mov     x1, #ARCH_SGI_KICK_ASM          /* the kick is the hypervisor's own: drop and deactivate */
    msr     icc_eoir1_el1, x1
    msr     icc_dir_el1, x1
    b       4b
29: clrex
    ldp     x4, x5, [sp], #16
9:  /* Not for the fast path: the light C step, with the INTID in arch_cpu.irq_intid. */
    dsb     sy
    ldp     x2, x3, [sp], #16
    mrs     x0, tpidr_el2
    ldr     x0, [x0, #ARCH_CPU_REGS]
    b       exit_irq

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
    bl      arch_trap_dabt          /* returns a 32-bit code: w0 */
    cbz     w0, exit_resume_light
    .cfi_remember_state
    save_rest                       /* EXIT_STOP, or ARCH_EXIT_FULL: the full step */
    .cfi_offset x29, VCPU_REGS_X + 29 * 8
    cmp     w0, #ARCH_EXIT_STOP_ASM
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

/*
 * The HVC exit's fast path (issue 11): Septum's calls that only return constants (VERSION,
 * CALL_COUNT, CALL_UID, REVISION: kernel/core/hypercall.c, hypercall_answers, the table the
 * C dispatcher answers them from too; unit-tested in test_hypercall.c, SRS-HVC-004) are
 * answered here without entering C, when the exit has nothing else to do: the vCPU's vGIC
 * change flag is clear and the console has no work waiting (what trap_exit_done() would do
 * first). The results go to x0..x(nregs-1); x2..x17 are otherwise untouched, as SMCCC 1.1
 * requires (DEN0028 2.6). ELR_EL2 already points after the HVC (Arm ARM D1.10.2 / the
 * preferred return address of an HVC exception). Anything else, and every other synchronous
 * exit (4 instructions: the EC test) goes on to exit_dabt_fast, exit_sgi_fast, then exit_sync
 * as before with x0 = save area.
 * The Spectre-BHB loop has run in the vector (guest_exit) before the table walk.
 */
exit_hvc_fast:
    mrs     x1, esr_el2
    ubfx    x1, x1, #ESR_EC_SHIFT_ASM, #6
    cmp     x1, #ESR_EC_HVC64_ASM
    b.ne    exit_dabt_fast                  /* not an HVC: the vUART and SGI tests, then exit_sync */
    stp     x2, x3, [sp, #-16]!
    ldr     w1, [sp, #16]                   /* the guest's w0: the function ID (DEN0028 2.5) */
    adrp    x2, hypercall_answers
    add     x2, x2, :lo12:hypercall_answers
    mov     x3, #HYPERCALL_ANSWERS_ASM
1:  ldr     w0, [x2, #HANSWER_FID]
    cmp     w0, w1
    b.eq    2f
    add     x2, x2, #HANSWER_SIZE
    subs    x3, x3, #1
    b.ne    1b
    b       8f
2:  mrs     x0, tpidr_el2
    ldr     x0, [x0, #ARCH_CPU_IRQ_FAST]
    ldr     x0, [x0, #IRQ_FAST_NEWS]
    ldar    w0, [x0]                        /* the vCPU's vGIC change flag */
    cbnz    w0, 8f
    fast_console_busy 0, 1, 8f  /* C sends this CPU's burst */
    /* The results into the saved slots: guest x0/x1 at [sp + 16], x2/x3 at [sp]. */
    ldr     w3, [x2, #HANSWER_NREGS]
    ldr     x0, [x2, #HANSWER_X]
    str     x0, [sp, #16]
    cmp     w3, #2
    b.lo    3f
    ldr     x0, [x2, #HANSWER_X + 8]
    str     x0, [sp, #24]
    cmp     w3, #3
    b.lo    3f
    ldr     x0, [x2, #HANSWER_X + 16]
    str     x0, [sp]
    cmp     w3, #4
    b.lo    3f
    ldr     x0, [x2, #HANSWER_X + 24]
    str     x0, [sp, #8]
3:  ldp     x2, x3, [sp], #16
    ldp     x0, x1, [sp], #16
    eret
    isb                                     /* speculation barrier after ERET */
8:  /* Not for the fast path: the light C step, as before. */
    ldp     x2, x3, [sp], #16
    mrs     x0, tpidr_el2
    ldr     x0, [x0, #ARCH_CPU_REGS]
    b       exit_sync

/*
 * The sync exit's fast path for a guest's vUART byte (issue 12), after the HVC test (x1 =
 * ESR_EL2.EC; x0 = save area, guest x0/x1 at [sp]); any other exception class goes on to
 * exit_sgi_fast (2 instructions), and a data abort on any other page than the vUART's goes
 * to exit_sync after 9 (the page test first: every other trapped access pays only that).
 * A store of a printable byte to the running partition's own vUART DR is what
 * vdev_vuart_mmio() -> vuart_tx() -> console_part_putc() do for it, here:
 * - The access: at the IPA HPFAR_EL2.FIPA:FAR_EL2[11:0] (trap_fault_ipa()) that is the
 *   partition's vUART's DR (arch_cpu.vuart_fast -> arch_vuart_fast[p]: the HPFAR_EL2 value of
 *   its page and its page offset, bound by vdev_reset(); HPFAR_EL2 bits [3:0] are RES0, so the
 *   all-ones "no vUART" never matches; its window holds no other register at that offset);
 *   ESR_EL2 ISS.ISV = 1 (a valid syndrome), WnR = 1 (a store), S1PTW = 0, IL = 1 (Arm ARM
 *   D17.2.37), SAS 0-2 (1, 2 or 4 bytes: every one is a DR write at offset 0, which is aligned
 *   for each; 8 bytes the vUART rejects: C faults the partition). The byte is the transfer
 *   register's (SRT, through guest_xt) low 8 bits, as vuart_mmio() takes it whatever the width.
 * - The common case only: the byte 0x20..0x7e (console_part_putc() appends it as itself;
 *   newline, tab, CR and every byte to escape take C), the vUART's line low and CR.LBE clear
 *   (vuart_tx_direct(): such a write changes no interrupt level and nothing of the vUART but
 *   its byte count; both read without the vUART lock, as the C path does), the vCPU's vGIC
 *   change flag clear and no console work waiting (what the C exit, trap_exit_check(), would
 *   do after it: with a typed byte to show, console_poll() echoes the line on that exit).
 * - The console line is shared by every vCPU of the partition (several CPUs) and is read by
 *   console_echo() and reset by console_part_discard(), all under its writer lock; so the
 *   append takes that lock too, but only when it is free at once (the ticket lock's served
 *   half equal to its next half: arch_lock_try(), with ldaxr/stxr): a held or contended lock
 *   takes C, which waits for it. Under it: a full line (len = CONSOLE_LINE_MAX) takes C, which
 *   finishes it first; otherwise text[len] = byte, len + 1, and the lock's served half + 1 with
 *   a store-release (arch_lock_release()).
 * - Then the vUART's tx_bytes + 1 (an exclusive pair: vuart_tx()'s relaxed atomic add), ELR_EL2
 *   past the store (IL = 1: 4 bytes), ERET.
 * Anything else reaches exit_sync as before with x0 = the save area, nothing changed.
 * fake_dabt_vector() (tests/unit/fake_arch.c) is the C model of these decisions that
 * test_console.c runs against console_part_putc() (SRS-CON-005).
 * x0-x5 are scratch: x0/x1 saved by the vector, x2-x5 pushed here.
 */
exit_dabt_fast:
    cmp     x1, #ESR_EC_DABT_LOW_ASM
    b.ne    exit_sgi_fast
    mrs     x0, tpidr_el2
    ldr     x0, [x0, #ARCH_CPU_VUART_FAST]  /* the running partition's record */
    ldr     x0, [x0, #VUART_FAST_DR_PAGE]
    mrs     x1, hpfar_el2
    cmp     x0, x1
    b.ne    50f                             /* not its vUART's page: every other access (9 instructions) */
    stp     x2, x3, [sp, #-16]!
    mrs     x1, esr_el2
    tbz     w1, #24, 49f                    /* ISV: no valid syndrome */
    tbz     w1, #6, 49f                     /* WnR: a load */
    tbnz    w1, #7, 49f                     /* S1PTW: on a stage-1 walk */
    tbz     w1, #25, 49f                    /* IL: a 16-bit instruction */
    and     w2, w1, #0xc00000
    cmp     w2, #0xc00000
    b.eq    49f                             /* SAS 3, 8 bytes: rejected by the vUART (C) */
    mrs     x2, far_el2
    mrs     x0, tpidr_el2
    ldr     x0, [x0, #ARCH_CPU_VUART_FAST]
    ldr     x3, [x0, #VUART_FAST_DR_OFFSET]
    and     x2, x2, #0xfff
    cmp     x2, x3
    b.ne    49f                             /* another register of the vUART */
    ubfx    x2, x1, #16, #5                 /* SRT */
    guest_xt                                /* x2 = the value stored */
    and     w2, w2, #0xff
    sub     w3, w2, #0x20
    cmp     w3, #(0x7e - 0x20)
    b.hi    49f                             /* not printable ASCII: C (a line end, or escaped) */
    ldp     x1, x3, [x0, #VUART_FAST_CR]    /* &cr, &level */
    ldr     w1, [x1]
    tbnz    w1, #VUART_CR_LBE_BIT, 49f      /* loopback: the byte goes to the receive FIFO (C) */
    ldrb    w3, [x3]
    cbnz    w3, 49f                         /* the line is high: C drives it again */
    mrs     x1, tpidr_el2
    ldr     x1, [x1, #ARCH_CPU_IRQ_FAST]
    ldr     x1, [x1, #IRQ_FAST_NEWS]
    ldar    w1, [x1]                        /* the vCPU's vGIC change flag */
    cbnz    w1, 49f
    stp     x4, x5, [sp, #-16]!
    fast_console_busy 1, 3, 48f  /* C sends this CPU's burst */
    ldr     x3, [x0, #VUART_FAST_LOCK]
    ldaxr   w4, [x3]                        /* the line's ticket lock: next (high half), served */
    eor     w1, w4, w4, lsr #16
    tst     w1, #0xffff
    b.ne    47f                             /* held: C waits for it */
    add     w4, w4, #0x10000                /* a ticket (arch.c LOCK_TICKET), served at once */
    stxr    w1, w4, [x3]
    cbnz    w1, 48f                         /* another CPU took one meanwhile: C */
    ldp     x1, x5, [x0, #VUART_FAST_TEXT]  /* text, &len */
    ldr     w4, [x5]
    cmp     w4, #CONSOLE_LINE_MAX_ASM
    b.hs    46f                             /* full: C finishes the line first */
    strb    w2, [x1, x4]
    add     w4, w4, #1
    str     w4, [x5]
    ldrh    w4, [x3]                        /* release: served + 1, store-release */
    add     w4, w4, #1
    stlrh   w4, [x3]
    ldr     x3, [x0, #VUART_FAST_TX_BYTES]
45: ldxr    x4, [x3]
    add     x4, x4, #1
    stxr    w5, x4, [x3]
    cbnz    w5, 45b
    mrs     x0, elr_el2
    add     x0, x0, #4
    msr     elr_el2, x0
    ldp     x4, x5, [sp], #16
    ldp     x2, x3, [sp], #16
    ldp     x0, x1, [sp], #16
    eret
    isb                                     /* speculation barrier after ERET */
46: ldrh    w4, [x3]                        /* release, nothing appended */
    add     w4, w4, #1
    stlrh   w4, [x3]
    b       48f
47: clrex
48: ldp     x4, x5, [sp], #16
49: /* Not for the fast path: exit_sync as before, with x0 = save area. */
    ldp     x2, x3, [sp], #16
50: mrs     x0, tpidr_el2
    ldr     x0, [x0, #ARCH_CPU_REGS]
    b       exit_sync

/*
 * The sync exit's fast path for a guest's ICC_SGI1R_EL1 write (issue 11), after the HVC and
 * data abort tests (x1 = ESR_EL2.EC; x0 = save area, guest x0/x1 at [sp]). Every other
 * exception class goes to exit_sync (2 instructions). It does what vgic_send_sgi() does for group-1 SGIs to other
 * vCPUs (vdev/vgic.c): each target's inbox bit set in its changed word with a sequentially
 * consistent fetch-or (the exclusive pair the C atomic compiles to), and a kick to the target's
 * CPU when the word was 0 (DSB before the SGI write: the word is visible before the interrupt,
 * as arch_gic_send_sgi). It goes on only for a write (ESR_EL2 ISS: Op0 3, Op1 0, CRn 12, CRm
 * 11, Op2 5, direction 0; Arm ARM D17.2.37), with Aff1, Aff2, Aff3, RS, IRM and the RES0 bits
 * above Aff2 zero (GICv3 spec 12.2.22), in a partition whose vCPU i is 0.0.0.i on its own CPU
 * (arch_irq_fast.sgi_vcpus non-zero: arch_sgi_send_bind), not naming the sender itself (its own
 * SGI is a direct injection: C), while the sender's changed word is 0 and the console has no
 * work waiting (what the C exit would do first). Target-list bits beyond the partition's vCPUs
 * name nobody (as vgic_sgi_targets()). Then ELR_EL2 steps over the MSR (IL = 1: 4 bytes).
 * The guest's Xt is read through a table (x0-x3 from the stack, xzr as 0).
 * x0-x9 are scratch: x0/x1 saved by the vector, x2-x9 pushed here.
 */
exit_sgi_fast:
    cmp     x1, #ESR_EC_SYSREG_ASM
    b.ne    exit_sync
    stp     x2, x3, [sp, #-16]!
    mrs     x1, esr_el2
    movz    w2, #(ESR_SGI1R_MASK_ASM & 0xffff)
    movk    w2, #(ESR_SGI1R_MASK_ASM >> 16), lsl #16
    and     w2, w1, w2
    movz    w3, #(ESR_SGI1R_WRITE_ASM & 0xffff)
    movk    w3, #(ESR_SGI1R_WRITE_ASM >> 16), lsl #16
    cmp     w2, w3
    b.ne    39f                             /* not an ICC_SGI1R_EL1 write */
    ubfx    x2, x1, #5, #5                  /* Rt */
    guest_xt                                /* x2 = the value written */
    tst     x2, #0x00ffffff00000000         /* Aff3, RS, IRM, RES0, Aff2 */
    b.ne    39f
    tst     x2, #0x0000000000ff0000         /* Aff1 */
    b.ne    39f
    mrs     x0, tpidr_el2
    ldr     x0, [x0, #ARCH_CPU_IRQ_FAST]
    ldp     w1, w3, [x0, #IRQ_FAST_SGI_SELF] /* sgi_self, sgi_vcpus */
    cbz     w3, 39f                         /* target lists not decoded here */
    and     w3, w3, w2                      /* the named vCPUs (TargetList, bits [15:0]) */
    tst     w3, w1
    b.ne    39f                             /* the sender itself: C (direct injection) */
    ldr     x1, [x0, #IRQ_FAST_NEWS]
    ldar    w1, [x1]                        /* the sender's changed word */
    cbnz    w1, 39f
    stp     x4, x5, [sp, #-16]!
    fast_console_busy 4, 5, 38f  /* C sends this CPU's burst */
    stp     x6, x7, [sp, #-16]!
    stp     x8, x9, [sp, #-16]!
    ubfx    w2, w2, #24, #4                 /* INTID */
    mov     w1, #1
    lsl     w2, w1, w2                      /* its inbox bit */
    ldr     x4, [x0, #IRQ_FAST_SGI_NEWS]
    ldr     x5, [x0, #IRQ_FAST_SGI_KICK]
33: cbz     w3, 35f                         /* every target done (at most 16) */
    rbit    w1, w3
    clz     w1, w1                          /* target t */
    sub     w6, w3, #1
    and     w3, w3, w6
    add     x0, x4, x1, lsl #2              /* its changed word */
    ldr     x1, [x5, x1, lsl #3]            /* the kick for its CPU */
34: ldaxr   w6, [x0]
    orr     w7, w6, w2
    stlxr   w8, w7, [x0]
    cbnz    w8, 34b
    cbnz    w6, 33b                         /* its word was not 0: an exit is on its way */
    dsb     ish
    msr     icc_sgi1r_el1, x1
    b       33b
35: mrs     x0, elr_el2
    add     x0, x0, #4
    msr     elr_el2, x0
    ldp     x8, x9, [sp], #16
    ldp     x6, x7, [sp], #16
    ldp     x4, x5, [sp], #16
    ldp     x2, x3, [sp], #16
    ldp     x0, x1, [sp], #16
    eret
    isb                                     /* speculation barrier after ERET */
38: ldp     x4, x5, [sp], #16
39: /* Not for the fast path: exit_sync as before, with x0 = save area. */
    ldp     x2, x3, [sp], #16
    mrs     x0, tpidr_el2
    ldr     x0, [x0, #ARCH_CPU_REGS]
    b       exit_sync

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
