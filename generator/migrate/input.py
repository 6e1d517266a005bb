"""Reading a task definition: JSON from a file or stdin, with positions for errors, unwrapped from
``describe-task-definition`` output and stripped of the fields only AWS writes.

JSON is parsed with :mod:`json` (exact syntax errors with line and column); the same text is then read by the
positioned loader only to learn where each value stands, so a wrong value is reported as ``file:line:col``.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field

from generator.errors import InputError, Position
from generator.load import Document, load_text
from generator.migrate.report import Report, show

#: Fields ``describe-task-definition`` prints that ``register-task-definition`` rejects: AWS sets them.
READ_ONLY_FIELDS = ("taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
                    "registeredAt", "registeredBy", "deregisteredAt")

STDIN = "-"


@dataclass
class Source:
    """The task definition to migrate and how to point at its values in the input file."""

    data: dict
    doc: Document
    prefix: tuple = ()           # ("taskDefinition",) when the input was describe-task-definition output
    tags: list | None = None     # the describe output's sibling "tags", carried over
    report: Report = field(default_factory=Report)

    def error(self, keypath: tuple, message: str) -> InputError:
        """An exit-2 error positioned at ``keypath`` of the task definition."""
        return self.doc.error(self.prefix + tuple(keypath), message)


def read_text(path: str) -> tuple[str, str]:
    """The input text and the name to show in errors; ``-`` reads stdin."""
    if path == STDIN:
        return sys.stdin.read(), "<stdin>"
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(), path
    except FileNotFoundError:
        raise InputError("file not found (pass a task definition JSON file, or - for stdin)", path=path) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a task definition JSON file", path=path) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None


def _no_duplicates(pairs: list) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


class _Duplicate(Exception):
    pass


def parse(text: str, name: str) -> Document:
    """JSON text to a positioned :class:`Document`; syntax errors and duplicate keys are exit-2 errors."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (the input must be a task definition in JSON)", path=name,
                         position=Position(exc.lineno, exc.colno)) from None
    except _Duplicate as exc:
        doc = _positions(text, name)  # the positioned loader reports the duplicate with its position
        raise InputError(f"duplicate key '{exc.args[0]}' (each key may appear once)", path=name,
                         position=doc.position(()) if doc else None) from None
    doc = _positions(text, name) or Document(path=name, data=None)
    doc.data = data
    return doc


def _positions(text: str, name: str) -> Document | None:
    """Positions of every value, from the YAML loader (JSON is YAML); None if that loader cannot read this JSON."""
    try:
        return load_text(text, name)
    except InputError as exc:
        if "duplicate key" in exc.message:
            raise
        return None


def unwrap(doc: Document) -> Source:
    """The task definition inside ``doc``: ``{"taskDefinition": {...}}`` is unwrapped, read-only fields dropped."""
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "expected a JSON object: a task definition, or describe-task-definition output "
                            "({\"taskDefinition\": {...}})")
    source = Source(data=data, doc=doc)
    if "taskDefinition" in data:
        inner = data["taskDefinition"]
        if not isinstance(inner, dict):
            raise doc.error(("taskDefinition",), "expected an object (describe-task-definition output)")
        extra = sorted(set(data) - {"taskDefinition", "tags"})
        if extra:
            raise doc.error((extra[0],), f"unexpected key next to taskDefinition (describe-task-definition "
                                         f"output has only taskDefinition and tags)")
        source = Source(data=dict(inner), doc=doc, prefix=("taskDefinition",), tags=data.get("tags"))
    else:
        source.data = dict(data)
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
    return unwrap(parse(text, name))
