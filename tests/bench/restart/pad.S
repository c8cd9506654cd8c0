/* SPDX-License-Identifier: Apache-2.0 */
/*
 * make bench, restart time: padding that makes this partition's image as large as the
 * IVI's kernel Image plus initramfs (27,302,400 + 2,163,477 bytes in the measured build),
 * so that the restart copies and verifies as many bytes as the IVI's does.
 */
    .section .rodata.pad, "a"
    .global restart_pad
restart_pad:
    .byte 1
    .space 29465876
