# SPDX-License-Identifier: Apache-2.0
"""Time partitioning: a schedule reaches plan.json, the memory map and the kernel's tables."""

import json
import re

import pytest

from conftest import REPO, run_cli


def _build(rel, out):
    r = run_cli("build", rel, "-o", out)
    assert r.returncode == 0, r.stderr
    return json.loads((out / "plan.json").read_text())


@pytest.mark.req("SRS-GEN-021")
def test_schedule_is_emitted_in_plan_memory_map_and_tables(tmp_path):
    plan = _build("tests/integration/systems/hud.yaml", tmp_path)
    (s,) = plan["schedules"]
    assert (s["cpu"], s["major_frame_us"], s["idle_us"], s["num_windows"]) == (0, 10000, 0, 2)
    names = [v["partition_name"] for v in plan["vcpus"]]
    assert [(w["partition"], w["offset_us"], w["us"], names[w["vcpu"]]) for w in s["windows"]] == [
        ("cluster", 0, 6000, "cluster"), ("hud", 6000, 4000, "hud")]
    # Both partitions have their vCPU on CPU 0; the CPU starts in the first window's vCPU.
    assert [v["pcpu"] for v in plan["vcpus"]] == [0, 0]
    assert plan["cpus"][0]["vcpu"] == s["windows"][0]["vcpu"]
    mm = (tmp_path / "memory-map.txt").read_text()
    assert "CPU 0 (MPIDR 0x0, /cpus/cpu@0): scheduled: cluster, hud" in mm
    assert re.search(r"Schedule of CPU 0 \(major frame 10000 us.*\n +\[ +0\.\. +6000\) us  cluster \(vCPU 0\)\n"
                     r" +\[ +6000\.\. +10000\) us  hud \(vCPU 0\)", mm), mm
    h = (tmp_path / "config.h").read_text()
    assert "#define CFG_NUM_SCHEDS 1u" in h and "#define CFG_NUM_WINDOWS 2u" in h
    c = (tmp_path / "config.c").read_text()
    assert "[0] = { .cpu = 0u, .first_window = 0u, .num_windows = 2u, .major_frame_us = 10000u, .idle_us = 0u }," in c
    assert ".partition = PART_HUD, .vcpu = 1u, .offset_us = 6000u, .us = 4000u }" in c
    assert ".watchdog_clock = CFG_WDCLOCK_PARTITION" in c


@pytest.mark.req("SRS-GEN-021")
def test_default_system_has_an_empty_schedule_table(tmp_path):
    plan = _build("system.yaml", tmp_path)
    assert plan["schedules"] == [] and plan["sched_windows"] == []
    c = (tmp_path / "config.c").read_text()
    assert "const struct cfg_sched cfg_scheds[] = {\n    [0] = { 0 }, /* none */\n};" in c
    assert "Schedule of CPU" not in (tmp_path / "memory-map.txt").read_text()
