"""The README's "security posture" table is true of out/: every checkov check it cites is evaluated on the committed
templates and passes (or is skipped with a written reason where the row says so), and every stackprint audit rule it
cites exists. A default that stops holding, or a row citing a check nobody runs, fails here.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.audit import RULES

pytestmark = pytest.mark.slow  # see tests/conftest.py: "Suite cost"

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- security-posture:start -->", "<!-- security-posture:end -->"
CHECKOV_ID = re.compile(r"CKV2?_AWS_\d+")
RULE_ID = re.compile(r"\b[A-Z]{2,4}\d{3}\b")


def _rows() -> list[dict[str, str]]:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, "README lost its security-posture markers"
    lines = [line for line in text.split(START, 1)[1].split(END, 1)[0].splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == len(header), f"malformed row: {line}"
        rows.append(dict(zip(header, cells)))
    return rows


def test_the_table_has_the_columns_a_reviewer_needs():
    rows = _rows()
    assert len(rows) >= 20
    assert {"Default", "Guidance", "checkov", "Security Hub", "stackprint audit"} <= set(rows[0])


def test_every_cited_checkov_check_passes_on_out(checkov_report):
    passed = {c["check_id"] for c in checkov_report["results"]["passed_checks"]}
    skipped = {c["check_id"] for c in checkov_report["results"]["skipped_checks"]
               if len(c["check_result"].get("suppress_comment") or "") >= 10}
    for row in _rows():
        for check in CHECKOV_ID.findall(row["checkov"]):
            if "skipped" in row["checkov"]:
                assert check in skipped | passed, f"{row['Default']}: {check} neither passes nor is skipped"
            else:
                assert check in passed, f"{row['Default']}: {check} is not a passing check on out/"


def test_every_cited_audit_rule_exists():
    for row in _rows():
        for rule in RULE_ID.findall(row["stackprint audit"]):
            assert rule in RULES, f"{row['Default']}: no audit rule {rule}"
