# SPDX-License-Identifier: Apache-2.0
# How to build for and run on QEMU's xlnx-versal-virt board (facts: board.dts).
# The machine has no virtualization switch: QEMU enters a -kernel image at EL2.
BOARD_CFLAGS := -mcpu=cortex-a72
QEMU := qemu-system-aarch64
QEMU_MACHINE := -M xlnx-versal-virt -m 2G -nic none
