# SPDX-License-Identifier: Apache-2.0
# Host fuzz test of the firmware-DTB reader (kernel/lib/fdt.c): libFuzzer with
# ASan and UBSan, a bounded number of runs over a seed corpus made at test time
# from QEMU's own device trees (virt and xlnx-versal-virt, dumped and compacted
# with dtc) and mutations of them. Included by the top Makefile.

FUZZ_BUILD := $(BUILD)/fuzz
FUZZ_CC := clang-19
FUZZ_RUNS ?= 20000
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Ikernel/include

$(FUZZ_BUILD)/fuzz_fdt: tests/fuzz/fuzz_fdt.c kernel/lib/fdt.c kernel/include/fdt.h | deps-test
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_fdt.c kernel/lib/fdt.c -o $@

$(FUZZ_BUILD)/seed/.done: | deps-test
	@mkdir -p $(@D)
	$(Q)qemu-system-aarch64 -M virt,virtualization=on,gic-version=3,dumpdtb=$(FUZZ_BUILD)/virt-raw.dtb \
		-cpu cortex-a57 -smp 4 -m 1G -nic none -display none >/dev/null 2>&1
	$(Q)qemu-system-aarch64 -M xlnx-versal-virt,dumpdtb=$(FUZZ_BUILD)/versal-raw.dtb -m 2G \
		-display none >/dev/null 2>&1
	$(Q)dtc -q -I dtb -O dtb -o $(@D)/virt.dtb $(FUZZ_BUILD)/virt-raw.dtb
	$(Q)dtc -q -I dtb -O dtb -o $(@D)/versal.dtb $(FUZZ_BUILD)/versal-raw.dtb
	$(Q)touch $@

test-fuzz: $(FUZZ_BUILD)/fuzz_fdt $(FUZZ_BUILD)/seed/.done
	@echo "  FUZZ    kernel/lib/fdt.c: $(FUZZ_RUNS) runs"
	$(Q)rm -rf $(FUZZ_BUILD)/corpus && mkdir -p $(FUZZ_BUILD)/corpus
	$(Q)$(FUZZ_BUILD)/fuzz_fdt -runs=$(FUZZ_RUNS) -max_len=65536 -seed=1 -print_final_stats=1 \
		$(FUZZ_BUILD)/corpus $(FUZZ_BUILD)/seed 2>$(FUZZ_BUILD)/fuzz.log \
		|| { tail -40 $(FUZZ_BUILD)/fuzz.log; exit 1; }
	$(Q)grep -E 'stat::number_of_executed_units|stat::new_units_added' $(FUZZ_BUILD)/fuzz.log | sed 's/^/          /'
.PHONY: test-fuzz
