# SPDX-License-Identifier: Apache-2.0
# How to build for the TI J721E (facts: board.dts). Build-only: QEMU has no model of it.
BOARD_CFLAGS := -mcpu=cortex-a72
QEMU := @echo "boards/j721e: no QEMU model; copy septum.bin to the board and boot it with U-Boot's booti" >&2; false
QEMU_MACHINE :=
