"""Errors a user can act on.

Every input problem is raised as an :class:`InputError` carrying the file, the position and the key path, so the CLI
prints one line (`path:line:col: key.path: what is wrong (what would be right)`) and exits 2 — never a traceback.
A command that ran and found problems raises :class:`CommandFailed`: the one way every command leaves with a
non-zero code (0 ok, 1 findings, 2 usage or input error).
"""
from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a source file."""

    line: int
    col: int


def _needs_quotes(key: str) -> bool:
    """Whether a key would vanish or mislead printed bare: empty, blank, padded, unprintable, or holding ``.``/``[``."""
    return key == "" or key.strip() != key or not key.isprintable() or any(c in key for c in ".[]")


def format_keypath(keypath: tuple | list) -> str:
    """Render a key path the way users write it: ``services.web.ports[0]``.

    A key that would vanish or mislead printed bare (``' '``, ``a.b``) is shown quoted, ``services[" "]``, so the
    line always names which key is wrong.
    """
    out = ""
    for part in keypath:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _needs_quotes(str(part)):
            out += f"[{json.dumps(str(part), ensure_ascii=False)}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class InputError(Exception):
    """Bad input: a blueprint, template or option the user must fix. Exit code 2."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, position: Position | None = None,
                 keypath: tuple | list = ()):
        super().__init__(message)
        self.message = message
        self.path = path
        self.position = position
        self.keypath = tuple(keypath)

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.position:
                where += f":{self.position.line}:{self.position.col}"
            where += ": "
        key = format_keypath(self.keypath)
        return f"{where}{key + ': ' if key else ''}{self.message}"


class InputErrors(InputError):
    """Several input errors found in one pass, reported together (one line each)."""

    def __init__(self, errors: list[InputError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class CommandFailed(Exception):
    """A command ran and must exit non-zero: ``message`` (if any) is the last line it prints on stderr.

    Exit 1 for findings (gate findings, a stale out/, audit findings, migrate refusals) once they are printed, or
    2 for input problems the command already reported line by line (``validate``).
    """

    def __init__(self, message: str | None = None, exit_code: int = 1):
        super().__init__(message or "")
        self.message = message
        self.exit_code = exit_code
