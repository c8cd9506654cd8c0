/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Entry of the hypervisor image. The image starts with an arm64 Image header
 * (Linux Documentation/arch/arm64/booting.rst) so QEMU -kernel and U-Boot
 * booti load it and enter at EL2 with x0 = firmware DTB. The boot CPU and every
 * CPU started later through PSCI CPU_ON turn the EL2 MMU on with the generated
 * tables before touching any writable memory.
 */
#include "asm_defs.h"


/* SCTLR_EL2: RES1 bits | I | SA | C | M. */
#define SCTLR_EL2_VALUE 0x30c5183d
/* MAIR_EL2: attr0 normal write-back, attr1 device nGnRE. */
#define MAIR_EL2_VALUE 0x04ff
/* TCR_EL2: RES1 (31, 23) | SH0 inner | ORGN0/IRGN0 WB-WA | T0SZ 25; PS added at run time. */
#define TCR_EL2_VALUE 0x80803519

    .section .text.head, "ax"
    .global _start
_start:
    b       primary_entry           /* code0 */
    .long   0                       /* code1 */
    .quad   __text_offset           /* text_offset */
    .quad   __image_size            /* image_size, including bss and stacks */
    .quad   0x2                     /* flags: little-endian, 4 KiB pages, base near RAM start */
    .quad   0
    .quad   0
    .quad   0
    .ascii  "ARM\x64"               /* magic */
    .long   0

primary_entry:
    mov     x19, x0                 /* firmware DTB */
    mrs     x1, CurrentEL
    cmp     x1, #(2 << 2)
    b.ne    early_hang              /* not entered at EL2: nothing to partition */
    adr     x1, _start
    ldr     x2, =_start
    cmp     x1, x2
    b.ne    early_hang              /* loaded elsewhere than linked: tables would be wrong */
    bl      el2_mmu_on

    /* Zero .bss (the stacks are not zeroed: they need not be). */
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:
    /* Find this CPU in cfg_cpus by MPIDR affinity. */
    mrs     x1, mpidr_el1
    ldr     x3, =0xff00ffffff
    and     x1, x1, x3
    ldr     x2, =cfg_cpus
    mov     x20, #0
3:  cmp     x20, #ASM_NUM_CPUS
    b.hs    early_hang
    ldr     x4, [x2, #CFG_CPU_MPIDR]
    cmp     x4, x1
    b.eq    4f
    add     x2, x2, #CFG_CPU_SIZE
    add     x20, x20, #1
    b       3b
4:  mov     x0, x20
    bl      cpu_setup
    mov     x0, x20
    mov     x1, x19
    b       arch_primary_main

    .text
    /* Entered by PSCI CPU_ON at EL2, MMU off, x0 = context id = CPU index. */
    .global secondary_entry
secondary_entry:
    mov     x20, x0
    bl      el2_mmu_on
    mov     x0, x20
    bl      cpu_setup
    mov     x0, x20
    b       arch_secondary_main

/* Turn on the EL2 MMU with cfg_hyp.el2_root. Clobbers x0-x3. */
el2_mmu_on:
    ldr     x0, =MAIR_EL2_VALUE
    msr     mair_el2, x0
    mrs     x1, id_aa64mmfr0_el1
    and     x1, x1, #0xf            /* PARange */
    cmp     x1, #2
    mov     x2, #2
    csel    x1, x1, x2, lo          /* at most 40-bit physical addresses */
    ldr     x0, =TCR_EL2_VALUE
    orr     x0, x0, x1, lsl #16     /* PS */
    msr     tcr_el2, x0
    ldr     x0, =cfg_hyp
    ldr     x0, [x0, #CFG_HYP_EL2_ROOT]
    msr     ttbr0_el2, x0
    isb
    tlbi    alle2
    dsb     ish
    isb
    ldr     x0, =SCTLR_EL2_VALUE
    msr     sctlr_el2, x0
    isb
    ret

/* x0 = CPU index: stack, TPIDR_EL2 and vectors of this CPU. Clobbers x0-x3. */
cpu_setup:
    ldr     x1, =arch_cpus
    mov     x2, #ARCH_CPU_SIZE
    madd    x1, x0, x2, x1          /* &arch_cpus[cpu] */
    msr     tpidr_el2, x1
    ldr     x2, =arch_stacks
    add     x3, x0, #1
    mov     x0, #ARCH_STACK_SIZE
    madd    x2, x3, x0, x2          /* top of arch_stacks[cpu] */
    mov     sp, x2
    str     x2, [x1, #ARCH_CPU_STACK_TOP]
    ldr     x0, =el2_vectors
    msr     vbar_el2, x0
    isb
    ret

early_hang:
    wfe
    b       early_hang
