"""A gate that judges each template on its own, so its verdicts can be cached per template and run in parallel."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from generator.gate_findings import GateFinding


@dataclass(frozen=True, eq=False)
class TemplateGate:
    """``check(path, text)`` returns the findings for one template; calling the gate with every template (relative
    path -> YAML text) runs it over all of them, in path order, like any other gate.

    ``config`` is everything besides the template and the installed code that changes the verdict (regions, rule
    selection, severities): it is part of the cache key. ``prepare`` loads what ``check`` needs (cfn-lint's rules)
    once per worker process, before the first template arrives.
    """

    name: str
    check: Callable[[str, str], list[GateFinding]]
    config: dict = field(default_factory=dict)
    prepare: Callable[[], None] | None = None

    def __call__(self, templates: dict[str, str]) -> list[GateFinding]:
        findings: list[GateFinding] = []
        for path in sorted(templates):
            findings.extend(self.check(path, templates[path]))
        return findings
