"""YAML and JSON loading that keeps positions.

Both blueprints and CloudFormation templates are read here. The result is plain Python data (dicts, lists, scalars)
plus a map from each key path to where it stands in the file, so any later stage can report
``file:line:col: key.path: message`` without carrying YAML nodes around.

CloudFormation short forms (``!Ref``, ``!GetAtt``, ``!Sub``…) are turned into their long forms when ``cfn=True``;
in blueprints, any tag is an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

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
    """SafeLoader that only composes nodes; construction is done by :func:`_build` to keep positions."""


# libyaml's parser when PyYAML has it: the same nodes and marks, about 8x faster on large templates. Its error
# messages are terser, so a document it rejects is parsed again by the pure-Python loader to word the error.
_FastLoader = getattr(yaml, "CSafeLoader", _Loader)


def _compose(text: str, loader_class) -> yaml.Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _pos(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


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


class _Builder:
    """Turns a composed YAML node tree into Python data, recording positions as it goes."""

    def __init__(self, path: str, cfn: bool):
        self.path = path
        self.cfn = cfn
        self.constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
        yaml.constructor.SafeConstructor.__init__(self.constructor)
        self.doc = Document(path=path, data=None)

    def fail(self, node: yaml.Node, keypath: KeyPath, message: str) -> InputError:
        return InputError(message, path=self.path, position=_pos(node), keypath=keypath)

    def build(self, node: yaml.Node, keypath: KeyPath) -> Any:
        self.doc.values[keypath] = _pos(node)
        tag = node.tag
        if tag.startswith("!"):
            if not self.cfn:
                raise self.fail(node, keypath, f"YAML tag {tag} is not allowed here (blueprints use plain values)")
            inner = self._untagged(node, keypath)
            return _cfn_tag(tag, inner)
        return self._untagged(node, keypath)

    def _untagged(self, node: yaml.Node, keypath: KeyPath) -> Any:
        if isinstance(node, yaml.MappingNode):
            self.constructor.flatten_mapping(node)
            out: dict = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, keypath, "mapping keys must be plain strings")
                key = self.constructor.construct_object(key_node) if not key_node.tag.startswith("!") else key_node.value
                if not isinstance(key, str):
                    key = str(key_node.value)
                if key in out:
                    raise self.fail(key_node, keypath + (key,), f"duplicate key '{key}' (each key may appear once)")
                self.doc.keys[keypath + (key,)] = _pos(key_node)
                out[key] = self.build(value_node, keypath + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, keypath + (i,)) for i, item in enumerate(node.value)]
        if node.tag.startswith("!"):
            return node.value
        return self.constructor.construct_object(node)


def load_text(text: str, path: str, *, cfn: bool = False) -> Document:
    """Parse YAML (or JSON, which YAML reads too) text into a :class:`Document`.

    Raises :class:`InputError` with the position of the first syntax problem.
    """
    try:
        try:
            node = _compose(text, _FastLoader)
        except yaml.MarkedYAMLError:
            node = _compose(text, _Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError(f"invalid YAML: {problem}", path=path, position=position) from None
    except yaml.YAMLError as exc:  # pragma: no cover - pyyaml raises marked errors for syntax problems
        raise InputError(f"invalid YAML: {exc}", path=path) from None
    builder = _Builder(path, cfn)
    if node is None:
        builder.doc.data = None
        return builder.doc
    try:
        builder.doc.data = builder.build(node, ())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else None
        raise InputError(f"invalid value: {exc.problem}", path=path, position=position) from None
    return builder.doc


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
