"""Every rule against its fixtures: the failing template yields exactly the expected findings for that rule
(rule, resource, line), the passing template none."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.audit import RULES, audit_document, load_template

FIXTURES = Path(__file__).parent
RULE_DIRS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and (p / "expected.json").exists())


def _one(folder: Path, stem: str) -> Path:
    matches = sorted(folder.glob(f"{stem}.*"))
    assert len(matches) == 1, f"{folder.name}: expected exactly one {stem}.yaml or {stem}.json"
    return matches[0]


def _findings(path: Path, rule: str) -> list[dict]:
    return [{"rule": f.rule, "resource": f.resource, "line": f.line}
            for f in audit_document(load_template(str(path))) if f.rule == rule]


def test_every_rule_has_fixtures_and_every_fixture_a_rule():
    assert RULE_DIRS == sorted(RULES)


def test_fixtures_include_a_json_template():
    assert any(p.suffix == ".json" for p in FIXTURES.glob("*/fail.*"))


@pytest.mark.parametrize("rule", RULE_DIRS)
def test_fail_fixture_gives_exactly_the_expected_findings(rule):
    expected = json.loads((FIXTURES / rule / "expected.json").read_text())
    assert expected, f"{rule}: expected.json lists no finding"
    assert _findings(_one(FIXTURES / rule, "fail"), rule) == expected


@pytest.mark.parametrize("rule", RULE_DIRS)
def test_pass_fixture_gives_no_finding_for_its_rule(rule):
    assert _findings(_one(FIXTURES / rule, "pass"), rule) == []


@pytest.mark.parametrize("rule", RULE_DIRS)
def test_rule_documents_itself(rule):
    r = RULES[rule]
    assert r.id == rule and r.severity in ("critical", "high", "medium", "low")
    assert r.title and r.rationale and r.fix


@pytest.mark.parametrize("rule", RULE_DIRS)
def test_fixtures_are_valid_cloudformation(rule):
    """The fixtures are real templates (cfn-lint finds no error or warning), so each rule is tested on what
    CloudFormation would accept, not on shapes that could never deploy."""
    from generator.lint import matches  # cfn-lint with its rules loaded once for the whole session

    for stem in ("pass", "fail"):
        found = matches(_one(FIXTURES / rule, stem).read_text(encoding="utf-8"))
        assert [(m.rule.id, m.linenumber, m.message) for m in found if m.rule.id[0] in "EW"] == []
