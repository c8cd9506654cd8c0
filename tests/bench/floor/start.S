/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bare HVC->ERET floor (make bench): QEMU enters this ELF at EL2
 * (-M virt,virtualization=on). It installs an EL2 vector table whose only
 * live entry, lower-EL AArch64 synchronous, is a lone ERET (HVC's preferred
 * return address already points past it), drops to EL1 and runs floor_main(),
 * which times HVC round trips with the virtual counter.
 */
    .section .text.start, "ax"
    .global _start
_start:
    ldr     x0, =__stack_top
    mov     sp, x0
    ldr     x0, =floor_el2_vectors
    msr     vbar_el2, x0
    mov     x0, #(1 << 31)              /* HCR_EL2.RW: EL1 is AArch64; nothing trapped */
    msr     hcr_el2, x0
    mov     x0, #3                      /* CNTHCTL_EL2: EL1PCTEN | EL1PCEN */
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr
    ldr     x0, =0x30d00800             /* SCTLR_EL1: RES1 bits, MMU and caches off */
    msr     sctlr_el1, x0
    ldr     x0, =__stack_top
    msr     sp_el1, x0
    mov     x0, #0x3c5                  /* SPSR_EL2: EL1h, DAIF masked */
    msr     spsr_el2, x0
    ldr     x0, =floor_main
    msr     elr_el2, x0
    isb
    eret

    .text
    .balign 0x800
floor_el2_vectors:
    .rept 8                             /* current EL: a bug of this stub */
    .balign 0x80
    b       .
    .endr
    .balign 0x80
    eret                                /* lower EL, AArch64, synchronous: HVC */
    .rept 7
    .balign 0x80
    b       .
    .endr
