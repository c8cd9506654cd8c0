# SPDX-License-Identifier: Apache-2.0
"""Diagnostics: located errors, warnings and notes, printed GCC-style or as JSON."""

from __future__ import annotations

import dataclasses
import json
from typing import List, Optional


@dataclasses.dataclass(frozen=True)
class Loc:
    """A position in an input file; line and column are 1-based, 0 = unknown."""

    file: str
    line: int = 0
    col: int = 0
    #: Set when the value came through a YAML alias: where the alias is used, and its name.
    via: Optional["Loc"] = dataclasses.field(default=None, compare=False, repr=False)
    via_name: str = dataclasses.field(default="", compare=False, repr=False)

    def prefix(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


@dataclasses.dataclass
class Note:
    loc: Loc
    message: str


@dataclasses.dataclass
class Diagnostic:
    """One finding: severity 'error' or 'warning', a stable code, a message."""

    severity: str
    code: str
    loc: Loc
    message: str
    notes: List[Note] = dataclasses.field(default_factory=list)

    def text(self) -> str:
        lines = [f"{self.loc.prefix()}: {self.severity}[{self.code}]: {self.message}"]
        for n in self.notes:
            lines.append(f"{n.loc.prefix()}: note: {n.message}")
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.loc.file,
            "line": self.loc.line,
            "column": self.loc.col,
            "message": self.message,
            "notes": [
                {"file": n.loc.file, "line": n.loc.line, "column": n.loc.col,
                 "message": n.message}
                for n in self.notes
            ],
        }


def _via_notes(loc: Loc) -> List[Note]:
    """Notes naming the alias uses a located value came through (innermost first)."""
    out: List[Note] = []
    seen = 0
    while loc.via is not None and seen < 64:
        out.append(Note(Loc(loc.via.file, loc.via.line, loc.via.col),
                        f"used here through the alias '*{loc.via_name}'"))
        loc = loc.via
        seen += 1
    return out


class Diagnostics:
    """Collects the findings of a run; warnings count as errors unless allowed."""

    def __init__(self) -> None:
        self.items: List[Diagnostic] = []
        self.allowed_warnings: set = set()

    def error(self, code: str, loc: Loc, message: str,
              notes: Optional[List[Note]] = None) -> Diagnostic:
        d = Diagnostic("error", code, loc, message, list(notes or []) + _via_notes(loc))
        self.items.append(d)
        return d

    def warning(self, code: str, loc: Loc, message: str,
                notes: Optional[List[Note]] = None) -> Diagnostic:
        """A warning is an error unless the description allows its code."""
        d = Diagnostic("warning", code, loc, message, list(notes or []) + _via_notes(loc))
        self.items.append(d)
        return d

    def finalize(self) -> None:
        """Turn warnings that the description did not allow into errors."""
        for d in self.items:
            if d.severity == "warning" and d.code not in self.allowed_warnings:
                d.severity = "error"
                d.message += f" (a warning; allow it with `warnings: {{ allow: [{d.code}] }}`)"

    @property
    def errors(self) -> List[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)

    def sorted(self) -> List[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.loc.file, d.loc.line, d.loc.col, d.code, d.message))

    def render_text(self) -> str:
        return "".join(d.text() + "\n" for d in self.sorted())

    def render_json(self) -> str:
        ds = self.sorted()
        doc = {
            "diagnostics": [d.as_json() for d in ds],
            "errors": sum(1 for d in ds if d.severity == "error"),
            "warnings": sum(1 for d in ds if d.severity == "warning"),
        }
        return json.dumps(doc, indent=2, sort_keys=True) + "\n"


class Abort(Exception):
    """Stop the pipeline after a phase that reported errors."""
