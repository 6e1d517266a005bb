"""cfn-lint, in-process, as a build gate: any error or warning fails the build.

Templates are linted for ``LINT_REGIONS``: us-east-1 is where cfn-lint's region-specific schemas are most complete
and the region the examples' ARNs name; the templates themselves are region-neutral (``Fn::GetAZs``,
``AWS::Partition``), so add regions here if you deploy elsewhere. Informational matches (``I...``) are not run.
"""
from __future__ import annotations

from dataclasses import dataclass

from cfnlint.api import ManualArgs, lint

LINT_REGIONS = ["us-east-1"]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in a rendered file: ``file:line: rule: message``."""

    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"


def lint_text(path: str, text: str) -> list[Finding]:
    """cfn-lint matches for one template, as findings sorted by line."""
    matches = lint(text, config=ManualArgs(regions=list(LINT_REGIONS)))
    return sorted(Finding(path, int(m.linenumber), m.rule.id, m.message) for m in matches)


def gate(templates: dict[str, str]) -> list[Finding]:
    """The lint gate over every rendered template (relative path -> YAML text)."""
    findings: list[Finding] = []
    for path in sorted(templates):
        findings.extend(lint_text(path, templates[path]))
    return findings
