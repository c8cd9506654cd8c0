# SPDX-License-Identifier: Apache-2.0
# Host unit tests of kernel/core, kernel/lib and vdev against a fake arch
# (tests/unit/fake_arch.c), built against tests/unit/system.yaml. Included by
# the top Makefile. Every tests/unit/test_*.c is one cmocka program.

UNIT_BUILD := $(BUILD)/unit
UNIT_GEN := $(UNIT_BUILD)/gen
HOST_CC ?= gcc
UNIT_CFLAGS ?= -std=c11 -O0 -g -fno-builtin $(WARN) -Wno-missing-prototypes -MMD -MP
UNIT_INC := -Itests/unit -Ikernel/include -Ivdev -I$(UNIT_GEN)
UNIT_SRC := $(wildcard kernel/core/*.c kernel/lib/*.c vdev/*.c) tests/unit/fake_arch.c \
	$(UNIT_GEN)/config.c $(UNIT_GEN)/pagetables.c
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
# tests/unit/test_lx_*.c are built against tests/unit/lx/system.yaml (a Linux
# partition, boot blobs); their programs sit beside the others in $(UNIT_BUILD).
UNIT_LX_TESTS := $(filter test_lx_%,$(UNIT_TESTS))
UNIT_OBJ := $(patsubst %,$(UNIT_BUILD)/obj/%.o,$(UNIT_SRC)) $(UNIT_BUILD)/obj/images.o

$(UNIT_GEN)/fingerprint: tests/unit/system.yaml $(BOARD_DTS) $(GENERATOR_SRC) kernel/include/cfg_types.h | deps-test
	@echo "  GEN     tests/unit/system.yaml -> $(UNIT_GEN)/"
	$(Q)$(PYTHON) -m generator build tests/unit/system.yaml -o $(UNIT_GEN)
	$(Q)touch $@

$(UNIT_GEN)/config.c $(UNIT_GEN)/pagetables.c $(UNIT_GEN)/images.S: $(UNIT_GEN)/fingerprint ;

# Two small, recognisable boot images stand in for the partition programs.
$(UNIT_BUILD)/partitions/alpha.bin $(UNIT_BUILD)/partitions/beta.bin $(UNIT_BUILD)/partitions/gamma.bin:
	@mkdir -p $(@D)
	$(Q)printf 'IMAGE-%s-0123456789abcdef' $(basename $(@F)) > $@

$(UNIT_BUILD)/obj/images.o: tools/image-digest $(UNIT_GEN)/fingerprint $(UNIT_BUILD)/partitions/alpha.bin $(UNIT_BUILD)/partitions/beta.bin \
		$(UNIT_BUILD)/partitions/gamma.bin
	@mkdir -p $(@D)
	$(Q)$(PYTHON) tools/image-digest $(UNIT_GEN) $(UNIT_BUILD)
	$(Q)$(HOST_CC) -c -Wa,--noexecstack -Wa,-I$(UNIT_BUILD) $(UNIT_GEN)/images.S -o $@

$(UNIT_BUILD)/obj/%.c.o: %.c $(UNIT_GEN)/fingerprint
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) $(UNIT_INC) -c $< -o $@

$(UNIT_BUILD)/obj/$(UNIT_GEN)/%.c.o: $(UNIT_GEN)/%.c $(UNIT_GEN)/fingerprint
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) $(UNIT_INC) -c $< -o $@

$(UNIT_BUILD)/%: $(UNIT_BUILD)/obj/tests/unit/%.c.o $(UNIT_OBJ)
	@echo "  HOSTLD  $@"
	$(Q)$(HOST_CC) $^ -o $@ -lcmocka

-include $(UNIT_OBJ:.o=.d) $(patsubst %,$(UNIT_BUILD)/obj/tests/unit/%.c.d,$(UNIT_TESTS))

# ---- the second unit configuration (tests/unit/lx/system.yaml)
UNIT_LX := $(BUILD)/unit-lx
UNIT_LX_GEN := $(UNIT_LX)/gen
UNIT_LX_INC := -Itests/unit -Ikernel/include -Ivdev -I$(UNIT_LX_GEN)
UNIT_LX_SRC := $(wildcard kernel/core/*.c kernel/lib/*.c vdev/*.c) tests/unit/fake_arch.c \
	$(UNIT_LX_GEN)/config.c $(UNIT_LX_GEN)/pagetables.c
UNIT_LX_OBJ := $(patsubst %,$(UNIT_LX)/obj/%.o,$(UNIT_LX_SRC)) $(UNIT_LX)/obj/images.o

$(UNIT_LX_GEN)/fingerprint: tests/unit/lx/system.yaml tests/unit/lx/Image $(BOARD_DTS) $(GENERATOR_SRC) \
		kernel/include/cfg_types.h | deps-test
	@echo "  GEN     tests/unit/lx/system.yaml -> $(UNIT_LX_GEN)/"
	$(Q)$(PYTHON) -m generator build tests/unit/lx/system.yaml -o $(UNIT_LX_GEN)
	$(Q)touch $@
$(UNIT_LX_GEN)/config.c $(UNIT_LX_GEN)/pagetables.c $(UNIT_LX_GEN)/images.S: $(UNIT_LX_GEN)/fingerprint ;

# tux's kernel is the committed stand-in Image, its device tree the generated one; the programs are stand-ins.
$(UNIT_LX)/obj/images.o: tools/image-digest $(UNIT_LX_GEN)/fingerprint tests/unit/lx/Image
	@mkdir -p $(@D) $(UNIT_LX)/partitions
	$(Q)cp tests/unit/lx/Image $(UNIT_LX)/partitions/tux.bin
	$(Q)dtc -q -I dts -O dtb -o $(UNIT_LX)/partitions/tux.dtb $(UNIT_LX_GEN)/tux.dts
	$(Q)printf 'IMAGE-stone-0123456789abcdef' > $(UNIT_LX)/partitions/stone.bin
	$(Q)printf 'IMAGE-pebble-0123456789abcdef' > $(UNIT_LX)/partitions/pebble.bin
	$(Q)printf 'IMAGE-slate-0123456789abcdef' > $(UNIT_LX)/partitions/slate.bin
	$(Q)$(PYTHON) tools/image-digest $(UNIT_LX_GEN) $(UNIT_LX)
	$(Q)$(HOST_CC) -c -Wa,--noexecstack -Wa,-I$(UNIT_LX) $(UNIT_LX_GEN)/images.S -o $@

$(UNIT_LX)/obj/%.c.o: %.c $(UNIT_LX_GEN)/fingerprint
	@mkdir -p $(@D)
	@echo "  HOSTCC  $< (lx)"
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) $(UNIT_LX_INC) -c $< -o $@

$(UNIT_LX)/obj/$(UNIT_LX_GEN)/%.c.o: $(UNIT_LX_GEN)/%.c $(UNIT_LX_GEN)/fingerprint
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) $(UNIT_LX_INC) -c $< -o $@

$(patsubst %,$(UNIT_BUILD)/%,$(UNIT_LX_TESTS)): $(UNIT_BUILD)/%: $(UNIT_LX)/obj/tests/unit/%.c.o $(UNIT_LX_OBJ)
	@mkdir -p $(@D)
	@echo "  HOSTLD  $@ (lx)"
	$(Q)$(HOST_CC) $^ -o $@ -lcmocka

-include $(UNIT_LX_OBJ:.o=.d) $(patsubst %,$(UNIT_LX)/obj/tests/unit/%.c.d,$(UNIT_LX_TESTS))

unit-build: $(patsubst %,$(UNIT_BUILD)/%,$(UNIT_TESTS))

test-unit: unit-build | deps-test
	@echo "  UNIT    $(UNIT_TESTS)"
	$(Q)$(call STAMP_BEGIN,unit) && rm -rf $(TEST_RESULTS)/unit && mkdir -p $(TEST_RESULTS)/unit
	$(Q)fail=0; for t in $(UNIT_TESTS); do r=$(TEST_RESULTS)/unit/$$t.txt; \
	  { $(UNIT_BUILD)/$$t; echo "exit status $$?"; } > $$r 2>&1; sed '$$d' $$r; \
	  tail -n 1 $$r | grep -qx "exit status 0" || fail=1; done; \
	$(call STAMP_END,unit); exit $$fail
.PHONY: unit-build test-unit
