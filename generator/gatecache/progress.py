"""Progress of a build, per environment: stacks rendered, then gated (linted, audited; cached verdicts counted).

On a terminal one live line shows the environment being worked on and is replaced as work advances; each
environment that finishes leaves one line with its time. Without a terminal (CI logs) only those finished lines are
printed. ``Progress(enabled=False)`` prints nothing (``--quiet``, and library callers).
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

from generator.console import style

_VERBS = {"cfn-lint": "linted", "audit": "audited"}


@dataclass
class _Group:
    """One environment (``blueprint/env``), or a blueprint's pipeline (``blueprint``)."""

    name: str
    started: float
    templates: int = 0
    rendered: bool = False
    done: dict[str, int] = field(default_factory=dict)  # gate name -> templates judged
    cached: int = 0
    finished: bool = False


class Progress:
    """Receives events from compiling and gating; prints them to ``stream`` (stderr) as described above."""

    def __init__(self, enabled: bool = True, stream=None, gates: tuple[str, ...] = ("cfn-lint", "audit")):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.live = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.gates = gates
        self._groups: dict[str, _Group] = {}
        self._shown = 0.0
        self._line = False

    # --- events ---------------------------------------------------------------------------------------------------
    def rendering(self, group: str) -> None:
        """Rendering of ``group`` starts (its clock starts)."""
        self._groups[group] = _Group(group, time.monotonic())
        self._draw(self._groups[group])

    def rendered(self, group: str, templates: int) -> None:
        """``group`` is rendered: ``templates`` templates will be gated."""
        entry = self._groups.setdefault(group, _Group(group, time.monotonic()))
        entry.templates, entry.rendered = templates, True
        self._draw(entry)

    def gated(self, path: str, gate: str, cached: bool) -> None:
        """One gate judged one template (``cached``: its verdict came from the cache)."""
        entry = self._groups.get(self._group_of(path))
        if entry is None:
            return
        entry.done[gate] = entry.done.get(gate, 0) + 1
        entry.cached += 1 if cached else 0
        if entry.templates and all(entry.done.get(g, 0) >= entry.templates for g in self.gates):
            self._finish(entry)
        else:
            self._draw(entry)

    def finish(self) -> None:
        """Gating is over: every group not yet reported is reported now."""
        for entry in self._groups.values():
            if not entry.finished:
                self._finish(entry)

    # --- output ---------------------------------------------------------------------------------------------------
    def _group_of(self, path: str) -> str:
        directory = path.rsplit("/", 1)[0] if "/" in path else ""
        return directory if directory in self._groups else path.split("/", 1)[0]

    def _summary(self, entry: _Group) -> str:
        stacks = f"{entry.templates} stack{'s' if entry.templates != 1 else ''}"
        if not entry.rendered:
            return f"{entry.name}: rendering"
        parts = [f"{stacks} rendered"]
        parts += [f"{_VERBS.get(g, g)} {entry.done.get(g, 0)}/{entry.templates}" for g in self.gates]
        verdicts = entry.templates * len(self.gates)
        cached = f" ({entry.cached}/{verdicts} verdicts from the cache)" if verdicts else ""
        return f"{entry.name}: " + ", ".join(parts) + cached

    def _finish(self, entry: _Group) -> None:
        entry.finished = True
        if not self.enabled:
            return
        seconds = time.monotonic() - entry.started
        self._clear()
        print(f"{self._summary(entry)} " + style(f"({seconds:.1f}s)", "dim", self.stream), file=self.stream,
              flush=True)

    def _draw(self, entry: _Group) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if now - self._shown < 0.05 and entry.rendered and not entry.finished:
            return
        self._shown = now
        self.stream.write("\r\x1b[K" + self._summary(entry))
        self.stream.flush()
        self._line = True

    def _clear(self) -> None:
        if self._line:
            self.stream.write("\r\x1b[K")
            self._line = False
