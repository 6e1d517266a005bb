"""What a build gate reports: one :class:`GateFinding` per problem in a rendered file, whichever gate found it.

cfn-lint matches and audit findings both become gate findings (``file:line: rule: message``), so `build` and `check`
print and count them alike; the audit's own, richer :class:`generator.audit.findings.Finding` stays the audit's.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class GateFinding:
    """One problem in a rendered file: ``file:line: rule: message``."""

    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"
