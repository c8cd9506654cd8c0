/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EL1 vectors the error-path scenario installs around accesses the hypervisor
 * must refuse: a synchronous exception (the data abort Septum injects for a
 * refused access, on_fault: inject) is counted in err_aborts and the faulting
 * instruction skipped. Any other exception stops the vCPU.
 */
    .text
.macro skip_sync
    .balign 0x80
    sub     sp, sp, #16
    stp     x0, x1, [sp]
    mrs     x0, elr_el1
    add     x0, x0, #4
    msr     elr_el1, x0
    adrp    x0, err_aborts
    add     x0, x0, :lo12:err_aborts
    ldr     x1, [x0]
    add     x1, x1, #1
    str     x1, [x0]
    ldp     x0, x1, [sp]
    add     sp, sp, #16
    eret
.endm
.macro stop
    .balign 0x80
1:  wfi
    b       1b
.endm

    .balign 0x800
    .global err_skip_vectors
err_skip_vectors:
    skip_sync       /* current EL, SP_EL0 */
    stop
    stop
    stop
    skip_sync       /* current EL, SP_ELx */
    stop
    stop
    stop
    stop            /* lower EL: not used */
    stop
    stop
    stop
    stop
    stop
    stop
    stop
