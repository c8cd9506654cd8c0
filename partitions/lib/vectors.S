/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EL1 exception vectors of a bare-metal partition. IRQs call sp_irq_dispatch()
 * with the caller-saved registers preserved; any other exception is a bug of
 * the partition and goes to sp_exception(), which reports and stops.
 */
.macro vec_entry target, kind
    .balign 0x80
    sub     sp, sp, #(22 * 8)
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x29, [sp, #144]
    str     x30, [sp, #160]
    mov     x0, #\kind
    b       \target
.endm

    .text
    .balign 0x800
    .global sp_vectors
sp_vectors:
    vec_entry vec_other, 0          /* current EL, SP_EL0 */
    vec_entry vec_other, 1
    vec_entry vec_other, 2
    vec_entry vec_other, 3
    vec_entry vec_other, 4          /* current EL, SP_ELx: sync */
    vec_entry vec_irq, 5            /* irq */
    vec_entry vec_other, 6          /* fiq */
    vec_entry vec_other, 7          /* serror */
    vec_entry vec_other, 8          /* lower EL: none exists */
    vec_entry vec_other, 9
    vec_entry vec_other, 10
    vec_entry vec_other, 11
    vec_entry vec_other, 12
    vec_entry vec_other, 13
    vec_entry vec_other, 14
    vec_entry vec_other, 15

vec_irq:
    bl      sp_irq_dispatch
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x29, [sp, #144]
    ldr     x30, [sp, #160]
    add     sp, sp, #(22 * 8)
    eret

vec_other:
    mrs     x1, esr_el1
    mrs     x2, elr_el1
    mrs     x3, far_el1
    bl      sp_exception
1:  wfi
    b       1b

/*
 * Vectors in force only while sp_septum_present() issues its HVC: any
 * synchronous exception at EL1 (an HVC that is UNDEFINED because no EL2
 * handles it) returns SMCCC NOT_SUPPORTED (-1) in x0, past the instruction.
 * IRQs are masked meanwhile; other entries cannot be taken and stop.
 */
.macro probe_stop
    .balign 0x80
1:  wfi
    b       1b
.endm
.macro probe_skip
    .balign 0x80
    mov     x0, #-1
    mrs     x1, elr_el1
    add     x1, x1, #4
    msr     elr_el1, x1
    eret
.endm

    .balign 0x800
    .global sp_probe_vectors
sp_probe_vectors:
    probe_skip                      /* current EL, SP_EL0: sync */
    probe_stop
    probe_stop
    probe_stop
    probe_skip                      /* current EL, SP_ELx: sync */
    probe_stop
    probe_stop
    probe_stop
    probe_stop                      /* lower EL: none exists */
    probe_stop
    probe_stop
    probe_stop
    probe_stop
    probe_stop
    probe_stop
    probe_stop
