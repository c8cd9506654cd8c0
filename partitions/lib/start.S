/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Entry of a bare-metal partition: EL1, MMU and caches off, x0 = 0 (or a DTB
 * for partitions that get one). Sets the stack, clears .bss, turns on the
 * timer event stream so WFE waits wake up, and calls main().
 */
    .section .text.start, "ax"
    .global _start
_start:
    ldr     x1, =__stack_top
    mov     sp, x1
    /*
     * .bss, 16-byte aligned at both ends (partition.ld): 64 bytes per step while
     * 64 remain, then 16. Stores of pairs: the MMU is off (Device memory, so
     * aligned stores only, no DC ZVA); one word per step was 4 instructions per
     * 8 bytes, 17,700 for the bench program's 35 KiB.
     */
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  sub     x3, x2, x1
    cmp     x3, #64
    b.lo    2f
    stp     xzr, xzr, [x1]
    stp     xzr, xzr, [x1, #16]
    stp     xzr, xzr, [x1, #32]
    stp     xzr, xzr, [x1, #48]
    add     x1, x1, #64
    b       1b
2:  cmp     x1, x2
    b.hs    3f
    stp     xzr, xzr, [x1], #16
    b       2b
3:
    /* CNTKCTL_EL1: EVNTEN, event on bit 10 of CNTVCT (every 1024 ticks), EL0 counter access. */
    mov     x1, #((10 << 4) | (1 << 2) | (1 << 1))
    msr     cntkctl_el1, x1
    isb
    bl      main
4:  wfi
    b       4b

    /* Secondary vCPUs, started by sp_cpu_on(): x0 = context id = vCPU index. */
    .text
    .global sp_secondary_start
sp_secondary_start:
    ldr     x1, =sp_stacks
    add     x2, x0, #1
    mov     x3, #0x4000
    madd    x1, x2, x3, x1
    mov     sp, x1
    mov     x1, #((10 << 4) | (1 << 2) | (1 << 1))
    msr     cntkctl_el1, x1
    isb
    bl      sp_secondary_main
5:  wfi
    b       5b
