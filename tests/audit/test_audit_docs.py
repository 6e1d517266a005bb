"""The README and docs/audit.md document every rule as it is implemented (id, severity, title)."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.audit import RULES

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_readme_table_has_the_rule(rule_id):
    rule = RULES[rule_id]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    audit = readme.split("## Audit", 1)[1]
    assert f"| {rule_id} | {rule.severity} | {rule.title} |" in audit


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_docs_page_has_the_rule(rule_id):
    rule = RULES[rule_id]
    docs = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    assert f"### {rule_id} — {rule.title}\n\nSeverity **{rule.severity}**." in docs
