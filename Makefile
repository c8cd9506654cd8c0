# SPDX-License-Identifier: Apache-2.0
# Septum: one entry point. `make help` lists the targets.
#
#   make              generate gen/ from system.yaml and build build/septum.bin
#   make run          ... and boot it in QEMU (QEMU_TIMEOUT=N: stop after N s, exit 0)
#   make test         every test suite: generator, unit, integration
#
# Another description: make SYSTEM=path/to/system.yaml BUILD=build/other
# (its generated files then go to $(BUILD)/gen instead of the committed gen/).

SYSTEM ?= system.yaml
BUILD ?= build
ifeq ($(SYSTEM),system.yaml)
GEN ?= gen
else
GEN ?= $(BUILD)/gen
endif
# The board is the description's `board:` (boards/$(BOARD)/board.mk: compiler flags, QEMU).
BOARD ?= $(or $(shell sed -n 's/^board:[[:space:]]*\([A-Za-z0-9_.-]*\).*/\1/p' $(SYSTEM) 2>/dev/null | head -n 1),qemu-virt)
IMAGE ?= $(BUILD)/septum.bin
PYTHON ?= /usr/bin/python3
CROSS ?= aarch64-linux-gnu-
CC := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
QEMU_TIMEOUT ?=
V ?= 0
ifeq ($(V),1)
Q :=
else
Q := @
endif

include boards/$(BOARD)/board.mk

.DEFAULT_GOAL := all
.PHONY: all run test test-generator test-unit test-integration check-config gen-check deps-build deps-test deps-run clean help evidence coverage misra bench
.DELETE_ON_ERROR:

help:
	@echo "Build and run ($(SYSTEM) on board $(BOARD), into $(BUILD)/):"
	@echo "  make [all]              build $(BUILD)/septum.bin"
	@echo "  make run                boot it in QEMU (QEMU_TIMEOUT=N: headless for N s; BOOT=uboot: through U-Boot)"
	@echo "  make debug              boot it in QEMU stopped at reset, waiting for gdb (see $(BUILD)/septum.gdb)"
	@echo "  make uboot-disk         $(BUILD)/uboot-disk.img: boot.scr + septum.bin on FAT, for U-Boot"
	@echo "  make check-config       validate $(SYSTEM) only"
	@echo "  make print-qemu-cmd     the QEMU command line make run uses"
	@echo "  make ivi-image          fetch and assemble the IVI's Linux kernel and initramfs"
	@echo "  make ivi-refresh        resolve the Debian kernel and busybox against the archive again"
	@echo "Tests:"
	@echo "  make test               everything below except evidence and bench"
	@echo "  make test-generator     generator tests (pytest)"
	@echo "  make gen-check          fail if the committed gen/ is stale"
	@echo "  make test-unit          host unit tests (cmocka, fake arch)"
	@echo "  make test-fuzz          fuzz the firmware-DTB reader (libFuzzer, FUZZ_RUNS=$(FUZZ_RUNS))"
	@echo "  make test-boards        generate and link every build-only board example"
	@echo "  make test-integration   boot tests in QEMU (pytest -v: one line per test)"
	@echo "  make test-evidence-quick  every requirement id is known and tested"
	@echo "Evidence and performance:"
	@echo "  make evidence           the certification evidence bundle (slow)"
	@echo "  make coverage | coverage-host | coverage-target | coverage-ratchet"
	@echo "  make misra | misra-cppcheck | tidy | stack | proofs | trace | evidence-bundle"
	@echo "  make bench | bench-floor"
	@echo "Set-up and cleaning:"
	@echo "  make deps-build | deps-run | deps-test | deps-debug | deps-evidence | deps-bench | deps-ivi"
	@echo "                          install the Debian packages of that group (tools/install-deps.sh)"
	@echo "  make clean              remove $(BUILD)/ but keep the downloaded Debian packages"
	@echo "  make distclean          remove $(BUILD)/ and the download cache too"
	@echo "Variables: SYSTEM=file.yaml BUILD=dir (the board comes from the description), V=1 (show commands)"

# ---------------------------------------------------------------- set-up
DEPS_STAMP := $(BUILD)/.deps
deps-build:
	$(Q)tools/install-deps.sh build
deps-run:
	$(Q)tools/install-deps.sh run
deps-test:
	$(Q)tools/install-deps.sh test
deps-debug:
	$(Q)tools/install-deps.sh debug

# ---------------------------------------------------------------- generator
GENERATOR_SRC := $(shell find generator -name '*.py' -o -name '*.j2' -o -name '*.json' 2>/dev/null)
BOARD_DTS := $(wildcard boards/*/board.dts)
GEN_STAMP := $(GEN)/fingerprint

# A description with a Linux partition names the IVI kernel and initramfs,
# which are fetched and assembled at build time (partitions/ivi/ivi.mk).
include partitions/ivi/ivi.mk
linux_images = $(if $(shell grep -sE '^[^#]*kind:[[:space:]]*linux' $(1)),$(IVI_IMAGE) $(IVI_INITRAMFS))

$(GEN_STAMP): $(SYSTEM) $(BOARD_DTS) $(GENERATOR_SRC) kernel/include/cfg_types.h $(call linux_images,$(SYSTEM)) | deps-build
	@echo "  GEN     $(SYSTEM) -> $(GEN)/"
	$(Q)$(PYTHON) -m generator build $(SYSTEM) -o $(GEN)
	$(Q)touch $@

$(GEN)/partitions.mk $(GEN)/config.c $(GEN)/pagetables.c $(GEN)/images.S $(GEN)/image.ld: $(GEN_STAMP) ;
$(GEN)/partitions/%/memory.ld: $(GEN_STAMP) ;

check-config: | deps-build
	$(Q)$(PYTHON) -m generator check $(SYSTEM)

gen-check: $(call linux_images,system.yaml) | deps-build
	@echo "  CHECK   gen/ is what system.yaml generates"
	$(Q)rm -rf $(BUILD)/gen-check && $(PYTHON) -m generator build system.yaml -o $(BUILD)/gen-check
	$(Q)diff -r gen $(BUILD)/gen-check || { echo "gen/ is stale: run 'make' and commit gen/" >&2; exit 1; }

ifneq ($(filter-out help clean distclean deps-% check-config gen-check test-generator test-boards test-fuzz print-qemu-cmd ivi-%,$(MAKECMDGOALS)),)
include $(GEN)/partitions.mk
else ifeq ($(MAKECMDGOALS),)
include $(GEN)/partitions.mk
endif

# ---------------------------------------------------------------- common flags
WARN := -Wall -Wextra -Werror -Wshadow -Wundef -Wstrict-prototypes -Wmissing-prototypes -Wvla
TARGET_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-builtin -nostdlib -fno-common -fno-pic \
	-fno-stack-protector -fno-asynchronous-unwind-tables -mgeneral-regs-only -mno-outline-atomics \
	-mstrict-align $(BOARD_CFLAGS) $(WARN) -MMD -MP

# ---------------------------------------------------------------- partitions
PLIB_SRC := partitions/lib/start.S partitions/lib/vectors.S partitions/lib/hvc.c partitions/lib/console.c \
	partitions/lib/time.c partitions/lib/gic.c partitions/lib/smp.c partitions/lib/chan.c partitions/lib/net.c \
	kernel/lib/fmt.c kernel/lib/string.c
PART_INC := -Ipartitions/lib/include -Ipartitions/include -Ikernel/include

# $(1) = partition name: a bare-metal program built from source
define baremetal_rules
PART_$(1)_SRC := $$(PLIB_SRC) $$(wildcard $$(SEPTUM_PART_$(1)_PROGRAM)/*.c $$(SEPTUM_PART_$(1)_PROGRAM)/*.S)
PART_$(1)_OBJ := $$(patsubst %,$(BUILD)/partitions/$(1)/%.o,$$(PART_$(1)_SRC))
$(BUILD)/partitions/$(1)/%.c.o: %.c $(GEN_STAMP)
	@mkdir -p $$(@D)
	@echo "  CC      $(1): $$<"
	$(Q)$(CC) $(TARGET_CFLAGS) $(PART_INC) -I$(GEN)/partitions/$(1) -c $$< -o $$@
$(BUILD)/partitions/$(1)/%.S.o: %.S $(GEN_STAMP)
	@mkdir -p $$(@D)
	@echo "  AS      $(1): $$<"
	$(Q)$(CC) $(TARGET_CFLAGS) $(PART_INC) -I$(GEN)/partitions/$(1) -c $$< -o $$@
$(BUILD)/partitions/$(1).elf: $$(PART_$(1)_OBJ) partitions/lib/partition.ld $(GEN)/partitions/$(1)/memory.ld
	@echo "  LD      $$@"
	$(Q)$(CC) $(TARGET_CFLAGS) -static -Wl,--build-id=none -Wl,--no-warn-rwx-segments -L$(GEN)/partitions/$(1) -T partitions/lib/partition.ld \
		$$(PART_$(1)_OBJ) -o $$@ -lgcc
$(BUILD)/partitions/$(1).bin: $(BUILD)/partitions/$(1).elf
	$(Q)$(OBJCOPY) -O binary $$< $$@
-include $$(PART_$(1)_OBJ:.o=.d)
endef

# $(1) = partition name: a Linux kernel Image, its initrd and its generated device tree.
# The DTB's /chosen/linux,initrd-end is set here from the initrd's size, so
# the committed configuration does not depend on the initramfs's bytes.
define linux_rules
$(BUILD)/partitions/$(1).bin: $$(SEPTUM_PART_$(1)_KERNEL) $(GEN_STAMP)
	@mkdir -p $$(@D)
	@echo "  IMAGE   $(1): $$<"
	$(Q)cp $$< $$@
$(BUILD)/partitions/$(1).initrd: $$(SEPTUM_PART_$(1)_INITRD) $(GEN_STAMP)
	@mkdir -p $$(@D)
	$(Q)cp $$< $$@
$(BUILD)/partitions/$(1).dtb: $(GEN)/$$(SEPTUM_PART_$(1)_DTS) $$(SEPTUM_PART_$(1)_INITRD) $(GEN_STAMP)
	@mkdir -p $$(@D)
	@echo "  DTC     $$<"
	$(Q)dtc -q -I dts -O dtb -o $$@ $$<
	$(Q)if [ -n "$$(SEPTUM_PART_$(1)_INITRD)" ]; then \
		set -- $$$$(fdtget -t x $$@ /chosen linux,initrd-start); \
		if [ $$$$# -eq 1 ]; then set -- 0 $$$$1; fi; \
		e=$$$$(( (0x$$$$1 << 32) + 0x$$$$2 + $$$$(stat -c %s $$(SEPTUM_PART_$(1)_INITRD)) )); \
		if [ $$$$(fdtget -t x $$@ /chosen linux,initrd-start | wc -w) -eq 1 ]; then \
			fdtput -t x $$@ /chosen linux,initrd-end $$$$(printf '%x' $$$$e); \
		else \
			fdtput -t x $$@ /chosen linux,initrd-end $$$$(printf '%x %x' $$$$((e >> 32)) $$$$((e & 0xffffffff))); \
		fi; \
	fi
PART_$(1)_LINUX := $(BUILD)/partitions/$(1).dtb $$(if $$(SEPTUM_PART_$(1)_INITRD),$(BUILD)/partitions/$(1).initrd)
endef

partition_rules = $(if $(filter linux,$(SEPTUM_PART_$(1)_KIND)),$(linux_rules),$(baremetal_rules))
$(foreach p,$(SEPTUM_PARTITIONS),$(eval $(call partition_rules,$(p))))
PART_BINS := $(patsubst %,$(BUILD)/partitions/%.bin,$(SEPTUM_PARTITIONS)) \
	$(foreach p,$(SEPTUM_PARTITIONS),$(PART_$(p)_LINUX))
# Build-time digests of each partition's images (gen/images.S includes partitions/<name>.digest).
$(BUILD)/partitions/digests.stamp: $(PART_BINS) $(GEN_STAMP) tools/image-digest
	$(Q)$(PYTHON) tools/image-digest $(GEN) $(BUILD) && touch $@

# ---------------------------------------------------------------- kernel
KERNEL_C := $(wildcard kernel/core/*.c kernel/lib/*.c vdev/*.c) \
	$(filter-out kernel/arch/aarch64/asm_defs.c,$(wildcard kernel/arch/aarch64/*.c))
KERNEL_S := $(wildcard kernel/arch/aarch64/*.S)
KERNEL_OBJ := $(patsubst %,$(BUILD)/kernel/%.o,$(KERNEL_C) $(KERNEL_S)) \
	$(BUILD)/kernel/gen/config.c.o $(BUILD)/kernel/gen/pagetables.c.o $(BUILD)/kernel/gen/images.S.o
KERNEL_INC := -Ikernel/include -Ivdev -Ikernel/arch/aarch64 -I$(GEN) -I$(BUILD)/kernel

$(BUILD)/kernel/asm_defs.h: kernel/arch/aarch64/asm_defs.c $(GEN_STAMP) $(wildcard kernel/include/*.h kernel/arch/aarch64/*.h)
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)$(CC) $(TARGET_CFLAGS) $(KERNEL_INC) -S $< -o $@.s
	$(Q){ echo "/* Generated from kernel/arch/aarch64/asm_defs.c. Do not edit. */"; echo "#pragma once"; \
	  sed -n 's/.*->\([A-Z0-9_]*\) #\{0,1\}\([0-9][0-9]*\).*/#define \1 \2/p' $@.s; } > $@

# Cold code is built for size (issue 11, binary size): what runs once at boot (boot, the firmware
# DTB check, the GIC's set-up, the Spectre probe), on a restart or a PSCI call, the run-time control
# commands, Septum's hypercalls in C (the null hypercall and the constant answers are vectors.S's)
# and the link's virtio-net device (its 60-byte frame send 1,168 -> 1,184 instructions, one counter tick;
# the copy is string.c's).
# The exit paths (trap, vgic, vuart, inject, irq, console, chan, sched, arch.c,
# string.c) stay at -O2: their bench rows are the targets; so do the firmware DTB reader (fdt.c)
# and fmt.c, on the boot's measured path (at -Os: +3,500 and +2,000 instructions to the first line).
KERNEL_COLD := kernel/core/boot.c kernel/core/fwcheck.c kernel/core/ctl.c \
	kernel/core/psci.c kernel/core/health.c kernel/core/part.c kernel/arch/aarch64/gic.c \
	kernel/core/spectre.c kernel/core/hypercall.c vdev/virtio_net.c
# No jump tables: the stack check (verification/stack) allows no unresolved indirect branch.
KERNEL_COLD_OPT := -Os -fno-jump-tables
$(patsubst %,$(BUILD)/kernel/%.o,$(KERNEL_COLD)) $(BUILD)/kernel/gen/config.c.o: KERNEL_OPT := $(KERNEL_COLD_OPT)
# Hot files whose -O2 inlining of non-small functions (-finline-functions, on at -O2 since GCC 10)
# costs bytes and buys no measured instruction: vgic.c (-670 bytes; every micro and scaling row
# unchanged, reset -> first guest line +1 instruction). fdt.c would save 370 bytes for +330
# instructions to the first guest line, so it keeps its inlining.
KERNEL_NOINLINE := vdev/vgic.c
$(patsubst %,$(BUILD)/kernel/%.o,$(KERNEL_NOINLINE)): KERNEL_OPT := -fno-inline-functions
# One section per function, and the link drops what nothing references (functions only the unit
# tests or another configuration use, e.g. fdt_next(), the scheduler's helpers without a schedule).
KERNEL_SECTIONS := -ffunction-sections
# No alignment padding of functions, loops and jump targets (-mcpu=cortex-a57 asks 16/8/4 bytes):
# 1,900 bytes of NOPs and fill that the icount bench rows only pay for (issue 11, binary size).
KERNEL_SECTIONS += -falign-functions=4 -falign-loops=4 -falign-jumps=4
# No frame-pointer chain (this compiler keeps one by default: 156 functions set x29): nothing walks
# it (the EL2 exception report prints ESR/ELR/FAR, gdb unwinds from .debug_frame), and x29 stays
# callee-saved (AAPCS64), which the light exit step relies on (vectors.S). -950 bytes.
KERNEL_SECTIONS += -fomit-frame-pointer

$(BUILD)/kernel/%.c.o: %.c $(GEN_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(TARGET_CFLAGS) $(KERNEL_OPT) $(KERNEL_SECTIONS) $(KERNEL_INC) -c $< -o $@
$(BUILD)/kernel/%.S.o: %.S $(BUILD)/kernel/asm_defs.h $(GEN_STAMP)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(TARGET_CFLAGS) $(KERNEL_INC) -c $< -o $@
$(BUILD)/kernel/gen/%.c.o: $(GEN)/%.c $(GEN_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(TARGET_CFLAGS) $(KERNEL_INC) -c $< -o $@
$(BUILD)/kernel/gen/images.S.o: $(GEN)/images.S $(PART_BINS) $(BUILD)/partitions/digests.stamp $(GEN_STAMP)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(TARGET_CFLAGS) $(KERNEL_INC) -Wa,-I$(BUILD) -c $< -o $@
-include $(KERNEL_OBJ:.o=.d)

$(BUILD)/septum.elf: $(KERNEL_OBJ) $(GEN)/image.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(TARGET_CFLAGS) -static -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,--gc-sections -Wl,-Map,$(BUILD)/septum.map -T $(GEN)/image.ld \
		$(KERNEL_OBJ) -o $@ -lgcc
$(BUILD)/septum.bin: $(BUILD)/septum.elf
	@echo "  IMAGE   $@"
	$(Q)$(OBJCOPY) -O binary $< $@

all: $(BUILD)/septum.bin

# ---------------------------------------------------------------- run
# BOOT=kernel (default): QEMU loads the image itself (-kernel), as a bootloader would.
# BOOT=uboot: QEMU runs Debian's U-Boot (-bios), which finds boot.scr (made from
# $(GEN)/boot.cmd) and septum.bin on a FAT partition of a virtio-blk disk image.
BOOT ?= kernel
UBOOT_BIOS ?= /usr/lib/u-boot/qemu_arm64/u-boot.bin
UBOOT_DISK := $(BUILD)/uboot-disk.img
ifeq ($(BOOT),uboot)
QEMU_BOOT = -bios $(UBOOT_BIOS) -drive if=none,file=$(UBOOT_DISK),format=raw,id=d0 -device virtio-blk-device,drive=d0
RUN_DEPS := $(UBOOT_DISK)
else
QEMU_BOOT = -kernel $(IMAGE)
RUN_DEPS := all
endif

$(BUILD)/boot.scr: $(GEN)/boot.cmd | deps-run
	@echo "  MKIMAGE $@"
	$(Q)mkimage -A arm64 -T script -C none -n "Septum boot script" -d $< $@ >/dev/null

# An MBR disk with one bootable FAT partition at 1 MiB holding septum.bin and
# boot.scr, made without loop mounts or root (sfdisk, mkfs.vfat --offset, mcopy).
$(UBOOT_DISK): $(BUILD)/septum.bin $(BUILD)/boot.scr | deps-run
	@echo "  DISK    $@"
	$(Q)rm -f $@.tmp && mib=$$(( $$(stat -c %s $(BUILD)/septum.bin) / 1048576 + 9 )) && \
	  truncate -s $${mib}M $@.tmp && \
	  echo 'start=2048, type=c, bootable' | sfdisk -q $@.tmp && \
	  mkfs.vfat -n SEPTUM --offset 2048 $@.tmp $$(( ($$mib - 1) * 1024 )) >/dev/null && \
	  mcopy -i $@.tmp@@1M $(BUILD)/septum.bin $(BUILD)/boot.scr ::/ && mv $@.tmp $@
uboot-disk: $(UBOOT_DISK)
.PHONY: uboot-disk

QEMU_CMD = $(QEMU) $(QEMU_MACHINE) -nographic $(QEMU_BOOT)
run: $(RUN_DEPS) | deps-run
ifeq ($(QEMU_TIMEOUT),)
	$(QEMU_CMD)
else
	@echo "  QEMU    $(BUILD)/septum.bin for $(QEMU_TIMEOUT) s"
	$(Q)timeout --foreground $(QEMU_TIMEOUT) $(QEMU_CMD); rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 124 ]
endif

# ---------------------------------------------------------------- debug
# make debug: QEMU stops at reset and waits for gdb on GDB_PORT; $(BUILD)/septum.gdb
# loads the hypervisor's symbols and every bare-metal partition's ELF (linked at
# its own addresses) and connects. Linux partitions: their Image has no symbols.
GDB_PORT ?= 1234
$(BUILD)/septum.gdb: $(BUILD)/septum.bin FORCE
	$(Q){ echo "# Generated by make debug for $(SYSTEM). Use: gdb-multiarch -x $@"; \
	  echo "set pagination off"; echo "set confirm off"; echo "set architecture aarch64"; \
	  echo "file $(abspath $(BUILD)/septum.elf)"; \
	  $(foreach p,$(SEPTUM_PARTITIONS),$(if $(filter linux,$(SEPTUM_PART_$(p)_KIND)),, \
	    echo "add-symbol-file $(abspath $(BUILD)/partitions/$(p).elf)";)) \
	  echo "target remote localhost:$(GDB_PORT)"; } > $@
debug: all $(BUILD)/septum.gdb | deps-debug
	@echo "  DEBUG   QEMU waits for gdb on port $(GDB_PORT); in another terminal:"
	@echo "          gdb-multiarch -x $(BUILD)/septum.gdb"
	$(QEMU_CMD) -gdb tcp::$(GDB_PORT) -S
.PHONY: debug FORCE
FORCE:

# ---------------------------------------------------------------- tests
test: | deps-test
	$(Q)$(MAKE) --no-print-directory test-evidence-quick
	$(Q)$(MAKE) --no-print-directory test-generator
	$(Q)$(MAKE) --no-print-directory gen-check
	$(Q)$(MAKE) --no-print-directory test-unit
	$(Q)$(MAKE) --no-print-directory test-fuzz
	$(Q)$(MAKE) --no-print-directory test-boards
	$(Q)$(MAKE) --no-print-directory test-integration

# Each suite leaves its results in $(TEST_RESULTS) (JUnit XML with the requirement ids,
# cmocka output) with a stamp of the tree it ran on; `make trace` reuses them.
TEST_RESULTS := $(BUILD)/test-results
PYTEST_RESULTS = PYTHONPATH=verification $(PYTHON) -m pytest -q -p pytest_req -o junit_logging=all \
	--junitxml=$(TEST_RESULTS)/$(1).xml
STAMP_BEGIN = mkdir -p $(TEST_RESULTS) && rm -f $(TEST_RESULTS)/$(1).stamp && \
	$(PYTHON) verification/tree_state.py > $(TEST_RESULTS)/$(1).stamp.new
STAMP_END = mv $(TEST_RESULTS)/$(1).stamp.new $(TEST_RESULTS)/$(1).stamp

test-generator: | deps-test
	@echo "  PYTEST  tests/generator tests/evidence"
	$(Q)$(call STAMP_BEGIN,generator)
	$(Q)$(call PYTEST_RESULTS,generator) tests/generator tests/evidence; \
	  rc=$$?; $(call STAMP_END,generator); exit $$rc

include tests/unit/unit.mk
include verification/verification.mk
include tests/bench/bench.mk
include tests/fuzz/fuzz.mk
# Files made only as prerequisites of a pattern rule (the unit tests), kept (a bare .SECONDARY: would make every
# target intermediate, and a missing intermediate prerequisite, e.g. the IVI kernel
# after make clean, would then not regenerate gen/ until the next make).
.SECONDARY: $(patsubst %,$(UNIT_BUILD)/obj/tests/unit/%.c.o,$(UNIT_TESTS)) $(UNIT_OBJ)

# Build-only boards (no QEMU model): every example description generates and links.
BOARD_EXAMPLES := $(wildcard tests/generator/boards/*.yaml)
test-boards: | deps-test
	$(Q)for s in $(BOARD_EXAMPLES); do \
	  n=$$(basename $$s .yaml); echo "  BOARD   $$s -> $(BUILD)/boards/$$n/septum.elf"; \
	  $(MAKE) --no-print-directory -s SYSTEM=$$s BUILD=$(BUILD)/boards/$$n $(BUILD)/boards/$$n/septum.elf >/dev/null || exit 1; \
	done
.PHONY: test-boards

# -v: one line per test as it finishes (a boot test takes a minute or more).
test-integration: all | deps-test
	@echo "  PYTEST  tests/integration (one line per test; each boots QEMU)"
	$(Q)$(call STAMP_BEGIN,integration)
	$(Q)$(call PYTEST_RESULTS,integration) -vv -p no:cacheprovider tests/integration; \
	  rc=$$?; $(call STAMP_END,integration); exit $$rc

# clean keeps the downloaded Debian packages ($(IVI_DIR)/debs, apt): the next
# make extracts the IVI kernel from them again without the network.
clean:
	@echo "  CLEAN   $(BUILD)/ (keeping the download cache in $(IVI_DIR)/debs; make distclean removes it)"
	$(Q)if [ -d $(BUILD) ]; then find $(BUILD) -mindepth 1 -maxdepth 1 ! -name ivi -exec rm -rf {} +; fi
	$(Q)case "$(IVI_DIR)/" in $(BUILD)/*) if [ -d $(IVI_DIR) ]; then \
	  find $(IVI_DIR) -mindepth 1 -maxdepth 1 ! -name debs ! -name apt -exec rm -rf {} +; fi ;; esac
distclean:
	@echo "  CLEAN   $(BUILD)/ and $(IVI_DIR)/"
	$(Q)rm -rf $(BUILD) $(IVI_DIR)
.PHONY: distclean

# The QEMU command line for IMAGE (used by tests/integration); BOOT=uboot: the U-Boot disk's.
print-qemu-cmd:
	@echo $(QEMU_CMD)
.PHONY: print-qemu-cmd
