# SPDX-License-Identifier: Apache-2.0
# How to build for the NXP LX2160A (facts: board.dts). Build-only: QEMU has no model of it.
BOARD_CFLAGS := -mcpu=cortex-a72
QEMU := @echo "boards/lx2160a: no QEMU model; copy septum.bin to the board and boot it with U-Boot's booti" >&2; false
QEMU_MACHINE :=
