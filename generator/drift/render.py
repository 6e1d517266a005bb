"""The drift report as text (for people; colored only on a TTY), JSON or SARIF 2.1.0 (one document on stdout)."""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import PurePath

from generator import __version__
from generator.console import style
from generator.drift.findings import KINDS, Report

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
PROJECT_URL = "https://github.com/stackprint/stackprint"
DOC_URL = f"{PROJECT_URL}/blob/main/docs/drift.md"
FINGERPRINT_KEY = "stackprintDrift/v1"


def _detail_lines(details: dict) -> list[str]:
    lines = []
    if details.get("rule_id"):
        who = ""
        if details.get("added_by"):
            who = f"; added by {details['added_by']} at {details['added_at']} ({details['event']})"
        lines.append(f"rule {details['rule_id']}{who}")
    if details.get("declared_by"):
        lines.append(f"declared by {details['declared_by']}")
    for difference in details.get("differences", []):
        lines.append(f"{difference['type'].lower()} {difference['path']}: expected {difference['expected']}, "
                     f"actual {difference['actual']}")
    for drift in details.get("cloudformation", []):
        lines.append(f"CloudFormation drift detection agrees: {drift['resource']} {drift['status']}")
    return lines


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def summary_line(report: Report) -> str:
    """``2 drifts (1 rule-added, 1 rule-missing) in 4 stacks; checked 12 groups, 40 rules, 3 interfaces``."""
    checked = report.checked
    tail = "checked " + ", ".join(_count(checked.get(key, 0), noun) for key, noun in (
        ("security_groups", "security group"), ("rules", "rule"), ("network_interfaces", "network interface")))
    stacks = _count(len(report.stacks), "stack")
    if not report.findings:
        return f"no drift in {stacks}; {tail}"
    counts: dict[str, int] = {}
    for finding in report.findings:
        counts[finding.kind.name] = counts.get(finding.kind.name, 0) + 1
    detail = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
    total = len(report.findings)
    return f"{total} drift{'s' if total != 1 else ''} ({detail}) in {stacks}; {tail}"


def render_text(report: Report, stream=None) -> str:
    stream = stream or sys.stdout
    lines = []
    for finding in report.findings:
        where = f"{finding.file}:{finding.line}: " if finding.file else ""
        kind = style(finding.kind.name, finding.kind.level, stream)
        lines.append(f"{where}{finding.rule} {kind}: {finding.subject}")
        lines += [f"    {line}" for line in _detail_lines(finding.details)]
    lines += [style("note", "dim", stream) + f": {note}" for note in report.notes]
    return "".join(line + "\n" for line in lines)


def render_json(report: Report) -> str:
    document = {"environment": report.environment, "stacks": report.stacks, "drift": report.drifted,
                "findings": [f.as_dict() for f in report.findings], "notes": report.notes,
                "checked": report.checked}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _uri(path: str) -> str:
    pure = PurePath(path)
    return pure.as_uri() if pure.is_absolute() else pure.as_posix()


def _fingerprint(finding) -> str:
    """Rule, stack, resource and subject: stable across runs (never the rule id EC2 gave, nor the line)."""
    parts = [finding.rule, finding.stack, finding.resource, re.sub(r" \((sg|sgr|eni)-[0-9a-f]+\)", "", finding.subject)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _result(finding, index: dict) -> dict:
    text = "; ".join([finding.subject] + _detail_lines(finding.details))
    location: dict = {"logicalLocations": [{"name": f"{finding.stack}/{finding.resource}".lstrip("/"),
                                            "kind": "resource"}]}
    if finding.file:
        location["physicalLocation"] = {"artifactLocation": {"uri": _uri(finding.file)},
                                        "region": {"startLine": finding.line}}
    return {"ruleId": finding.rule, "ruleIndex": index[finding.rule], "level": finding.kind.level,
            "message": {"text": text}, "locations": [location],
            "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(finding)},
            "properties": {"kind": finding.kind.name, "details": finding.details}}


def render_sarif(report: Report) -> str:
    """A SARIF 2.1.0 log: every drift kind as a rule, one result per finding, the notes as notifications."""
    ids = sorted(KINDS)
    index = {rule_id: i for i, rule_id in enumerate(ids)}
    rules = [{"id": rule_id, "name": KINDS[rule_id].name, "shortDescription": {"text": KINDS[rule_id].title},
              "fullDescription": {"text": KINDS[rule_id].rationale},
              "helpUri": f"{DOC_URL}#{rule_id.lower()}",
              "defaultConfiguration": {"level": KINDS[rule_id].level},
              "properties": {"tags": ["security", "drift"]}} for rule_id in ids]
    notifications = [{"level": "note", "message": {"text": note}} for note in report.notes]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "stackprint drift", "version": __version__, "informationUri": PROJECT_URL,
                                "rules": rules}},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "results": [_result(f, index) for f in report.findings],
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json.dumps(log, indent=2, sort_keys=True) + "\n"
