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


#: Largest size and (exclusive) address the language accepts: 48-bit physical addresses.
SIZE_MAX = 1 << 48


def _is_integer(_checker, inst) -> bool:
    """JSON Schema's integer, but never a float (YAML 67108864.0 is not an integer) nor a bool."""
    return isinstance(inst, int) and not isinstance(inst, bool)


def _x_size(_validator, enabled, inst, _schema):
    """`x-size: true`: a size string that parses to 1 .. SIZE_MAX bytes."""
    from .model import parse_size
    if not enabled or not isinstance(inst, str):
        return
    try:
        v = parse_size(inst)
    except ValueError:
        yield jsonschema.ValidationError(f"{inst!r} is not a size")
        return
    if not 1 <= v <= SIZE_MAX:
        yield jsonschema.ValidationError(f"{inst!r} is {v} bytes, outside 1..{SIZE_MAX:#x}")


def _x_address(_validator, enabled, inst, _schema):
    """`x-address: true`: a hex string below SIZE_MAX."""
    from .model import parse_addr
    if not enabled or not isinstance(inst, str):
        return
    try:
        v = parse_addr(inst)
    except ValueError:
        yield jsonschema.ValidationError(f"{inst!r} is not an address")
        return
    if not 0 <= v < SIZE_MAX:
        yield jsonschema.ValidationError(f"{inst!r} is outside 0..{SIZE_MAX - 1:#x}")


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        schema = json.load(f)
    base = jsonschema.Draft202012Validator
    cls = jsonschema.validators.extend(
        base, validators={"x-size": _x_size, "x-address": _x_address},
        type_checker=base.TYPE_CHECKER.redefine("integer", _is_integer))
    return cls(schema)


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
    return not validate_paths(doc, diags)


def validate_paths(doc: Located, diags: Diagnostics) -> list:
    """Validate doc; add E0102/E0103/E0104; return the paths of the errors (empty: clean)."""
    errors = list(_validator().iter_errors(doc.data))
    seen = set()
    for err in errors:
        for code, loc, msg in _translate(err, doc):
            if (code, loc, msg) not in seen:
                seen.add((code, loc, msg))
                diags.error(code, loc, msg)
    paths = []
    for err in errors:
        path = tuple(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            props = set(err.schema.get("properties", {}))
            paths += [path + (k,) for k in err.instance if k not in props]  # the unknown keys themselves
        else:
            paths.append(path)
    return paths


#: Parts of a description that can be left out of the semantic checks when they have a schema error.
_PARTS = ("partitions", "channels")


def prune(data: dict, paths: list):
    """The description without the partitions and channels that have schema errors.

    Returns (data, excluded) where excluded maps part -> set of names left out,
    or (None, None) when an error is outside such a part (nothing sensible can
    be checked). A channel that names a left-out partition as a peer is left
    out too; health subscribers naming one are dropped (model.build does it).
    """
    excluded = {k: set() for k in _PARTS}
    top = set(_validator().schema.get("properties", {}))
    unknown = set()
    for p in paths:
        if len(p) == 1 and p[0] not in top:
            unknown.add(p[0])  # an unknown top-level key: leave it out
        elif len(p) >= 2 and p[0] in _PARTS:
            excluded[p[0]].add(p[1])
        elif len(p) >= 1 and p[0] == "warnings":
            excluded.setdefault("warnings", set()).add("allow")
        else:
            return None, None
    out = {k: v for k, v in data.items() if k not in unknown}
    for part in _PARTS:
        if isinstance(out.get(part), dict):
            out[part] = {k: v for k, v in out[part].items() if k not in excluded[part]}
    if "warnings" in excluded:
        out.pop("warnings", None)
    gone = excluded["partitions"]
    if gone and isinstance(out.get("channels"), dict):
        for name, c in list(out["channels"].items()):
            if isinstance(c, dict) and isinstance(c.get("peers"), dict) and set(c["peers"]) & gone:
                excluded["channels"].add(name)
                del out["channels"][name]
    if list(_validator().iter_errors(out)):
        return None, None
    return out, excluded


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
    if v in ("minimum", "maximum"):
        lo, hi = err.schema.get("minimum"), err.schema.get("maximum")
        rng = f"{lo}..{hi}" if lo is not None and hi is not None else (
            f"at least {lo}" if lo is not None else f"at most {hi}")
        yield ("E0103", doc.loc(path), f"{where(path)}: {_show(inst)} is out of range (allowed: {rng})")
        return
    if v in ("x-size", "x-address"):
        yield ("E0103", doc.loc(path), f"{where(path)}: {err.message}")
        return
    if v == "pattern":
        yield ("E0103", doc.loc(path), f"{where(path)}: {_show(inst)} is not valid here")
        return
    if v == "uniqueItems":
        yield ("E0103", doc.loc(path), f"{where(path)}: items must be unique")
        return
    yield ("E0103", doc.loc(path), f"{where(path)}: {err.message}")
