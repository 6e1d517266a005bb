"""How the operations talk to the user; the commands pass a terminal-backed one, tests may pass their own."""
from __future__ import annotations

import sys
from typing import Protocol

import click

from generator.console import style


class UI(Protocol):
    def out(self, text: str, kind: str | None = None) -> None: ...  # results (stdout)

    def progress(self, text: str, kind: str | None = None) -> None: ...  # events while waiting (stderr)

    def confirm(self, question: str) -> bool: ...


class Terminal:
    """stdout for what was decided, stderr for progress; color only on a TTY (generator.console)."""

    def out(self, text: str, kind: str | None = None) -> None:
        click.echo(style(text, kind, sys.stdout) if kind else text)

    def progress(self, text: str, kind: str | None = None) -> None:
        click.echo(style(text, kind, sys.stderr) if kind else text, err=True)

    def confirm(self, question: str) -> bool:
        return click.confirm(question, default=False, err=True)


def status_kind(status: str) -> str | None:
    """The console style of a CloudFormation status."""
    if status.endswith("_FAILED") or "ROLLBACK" in status:
        return "error" if status.endswith("_FAILED") else "warning"
    if status.endswith("_COMPLETE"):
        return "ok"
    return "dim"
