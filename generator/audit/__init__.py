"""Security-group and exposure audit of CloudFormation templates (issue 3).

Public API (used by ``stackprint audit`` and as the gate of ``stackprint build``)::

    from generator.audit import audit_document, audit_paths, Finding, Policy
    findings = audit_document(doc, policy=Policy.default(), select=(), ignore=())

``doc`` is a :class:`generator.load.Document` loaded with ``cfn=True``; findings are sorted by
(file, line, rule, resource).
"""
from generator.audit.engine import AuditResult, audit_document, audit_paths
from generator.audit.findings import SEVERITIES, Finding, at_or_above
from generator.audit.policy import Policy, load_policy
from generator.audit.rules import RULES, Rule
from generator.audit.template import check_template, load_template

__all__ = ["audit_document", "audit_paths", "AuditResult", "Finding", "Policy", "load_policy", "RULES", "Rule",
           "SEVERITIES", "at_or_above", "check_template", "load_template"]
