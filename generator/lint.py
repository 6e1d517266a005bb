"""cfn-lint, in-process, as a build gate: any error or warning fails the build.

Templates are linted for ``LINT_REGIONS``: us-east-1 is where cfn-lint's region-specific schemas are most complete
and the region the examples' ARNs name; the templates themselves are region-neutral (``Fn::GetAZs``,
``AWS::Partition``), so add regions here if you deploy elsewhere. Informational matches (``I...``) are not run.

The rules load once per process and lint every template, as cfn-lint's own command line does for many files
(``cfnlint.api.lint`` reloads them for each template: about 0.6 s a template, half of a build's time).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cfnlint.config import ConfigMixIn
from cfnlint.decode.decode import decode_str
from cfnlint.runner import Runner

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


@lru_cache(maxsize=1)
def _runner() -> Runner:
    """cfn-lint with every built-in rule for :data:`LINT_REGIONS`, created on first use."""
    return Runner(ConfigMixIn(regions=list(LINT_REGIONS)))


def lint_text(path: str, text: str) -> list[Finding]:
    """cfn-lint matches for one template (what ``cfnlint.api.lint`` returns), as findings sorted by line."""
    template, errors = decode_str(text)
    matches = errors or ([] if template is None else list(_runner().validate_template(template)))
    return sorted(Finding(path, int(m.linenumber), m.rule.id, m.message) for m in matches)


def gate(templates: dict[str, str]) -> list[Finding]:
    """The lint gate over every rendered template (relative path -> YAML text)."""
    findings: list[Finding] = []
    for path in sorted(templates):
        findings.extend(lint_text(path, templates[path]))
    return findings
