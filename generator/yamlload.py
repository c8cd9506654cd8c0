# SPDX-License-Identifier: Apache-2.0
"""Load YAML into plain Python values plus the line/column of every node.

PyYAML's compose() keeps marks on nodes; we convert the node tree ourselves so
that every value and every mapping key has a location, addressed by its path
(a tuple of keys and list indexes, as jsonschema's error.absolute_path).
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

import yaml

from .diag import Diagnostics, Loc

Path = Tuple[Any, ...]


class Located:
    """A loaded document: its data, and where each value and key came from."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.data: Any = None
        self.values: Dict[Path, Loc] = {}
        self.keys: Dict[Path, Loc] = {}

    def loc(self, path: Path) -> Loc:
        """Location of the value at path, or of its nearest located ancestor."""
        p = tuple(path)
        while p not in self.values and p:
            p = p[:-1]
        return self.values.get(p, Loc(self.filename, 1, 1))

    def key_loc(self, path: Path) -> Loc:
        """Location of the key naming the value at path (falls back to the value)."""
        return self.keys.get(tuple(path)) or self.loc(path)


def _mark(filename: str, mark) -> Loc:
    if mark is None:
        return Loc(filename, 0, 0)
    return Loc(filename, mark.line + 1, mark.column + 1)


def load(text: bytes, filename: str, diags: Diagnostics) -> Located:
    """Parse text; on a syntax error add E0101/E0107 and return what was loaded."""
    doc = Located(filename)
    loader = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = e.problem or "invalid YAML"
        if e.context:
            what = f"{e.context}: {what}"
        diags.error("E0101", _mark(filename, mark), f"YAML syntax error: {what}")
        return doc
    except yaml.YAMLError as e:  # reader errors: bad encoding, control characters
        pos = getattr(e, "position", None)
        msg = str(e).splitlines()[0] if str(e) else "unreadable input"
        loc = Loc(filename, 1, 1 + pos) if isinstance(pos, int) and pos < 200 else Loc(filename, 1, 1)
        diags.error("E0101", loc, f"YAML syntax error: {msg}")
        return doc
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        diags.error("E0101", Loc(filename, 1, 1), "the description is empty")
        return doc
    doc.data = _convert(node, (), doc, loader, diags, depth=0)
    return doc


def _convert(node, path: Path, doc: Located, loader, diags: Diagnostics, depth: int):
    fn = doc.filename
    doc.values[path] = _mark(fn, node.start_mark)
    if depth > 64:
        diags.error("E0101", _mark(fn, node.start_mark), "YAML nesting is too deep")
        return None
    if isinstance(node, yaml.MappingNode):
        out: Dict[str, Any] = {}
        for knode, vnode in node.value:
            if knode.tag == "tag:yaml.org,2002:merge":
                diags.error("E0101", _mark(fn, knode.start_mark),
                            "YAML merge keys ('<<') are not supported in a system description")
                continue
            if not isinstance(knode, yaml.ScalarNode):
                diags.error("E0103", _mark(fn, knode.start_mark), "a mapping key must be a plain name")
                continue
            try:
                key = loader.construct_object(knode)
            except yaml.YAMLError as e:
                diags.error("E0101", _mark(fn, knode.start_mark), f"YAML error: {getattr(e, 'problem', e)}")
                continue
            if not isinstance(key, str):
                key = knode.value  # e.g. `0:` or `on:` keys: keep the text, the schema judges it
            if key in out:
                first = doc.keys.get(path + (key,))
                note = []
                if first is not None:
                    from .diag import Note
                    note = [Note(first, f"'{key}' first given here")]
                diags.error("E0107", _mark(fn, knode.start_mark), f"duplicate key '{key}'", note)
                continue
            doc.keys[path + (key,)] = _mark(fn, knode.start_mark)
            out[key] = _convert(vnode, path + (key,), doc, loader, diags, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, path + (i,), doc, loader, diags, depth + 1) for i, v in enumerate(node.value)]
    try:
        value = loader.construct_object(node)
    except yaml.YAMLError as e:
        diags.error("E0101", _mark(fn, node.start_mark), f"YAML error: {getattr(e, 'problem', e)}")
        return None
    except (ValueError, OverflowError, TypeError) as e:  # e.g. an invalid timestamp
        diags.error("E0101", _mark(fn, node.start_mark), f"invalid YAML scalar {node.value!r}: {e}")
        return None
    if not isinstance(value, (str, int, float, bool, type(None))):
        value = node.value  # timestamps, binary: keep the text; the schema will reject it
    return value
