# SPDX-License-Identifier: Apache-2.0
"""One failing description per rule: each file lists the exact diagnostics it must give.

tests/generator/invalid/<area>_<problem>.yaml ends with lines
    # expect: CODE LINE:COL message
    # expect: CODE FILE:LINE:COL message   (located in another file, relative to the repository)
    # note: LINE:COL message        (a note of the expect line above)
    # board-path: DIR               (optional: SEPTUM_BOARD_PATH for a test board)
and the test asserts that the generator reports exactly those, no more.
"""

import pathlib
import re

import pytest

from generator.cli import compile_description

HERE = pathlib.Path(__file__).resolve().parent
CASES = sorted((HERE / "invalid").glob("*.yaml"))

#: Which requirement each invalid case verifies, by its expected code.
REQ_OF_CODE = {
    "E0100": "SRS-GEN-006", "E0101": "SRS-GEN-006", "E0102": "SRS-GEN-006", "E0103": "SRS-GEN-006",
    "E0104": "SRS-GEN-006", "E0107": "SRS-GEN-006", "E0105": "SRS-GEN-007", "E0106": "SRS-GEN-007",
    "E0109": "SRS-GEN-007", "E0108": "SRS-GEN-008", "E0208": "SRS-GEN-008",
    "E0201": "SRS-GEN-004", "E0212": "SRS-GEN-004", "E0202": "SRS-GEN-005",
    "E0203": "SRS-GEN-002", "E0207": "SRS-GEN-002", "E0209": "SRS-GEN-020",
    "E0204": "SRS-GEN-003", "E0205": "SRS-GEN-003",
    "E0301": "SRS-GEN-001", "E0302": "SRS-GEN-001", "E0303": "SRS-GEN-001",
    "E0401": "SRS-GEN-009", "E0601": "SRS-GEN-010",
    "E0111": "SRS-GEN-022", "W0201": "SRS-GEN-022", "W0401": "SRS-GEN-022",
    "E0206": "SRS-GEN-004", "E0210": "SRS-GEN-023", "E0211": "SRS-GEN-024", "E0213": "SRS-GEN-020",
    "E0402": "SRS-GEN-009", "E0403": "SRS-GEN-025", "E0404": "SRS-GEN-026", "E0405": "SRS-GEN-026",
    "E0406": "SRS-GEN-026", "E0407": "SRS-GEN-027", "E0408": "SRS-GEN-026", "E0409": "SRS-GEN-025",
    "E0410": "SRS-GEN-025", "E0501": "SRS-GEN-028", "E0502": "SRS-GEN-028", "E0503": "SRS-GEN-028",
    "E0504": "SRS-GEN-028", "E0505": "SRS-GEN-028", "E0506": "SRS-GEN-028", "E0602": "SRS-GEN-010",
    "E0603": "SRS-GEN-024", "E0604": "SRS-GEN-024", "E0605": "SRS-GEN-029", "E0702": "SRS-GEN-030",
    "E0703": "SRS-GEN-030", "E0710": "SRS-GEN-030", "E0711": "SRS-GEN-030",
    "E0112": "SRS-GEN-141", "E0113": "SRS-GEN-141", "E0114": "SRS-GEN-141", "E0115": "SRS-GEN-006",
    "E0116": "SRS-GEN-142", "E0507": "SRS-GEN-143", "E0411": "SRS-GEN-144", "E0606": "SRS-GEN-142",
    "E0607": "SRS-GEN-145",
    "E0801": "SRS-NET-006", "E0802": "SRS-NET-006", "E0803": "SRS-NET-006", "E0804": "SRS-NET-006",
    "E0805": "SRS-NET-006", "E0806": "SRS-NET-006", "E0807": "SRS-NET-006", "E0808": "SRS-NET-006",
    "E0901": "SRS-GEN-021", "E0902": "SRS-GEN-021", "E0903": "SRS-GEN-021", "E0904": "SRS-GEN-021",
    "E0905": "SRS-GEN-021", "E0906": "SRS-GEN-021", "E0907": "SRS-GEN-021",
}

_EXPECT = re.compile(r"^# expect: ([EW]\d{4}) (?:([^\s:]+):)?(\d+):(\d+) (.*)$")
_NOTE = re.compile(r"^# note: (\d+):(\d+) (.*)$")


def expectations(path):
    out = []
    for line in path.read_text().splitlines():
        m = _EXPECT.match(line)
        if m:
            out.append((m.group(1), int(m.group(3)), int(m.group(4)), m.group(5), [], m.group(2)))
            continue
        m = _NOTE.match(line)
        if m:
            out[-1][4].append((int(m.group(1)), int(m.group(2)), m.group(3)))
    return out


def _params():
    for p in CASES:
        exp = expectations(p)
        codes = sorted({e[0] for e in exp})
        marks = [pytest.mark.req(REQ_OF_CODE[c]) for c in codes if c in REQ_OF_CODE]
        yield pytest.param(p, exp, id=p.stem, marks=marks)


@pytest.mark.req("SRS-GEN-011")
def test_every_invalid_case_states_its_expectation():
    assert CASES, "no invalid descriptions found"
    for p in CASES:
        assert expectations(p), f"{p.name} has no '# expect:' line"


@pytest.mark.parametrize("path,expected", list(_params()))
def test_invalid_description_gives_exactly_its_located_errors(path, expected, monkeypatch):
    rel = path.relative_to(HERE.parents[1]).as_posix()
    m = re.search(r"^# board-path: (\S+)$", path.read_text(), flags=re.M)
    if m:  # a test board (tests/generator/testboards) the case needs
        monkeypatch.setenv("SEPTUM_BOARD_PATH", m.group(1))
    res = compile_description(rel)
    got = [(d.code, d.loc.line, d.loc.col, d.message,
            [(n.loc.line, n.loc.col, n.message) for n in d.notes], None if d.loc.file == rel else d.loc.file)
           for d in res.diags.sorted()]
    assert sorted(got, key=repr) == sorted(expected, key=repr)
    assert res.plan is None


def test_each_rule_code_has_an_invalid_case():
    from generator import checks
    covered = {e[0] for p in CASES for e in expectations(p)}
    missing = [r.code for r in checks.all_codes() if r.code not in covered]
    assert not missing, f"rules without a failing description: {missing}"
