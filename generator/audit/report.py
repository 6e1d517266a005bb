"""Rendering findings as text, JSON or SARIF 2.1.0, byte-for-byte deterministic."""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import PurePath

from generator import __version__
from generator.audit.findings import SEVERITIES, sort_findings
from generator.audit.rules import RULES
from generator.console import style

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# The project's home and the rules' documentation. One constant, so every SARIF link moves together if the
# repository does; each rule has an explicit, title-independent anchor (<a id="sg001">) in docs/audit.md.
PROJECT_URL = "https://github.com/stackprint/stackprint"
RULES_DOC_URL = f"{PROJECT_URL}/blob/main/docs/audit.md"
# partialFingerprints key: bump the version if the fingerprint's inputs ever change.
FINGERPRINT_KEY = "stackprintFinding/v1"
SARIF_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# GitHub code scanning ranks security results by this 0-10 score.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def by_severity(findings) -> dict:
    counts = {severity: 0 for severity in SEVERITIES}
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def summary_line(result) -> str:
    """``3 findings (1 critical, 2 high, 0 medium, 0 low) in 2 files`` (stderr, for people)."""
    counts = by_severity(result.findings)
    files = len(result.files)
    noun = "file" if files == 1 else "files"
    unreadable = len(getattr(result, "errors", ()))
    tail = f"; {unreadable} file{'s' if unreadable != 1 else ''} could not be audited" if unreadable else ""
    if unreadable and not files:
        return f"nothing audited: {unreadable} file{'s' if unreadable != 1 else ''} could not be read"
    if not result.findings:
        return f"no findings in {files} {noun}{tail}"
    detail = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES)
    total = len(result.findings)
    return f"{total} finding{'s' if total != 1 else ''} ({detail}) in {files} {noun}{tail}"


def render_text(findings, stream=None) -> str:
    """One line per finding: ``file:line: SG001 critical Resource: message`` (severity colored on a TTY)."""
    stream = stream or sys.stdout
    lines = []
    for f in findings:
        lines.append(f"{f.file}:{f.line}: {f.rule} {style(f.severity, f.severity, stream)} "
                     f"{f.resource}: {f.message}")
    return "".join(line + "\n" for line in lines)


def render_json(result) -> str:
    document = {
        "errors": [str(e) for e in result.errors],
        "findings": [f.as_dict() for f in result.findings],
        "summary": {"files": len(result.files), "findings": len(result.findings),
                    "by_severity": by_severity(result.findings), "unreadable": len(result.errors)},
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _uri(path: str) -> str:
    """Relative paths stay relative (code scanning resolves them against the checkout); absolute ones become
    file:// URIs, as SARIF requires of an absolute location."""
    pure = PurePath(path)
    return pure.as_uri() if pure.is_absolute() else pure.as_posix()


def rule_help_uri(rule_id: str) -> str:
    """The documentation of one rule: docs/audit.md at its ``<a id>`` anchor."""
    return f"{RULES_DOC_URL}#{rule_id.lower()}"


def fingerprint(finding) -> str:
    """A fingerprint that survives unrelated edits: rule, file, resource and key path, never the line or message
    (inserting a resource above moves every line; a reworded message is the same problem)."""
    parts = [finding.rule, PurePath(finding.file).as_posix(), finding.resource]
    parts += [str(part) for part in finding.keypath]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _result(f, index: dict) -> dict:
    """One SARIF result; a finding the template suppresses carries an inSource suppression with its reason."""
    out = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": SARIF_LEVEL[f.severity],
        "message": {"text": f"{f.resource}: {f.message}"},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": _uri(f.file)},
                                 "region": {"startLine": f.line, "startColumn": f.column}},
            "logicalLocations": [{"name": f.resource, "kind": "resource"}],
        }],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f)},
        "properties": {"severity": f.severity},
    }
    if f.suppressed is not None:
        out["suppressions"] = [{"kind": "inSource", "justification": f.suppressed}]
    return out


def _notification(problem) -> dict:
    """A template that could not be audited, as a tool execution notification at its position."""
    location = {"artifactLocation": {"uri": _uri(problem.path)}} if problem.path else None
    key = ".".join(str(part) for part in problem.keypath)
    note = {"level": "error", "message": {"text": f"{key + ': ' if key else ''}{problem.message}"}}
    if location:
        if problem.position:
            location["region"] = {"startLine": problem.position.line, "startColumn": problem.position.col}
        note["locations"] = [{"physicalLocation": location}]
    return note


def render_sarif(result, rule_ids) -> str:
    """A SARIF 2.1.0 log with one run: every enabled rule in tool.driver.rules, one result per finding (suppressed
    ones included, marked), and an invocation listing the templates that could not be audited."""
    rule_ids = sorted(rule_ids)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    rules = []
    for rule_id in rule_ids:
        rule = RULES[rule_id]
        rules.append({
            "id": rule_id,
            "name": type(rule).__name__,
            "shortDescription": {"text": rule.title},
            "fullDescription": {"text": rule.rationale},
            "helpUri": rule_help_uri(rule_id),
            "help": {"text": f"{rule.rationale} Fix: {rule.fix}",
                     "markdown": f"**Why:** {rule.rationale}\n\n**Fix:** {rule.fix}"},
            "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
            "properties": {"severity": rule.severity, "security-severity": SECURITY_SEVERITY[rule.severity],
                           "tags": ["security"]},
        })
    everything = sort_findings(list(result.findings) + list(getattr(result, "suppressed", ())))
    results = [_result(f, index) for f in everything]
    errors = list(getattr(result, "errors", ()))
    invocation = {"executionSuccessful": not errors,
                  "toolExecutionNotifications": [_notification(problem) for problem in errors]}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "stackprint", "version": __version__, "informationUri": PROJECT_URL,
                                "rules": rules}},
            "invocations": [invocation],
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json.dumps(log, indent=2, sort_keys=True) + "\n"
