"""checkov (a second, independent opinion) finds nothing in out/: zero failed checks, and every skipped check carries
a written reason that the compiler put there — a design exception of generator/emit/scanner_metadata.py, or a secure
default the blueprint relaxed under ``relax:`` with its own words.

The report comes from the session fixture ``checkov_report`` in tests/conftest.py (checkov in its own venv).
"""
from __future__ import annotations

import pytest

from generator.emit import scanner_metadata as suppressions
from generator.pipeline import suppressions as pipeline_suppressions

pytestmark = pytest.mark.slow  # see tests/conftest.py: "Suite cost"


def _documented() -> set[str]:
    """Every checkov id the compiler may skip: its fixed design exceptions (stacks and pipeline) plus the relaxable
    defaults."""
    fixed = {value[0] for module in (suppressions, pipeline_suppressions) for value in vars(module).values()
             if isinstance(value, tuple) and len(value) == 2 and str(value[0]).startswith("CKV")}
    for value in vars(suppressions).values():
        if isinstance(value, list):
            fixed |= {item[0] for item in value if isinstance(item, tuple) and str(item[0]).startswith("CKV")}
    relaxed = {check for checkov_ids, _ in suppressions.RELAXATIONS.values() for check in checkov_ids}
    return fixed | relaxed


def test_checkov_passes_every_template_in_out(checkov_report):
    summary = checkov_report["summary"]
    assert summary["failed"] == 0, [c["check_id"] + " " + c["resource"]
                                    for c in checkov_report["results"]["failed_checks"]]
    assert summary["passed"] > 200


def test_every_skip_is_documented_and_has_a_reason(checkov_report):
    documented = _documented()
    for check in checkov_report["results"]["skipped_checks"]:
        assert check["check_id"] in documented, check["check_id"]
        assert len(check["check_result"].get("suppress_comment") or "") >= 10, check
