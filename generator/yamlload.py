# SPDX-License-Identifier: Apache-2.0
"""Load YAML into plain Python values plus the line/column of every node.

The document is built from PyYAML's event stream (the parser is iterative, so
no nesting can exhaust Python's stack), with the limits checked while it is
read and before any alias is expanded:

- the file is at most MAX_BYTES (E0112, checked by the caller before parsing);
- collections nest at most MAX_DEPTH deep (E0114);
- the document, with every alias expanded, has at most MAX_NODES nodes (E0113);
- only the standard tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq)
  may be written (E0115).

Every value and mapping key has a location, addressed by its path (a tuple of
keys and list indexes, as jsonschema's error.absolute_path). A value that
came through an alias is located where the anchor wrote it, with the alias use
attached (Loc.via), so diagnostics name both.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, Dict, List, Optional, Tuple

import yaml

from .diag import Diagnostics, Loc, Note

Path = Tuple[Any, ...]

#: Largest description file, in bytes.
MAX_BYTES = 1 << 20
#: Deepest nesting of mappings and lists (the language needs 5).
MAX_DEPTH = 32
#: Most nodes (scalars, mappings, lists) of a document with every alias expanded.
MAX_NODES = 100_000

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null")}
_KEEP_TEXT = {_STD + t for t in ("timestamp", "binary")}  # implicit only: kept as text


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


def _through(loc: Loc, use: Loc, name: str) -> Loc:
    """loc, reached through one more alias use (appended to the end of its chain)."""
    if loc.via is None:
        return dataclasses.replace(loc, via=use, via_name=name)
    return dataclasses.replace(loc, via=_through(loc.via, use, name))


class _Stop(Exception):
    """A limit was exceeded: the error is reported, the document is not built."""


_NOKEY = object()


@dataclasses.dataclass
class _Frame:
    kind: str  # "map" or "seq"
    path: Optional[Path]  # None: the value is discarded (bad or duplicate key)
    value: Any
    loc: Loc
    anchor: Optional[str]
    vstart: int
    kstart: int
    nodes_at_start: int
    depth_below: int = 0
    key: Any = _NOKEY
    key_loc: Optional[Loc] = None
    key_bad: bool = False  # the pending key is a collection: discard key and value


@dataclasses.dataclass
class _Anchor:
    value: Any
    loc: Loc
    nodes: int
    depth: int
    values: List[Tuple[Path, Loc]]
    keys: List[Tuple[Path, Loc]]


class _Builder:
    def __init__(self, doc: Located, loader, diags: Diagnostics) -> None:
        self.doc = doc
        self.fn = doc.filename
        self.loader = loader
        self.diags = diags
        self.stack: List[_Frame] = []
        self.nodes = 0
        self.anchors: Dict[str, _Anchor] = {}
        self.vorder: List[Path] = []
        self.korder: List[Path] = []
        self.root: Any = _NOKEY

    # -- where the next node goes
    def _child_path(self) -> Optional[Path]:
        if not self.stack:
            return ()
        f = self.stack[-1]
        if f.path is None:
            return None
        if f.kind == "seq":
            return f.path + (len(f.value),)
        if f.key is _NOKEY:
            return None  # a key: located separately
        if f.key_bad or f.key is None:
            return None
        return f.path + (f.key,)

    def _is_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].kind == "map" and self.stack[-1].key is _NOKEY

    def _count(self, n: int, loc: Loc, anchor: Optional[_Anchor] = None, name: str = "") -> None:
        if self.nodes + n > MAX_NODES:
            notes = [Note(anchor.loc, f"the anchor '&{name}' ({anchor.nodes} nodes) is defined here")] \
                if anchor else []
            self.diags.error("E0113", loc, f"the description has more than {MAX_NODES} YAML nodes "
                             f"with its aliases expanded (the limit)", notes)
            raise _Stop()
        self.nodes += n

    def _record(self, path: Optional[Path], loc: Loc) -> None:
        if path is not None:
            self.doc.values[path] = loc
            self.vorder.append(path)

    def _check_tag(self, tag: Optional[str], allowed, loc: Loc) -> bool:
        if tag is None or tag == "!" or tag in allowed:
            return True
        shown = "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag
        self.diags.error("E0115", loc, f"YAML tag '{shown}' is not allowed; a system description uses "
                         f"only plain values (the standard tags !!str, !!int, !!float, !!bool, !!null, "
                         f"!!map, !!seq)")
        return False

    # -- placing a finished node
    def _place(self, value: Any, loc: Loc, key_text: Optional[str] = None, is_collection: bool = False,
               depth: int = 0) -> None:
        if not self.stack:
            self.root = value
            return
        f = self.stack[-1]
        f.depth_below = max(f.depth_below, depth + 1)
        if f.kind == "seq":
            f.value.append(value)
            return
        if f.key is _NOKEY:  # this node is a key
            f.key_loc = loc
            f.key_bad = False
            if is_collection:
                self.diags.error("E0103", loc, "a mapping key must be a plain name")
                f.key, f.key_bad = "", True
                return
            key = value if isinstance(value, str) else key_text
            if f.path is not None and key in f.value:
                first = self.doc.keys.get(f.path + (key,))
                notes = [Note(first, f"'{key}' first given here")] if first is not None else []
                self.diags.error("E0107", loc, f"duplicate key '{key}'", notes)
                f.key, f.key_bad = key, True
                return
            f.key = key
            if f.path is not None:
                self.doc.keys[f.path + (key,)] = loc
                self.korder.append(f.path + (key,))
            return
        if not f.key_bad and f.key is not None:
            f.value[f.key] = value
        f.key, f.key_bad = _NOKEY, False

    def _scalar(self, ev) -> None:
        loc = _mark(self.fn, ev.start_mark)
        self._count(1, loc)
        is_key = self._is_key()
        path = None if is_key else self._child_path()
        tag = ev.tag
        if tag in (None, "!"):
            tag = self.loader.resolve(yaml.ScalarNode, ev.value, ev.implicit)
            explicit = False
        else:
            explicit = True
        value: Any = ev.value
        if explicit and not self._check_tag(tag, _SCALAR_TAGS, loc):
            value = None
        elif tag == _STD + "merge" and is_key:
            self.diags.error("E0101", loc, "YAML merge keys ('<<') are not supported in a system description")
            f = self.stack[-1]
            f.key, f.key_loc, f.key_bad = "<<", loc, True
            return
        elif tag in _KEEP_TEXT:
            value = ev.value
        else:
            ctor = self.loader.yaml_constructors.get(tag)
            node = yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, ev.style)
            try:
                value = ctor(self.loader, node) if ctor else ev.value
            except yaml.YAMLError as e:
                self.diags.error("E0101", loc, f"YAML error: {getattr(e, 'problem', e)}")
                value = None
            except (ValueError, OverflowError, TypeError) as e:
                self.diags.error("E0101", loc, f"invalid YAML scalar {ev.value!r}: {e}")
                value = None
            if not isinstance(value, (str, int, float, bool, type(None))):
                value = ev.value
        if not is_key:
            self._record(path, loc)
        if ev.anchor:
            self.anchors[ev.anchor] = _Anchor(value, loc, 1, 0, [((), loc)], [])
        self._place(value, loc, key_text=ev.value)

    def _start(self, ev, kind: str) -> None:
        loc = _mark(self.fn, ev.start_mark)
        if len(self.stack) >= MAX_DEPTH:
            self.diags.error("E0114", loc, f"YAML nesting is deeper than {MAX_DEPTH} levels (the limit)")
            raise _Stop()
        self._count(1, loc)
        self._check_tag(ev.tag, {_STD + ("map" if kind == "map" else "seq")}, loc)
        is_key = self._is_key()
        path = None if is_key else self._child_path()
        self._record(path, loc)
        f = _Frame(kind, path, {} if kind == "map" else [], loc, ev.anchor, len(self.vorder) - (path is not None),
                   len(self.korder), self.nodes - 1)
        self.stack.append(f)

    def _end(self) -> None:
        f = self.stack.pop()
        if f.anchor:
            n = len(f.path) if f.path is not None else 0
            vals = [(p[n:], self.doc.values[p]) for p in self.vorder[f.vstart:]] if f.path is not None else []
            keys = [(p[n:], self.doc.keys[p]) for p in self.korder[f.kstart:]] if f.path is not None else []
            self.anchors[f.anchor] = _Anchor(f.value, f.loc, self.nodes - f.nodes_at_start, f.depth_below,
                                             vals, keys)
        self._place(f.value, f.loc, is_collection=self._is_key(), depth=f.depth_below)

    def _alias(self, ev) -> None:
        loc = _mark(self.fn, ev.start_mark)
        a = self.anchors.get(ev.anchor)
        if a is None:
            self.diags.error("E0101", loc, f"YAML alias '*{ev.anchor}' names no anchor defined before it")
            self._place(None, loc)
            return
        self._count(a.nodes, loc, a, ev.anchor)
        if len(self.stack) + a.depth > MAX_DEPTH:
            self.diags.error("E0114", loc, f"YAML nesting is deeper than {MAX_DEPTH} levels (the limit) "
                             f"with the alias '*{ev.anchor}' expanded",
                             [Note(a.loc, f"the anchor '&{ev.anchor}' is defined here")])
            raise _Stop()
        is_key = self._is_key()
        path = None if is_key else self._child_path()
        if path is not None:
            for rel, l in a.values:
                self._record(path + rel, _through(l, loc, ev.anchor))
            for rel, l in a.keys:
                self.doc.keys[path + rel] = _through(l, loc, ev.anchor)
                self.korder.append(path + rel)
        value = copy.deepcopy(a.value) if isinstance(a.value, (dict, list)) else a.value
        self._place(value, _through(a.loc, loc, ev.anchor),
                    key_text=a.value if isinstance(a.value, str) else str(a.value),
                    is_collection=isinstance(a.value, (dict, list)), depth=a.depth)

    def run(self) -> Any:
        docs = 0
        while True:
            ev = self.loader.get_event()
            if ev is None or isinstance(ev, yaml.StreamEndEvent):
                break
            if isinstance(ev, yaml.DocumentStartEvent):
                docs += 1
                if docs > 1:
                    self.diags.error("E0101", _mark(self.fn, ev.start_mark),
                                     "YAML syntax error: the file holds more than one YAML document")
                    raise _Stop()
            elif isinstance(ev, yaml.ScalarEvent):
                self._scalar(ev)
            elif isinstance(ev, yaml.MappingStartEvent):
                self._start(ev, "map")
            elif isinstance(ev, yaml.SequenceStartEvent):
                self._start(ev, "seq")
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                self._end()
            elif isinstance(ev, yaml.AliasEvent):
                self._alias(ev)
        return None if self.root is _NOKEY else self.root


def load(text: bytes, filename: str, diags: Diagnostics) -> Located:
    """Parse text; on a syntax error or an exceeded limit add the error and return what was loaded."""
    doc = Located(filename)
    if len(text) > MAX_BYTES:
        diags.error("E0112", Loc(filename, 1, 1), f"the description is larger than {MAX_BYTES} bytes "
                    f"(the limit)")
        return doc
    loader = None
    try:
        loader = yaml.SafeLoader(text)
        builder = _Builder(doc, loader, diags)
        data = builder.run()
    except _Stop:
        return doc
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
    if data is None and not diags.has_errors():
        diags.error("E0101", Loc(filename, 1, 1), "the description is empty")
        return doc
    doc.data = data
    return doc
