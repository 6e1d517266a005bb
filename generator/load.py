"""YAML and JSON loading that keeps positions.

Both blueprints and CloudFormation templates are read here. The result is plain Python data (dicts, lists, scalars)
plus a map from each key path to where it stands in the file, so any later stage can report
``file:line:col: key.path: message`` without carrying YAML nodes around.

CloudFormation short forms (``!Ref``, ``!GetAtt``, ``!Sub``…) are turned into their long forms when ``cfn=True``;
in blueprints, any tag is an error.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator import limits
from generator.errors import InputError, Position

KeyPath = tuple


@dataclass
class Document:
    """Loaded data with the position of every key and value."""

    path: str
    data: Any
    values: dict[KeyPath, Position] = field(default_factory=dict)
    keys: dict[KeyPath, Position] = field(default_factory=dict)

    def position(self, keypath: KeyPath | list, *, key: bool = False) -> Position:
        """Where ``keypath`` (or its longest existing prefix) stands; the key's position if ``key`` is true."""
        keypath = tuple(keypath)
        while keypath:
            table = self.keys if key else self.values
            if keypath in table:
                return table[keypath]
            if keypath in self.values:
                return self.values[keypath]
            keypath = keypath[:-1]
        return self.values.get((), Position(1, 1))

    def error(self, keypath: KeyPath | list, message: str, *, key: bool = False) -> InputError:
        """An :class:`InputError` pointing at ``keypath`` in this document."""
        return InputError(message, path=self.path, position=self.position(keypath, key=key), keypath=keypath)


class _Loader(yaml.SafeLoader):
    """SafeLoader used only for its parser (events) and resolver; composition and construction happen here."""


# libyaml's parser when PyYAML has it: the same events and marks, about 8x faster on large templates. Its error
# messages are terser, so a document it rejects is parsed again by the pure-Python loader to word the error.
_FastLoader = getattr(yaml, "CSafeLoader", _Loader)

_YAML = "tag:yaml.org,2002:"
#: Explicit standard tags that change nothing (``!!str 10`` is the string "10").
_STRUCTURAL_TAGS = {_YAML + "str", _YAML + "seq", _YAML + "map"}
#: Explicit standard tags allowed when the plain text already is that type (``!!int 5``, never ``!!int abc``).
_TYPED_TAGS = {_YAML + "int", _YAML + "float", _YAML + "bool", _YAML + "null"}


def _pos(node_or_mark) -> Position:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return Position(mark.line + 1, mark.column + 1)


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag


class _Limited(Exception):
    """A limit or type violation found while composing, with where it stands."""

    def __init__(self, mark, message: str):
        super().__init__(message)
        self.position = _pos(mark)
        self.message = message


def _compose(text: str, loader_class) -> yaml.Node | None:
    """The document's node graph, composed from parser events with an explicit stack (never recursion).

    PyYAML's own composer recurses once per nesting level (RecursionError at a few hundred levels, a crash of the
    interpreter at tens of thousands) and lets aliases expand without bound. Here every node knows its expanded
    size and height, so nesting past ``MAX_DEPTH`` and documents whose aliases expand past ``MAX_NODES`` values are
    refused at the node or alias that crosses the line, in time linear in the text.
    """
    loader = loader_class(text)
    try:
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # DocumentStart
        root = _compose_document(loader)
        loader.get_event()  # DocumentEnd
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise yaml.composer.ComposerError("expected a single document in the stream", None,
                                              "but found another document", event.start_mark)
        return root
    finally:
        loader.dispose()


def _compose_document(loader) -> yaml.Node:
    anchors: dict[str, yaml.Node] = {}
    size: dict[int, int] = {}     # id(node) -> values once aliases are expanded
    height: dict[int, int] = {}   # id(node) -> nesting levels at and below it
    open_nodes: list[yaml.Node] = []
    total = 0
    root = None

    def add(node: yaml.Node) -> None:
        nonlocal root
        if open_nodes:
            open_nodes[-1].value.append(node)
        else:
            root = node

    while True:
        event = loader.get_event()
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            node = open_nodes.pop()
            node.end_mark = event.end_mark
            children = node.value  # keys and values alternate until the pairs are formed below
            size[id(node)] = 1 + sum(size[id(c)] for c in children)
            height[id(node)] = 1 + max((height[id(c)] for c in children), default=0)
            if isinstance(node, yaml.MappingNode):
                node.value = [tuple(node.value[i:i + 2]) for i in range(0, len(node.value), 2)]
            if not open_nodes:
                return root
            continue
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise _Limited(event.start_mark, f"alias *{event.anchor} names no anchor defined before it")
            node = anchors[event.anchor]
            if id(node) not in size:
                raise _Limited(event.start_mark, f"alias *{event.anchor} refers to a node that contains it "
                                                 f"(recursive aliases cannot be expanded)")
            total += size[id(node)]
            if total > limits.MAX_NODES:
                raise _Limited(event.start_mark, f"aliases expand this document past {limits.MAX_NODES:,} values "
                                                 f"(limit {limits.MAX_NODES:,}; an alias bomb?)")
            if len(open_nodes) + height[id(node)] > limits.MAX_DEPTH:
                raise _Limited(event.start_mark, f"alias *{event.anchor} nests values deeper than "
                                                 f"{limits.MAX_DEPTH} levels (limit {limits.MAX_DEPTH})")
            add(node)
            continue
        total += 1
        if total > limits.MAX_NODES:
            raise _Limited(event.start_mark, f"more than {limits.MAX_NODES:,} values (limit {limits.MAX_NODES:,})")
        if isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
            node.explicit = event.tag not in (None, "!")
            size[id(node)], height[id(node)] = 1, 0
        else:
            if len(open_nodes) >= limits.MAX_DEPTH:
                raise _Limited(event.start_mark, f"nested deeper than {limits.MAX_DEPTH} levels "
                                                 f"(limit {limits.MAX_DEPTH})")
            is_map = isinstance(event, yaml.MappingStartEvent)
            kind = yaml.MappingNode if is_map else yaml.SequenceNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(kind, None, event.implicit)
            node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
            node.explicit = event.tag not in (None, "!")
        if event.anchor is not None:
            anchors[event.anchor] = node
        add(node)
        if isinstance(node, yaml.ScalarNode):
            if not open_nodes:
                return root
        else:
            open_nodes.append(node)


_CFN_SCALAR_TAGS = {"!Ref": "Ref", "!Condition": "Condition"}


def _cfn_tag(tag: str, value: Any) -> Any:
    """The long form of a CloudFormation short-form tag."""
    if tag in _CFN_SCALAR_TAGS:
        return {_CFN_SCALAR_TAGS[tag]: value}
    name = tag[1:]
    if name == "GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {f"Fn::{name}": value}


_MERGE = _YAML + "merge"


class _Builder:
    """Turns a composed YAML node graph into Python data, recording positions as it goes.

    The walk uses an explicit stack: depth is already bounded by :func:`_compose`, but no walk over input data
    should depend on that to stay off the interpreter's stack. Scalars become str, int, float, bool or None only
    (dates stay the text they were written as); numbers are bounded before Python converts or formats them.
    """

    def __init__(self, path: str, cfn: bool, loader_class):
        self.path = path
        self.cfn = cfn
        self.constructor = loader_class.__new__(loader_class)
        yaml.constructor.SafeConstructor.__init__(self.constructor)
        self.resolver = loader_class.__new__(loader_class)
        yaml.resolver.Resolver.__init__(self.resolver)
        self.doc = Document(path=path, data=None)

    def fail(self, node: yaml.Node, keypath: KeyPath, message: str) -> InputError:
        return InputError(message, path=self.path, position=_pos(node), keypath=keypath)

    def build(self, root: yaml.Node) -> Any:
        holder = [None]
        # Frames: ("node", node, keypath, container, slot) builds a value into container[slot];
        # ("merge", out, explicit, sources) finishes a mapping with merge keys once its children are built.
        stack: list[tuple] = [("node", root, (), holder, 0)]
        while stack:
            frame = stack.pop()
            if frame[0] == "merge":
                self._merge(*frame[1:])
                continue
            if frame[0] == "keypos":
                self.doc.keys[frame[1]] = frame[2]
                continue
            _, node, keypath, container, slot = frame[:5]
            container[slot] = self._start(node, keypath, stack, record=len(frame) == 5)
        return holder[0]

    def _start(self, node: yaml.Node, keypath: KeyPath, stack: list, record: bool = True) -> Any:
        """The value of ``node`` (containers empty, their children pushed on ``stack`` to fill them)."""
        if record:
            self.doc.values[keypath] = _pos(node)
        tag = node.tag
        if node.explicit and tag.startswith("!"):
            if not self.cfn:
                raise self.fail(node, keypath, f"YAML tag {tag} is not allowed here (blueprints use plain values)")
            if isinstance(node, yaml.ScalarNode):
                return _cfn_tag(tag, node.value)
            return _cfn_tag(tag, self._container(node, keypath, stack))
        if node.explicit and tag not in _STRUCTURAL_TAGS | _TYPED_TAGS:
            raise self.fail(node, keypath, f"YAML tag {_show_tag(tag)} is not allowed here (plain strings, numbers, "
                                           f"booleans, lists and mappings only)")
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, keypath)
        return self._container(node, keypath, stack)

    def _container(self, node: yaml.Node, keypath: KeyPath, stack: list) -> Any:
        if isinstance(node, yaml.SequenceNode):
            out = [None] * len(node.value)
            for i in reversed(range(len(node.value))):
                stack.append(("node", node.value[i], keypath + (i,), out, i))
            return out
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, keypath, "expected a list or a mapping under this tag")
        out: dict = {}
        seen: dict[str, Position] = {}
        frames = []
        sources = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE and not key_node.explicit:
                items = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for item in items:
                    if not isinstance(item, yaml.MappingNode) or item.explicit:
                        raise self.fail(item, keypath, "a merge key (<<) takes a mapping or a list of mappings")
                    box = [None]
                    sources.append(box)
                    frames.append(("node", item, keypath, box, 0, "merge source"))
                continue
            key = self._key(key_node, keypath)
            if key in seen:
                first = seen[key]
                raise self.fail(key_node, keypath + (key,), f"duplicate key '{key}' (first at line {first.line} "
                                                            f"column {first.col}; each key may appear once)")
            seen[key] = _pos(key_node)
            out[key] = None
            frames.append(("key", key_node, key, value_node))
        if sources:
            stack.append(("merge", out, sources))
        # Merge sources are built first, so the mapping's own keys record their positions last and win.
        frames.sort(key=lambda frame: frame[0] != "node")
        for frame in reversed(frames):
            if frame[0] == "key":
                _, key_node, key, value_node = frame
                stack.append(("node", value_node, keypath + (key,), out, key))
                stack.append(("keypos", keypath + (key,), _pos(key_node)))
            else:
                stack.append(frame)
        return out

    def _key(self, node: yaml.Node, keypath: KeyPath) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, keypath, "mapping keys must be plain strings")
        if node.explicit and not (self.cfn and node.tag.startswith("!")) and node.tag not in _STRUCTURAL_TAGS:
            raise self.fail(node, keypath, f"YAML tag {_show_tag(node.tag)} is not allowed on a key (plain strings "
                                           f"only)")
        return node.value

    def _scalar(self, node: yaml.ScalarNode, keypath: KeyPath) -> Any:
        tag = node.tag
        if node.explicit and tag in _TYPED_TAGS:
            implicit = self.resolver.resolve(yaml.ScalarNode, node.value, (True, False))
            if implicit != tag:
                raise self.fail(node, keypath, f"{_show_tag(tag)} {node.value!r} is not a valid "
                                               f"{tag[len(_YAML):]} (write the value without the tag)")
        if tag == _YAML + "int":
            digits = limits.int_digits(node.value)
            if digits > limits.MAX_INT_DIGITS:
                raise self.fail(node, keypath, f"integer with {digits} digits (limit {limits.MAX_INT_DIGITS})")
            return self.constructor.construct_yaml_int(node)
        if tag == _YAML + "float":
            value = self.constructor.construct_yaml_float(node)
            if not math.isfinite(value):
                raise self.fail(node, keypath, f"{node.value!r} is not a finite number (infinity and NaN are not "
                                               f"allowed)")
            return value
        if tag == _YAML + "bool":
            return self.constructor.construct_yaml_bool(node)
        if tag == _YAML + "null":
            return None
        return node.value  # str, and dates, '=' and '<<' as the text written

    def _merge(self, out: dict, sources: list[list]) -> None:
        """Apply merge keys: explicit keys win, then the first source that has a key."""
        explicit = dict(out)
        out.clear()
        for (source,) in sources:
            for key, value in source.items():
                out.setdefault(key, value)
        for key, value in explicit.items():
            out[key] = value


def load_text(text: str, path: str, *, cfn: bool = False) -> Document:
    """Parse YAML (or JSON, which YAML reads too) text into a :class:`Document`.

    Raises :class:`InputError` with the position of the first syntax problem or limit crossed
    (see :mod:`generator.limits`).
    """
    if len(text) > limits.MAX_CHARS:
        raise InputError(f"document is {len(text):,} characters (limit {limits.MAX_CHARS:,})", path=path,
                         position=Position(1, 1))
    loader_class = _FastLoader
    try:
        try:
            node = _compose(text, _FastLoader)
        except yaml.MarkedYAMLError:
            loader_class = _Loader
            node = _compose(text, _Loader)
    except _Limited as exc:
        raise InputError(exc.message, path=path, position=exc.position) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError(f"invalid YAML: {problem}", path=path, position=position) from None
    except yaml.reader.ReaderError as exc:  # a control character or a bad code point: located by its offset
        before = text[:exc.position]
        position = Position(before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1)
        raise InputError(f"invalid YAML: unacceptable character #x{exc.character:04x} (control characters are "
                         f"not allowed)", path=path, position=position) from None
    except yaml.YAMLError as exc:  # pragma: no cover - pyyaml raises marked errors for syntax problems
        raise InputError(f"invalid YAML: {exc}", path=path) from None
    builder = _Builder(path, cfn, loader_class)
    if node is None:
        builder.doc.data = None
        return builder.doc
    try:
        builder.doc.data = builder.build(node)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else None
        raise InputError(f"invalid value: {exc.problem}", path=path, position=position) from None
    return builder.doc


def load_json(text: str, path: str) -> Any:
    """JSON text to plain data with :mod:`json` (fast), within the same limits as :func:`load_text`.

    Syntax errors, duplicate keys, NaN/Infinity, oversized integers and nesting past the limit are exit-2
    errors; whatever is more than a syntax error is located by reading the text again with :func:`load_text`.
    """
    if len(text) > limits.MAX_CHARS:
        raise InputError(f"document is {len(text):,} characters (limit {limits.MAX_CHARS:,})", path=path,
                         position=Position(1, 1))
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_int=_bounded_int,
                          parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", path=path, position=Position(exc.lineno, exc.colno)) from None
    except (_Refused, RecursionError, ValueError) as exc:
        doc = load_text(text, path)  # reports the duplicate, integer or depth with its position
        # NaN, Infinity and 1e999 are plain strings to YAML: find the unquoted one to point at it.
        keypath, position = _unquoted_non_number(doc, text)
        if position is None:  # YAML read the text another way (e.g. two numbers on two lines): find the token
            offset = max(0, text.find(getattr(exc, "token", "") or "\0"))
            before = text[:offset]
            position = Position(before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)
        raise InputError(str(exc), path=path, position=position, keypath=keypath) from None
    if limits.depth_of(data) > limits.MAX_DEPTH:
        load_text(text, path)
        raise InputError(f"nested deeper than {limits.MAX_DEPTH} levels (limit {limits.MAX_DEPTH})", path=path)
    return data


def _unquoted_non_number(doc: Document, text: str) -> tuple[KeyPath, Position | None]:
    """The first value JSON reads as a non-finite number (unquoted NaN, Infinity, 1e999), YAML as a string."""
    lines = text.splitlines()
    for keypath, position in sorted(doc.values.items(), key=lambda item: (item[1].line, item[1].col)):
        value = doc.data
        for part in keypath:
            value = value[part]
        if not isinstance(value, str) or position.line > len(lines):
            continue
        line = lines[position.line - 1]
        if line[position.col - 1:position.col] in ("'", '"'):
            continue
        try:
            if not math.isfinite(float(value)):
                return keypath, position
        except ValueError:
            continue
    return (), None


class _Refused(ValueError):
    """A JSON value the limits refuse (duplicate key, NaN/Infinity, oversized number), and its text."""

    def __init__(self, message: str, token: str = ""):
        super().__init__(message)
        self.token = token


def _no_duplicates(pairs: list) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"duplicate key '{key}' (each key may appear once)", f'"{key}"')
        out[key] = value
    return out


def _bounded_int(text: str) -> int:
    if limits.int_digits(text) > limits.MAX_INT_DIGITS:
        raise _Refused(f"integer with {limits.int_digits(text)} digits (limit {limits.MAX_INT_DIGITS})", text)
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"{text!r} is not a finite number (infinity and NaN are not allowed)", text)
    return value


def _no_constant(text: str):
    raise _Refused(f"{text!r} is not a finite number (infinity and NaN are not allowed)", text)


def read_text(path: str, *, expected: str = "a file", hint: str = "") -> str:
    """Read a UTF-8 text file; a missing, unreadable or binary file is an InputError (exit 2), never a traceback.

    ``expected`` names what the command wanted (in the message for a directory), ``hint`` how to fix a missing file.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError("file not found" + (f" ({hint})" if hint else ""), path=path) from None
    except IsADirectoryError:
        raise InputError(f"is a directory, expected {expected}", path=path) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None


def load_file(path: str, *, cfn: bool = False) -> Document:
    """Read and parse a file; unreadable or non-UTF-8 files are input errors, not tracebacks."""
    return load_text(read_text(path), path, cfn=cfn)
