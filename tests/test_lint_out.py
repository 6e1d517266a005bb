"""Every committed template in out/ passes cfn-lint with zero matches, informational ones included."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.lint import matches

pytestmark = pytest.mark.slow  # see tests/conftest.py: "Suite cost"

OUT = Path(__file__).resolve().parent.parent / "out"
TEMPLATES = sorted(OUT.glob("*/*/*.template.yaml"))


def test_out_has_templates():
    assert len(TEMPLATES) >= 11


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.relative_to(OUT).as_posix())
def test_template_has_no_cfn_lint_match(template):
    found = matches(template.read_text(), regions=("us-east-1", "eu-west-1"), informational=True)
    assert [f"{m.linenumber}: {m.rule.id}: {m.message}" for m in found] == []


def test_the_lint_gate_reports_a_broken_template_with_file_line_and_rule():
    from generator.lint import gate

    broken = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketNam: x\n"
    findings = gate({"x/dev/x-dev-network.template.yaml": broken})
    assert findings and findings[0].path == "x/dev/x-dev-network.template.yaml"
    assert str(findings[0]).startswith("x/dev/x-dev-network.template.yaml:5: E3002:")
