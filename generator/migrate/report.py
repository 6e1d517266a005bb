"""What a migration did, one line per change, and why it refused.

Every edit the migration makes is recorded as a :class:`Change` so the user can review the diff line by line; every
reason the definition cannot be carried over safely is a :class:`Refusal`. Both carry a JSON path into the *input*
task definition (``containerDefinitions[0].portMappings[0].hostPort``) so the user can find what was touched.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from generator.errors import format_keypath

#: ``removed``: dropped with no effect on how the task behaves; ``warning``: dropped or altered in a way the user
#: must review; ``changed``/``added``: a value was rewritten or set.
KINDS = ("changed", "removed", "added", "warning")


def show(value) -> str:
    """A value as it appears in JSON, so ``"256"`` and ``256`` read differently in a change line."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


@dataclass(frozen=True)
class Change:
    """One edit, rendered as ``kind: path: what and why``."""

    kind: str
    path: tuple
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {format_keypath(self.path)}: {self.message}"


@dataclass(frozen=True)
class Refusal:
    """A reason the definition cannot move to Fargate safely, naming the container (or volume) and the field."""

    path: tuple
    message: str
    subject: str | None = None  # container or volume name, shown after its index

    def __str__(self) -> str:
        head, rest = self.path[:2], self.path[2:]
        where = format_keypath(head)
        if self.subject is not None:
            where += f" ({self.subject})"
        if rest:
            tail = format_keypath(rest)
            where += tail if tail.startswith("[") else "." + tail
        return f"error: {where}: {self.message}"


@dataclass
class Report:
    """Changes and refusals in the order the migration met them (task level, containers in order, volumes, size,
    roles), which is deterministic for a given input."""

    changes: list[Change] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)

    def add(self, kind: str, path: tuple, message: str) -> None:
        if kind not in KINDS:  # a programming error in migrate, never the user's input
            raise ValueError(f"unknown change kind {kind!r} (one of {', '.join(KINDS)})")
        self.changes.append(Change(kind, tuple(path), message))

    def refuse(self, path: tuple, message: str, subject: str | None = None) -> None:
        self.refusals.append(Refusal(tuple(path), message, subject))

    def lines(self) -> list[str]:
        return [str(change) for change in self.changes]
