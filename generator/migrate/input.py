"""Reading a task definition: JSON from a file or stdin, with positions for errors, unwrapped from
``describe-task-definition`` output and stripped of the fields only AWS writes.

JSON is parsed with :mod:`json` (exact syntax errors with line and column). Only when a value is wrong is the same
text read again by the positioned loader, to report it as ``file:line:col``: that loader is pure Python and ~50
times slower than :mod:`json`, so valid inputs never pay for it.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

from generator.errors import InputError, Position
from generator.load import Document, load_json, load_text
from generator.load import read_text as read_file
from generator.migrate.report import Report, show

#: Fields ``describe-task-definition`` prints that ``register-task-definition`` rejects: AWS sets them.
READ_ONLY_FIELDS = ("taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
                    "registeredAt", "registeredBy", "deregisteredAt")

STDIN = "-"


@dataclass
class Source:
    """The task definition to migrate and how to point at its values in the input file."""

    data: dict
    text: str
    name: str
    prefix: tuple = ()           # ("taskDefinition",) when the input was describe-task-definition output
    tags: list | None = None     # the describe output's sibling "tags", carried over
    report: Report = field(default_factory=Report)

    def error(self, keypath: tuple, message: str) -> InputError:
        """An exit-2 error positioned at ``keypath`` of the task definition."""
        return error_at(self.text, self.name, self.prefix + tuple(keypath), message)


def error_at(text: str, name: str, keypath: tuple, message: str) -> InputError:
    """An input error at ``keypath`` of the JSON ``text``, positioned when the YAML loader can read the text."""
    doc = _positions(text, name)
    position = doc.position(keypath) if doc else Position(1, 1)  # YAML cannot read this JSON: the document
    return InputError(message, path=name, position=position, keypath=keypath)


def read_text(path: str) -> tuple[str, str]:
    """The input text and the name to show in errors; ``-`` reads stdin."""
    if path == STDIN:
        return sys.stdin.read(), "<stdin>"
    return read_file(path, expected="a task definition JSON file",
                     hint="pass a task definition JSON file, or - for stdin"), path


def parse(text: str, name: str):
    """JSON text to Python data within the loader's limits (:func:`generator.load.load_json`): syntax errors,
    duplicate keys, NaN/Infinity, oversized numbers and deep nesting are exit-2 errors with a position."""
    try:
        return load_json(text, name)
    except InputError as exc:
        if exc.message.startswith("invalid JSON: ") and exc.position is not None:
            exc.message += " (the input must be a task definition in JSON)"
        raise


def _positions(text: str, name: str) -> Document | None:
    """Positions of every value, from the YAML loader (JSON is YAML); None if that loader cannot read this JSON."""
    try:
        return load_text(text, name)
    except InputError as exc:
        if "duplicate key" in exc.message:
            raise
        return None


def unwrap(data, text: str, name: str) -> Source:
    """The task definition in ``data``: ``{"taskDefinition": {...}}`` is unwrapped, read-only fields dropped."""
    if not isinstance(data, dict):
        raise error_at(text, name, (), "expected a JSON object: a task definition, or describe-task-definition "
                                       "output ({\"taskDefinition\": {...}})")
    source = Source(data=dict(data), text=text, name=name)
    if "taskDefinition" in data:
        inner = data["taskDefinition"]
        if not isinstance(inner, dict):
            raise error_at(text, name, ("taskDefinition",), "expected an object (describe-task-definition output)")
        extra = sorted(set(data) - {"taskDefinition", "tags"})
        if extra:
            raise error_at(text, name, (extra[0],), "unexpected key next to taskDefinition "
                                                    "(describe-task-definition output has only taskDefinition and "
                                                    "tags)")
        source = Source(data=dict(inner), text=text, name=name, prefix=("taskDefinition",), tags=data.get("tags"))
    for key in list(source.data):
        if key in READ_ONLY_FIELDS:
            value = source.data.pop(key)
            source.report.add("removed", (key,), f"{_brief(value)} is set by AWS (describe-task-definition output); "
                                                 f"register-task-definition rejects it")
    if source.tags:
        source.data["tags"] = source.tags
        source.report.add("added", ("tags",), "carried over from the describe-task-definition output")
    return source


def _brief(value) -> str:
    text = show(value)
    return text if len(text) <= 60 else text[:57] + "..."


def load(path: str) -> Source:
    """Read, parse and unwrap the task definition at ``path`` (``-`` for stdin)."""
    text, name = read_text(path)
    return unwrap(parse(text, name), text, name)
