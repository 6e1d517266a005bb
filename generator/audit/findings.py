"""What an audit reports: a :class:`Finding` per problem, and the severity scale that orders them.

Findings are frozen and sort by (file, line, rule, resource, message) so that every output format is identical from
one run to the next, whatever order the rules ran in.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Most severe first; the index is the rank used by --fail-on and the summaries.
SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")


def severity_rank(severity: str) -> int:
    """0 for critical … 3 for low: lower is more severe."""
    return SEVERITIES.index(severity)


def at_or_above(severity: str, threshold: str) -> bool:
    """True when ``severity`` is as severe as ``threshold`` or more (what ``--fail-on`` means)."""
    return severity_rank(severity) <= severity_rank(threshold)


@dataclass(frozen=True, order=False)
class Finding:
    """One problem in one template: which rule, how bad, which resource, and the line to look at."""

    rule: str
    severity: str
    resource: str
    file: str
    line: int
    message: str
    keypath: tuple = field(default=(), compare=False)
    column: int = field(default=1, compare=False)
    # The stated reason when the resource suppresses this finding in its Metadata (SARIF reports it as
    # suppressed; every other output and the exit code ignore it). None for an active finding.
    suppressed: str | None = field(default=None, compare=False)

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.rule, self.resource, self.message)

    def as_dict(self) -> dict:
        """The JSON shape of a finding (the keys the ``--format json`` output promises, nothing else)."""
        return {"rule": self.rule, "severity": self.severity, "resource": self.resource, "file": self.file,
                "line": self.line, "message": self.message}


def sort_findings(findings) -> list[Finding]:
    """Findings in their one deterministic order."""
    return sorted(findings, key=Finding.sort_key)
