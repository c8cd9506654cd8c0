# SPDX-License-Identifier: Apache-2.0
"""Smoke run of the benchmarks (make bench is not a test; this keeps it from rotting).

Builds the benchmark systems, runs the benchmark partition under Septum and
alone on QEMU, the HVC floor stub and the boot-path probe, each once with
-icount, and checks that every figure line comes out exactly once and parses.
No threshold is checked: the figures are published by `make bench`, not judged here.
"""
import os
import sys

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))
import run as bench  # noqa: E402

TIMEOUT = 60


def test_bench_partition_prints_every_figure_once_under_septum_and_alone():
    sep, bare = bench.run_micro(TIMEOUT)
    assert sorted(sep) == sorted(bench.FIGURES), sep
    assert sorted(bare) == sorted(bench.FIGURES), bare
    for name in ("hvc-null", "gicd-typer-read", "gicd-isenabler-write", "vtimer-latency", "sgi-roundtrip"):
        assert sep[name].get("n", 0) > 0, (name, sep[name])
    for name in ("gicd-typer-read", "gicd-isenabler-write", "vtimer-latency", "sgi-roundtrip"):
        assert bare[name].get("n", 0) > 0, (name, bare[name])
    assert sep["vtimer-latency"]["n"] >= 200 and sep["sgi-roundtrip"]["n"] >= 200
    assert "na" in bare["hvc-null"] and "na" in sep["channel-doorbell"]


def test_bench_channel_doorbell_when_the_kernel_has_channels():
    door = bench.run_doorbell(TIMEOUT)
    if not bench.kernel_has_channels():
        assert "na" in door
        return
    assert sorted(door) == sorted(bench.FIGURES), door
    assert door["channel-doorbell"]["n"] >= 200 and door["channel-roundtrip"]["n"] >= 200, door
    assert door["channel-doorbell"]["median"] < door["channel-roundtrip"]["median"], door


def test_bench_floor_and_boot_probe_give_their_figures():
    floor = bench.run_floor(TIMEOUT)
    assert floor["hvc-floor"]["median"] >= 2, floor
    boot = bench.run_boot(TIMEOUT)
    s, b = boot["septum"], boot["bare"]
    assert 0 < s["hyp-first-line"] < s["guest-entry"] < s["guest-first-line"], boot
    assert 0 <= b["guest-entry"] < b["guest-first-line"], boot
    # The guest's own counter at main() agrees with QEMU's icount (1 tick = 16 instructions).
    main_ns = boot["septum_guest"]["boot-main"]["value"] * bench.NS_PER_TICK
    assert s["guest-entry"] < main_ns < s["guest-first-line"], boot


def test_bench_sched_gives_the_switch_cost_and_the_window_start_jitter():
    # It rotted once unseen: on the merged tree of issues 11-13 the probes' lines never left the console.
    r = bench.run_sched(2 * TIMEOUT)
    assert r["switch"]["n"] >= 10 and r["from_idle"]["n"] >= 10, r
    assert 0 < r["switch"]["min"] <= r["switch"]["median"] <= r["switch"]["max"], r
    assert 0 <= r["jitter"] <= r["switch"]["max"], r
