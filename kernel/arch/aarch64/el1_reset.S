/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parts of the EL1 reset of a fresh vCPU that C cannot say well: FP/SIMD
 * (V0..V31, FPCR, FPSR zero; the C code is built with -mgeneral-regs-only,
 * and CPTR_EL2.TFP is 0 so EL2 may touch them) and the breakpoint and
 * watchpoint registers, whose names carry their number.
 */
    .arch armv8-a+fp+simd
    .text
    .global arch_fp_reset
arch_fp_reset:
    movi    v0.2d, #0
    movi    v1.2d, #0
    movi    v2.2d, #0
    movi    v3.2d, #0
    movi    v4.2d, #0
    movi    v5.2d, #0
    movi    v6.2d, #0
    movi    v7.2d, #0
    movi    v8.2d, #0
    movi    v9.2d, #0
    movi    v10.2d, #0
    movi    v11.2d, #0
    movi    v12.2d, #0
    movi    v13.2d, #0
    movi    v14.2d, #0
    movi    v15.2d, #0
    movi    v16.2d, #0
    movi    v17.2d, #0
    movi    v18.2d, #0
    movi    v19.2d, #0
    movi    v20.2d, #0
    movi    v21.2d, #0
    movi    v22.2d, #0
    movi    v23.2d, #0
    movi    v24.2d, #0
    movi    v25.2d, #0
    movi    v26.2d, #0
    movi    v27.2d, #0
    movi    v28.2d, #0
    movi    v29.2d, #0
    movi    v30.2d, #0
    movi    v31.2d, #0
    msr     fpcr, xzr
    msr     fpsr, xzr
    ret

/* x0 = breakpoints, x1 = watchpoints implemented (ID_AA64DFR0_EL1.BRPs/WRPs + 1, 2..16). */
.macro debug_pair kind, n, count
    cmp     \count, #\n
    b.ls    1f
    msr     dbg\kind\()cr\n\()_el1, xzr
    msr     dbg\kind\()vr\n\()_el1, xzr
1:
.endm

    .global arch_debug_reset
arch_debug_reset:
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    debug_pair b, \n, x0
    .endr
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    debug_pair w, \n, x1
    .endr
    isb
    ret
