/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FP/SIMD reset of a fresh vCPU: V0..V31, FPCR and FPSR zero, so that no
 * value of a previous life (or of another vCPU of this CPU) shows. In
 * assembly because the C code is built with -mgeneral-regs-only.
 * CPTR_EL2.TFP is 0 (arch.c), so EL2 may touch the registers.
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
