"""Terminal output: color only on a TTY (and never with NO_COLOR), messages to the right stream."""
from __future__ import annotations

import os
import sys

import click

_STYLES = {
    "critical": {"fg": "magenta", "bold": True},
    "high": {"fg": "red", "bold": True},
    "medium": {"fg": "yellow"},
    "low": {"fg": "cyan"},
    "error": {"fg": "red", "bold": True},
    "warning": {"fg": "yellow"},
    "ok": {"fg": "green"},
    "dim": {"dim": True},
}


def use_color(stream=None) -> bool:
    """Color only when writing to a terminal and the user has not opted out (https://no-color.org)."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def style(text: str, kind: str, stream=None) -> str:
    """Return ``text`` styled for ``kind`` when the stream is a TTY, plain otherwise."""
    if not use_color(stream):
        return text
    return click.style(text, **_STYLES.get(kind, {}))


def error(message: str) -> None:
    """Print an error line to stderr."""
    click.echo(message, err=True)


def warn(message: str) -> None:
    """Print a warning line to stderr."""
    click.echo(style("warning", "warning", sys.stderr) + ": " + message, err=True)


def info(message: str) -> None:
    """Print progress to stderr, so stdout stays machine-readable."""
    click.echo(message, err=True)
