"""Every value the language accepts builds, or `validate` refuses it naming what to change (issue 13).

Sweeps the database language's enumerations and ranges through the real gates: each engine with every version
`validate` accepts (cfn-lint's own list, :mod:`generator.model.engine_versions`) passes the lint gate, and the
ends of the ranges (storage, backup retention with its relax key) pass the lint and audit gates.
"""
from __future__ import annotations

import re

import pytest

from generator import compile as compile_module
from generator.model import load_blueprint_text
from generator.model.databases import ENGINES, VERSION_PATTERNS
from generator.model.engine_versions import valid_versions
from generator.plan import plan

BASE = "name: sweep\nnetwork: {cidr: 10.50.0.0/16}\n"
REASON = "dev data is re-seeded from fixtures every night"


def _rendered(text: str) -> dict[str, str]:
    """The templates exactly as build renders them (stated exceptions applied), before the gates."""
    (bp,) = load_blueprint_text(text, "sweep.yaml").values()
    files = compile_module.render(plan(bp), "sweep.yaml").files
    return {name: data.decode("utf-8") for name, data in files.items() if name.endswith(".template.yaml")}


def _accepted(engine: str) -> list[str]:
    return [v for v in valid_versions(engine) if re.fullmatch(VERSION_PATTERNS[engine][0], v)]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_every_version_validate_accepts_passes_the_lint_gate(engine):
    versions = _accepted(engine)
    assert versions
    databases = "".join(f"  v{i}: {{engine: {engine}, version: '{v}'}}\n" for i, v in enumerate(versions))
    rendered = _rendered(BASE + "databases:\n" + databases)
    assert compile_module.GATES[0](rendered) == []


@pytest.mark.parametrize("fields", [
    "storage_gb: 20", "storage_gb: 65536", "backup_retention_days: 35",
    f"backup_retention_days: 1, relax: {{backup_retention: '{REASON}'}}",
])
@pytest.mark.parametrize("engine", ["postgres", "aurora-mysql"])
def test_the_ends_of_the_ranges_pass_every_gate(engine, fields):
    if engine.startswith("aurora") and fields.startswith("storage_gb"):
        pytest.skip("Aurora storage grows by itself (validate refuses storage_gb)")
    rendered = _rendered(BASE + f"databases:\n  orders: {{engine: {engine}, {fields}}}\n")
    for gate in compile_module.GATES:
        assert gate(rendered) == [], gate
