# SPDX-License-Identifier: Apache-2.0
"""JSON Schema validation of a loaded description, with located E01xx messages."""

from __future__ import annotations

import difflib
import functools
import json
import pathlib
from typing import Any, Iterable

import jsonschema

from .diag import Diagnostics
from .yamlload import Located

SCHEMA_PATH = pathlib.Path(__file__).resolve().parent / "schema" / "system.schema.json"

#: The description language versions this generator reads.
SUPPORTED_VERSIONS = (1,)


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        schema = json.load(f)
    return jsonschema.Draft202012Validator(schema)


def where(path: Iterable[Any]) -> str:
    """Human name of a path: partitions.cluster.memory[0]."""
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or "the top level"


def _show(v: Any) -> str:
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null (empty)"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    return str(v)


_TYPE_NAMES = {"integer": "an integer", "string": "a string", "object": "a mapping",
               "array": "a list", "boolean": "true or false", "number": "a number"}


def check_version(doc: Located, diags: Diagnostics) -> bool:
    """E0105: the `septum:` language version is one this generator reads."""
    data = doc.data
    if not isinstance(data, dict) or "septum" not in data:
        return True
    v = data["septum"]
    if isinstance(v, int) and not isinstance(v, bool) and v not in SUPPORTED_VERSIONS:
        diags.error("E0105", doc.loc(("septum",)),
                    f"unsupported description version septum: {v}; this generator reads "
                    + ", ".join(str(s) for s in SUPPORTED_VERSIONS))
        return False
    return True


def validate(doc: Located, diags: Diagnostics) -> bool:
    """Validate doc against the schema; add E0102/E0103/E0104 and return True if clean."""
    errors = list(_validator().iter_errors(doc.data))
    seen = set()
    for err in errors:
        for code, loc, msg in _translate(err, doc):
            if (code, loc, msg) not in seen:
                seen.add((code, loc, msg))
                diags.error(code, loc, msg)
    return not errors


def _translate(err, doc: Located):
    path = tuple(err.absolute_path)
    inst = err.instance
    v = err.validator
    if v == "additionalProperties":
        props = set(err.schema.get("properties", {}))
        extras = sorted(k for k in inst if k not in props) if isinstance(inst, dict) else []
        expected = ", ".join(sorted(props))
        for k in extras:
            close = difflib.get_close_matches(str(k), sorted(props), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else (
                f"; expected one of: {expected}" if expected else "")
            yield ("E0102", doc.key_loc(path + (k,)), f"unknown key '{k}' in {where(path)}{hint}")
        return
    if v == "required":
        missing = err.validator_value
        for k in missing:
            if isinstance(inst, dict) and k not in inst:
                loc = doc.key_loc(path) if path else doc.loc(path)
                yield ("E0104", loc, f"{where(path)}: missing required key '{k}'")
        return
    if v == "type":
        want = err.validator_value
        wants = want if isinstance(want, list) else [want]
        yield ("E0103", doc.loc(path),
               f"{where(path)}: expected {' or '.join(_TYPE_NAMES.get(w, w) for w in wants)}, got {_show(inst)}")
        return
    if v in ("enum", "const"):
        opts = err.validator_value if v == "enum" else [err.validator_value]
        yield ("E0103", doc.loc(path),
               f"{where(path)}: expected one of {', '.join(_show(o) for o in opts)}, got {_show(inst)}")
        return
    if v in ("oneOf", "anyOf"):
        exp = err.schema.get("x-expected", "a valid value")
        yield ("E0103", doc.loc(path), f"{where(path)}: expected {exp}, got {_show(inst)}")
        return
    if v == "minItems":
        yield ("E0103", doc.loc(path), f"{where(path)}: needs at least {err.validator_value} item(s)")
        return
    if v == "minProperties":
        yield ("E0103", doc.loc(path), f"{where(path)}: needs at least {err.validator_value} entry(ies)")
        return
    if v == "minimum":
        yield ("E0103", doc.loc(path), f"{where(path)}: {_show(inst)} is less than the minimum {err.validator_value}")
        return
    if v == "pattern":
        yield ("E0103", doc.loc(path), f"{where(path)}: {_show(inst)} is not valid here")
        return
    if v == "uniqueItems":
        yield ("E0103", doc.loc(path), f"{where(path)}: items must be unique")
        return
    yield ("E0103", doc.loc(path), f"{where(path)}: {err.message}")
