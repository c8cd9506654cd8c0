# SPDX-License-Identifier: Apache-2.0
# Certification evidence (issue 6). Included by the top Makefile after
# tests/unit/unit.mk, whose variables it reuses. Everything lands in
# verification/out/ (the bundle, index.html) and $(BUILD)/evidence/ (work files).
#
#   make evidence              everything below, then the bundle; fails if any gate fails
#   make coverage              coverage-host + coverage-target + coverage-gaps
#   make coverage-host         tests/unit rebuilt with clang-19 MC/DC instrumentation
#   make coverage-target       the hypervisor built with clang-19 + ld.lld-19, instrumented,
#                              run under QEMU ($(SYSTEM) and the test scenarios)
#   make coverage-gaps         the gate: every MC/DC pair, branch outcome and line of
#                              kernel/core, kernel/lib, vdev covered (host ∪ target) or
#                              justified in verification/coverage/justifications.yaml
#   make misra                 cppcheck MISRA C:2012 + deviation gate, clang-tidy-19
#   make stack                 worst-case stack per entry point against the per-CPU stack
#   make proofs                Frama-C WP on the guest-physical range check
#   make trace                 the traceability matrix (gated), from the results of
#                              `make test` in $(TEST_RESULTS) where they are fresh (same
#                              tree); suites without fresh results are run here
#   make test-evidence-quick   cheap: every requirement id named by a test exists,
#                              every requirement is named by some test, and the
#                              include layering holds (verification/layers.py)

EVB := $(BUILD)/evidence
# Where the bundle goes (VER_OUT=... keeps the bundles of several descriptions apart).
VER_OUT ?= verification/out
CLANG := clang-19
LLD := ld.lld-19
LLVM_OBJCOPY := llvm-objcopy-19
# The prefix map keeps the build machine's paths out of the coverage data and reports.
COV_FLAGS := -fprofile-instr-generate -fcoverage-mapping -fcoverage-mcdc -fcoverage-prefix-map=$(CURDIR)=.
# How long the instrumented hypervisor runs under QEMU before it writes its profile
# (generic-timer seconds), unless the scenario names its own.
SEPTUM_COV_SECONDS ?= 12
# Scenarios run on the instrumented image: name:system[:seconds]. errors (tests/partitions/errors)
# ends itself when done (SEPTUM_COV_DONE); its seconds are only the fallback. sched shares a CPU
# between two partitions under a schedule (window switches; debug and PMU registers trapped there).
# fwdtb boots once per firmware DTB of verification/target_dtbs.py (absent, corrupt, cut,
# another board's); seconds 0 builds it to write its profile right after the firmware check.
# verification/target_run.py types console commands into the first (INPUT).
# The first is the description the evidence is for: "default" for system.yaml (whose
# cluster output verification/target_run.py checks), "system" for any other.
COVT_MAIN := $(if $(filter system.yaml,$(SYSTEM)),default,system)
COVT_SYSTEMS ?= $(COVT_MAIN):$(SYSTEM):60 isolation:tests/integration/systems/isolation.yaml \
	smp:tests/integration/systems/smp.yaml:30 restart:tests/integration/systems/restart.yaml:20 \
	watchdog:tests/integration/systems/watchdog.yaml:20 errors:tests/integration/systems/errors.yaml:60 \
	sched:tests/integration/systems/sched.yaml:12 fwdtb:tests/integration/systems/fwdtb.yaml:0

EVIDENCE_STEPS := trace coverage-host coverage-target coverage-gaps misra stack proofs

.PHONY: evidence coverage coverage-host coverage-target coverage-target-image coverage-gaps \
	misra misra-cppcheck tidy stack proofs trace evidence-bundle test-evidence-quick deps-evidence

deps-evidence:
	$(Q)tools/install-deps.sh evidence

# Every step runs even when an earlier one fails, so the bundle shows all of them;
# the status of each is in $(EVB)/status/ and decides the exit code.
evidence: | deps-evidence
	@echo "  EVIDENCE $(EVIDENCE_STEPS) -> $(VER_OUT)/index.html"
	$(Q)rm -rf $(VER_OUT) $(EVB)/status && mkdir -p $(VER_OUT) $(EVB)/status
	$(Q)fail=""; for s in $(EVIDENCE_STEPS); do \
	  start=$$(date +%s); \
	  if $(MAKE) --no-print-directory $$s; then rc=0; else rc=1; fail="$$fail $$s"; fi; \
	  echo "$$rc $$(( $$(date +%s) - start ))" > $(EVB)/status/$$s; \
	done; \
	$(MAKE) --no-print-directory evidence-bundle || fail="$$fail bundle"; \
	if [ -n "$$fail" ]; then echo "evidence: FAILED:$$fail (see $(VER_OUT)/index.html)" >&2; exit 1; fi; \
	echo "  EVIDENCE ok: $(VER_OUT)/index.html"

evidence-bundle:
	@echo "  BUNDLE  $(VER_OUT)/index.html"
	$(Q)$(PYTHON) verification/bundle.py --out $(VER_OUT) --status $(EVB)/status --gen $(GEN) --system $(SYSTEM)
	$(Q)$(PYTHON) verification/linkcheck.py $(VER_OUT)

coverage: coverage-host coverage-target
	$(Q)$(MAKE) --no-print-directory coverage-gaps

# The gate. The target's results join the host's when $(VER_OUT)/coverage-target holds them.
coverage-gaps:
	@echo "  GAPS    covered (host ∪ target) or justified -> $(VER_OUT)/coverage/gaps.html"
	$(Q)$(PYTHON) verification/coverage_gaps.py --host $(VER_OUT)/coverage-host --target $(VER_OUT)/coverage-target \
	  --justifications verification/coverage/justifications.yaml --out $(VER_OUT)/coverage

# ---------------------------------------------------------------- requirements and traceability
# The suites' results, as `make test` writes them to $(TEST_RESULTS) (each unit test
# program's cmocka output, pytest's JUnit XML with the req markers recorded as
# properties by verification/pytest_req.py, and a stamp of the tree they ran on).
# A suite whose stamp does not match the tree (verification/tree_state.py) is run again.
trace: | deps-evidence
	@echo "  TRACE   results of $(TEST_RESULTS) -> $(VER_OUT)/trace/"
	$(Q)for s in unit generator integration; do \
	  if $(PYTHON) verification/tree_state.py --check $(TEST_RESULTS)/$$s.stamp; then \
	    echo "  TRACE   $$s: reusing the results of make test ($(TEST_RESULTS))"; \
	  else $(MAKE) --no-print-directory test-$$s || true; fi; \
	done
	$(Q)$(PYTHON) verification/trace.py --results $(TEST_RESULTS) --out $(VER_OUT)/trace

test-evidence-quick:
	@echo "  CHECK   requirement ids named by tests exist; every requirement has a test"
	$(Q)rm -rf $(EVB)/quick && mkdir -p $(EVB)/quick
	$(Q)for d in tests/generator tests/integration; do \
	  PYTHONPATH=verification SEPTUM_REQ_COLLECT=$(EVB)/quick/pytest-reqs.json $(PYTHON) -m pytest -q \
	  -p pytest_req --collect-only $$d > $(EVB)/quick/collect.log 2>&1 || { cat $(EVB)/quick/collect.log; exit 1; }; \
	done
	$(Q)$(PYTHON) verification/trace.py --quick $(EVB)/quick/pytest-reqs.json
	$(Q)$(PYTHON) verification/layers.py

# ---------------------------------------------------------------- MC/DC on the host
COVH := $(EVB)/host
coverage-host: | deps-evidence
	@echo "  COV     host: tests/unit with $(CLANG) MC/DC -> $(VER_OUT)/coverage-host/"
	$(Q)rm -rf $(COVH) && mkdir -p $(COVH)
	$(Q)$(MAKE) --no-print-directory BUILD=$(COVH) HOST_CC="$(CLANG) $(COV_FLAGS)" UNIT_CFLAGS="$(UNIT_CFLAGS)" \
	  unit-build > $(COVH)/build.log 2>&1 || { cat $(COVH)/build.log; exit 1; }
	$(Q)$(PYTHON) verification/coverage.py host --bin-dir $(COVH)/unit --tests "$(UNIT_TESTS)" \
	  --work $(COVH) --out $(VER_OUT)/coverage-host
	$(Q)$(PYTHON) verification/coverage_gate.py host --summary $(VER_OUT)/coverage-host/summary.json \
	  --log $(COVH)/build.log

# ---------------------------------------------------------------- MC/DC on the target
# The instrumented image of the system in $(SYSTEM), built in $(BUILD)/covt beside
# an ordinary build of the same system (its partitions, asm_defs.h and images.S.o).
COVT_DIR := $(BUILD)/covt
COVT_CFLAGS := --target=aarch64-none-elf $(TARGET_CFLAGS) -mllvm -enable-value-profiling=false
COVT_OBJ := $(patsubst %,$(COVT_DIR)/%.o,$(KERNEL_C) $(KERNEL_S)) \
	$(COVT_DIR)/gen/config.c.o $(COVT_DIR)/gen/pagetables.c.o $(COVT_DIR)/profile_rt.o

$(COVT_DIR)/%.c.o: %.c $(GEN_STAMP)
	@mkdir -p $(@D)
	@echo "  CLANG   $<"
	$(Q)$(CLANG) $(COVT_CFLAGS) $(COV_FLAGS) $(KERNEL_INC) -c $< -o $@
$(COVT_DIR)/%.S.o: %.S $(BUILD)/kernel/asm_defs.h $(GEN_STAMP)
	@mkdir -p $(@D)
	@echo "  CLANG   $<"
	$(Q)$(CLANG) $(COVT_CFLAGS) $(KERNEL_INC) -c $< -o $@
$(COVT_DIR)/gen/%.c.o: $(GEN)/%.c $(GEN_STAMP)
	@mkdir -p $(@D)
	@echo "  CLANG   $<"
	$(Q)$(CLANG) $(COVT_CFLAGS) $(KERNEL_INC) -c $< -o $@
$(COVT_DIR)/profile_rt.o: verification/target-profile/profile_rt.c FORCE
	@mkdir -p $(@D)
	@echo "  CLANG   $<"
	$(Q)$(CLANG) $(COVT_CFLAGS) -I$$($(CLANG) -print-resource-dir)/include -DSEPTUM_COV_SECONDS=$(SEPTUM_COV_SECONDS)u \
	  -c $< -o $@
$(BUILD)/septum-cov.elf: $(COVT_OBJ) $(BUILD)/kernel/gen/images.S.o $(GEN)/image.ld verification/target-profile/profile.ld
	@echo "  LD.LLD  $@"
	$(Q)$(LLD) -static -nostdlib --build-id=none -Map $(BUILD)/septum-cov.map \
	  -T $(GEN)/image.ld -T verification/target-profile/profile.ld --wrap=arch_trap_sync --wrap=arch_trap_hvc --wrap=arch_trap_dabt \
	  --wrap=fwcheck_dtb --wrap=arch_stop_system \
	  $(COVT_OBJ) $(BUILD)/kernel/gen/images.S.o -o $@
$(BUILD)/septum-cov.bin: $(BUILD)/septum-cov.elf
	$(Q)$(LLVM_OBJCOPY) -O binary $< $@
-include $(COVT_OBJ:.o=.d)

coverage-target-image: $(BUILD)/septum.bin $(BUILD)/septum-cov.bin
FORCE:
.PHONY: FORCE

COVT := $(EVB)/target
coverage-target: | deps-evidence deps-run
	@echo "  COV     target: $(CLANG) aarch64 image under QEMU ($(COVT_SYSTEMS)) -> $(VER_OUT)/coverage-target/"
	$(Q)rm -rf $(COVT)/runs && mkdir -p $(COVT)/runs
	$(Q)for s in $(COVT_SYSTEMS); do n=$${s%%:*}; y=$${s#*:}; t=$(SEPTUM_COV_SECONDS); \
	  case $$y in *:*) t=$${y#*:}; y=$${y%%:*} ;; esac; \
	  $(MAKE) --no-print-directory SYSTEM=$$y BUILD=$(COVT)/$$n SEPTUM_COV_SECONDS=$$t coverage-target-image \
	    > $(COVT)/build-$$n.log 2>&1 || { cat $(COVT)/build-$$n.log; exit 1; }; \
	done; cat $(COVT)/build-*.log > $(COVT)/build.log
	$(Q)$(PYTHON) verification/target_run.py --work $(COVT) --systems "$(COVT_SYSTEMS)" --timeout 90
	$(Q)$(PYTHON) verification/coverage.py target --work $(COVT) --systems "$(COVT_SYSTEMS)" \
	  --out $(VER_OUT)/coverage-target
	$(Q)$(PYTHON) verification/coverage_gate.py target --summary $(VER_OUT)/coverage-target/summary.json \
	  --log $(COVT)/build.log

# ---------------------------------------------------------------- MISRA C:2012, clang-tidy
MISRA_SRC := kernel vdev partitions/lib
# The kernel's include path, then the partition runtime's (partition.h of the first
# partition stands for the generated per-partition header).
MISRA_INC = $(KERNEL_INC) -Ipartitions/lib/include -I$(GEN)/partitions/$(firstword $(SEPTUM_PARTITIONS))
# Both run even when the first fails, so one run shows all findings.
misra: | deps-evidence
	$(Q)fail=0; $(MAKE) --no-print-directory misra-cppcheck || fail=1; \
	  $(MAKE) --no-print-directory tidy || fail=1; exit $$fail

misra-cppcheck: $(GEN_STAMP) $(BUILD)/kernel/asm_defs.h | deps-evidence
	@echo "  MISRA   cppcheck misra addon over $(MISRA_SRC) -> $(VER_OUT)/misra/"
	$(Q)mkdir -p $(VER_OUT)/misra
	@# cppcheck's build directory keeps each unchanged file's addon data, whose header line numbers
	@# go stale when a header changes (false Rule 8.5 "declared twice" findings): start it afresh then.
	$(Q)h=$$(cat $(sort $(wildcard kernel/include/*.h kernel/include/*/*.h kernel/arch/aarch64/*.h vdev/*.h \
	  partitions/include/*.h partitions/lib/include/*.h partitions/lib/include/*/*.h $(GEN)/*.h)) | sha256sum); \
	  if [ "$$(cat $(EVB)/misra-headers.sum 2>/dev/null)" != "$$h" ]; then rm -rf $(EVB)/misra; fi; \
	  mkdir -p $(EVB)/misra && echo "$$h" > $(EVB)/misra-headers.sum
	$(Q)cppcheck --quiet --std=c11 --platform=unix64 -D__aarch64__ -D__GNUC__ $(MISRA_INC) \
	  --addon=verification/misra/misra.json --cppcheck-build-dir=$(EVB)/misra --inline-suppr \
	  --suppress=missingIncludeSystem --xml $(MISRA_SRC) 2> $(VER_OUT)/misra/cppcheck.xml
	$(Q)$(PYTHON) verification/misra/misra_gate.py --xml $(VER_OUT)/misra/cppcheck.xml \
	  --deviations verification/misra/deviations.md --rules verification/misra/rules.txt --out $(VER_OUT)/misra

TIDY_SRC = $(wildcard kernel/core/*.c kernel/lib/*.c vdev/*.c kernel/arch/aarch64/*.c partitions/lib/*.c)
tidy: $(GEN_STAMP) $(BUILD)/kernel/asm_defs.h | deps-evidence
	@echo "  TIDY    clang-tidy-19 (verification/clang-tidy.yaml) -> $(VER_OUT)/misra/clang-tidy.txt"
	$(Q)mkdir -p $(VER_OUT)/misra
	$(Q)clang-tidy-19 --quiet --config-file=verification/clang-tidy.yaml $(TIDY_SRC) -- \
	  -std=c11 --target=aarch64-none-elf -ffreestanding -mgeneral-regs-only $(MISRA_INC) \
	  2>&1 | sed 's|$(CURDIR)/||g' > $(VER_OUT)/misra/clang-tidy.txt || true
	$(Q)$(PYTHON) verification/misra/tidy_gate.py --log $(VER_OUT)/misra/clang-tidy.txt \
	  --deviations verification/misra/deviations.md --out $(VER_OUT)/misra

# ---------------------------------------------------------------- stack bounds
# gcc's -fstack-usage and -fcallgraph-info=su on a separate build of the kernel
# objects (same flags as the image), combined by verification/stack/stack_check.py.
STK_DIR := $(EVB)/stack
STK_OBJ := $(patsubst %,$(STK_DIR)/%.o,$(KERNEL_C))
$(patsubst %,$(STK_DIR)/%.o,$(KERNEL_COLD)): KERNEL_OPT := $(KERNEL_COLD_OPT)
$(patsubst %,$(STK_DIR)/%.o,$(KERNEL_NOINLINE)): KERNEL_OPT := -fno-inline-functions
$(STK_DIR)/%.c.o: %.c $(GEN_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) $(TARGET_CFLAGS) $(KERNEL_OPT) $(KERNEL_SECTIONS) $(KERNEL_INC) -fstack-usage -fcallgraph-info=su -c $< -o $@
stack: $(STK_OBJ) $(BUILD)/septum.elf | deps-evidence
	@echo "  STACK   worst case per entry point -> $(VER_OUT)/stack/"
	$(Q)$(PYTHON) verification/stack/stack_check.py --objdir $(STK_DIR) --elf $(BUILD)/septum.elf \
	  --objdump $(CROSS)objdump --arch-cpu-h kernel/arch/aarch64/arch_cpu.h \
	  --config verification/stack/entries.json --out $(VER_OUT)/stack

# ---------------------------------------------------------------- proofs
proofs: | deps-evidence
	@echo "  WP      Frama-C on kernel/core/part.c -> $(VER_OUT)/proofs/"
	$(Q)$(PYTHON) verification/formal/run_wp.py --work $(EVB)/formal --out $(VER_OUT)/proofs
