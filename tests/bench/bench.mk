# SPDX-License-Identifier: Apache-2.0
# Benchmarks (included by the top Makefile; not part of `make test`).
#
#   make bench          build the benchmark systems, run each configuration under
#                       QEMU -icount shift=0,sleep=off, write tests/bench/results.{json,md,svg}
#   make bench-floor    build the bare HVC->ERET floor stub only
#   make bench-gen      the generator alone: check time of the default system, 1,000 channels,
#                       1,000 regions, Python start-up share (tests/bench/gen_bench.py; host only);
#                       writes tests/bench/gen-results.json and the "Generator" section of results.md
#
# BENCH_ARGS passes options to tests/bench/run.py (e.g. BENCH_ARGS=--no-ivi, or BENCH_ARGS=--only=sched to
# rerun the time-partitioning figures alone and merge them into results.json).

BENCH_FLOOR := build/bench/floor/floor.elf
BENCH_FLOOR_SRC := tests/bench/floor/start.S tests/bench/floor/main.c kernel/lib/fmt.c kernel/lib/string.c
BENCH_ARGS ?=

.PHONY: bench bench-floor bench-gen deps-bench

deps-bench:
	$(Q)tools/install-deps.sh bench

bench-floor: $(BENCH_FLOOR)

$(BENCH_FLOOR): $(BENCH_FLOOR_SRC) tests/bench/floor/floor.ld | deps-build
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(filter-out -MMD -MP,$(TARGET_CFLAGS)) -Ikernel/include -static -Wl,--build-id=none \
		-Wl,--no-warn-rwx-segments -T tests/bench/floor/floor.ld $(BENCH_FLOOR_SRC) -o $@ -lgcc

bench: | deps-bench
	$(Q)$(PYTHON) tests/bench/run.py $(BENCH_ARGS)
	$(Q)$(MAKE) --no-print-directory bench-gen

bench-gen: | deps-build
	$(Q)$(PYTHON) tests/bench/gen_bench.py --json tests/bench/gen-results.json --md tests/bench/results.md
