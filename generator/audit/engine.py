"""Running the rules over templates: the public API ``build`` and the ``audit`` command call.

``audit_document`` takes a loaded template (``generator.load.Document`` with ``cfn=True``), runs the selected rules,
turns each hit's key path into a line, drops what the resource suppresses with a reason, and returns the findings
in their deterministic order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from generator.audit.context import AuditContext
from generator.audit.findings import Finding, at_or_above, sort_findings
from generator.audit.policy import Policy
from generator.audit.rules import RULES
from generator.audit.selection import enabled_rules
from generator.audit.suppressions import suppressions
from generator.audit.template import check_template, discover, load_template, looks_like_template, read_document
from generator.errors import InputError, InputErrors
from generator.load import Document


def audit_document(doc: Document, policy: Policy | None = None, select=(), ignore=(),
                   keep_suppressed: bool = False) -> list[Finding]:
    """Audit one loaded template; raises :class:`InputError` if it is not a CloudFormation template.

    Findings a resource suppresses with a reason are dropped, or with ``keep_suppressed`` returned with their
    ``suppressed`` reason set (SARIF reports them as suppressed rather than pretending they do not exist)."""
    check_template(doc)
    policy = policy or Policy.default()
    ctx = AuditContext(doc, policy)
    rule_ids = enabled_rules(RULES, select, ignore)
    findings: list[Finding] = []
    suppressed_by: dict[str, list] = {}
    for rule_id in rule_ids:
        rule = RULES[rule_id]
        for hit in rule.check(ctx):
            if hit.resource not in suppressed_by:
                suppressed_by[hit.resource] = suppressions(ctx.template, hit.resource)
            reason = next((entry.reason for entry in suppressed_by[hit.resource] if entry.covers(rule_id)), None)
            if reason is not None and not keep_suppressed:
                continue
            position = doc.position(hit.keypath, key=True)
            findings.append(Finding(rule_id, rule.severity, hit.resource, doc.path, position.line, hit.message,
                                    tuple(hit.keypath), position.col, reason))
    return sort_findings(set(findings))


@dataclass
class AuditResult:
    """Findings over several files, with what a summary needs."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)

    def failed(self, fail_on: str) -> bool:
        return any(at_or_above(f.severity, fail_on) for f in self.findings)

    def exit_code(self, fail_on: str) -> int:
        """0 clean, 1 findings at or above ``fail_on`` *or* some file could not be read (a gate must not pass
        over a file it never checked), 2 when files were named but none could be audited."""
        if self.errors and not self.files:
            return 2
        return 1 if self.errors or self.failed(fail_on) else 0


def audit_paths(paths, policy: Policy | None = None, select=(), ignore=(), strict: bool = False) -> AuditResult:
    """Audit files and folders (searched recursively); files in folders that are plainly not CloudFormation are
    skipped.

    A template that cannot be read (bad YAML, duplicate key, not a template) must not hide the findings of the
    others: it lands in ``result.errors`` and the rest are audited. With ``strict`` every bad template is raised
    instead, one line each, in one :class:`InputErrors`. A missing path or a bad rule prefix is always raised."""
    policy = policy or Policy.default()
    enabled_rules(RULES, select, ignore)  # report a bad prefix before reading anything
    result = AuditResult()
    errors: list[InputError] = []
    for path, explicit in discover(paths):
        try:
            doc = load_template(path) if explicit else read_document(path)
            if not explicit and not looks_like_template(doc):
                result.skipped.append(path)
                continue
            for finding in audit_document(doc, policy, select, ignore, keep_suppressed=True):
                (result.suppressed if finding.suppressed is not None else result.findings).append(finding)
            result.files.append(path)
        except InputError as exc:
            errors.append(exc)
    if errors and strict:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    result.errors = errors
    result.findings = sort_findings(result.findings)
    result.suppressed = sort_findings(result.suppressed)
    return result
