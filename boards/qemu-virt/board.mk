# SPDX-License-Identifier: Apache-2.0
# How to build for and run on QEMU's virt board (facts: board.dts).
BOARD_CFLAGS := -mcpu=cortex-a57
QEMU := qemu-system-aarch64
QEMU_MACHINE := -M virt,virtualization=on,gic-version=3 -cpu cortex-a57 -smp 4 -m 1G -nic none
