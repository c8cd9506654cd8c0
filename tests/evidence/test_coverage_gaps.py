# SPDX-License-Identifier: Apache-2.0
"""verification/coverage_gaps.py, the gate "covered (host ∪ target) or justified", on
fixture data: a small source file, hand-made llvm-cov exports and lcov data."""
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SRC = """int f(int a, int b)
{
    if ((a > 0) && (b > 0)) {
        return 1;
    }
    return 0;
}
"""
# the decision of line 3 (columns 9..27), its conditions, and f spanning lines 1-7
DECISION = (3, 9, 3, 27)
CONDS = [(3, 9, 3, 16), (3, 20, 3, 27)]


def export(states, shift=0, counts=((3, 1), (2, 0))):
    l1, c1, l2, c2 = DECISION
    conds = [[a + shift, b, c + shift, d, t, f, 0, 0, 6] for (a, b, c, d), (t, f) in zip(CONDS, counts)]
    return {"data": [{"files": [{"filename": "kernel/core/x.c", "mcdc_records": [[l1 + shift, c1, l2 + shift, c2, 0, 5, states]],
                                 "branches": conds}],
                      "functions": [{"name": "f", "filenames": ["kernel/core/x.c"],
                                     "regions": [[1 + shift, 20, 7 + shift, 2, 3, 0, 0, 0]]}]}]}


def gate(tmp, states, just, shift=0, target_states=None, lcov="DA:4,1\nDA:6,1\n", counts=((3, 1), (2, 0))):
    root = tmp / "root"
    (root / "kernel/core").mkdir(parents=True, exist_ok=True)
    (root / "kernel/core/x.c").write_text("\n" * shift + SRC)
    host = tmp / "host"
    host.mkdir(exist_ok=True)
    (host / "export.json").write_text(json.dumps(export(states, shift, counts)))
    (host / "lcov.info").write_text(f"SF:kernel/core/x.c\n{lcov}end_of_record\n")
    args = ["--host", str(host)]
    if target_states is not None:
        t = tmp / "target"
        t.mkdir(exist_ok=True)
        (t / "export.json").write_text(json.dumps(export(target_states, shift, ((1, 1), (1, 1)))))
        (t / "lcov.info").write_text("SF:kernel/core/x.c\nDA:4,1\nDA:6,1\nend_of_record\n")
        args += ["--target", str(t)]
    jf = tmp / "j.yaml"
    jf.write_text(json.dumps({"justifications": just}))
    r = subprocess.run([sys.executable, str(ROOT / "verification/coverage_gaps.py"), *args, "--justifications", str(jf),
                        "--root", str(root), "--out", str(tmp / "out")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    return r, json.loads((tmp / "out/gaps.json").read_text())


JUST = {"file": "kernel/core/x.c", "function": "f", "kind": "mcdc", "decision": "(a > 0) &&  (b > 0)",
        "condition": 2, "why": "fixture", "requirement": "SRS-ISO-002"}


def test_an_uncovered_pair_without_justification_fails(tmp_path):
    r, g = gate(tmp_path, [True, False], [])
    assert r.returncode == 1
    assert "MC/DC condition C2 `(b > 0)` of `(a > 0) && (b > 0)`" in r.stdout
    assert "branch `(b > 0)` never false" in r.stdout
    assert g["figures"]["mcdc"]["unjustified"] == 1


def test_a_justification_matches_by_text_even_after_the_code_moves(tmp_path):
    r, g = gate(tmp_path, [True, False], [JUST], shift=12)
    assert r.returncode == 0, r.stdout
    assert g["figures"]["mcdc"] == {"count": 2, "host": 1, "target": 0, "covered": 1, "justified": 1, "unjustified": 0}
    assert g["figures"]["branch"]["justified"] == 1  # the condition's own outcome comes with it


def test_a_stale_justification_fails(tmp_path):
    r, g = gate(tmp_path, [True, True], [JUST], counts=((3, 1), (2, 1)))
    assert r.returncode == 1
    assert "matches no gap: stale" in r.stdout


def test_the_target_covers_what_the_host_does_not(tmp_path):
    r, g = gate(tmp_path, [True, False], [], target_states=[False, True])
    assert r.returncode == 0, r.stdout
    assert g["figures"]["mcdc"]["covered"] == 2
    page = (tmp_path / "out/gaps.html").read_text()
    assert "C2 <code>(b &gt; 0)</code>: ✘ / ✔" in page


def test_uncovered_lines_are_justified_per_function(tmp_path):
    lcov = "DA:4,0\nDA:6,1\n"
    r, _ = gate(tmp_path, [True, True], [], lcov=lcov, counts=((3, 1), (2, 1)))
    assert r.returncode == 1 and "line never run: return 1;" in r.stdout
    line = {"file": "kernel/core/x.c", "function": "f", "kind": "line", "why": "fixture", "requirement": "SRS-ISO-002"}
    r, g = gate(tmp_path, [True, True], [line], lcov=lcov, counts=((3, 1), (2, 1)))
    assert r.returncode == 0, r.stdout
    assert g["figures"]["line"]["justified"] == 1


def test_an_interleaving_justification_stays_live_while_only_the_target_covers_its_item(tmp_path):
    race = dict(JUST, interleaving=True)
    # the target reached the interleaving in this run: neither a gap nor a stale entry
    r, g = gate(tmp_path, [True, False], [race], target_states=[False, True])
    assert r.returncode == 0, r.stdout
    assert g["figures"]["mcdc"]["covered"] == 2
    # it did not: the entry justifies the gap
    r, g = gate(tmp_path, [True, False], [race], target_states=[False, False])
    assert r.returncode == 0, r.stdout
    assert g["figures"]["mcdc"]["justified"] == 1
    # an entry without the mark is stale once the target covers its item
    r, _ = gate(tmp_path, [True, False], [JUST], target_states=[False, True])
    assert r.returncode == 1 and "matches no gap: stale" in r.stdout
    # and an interleaving entry is stale once the host covers its item
    r, _ = gate(tmp_path, [True, True], [race], counts=((3, 1), (2, 1)))
    assert r.returncode == 1 and "matches no gap: stale" in r.stdout


def test_a_malformed_justification_fails(tmp_path):
    bad = dict(JUST, condition="two", requirement="SRS-NOPE-001")
    bad.pop("why")
    r, _ = gate(tmp_path, [True, False], [bad])
    assert r.returncode == 1
    assert "no why" in r.stdout and "SRS-NOPE-001" in r.stdout and "condition index" in r.stdout
