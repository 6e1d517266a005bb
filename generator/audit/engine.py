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


def audit_document(doc: Document, policy: Policy | None = None, select=(), ignore=()) -> list[Finding]:
    """Audit one loaded template; raises :class:`InputError` if it is not a CloudFormation template."""
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
            if any(entry.covers(rule_id) for entry in suppressed_by[hit.resource]):
                continue
            line = doc.position(hit.keypath, key=True).line
            findings.append(Finding(rule_id, rule.severity, hit.resource, doc.path, line, hit.message,
                                    tuple(hit.keypath)))
    return sort_findings(set(findings))


@dataclass
class AuditResult:
    """Findings over several files, with what a summary needs."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def failed(self, fail_on: str) -> bool:
        return any(at_or_above(f.severity, fail_on) for f in self.findings)


def audit_paths(paths, policy: Policy | None = None, select=(), ignore=()) -> AuditResult:
    """Audit files and folders (searched recursively). Every bad template is reported, one line each, in one
    :class:`InputErrors`; files in folders that are plainly not CloudFormation are skipped."""
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
            result.findings.extend(audit_document(doc, policy, select, ignore))
            result.files.append(path)
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    result.findings = sort_findings(result.findings)
    return result
