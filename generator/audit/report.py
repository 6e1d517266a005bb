"""Rendering findings as text, JSON or SARIF 2.1.0, byte-for-byte deterministic."""
from __future__ import annotations

import json
import sys
from pathlib import PurePath

from generator import __version__
from generator.audit.findings import SEVERITIES
from generator.audit.rules import RULES
from generator.console import style

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
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
    if not result.findings:
        return f"no findings in {files} {noun}"
    detail = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES)
    total = len(result.findings)
    return f"{total} finding{'s' if total != 1 else ''} ({detail}) in {files} {noun}"


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
        "findings": [f.as_dict() for f in result.findings],
        "summary": {"files": len(result.files), "findings": len(result.findings),
                    "by_severity": by_severity(result.findings)},
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _uri(path: str) -> str:
    """Relative paths stay relative (code scanning resolves them against the checkout); absolute ones become
    file:// URIs, as SARIF requires of an absolute location."""
    pure = PurePath(path)
    return pure.as_uri() if pure.is_absolute() else pure.as_posix()


def render_sarif(result, rule_ids) -> str:
    """A SARIF 2.1.0 log with one run: every enabled rule in tool.driver.rules, one result per finding."""
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
            "help": {"text": f"{rule.rationale} Fix: {rule.fix}",
                     "markdown": f"**Why:** {rule.rationale}\n\n**Fix:** {rule.fix}"},
            "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
            "properties": {"severity": rule.severity, "security-severity": SECURITY_SEVERITY[rule.severity],
                           "tags": ["security"]},
        })
    results = []
    for f in result.findings:
        results.append({
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": SARIF_LEVEL[f.severity],
            "message": {"text": f"{f.resource}: {f.message}"},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": _uri(f.file)}, "region": {"startLine": f.line}},
                "logicalLocations": [{"name": f.resource, "kind": "resource"}],
            }],
            "properties": {"severity": f.severity},
        })
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "stackprint", "version": __version__, "rules": rules}},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json.dumps(log, indent=2, sort_keys=True) + "\n"
