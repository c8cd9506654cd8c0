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
BOARD ?= qemu-virt
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
.SECONDARY:

help:
	@echo "make [all]          build $(BUILD)/septum.bin from $(SYSTEM)"
	@echo "make run            boot it in QEMU (QEMU_TIMEOUT=N for a headless N-second run)"
	@echo "make test           generator, unit and integration tests"
	@echo "make check-config   validate $(SYSTEM) only"
	@echo "make gen-check      fail if the committed gen/ is stale"

# ---------------------------------------------------------------- set-up
DEPS_STAMP := $(BUILD)/.deps
deps-build:
	$(Q)tools/install-deps.sh build
deps-run:
	$(Q)tools/install-deps.sh run
deps-test:
	$(Q)tools/install-deps.sh test

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

ifneq ($(filter-out help clean deps-% check-config gen-check test-generator print-qemu-cmd ivi-%,$(MAKECMDGOALS)),)
-include $(GEN)/partitions.mk
else ifeq ($(MAKECMDGOALS),)
-include $(GEN)/partitions.mk
endif

# ---------------------------------------------------------------- common flags
WARN := -Wall -Wextra -Werror -Wshadow -Wundef -Wstrict-prototypes -Wmissing-prototypes -Wvla
TARGET_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-builtin -nostdlib -fno-common -fno-pic \
	-fno-stack-protector -fno-asynchronous-unwind-tables -mgeneral-regs-only -mno-outline-atomics \
	-mstrict-align $(BOARD_CFLAGS) $(WARN) -MMD -MP

# ---------------------------------------------------------------- partitions
PLIB_SRC := partitions/lib/start.S partitions/lib/vectors.S partitions/lib/hvc.c partitions/lib/console.c \
	partitions/lib/time.c partitions/lib/gic.c partitions/lib/smp.c kernel/lib/fmt.c kernel/lib/string.c
PART_INC := -Ipartitions/lib/include -Ikernel/include

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
		e=$$$$(( (0x$$$$1 << 32) + 0x$$$$2 + $$$$(stat -c %s $$(SEPTUM_PART_$(1)_INITRD)) )); \
		fdtput -t x $$@ /chosen linux,initrd-end $$$$(printf '%x %x' $$$$((e >> 32)) $$$$((e & 0xffffffff))); \
	fi
PART_$(1)_LINUX := $(BUILD)/partitions/$(1).dtb $$(if $$(SEPTUM_PART_$(1)_INITRD),$(BUILD)/partitions/$(1).initrd)
endef

partition_rules = $(if $(filter linux,$(SEPTUM_PART_$(1)_KIND)),$(linux_rules),$(baremetal_rules))
$(foreach p,$(SEPTUM_PARTITIONS),$(eval $(call partition_rules,$(p))))
PART_BINS := $(patsubst %,$(BUILD)/partitions/%.bin,$(SEPTUM_PARTITIONS)) \
	$(foreach p,$(SEPTUM_PARTITIONS),$(PART_$(p)_LINUX))

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

$(BUILD)/kernel/%.c.o: %.c $(GEN_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(TARGET_CFLAGS) $(KERNEL_INC) -c $< -o $@
$(BUILD)/kernel/%.S.o: %.S $(BUILD)/kernel/asm_defs.h $(GEN_STAMP)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(TARGET_CFLAGS) $(KERNEL_INC) -c $< -o $@
$(BUILD)/kernel/gen/%.c.o: $(GEN)/%.c $(GEN_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(TARGET_CFLAGS) $(KERNEL_INC) -c $< -o $@
$(BUILD)/kernel/gen/images.S.o: $(GEN)/images.S $(PART_BINS) $(GEN_STAMP)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(TARGET_CFLAGS) $(KERNEL_INC) -Wa,-I$(BUILD) -c $< -o $@
-include $(KERNEL_OBJ:.o=.d)

$(BUILD)/septum.elf: $(KERNEL_OBJ) $(GEN)/image.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(TARGET_CFLAGS) -static -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-Map,$(BUILD)/septum.map -T $(GEN)/image.ld \
		$(KERNEL_OBJ) -o $@ -lgcc
$(BUILD)/septum.bin: $(BUILD)/septum.elf
	@echo "  IMAGE   $@"
	$(Q)$(OBJCOPY) -O binary $< $@

all: $(BUILD)/septum.bin

# ---------------------------------------------------------------- run
QEMU_CMD = $(QEMU) $(QEMU_MACHINE) -nographic -kernel $(BUILD)/septum.bin
run: all | deps-run
ifeq ($(QEMU_TIMEOUT),)
	$(QEMU_CMD)
else
	@echo "  QEMU    $(BUILD)/septum.bin for $(QEMU_TIMEOUT) s"
	$(Q)timeout --foreground $(QEMU_TIMEOUT) $(QEMU_CMD); rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 124 ]
endif

# ---------------------------------------------------------------- tests
test: | deps-test
	$(Q)$(MAKE) --no-print-directory test-evidence-quick
	$(Q)$(MAKE) --no-print-directory test-generator
	$(Q)$(MAKE) --no-print-directory gen-check
	$(Q)$(MAKE) --no-print-directory test-unit
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

test-integration: all | deps-test
	@echo "  PYTEST  tests/integration"
	$(Q)$(call STAMP_BEGIN,integration)
	$(Q)$(call PYTEST_RESULTS,integration) tests/integration; \
	  rc=$$?; $(call STAMP_END,integration); exit $$rc

clean:
	rm -rf $(BUILD)

# The QEMU command line for IMAGE (used by tests/integration).
IMAGE ?= $(BUILD)/septum.bin
print-qemu-cmd:
	@echo $(QEMU) $(QEMU_MACHINE) -nographic -kernel $(IMAGE)
.PHONY: print-qemu-cmd
