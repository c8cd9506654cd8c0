/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal EL3 firmware for one test (tests/integration/test_spectre_fw.py), run by
 * QEMU -machine virt,secure=on,virtualization=on -bios: every CPU starts here at EL3
 * (the others wait for PSCI CPU_ON), makes the GIC single-security (GICD_CTLR.DS, IHI 0069H 12.9.4)
 * so that EL2 sees it as on a board without EL3 security, lets EL2 use the GIC system
 * registers (ICC_SRE_EL3.SRE, .Enable), and drops to EL2h at Septum's entry with x0 = 0
 * (no firmware DTB). SMCs from EL2 come to el3_smc() (main.c), x0-x3 in and out,
 * x4-x17 preserved (SMCCC 1.1, DEN0028 2.6).
 */
#define SEPTUM_ENTRY 0x40200000
#define GICD_BASE 0x08000000
#define GICD_CTLR_DS (1 << 6)
/* SCR_EL3: NS, HCE (HVC enabled), RW (EL2 is AArch64). SMD clear: SMC enabled. */
#define SCR_EL3_VALUE ((1 << 0) | (1 << 8) | (1 << 10))
/* SPSR_EL3: EL2h, D A I F masked. */
#define SPSR_EL2H 0x3c9

    .section .text.start, "ax"
    .global _start
_start:
    mrs     x4, mpidr_el1
    and     x4, x4, #0xff                   /* CPU number (virt: Aff0, up to 8 CPUs) */
    ldr     x0, =el3_stack_top
    sub     x0, x0, x4, lsl #12             /* 4 KiB of stack each */
    mov     sp, x0
    ldr     x0, =el3_vectors
    msr     vbar_el3, x0
    mov     x0, #SCR_EL3_VALUE
    msr     scr_el3, x0
    msr     cptr_el3, xzr
    msr     mdcr_el3, xzr
    mov     x0, #0x9                        /* ICC_SRE_EL3: SRE | Enable */
    msr     S3_6_C12_C12_5, x0
    isb
    cbnz    x4, secondary
    ldr     x1, =GICD_BASE
    mov     w0, #GICD_CTLR_DS
    str     w0, [x1]
    dsb     sy
    bl      el3_init
    ldr     x0, =SEPTUM_ENTRY
    mov     x1, #0
    b       to_el2

/* Other CPUs wait for CPU_ON (el3_smc() fills el3_mailbox[cpu]: entry, context). */
secondary:
    ldr     x5, =el3_mailbox
    add     x5, x5, x4, lsl #4
1:  wfe
    ldr     x0, [x5]
    cbz     x0, 1b
    ldr     x1, [x5, #8]

/* Enter EL2h at x0 with x0 = x1 (PSCI CPU_ON: context_id). */
to_el2:
    msr     elr_el3, x0
    mov     x0, #SPSR_EL2H
    msr     spsr_el3, x0
    mov     x0, x1
    mov     x1, #0
    mov     x2, #0
    mov     x3, #0
    eret

park:
    wfe
    b       park

/* Anything but an SMC from a lower EL is a bug of this test: stop. */
.macro el3_stop
    .balign 0x80
    b       park
.endm

    .balign 0x800
el3_vectors:
    .rept 8
    el3_stop
    .endr
    .balign 0x80                            /* lower EL, AArch64, synchronous: the SMC */
    sub     sp, sp, #160
    stp     x4, x5, [sp, #0]
    stp     x6, x7, [sp, #16]
    stp     x8, x9, [sp, #32]
    stp     x10, x11, [sp, #48]
    stp     x12, x13, [sp, #64]
    stp     x14, x15, [sp, #80]
    stp     x16, x17, [sp, #96]
    stp     x18, x30, [sp, #112]
    bl      el3_smc
    ldp     x4, x5, [sp, #0]
    ldp     x6, x7, [sp, #16]
    ldp     x8, x9, [sp, #32]
    ldp     x10, x11, [sp, #48]
    ldp     x12, x13, [sp, #64]
    ldp     x14, x15, [sp, #80]
    ldp     x16, x17, [sp, #96]
    ldp     x18, x30, [sp, #112]
    add     sp, sp, #160
    mov     x1, #0
    mov     x2, #0
    mov     x3, #0
    eret
    .rept 7
    el3_stop
    .endr
