# SPDX-License-Identifier: Apache-2.0
"""verification/misra/fixed.yaml, which the bundle's front page counts, stays readable and
consistent with verification/misra/deviations.md: every entry has its fields, and a rule
recorded as fixed with no deviation left has no deviation section any more."""
import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXED = yaml.safe_load((ROOT / "verification" / "misra" / "fixed.yaml").read_text())["fixed"]
DEVIATIONS = (ROOT / "verification" / "misra" / "deviations.md").read_text()


def test_every_fixed_rule_has_its_fields():
    for e in FIXED:
        assert {"rule", "category", "findings", "files", "fix", "deviation"} <= set(e), e
        assert isinstance(e["findings"], int) and e["findings"] > 0, e
        for f in e["files"]:
            assert (ROOT / f).is_file(), (e["rule"], f)


def test_a_rule_fixed_everywhere_has_no_deviation_left():
    deviated = set(re.findall(r"^## Rule (\d+\.\d+) ", DEVIATIONS, re.M))
    for e in FIXED:
        if str(e["deviation"]).startswith("none"):
            assert e["rule"] not in deviated, f"rule {e['rule']} is recorded as fixed everywhere but still deviated"
