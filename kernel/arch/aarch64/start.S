/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Entry of the hypervisor image. The image starts with an arm64 Image header
 * (Linux Documentation/arch/arm64/booting.rst) so QEMU -kernel and U-Boot
 * booti load it and enter at EL2 with x0 = firmware DTB. Flags bit 3 ("the
 * 2 MiB-aligned base may be anywhere in physical memory") makes booti leave
 * the image where gen/boot.cmd loads it, at its link address, instead of
 * moving it to the start of RAM; the adr/ldr check below stops an image that
 * was put anywhere else. The boot CPU and every
 * CPU started later through PSCI CPU_ON turn the EL2 MMU on with the generated
 * tables before touching any writable memory.
 */
#include "asm_defs.h"


/* SCTLR_EL2: RES1 bits | WXN (a writable page is never executable: EL2 W^X) | I | SA | C | M. */
#define SCTLR_EL2_VALUE 0x30cd183d
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
    .quad   0xa                     /* flags: little-endian, 4 KiB pages, 2 MiB-aligned base anywhere */
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
    bl      fw_dtb_copy             /* x21 = bytes of the firmware DTB copied */
    bl      el2_mmu_on

    /* Zero .bss (the stacks are not zeroed: they need not be). Both ends are 16-byte
     * aligned (image.ld). With the MMU on (.bss is Normal memory), DC ZVA zeroes a whole
     * block (DCZID_EL0.BS, 64 bytes on Cortex-A57) per instruction, four per step (Arm ARM
     * C5.3.21, D7.4.12); the head up to the block alignment and the tail take 16 bytes per
     * stp. Without DC ZVA (DZP set, or blocks under 16 bytes): 64 bytes per step, then 16
     * (a word per step was 13,000 instructions, 64 bytes 3,400 of the boot's). */
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
    mrs     x4, dczid_el0
    tbnz    x4, #4, 1f              /* DZP: DC ZVA prohibited */
    and     x4, x4, #15
    mov     x5, #4
    lsl     x5, x5, x4              /* block bytes */
    cmp     x5, #16
    b.lo    1f
    sub     x6, x5, #1
12: tst     x1, x6                  /* head: 16 bytes per step up to a block boundary */
    b.eq    13f
    cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       12b
13: lsl     x7, x5, #2              /* four blocks per step */
14: sub     x3, x2, x1
    cmp     x3, x7
    b.lo    15f
    dc      zva, x1
    add     x1, x1, x5
    dc      zva, x1
    add     x1, x1, x5
    dc      zva, x1
    add     x1, x1, x5
    dc      zva, x1
    add     x1, x1, x5
    b       14b
15: sub     x3, x2, x1              /* then single blocks */
    cmp     x3, x5
    b.lo    1f
    dc      zva, x1
    add     x1, x1, x5
    b       15b
1:  sub     x3, x2, x1
    cmp     x3, #64
    b.lo    5f
    stp     xzr, xzr, [x1], #16
    stp     xzr, xzr, [x1], #16
    stp     xzr, xzr, [x1], #16
    stp     xzr, xzr, [x1], #16
    b       1b
5:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       5b
2:
    /* Find this CPU in cfg_cpus by MPIDR affinity. */
    mrs     x1, mpidr_el1
    ldr     x3, =MPIDR_AFF_MASK_ASM
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
    mov     x2, x21
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

/* wd = the big-endian 32-bit word at [x19 + off], by bytes (any alignment; Device memory). Clobbers w9-w11. */
.macro ldbe32 wd, off
    ldrb    \wd, [x19, #\off]
    ldrb    w9, [x19, #(\off + 1)]
    ldrb    w10, [x19, #(\off + 2)]
    ldrb    w11, [x19, #(\off + 3)]
    lsl     \wd, \wd, #24
    orr     \wd, \wd, w9, lsl #16
    orr     \wd, \wd, w10, lsl #8
    orr     \wd, \wd, w11
.endm

/*
 * Copy the firmware DTB at x19 into arch_fw_dtb while the MMU is off, so that
 * it may lie anywhere in RAM (the EL2 tables map only the hypervisor's own
 * memory). Bounded by FW_DTB_MAX, by the end of board RAM (cfg_hyp) and by
 * the header's totalsize; within that, only the part the blocks use
 * (Devicetree Specification v0.4, 5.2: the structure block ends at
 * off_dt_struct + size_dt_struct, the strings block at off_dt_strings +
 * size_dt_strings), not the padding a loader adds (QEMU: 1 MiB of totalsize
 * for 7.6 KiB of blocks). A memory reservation block that does not start
 * before that end (5.3 puts it first; the spec does not require it) keeps
 * the whole totalsize. The C side (fdt.c) rejects a header whose blocks lie
 * outside what was copied, so the bound never hides bytes it would read.
 * A header without the FDT magic, or with a totalsize below the header's 40
 * bytes, copies at most 40 bytes for the C side to report. x19 = 0 or outside
 * board RAM copies nothing. Then the copy's cache lines are invalidated
 * (written with the MMU off, i.e. non-cacheable) so that the cacheable view
 * after the MMU is on cannot return stale lines (Arm ARM D7.5.2, data cache
 * invalidate by VA to PoC). Out: x21 = bytes copied. Clobbers x0-x15.
 */
fw_dtb_copy:
    mov     x21, #0
    cbz     x19, 9f
    ldr     x0, =cfg_hyp
    ldr     x1, [x0, #CFG_HYP_RAM_BASE]
    ldr     x2, [x0, #CFG_HYP_RAM_SIZE]
    subs    x3, x19, x1             /* offset of the DTB in board RAM */
    b.lo    9f
    cmp     x3, x2
    b.hs    9f
    sub     x3, x2, x3              /* bytes from the DTB to the end of RAM */
    ldr     x4, =FW_DTB_MAX
    cmp     x3, x4
    csel    x3, x3, x4, lo          /* x3 = min(RAM left, FW_DTB_MAX) */
    cmp     x3, #40
    b.lo    5f                      /* no room for a header: copy what there is */
    ldbe32  w4, 0
    ldr     w5, =0xd00dfeed
    cmp     w4, w5
    b.ne    4f
    ldbe32  w4, 4                   /* totalsize (upper half zeroed) */
    cmp     x4, #40
    b.lo    4f
    ldbe32  w5, 8                   /* off_dt_struct */
    ldbe32  w6, 36                  /* size_dt_struct */
    add     x5, x5, x6              /* end of the structure block (no wrap in 64 bits) */
    ldbe32  w6, 12                  /* off_dt_strings */
    ldbe32  w7, 32                  /* size_dt_strings */
    add     x6, x6, x7              /* end of the strings block */
    cmp     x5, x6
    csel    x5, x5, x6, hs          /* x5 = end of the blocks */
    ldbe32  w6, 16                  /* off_mem_rsvmap */
    cmp     x6, x5
    b.hs    3f                      /* reservation block after them: keep totalsize */
    cmp     x5, x4
    csel    x4, x5, x4, lo          /* x4 = min(totalsize, end of the blocks) */
3:  cmp     x4, #40
    mov     x5, #40
    csel    x4, x4, x5, hs          /* at least the header, for the C side to report */
    cmp     x3, x4
    csel    x3, x3, x4, lo          /* x3 = min(x3, x4) */
    b       5f
4:  mov     x4, #40
    cmp     x3, x4
    csel    x3, x3, x4, lo          /* not a usable header: at most 40 bytes */
5:  ldr     x0, =arch_fw_dtb
    mov     x1, #0
    /*
     * 64 bytes per step while the source is 16-byte aligned (the MMU is off: every
     * access is Device memory, where an unaligned one faults; arch_fw_dtb is page
     * aligned), then 16, the tail byte by byte. Byte by byte throughout, QEMU's 64 KiB
     * DTB was about 390,000 of the boot's instructions. Loops test at the bottom.
     */
    tst     x19, #15
    b.ne    6f
    and     x2, x3, #~63            /* bytes of whole 64-byte blocks */
    add     x6, x19, x2
    mov     x7, x0
    mov     x5, x19
    cmp     x5, x6
    b.hs    13f
10: ldp     x8, x9, [x5], #16
    ldp     x10, x11, [x5], #16
    ldp     x12, x13, [x5], #16
    ldp     x14, x15, [x5], #16
    stp     x8, x9, [x7], #16
    stp     x10, x11, [x7], #16
    stp     x12, x13, [x7], #16
    stp     x14, x15, [x7], #16
    cmp     x5, x6
    b.lo    10b
13: and     x2, x3, #~15            /* bytes of whole 16-byte blocks */
    add     x6, x19, x2
14: cmp     x5, x6
    b.hs    11f
    ldp     x8, x9, [x5], #16
    stp     x8, x9, [x7], #16
    b       14b
11: mov     x1, x2
6:  cmp     x1, x3
    b.hs    7f
    ldrb    w2, [x19, x1]
    strb    w2, [x0, x1]
    add     x1, x1, #1
    b       6b
7:  mov     x21, x3
    dsb     sy
    mrs     x4, ctr_el0
    ubfx    x4, x4, #16, #4         /* DminLine: log2 of words per line */
    mov     x5, #4
    lsl     x5, x5, x4              /* smallest D-cache line, bytes */
    add     x6, x0, x3              /* only the lines copied: nothing else of arch_fw_dtb is read */
    cmp     x0, x6
    b.hs    12f
8:  dc      ivac, x0
    add     x0, x0, x5
    cmp     x0, x6
    b.lo    8b
12: dsb     sy
9:  ret

/* Turn on the EL2 MMU with cfg_hyp.el2_root, the boot map. Clobbers x0-x3. */
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

/*
 * x0 = CPU index: EL2 map, stack, TPIDR_EL2 and vectors of this CPU. Clobbers x0-x3.
 * The MMU came on with the boot map (no partition memory); this CPU's own map
 * (cfg_cpus[x0].el2_root) adds only the RAM of the partitions it hosts or serves.
 * Both map the hypervisor and its devices identically, so the switch needs no
 * break-before-make; the TLB is invalidated after it (Arm ARM DDI 0487,
 * "TLB maintenance requirements": a TTBR write, then TLBI ALLE2, DSB, ISB).
 */
cpu_setup:
    ldr     x1, =cfg_cpus
    mov     x2, #CFG_CPU_SIZE
    madd    x1, x0, x2, x1
    ldr     x1, [x1, #CFG_CPU_EL2_ROOT]
    msr     ttbr0_el2, x1
    isb
    tlbi    alle2
    dsb     ish
    isb
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
