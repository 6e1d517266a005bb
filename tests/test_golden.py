"""Golden files: the committed out/ is the one copy of the expected output; a fresh in-memory build of every
example must equal it byte for byte (what `stackprint check` enforces in CI, without building twice).

Run ``pytest --update-golden`` (or ``stackprint build``) to rewrite out/ after an intended change, then review and
commit the diff.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.commands.check import differences
from generator.write import write_tree

pytestmark = pytest.mark.slow  # see tests/conftest.py: "Suite cost"

OUT = Path(__file__).resolve().parent.parent / "out"


def test_build_matches_the_committed_out(fresh_build, update_golden):
    assert not fresh_build.findings
    units = fresh_build.units(whole_blueprints=True)
    if update_golden:
        for stale in sorted(p for p in OUT.iterdir() if p.is_dir() and not p.name.startswith(".")
                            and p.name not in units):
            shutil.rmtree(stale)  # an example that no longer exists
        write_tree(str(OUT), units)
    directories = {p.name for p in OUT.iterdir() if p.is_dir() and not p.name.startswith(".")} | set(units)
    assert differences(str(OUT), fresh_build.files(), directories) == [], \
        "out/ is stale: run `stackprint build` (or pytest --update-golden) and review the diff"


def test_every_example_environment_is_golden(fresh_build):
    built = {e.directory for e in fresh_build.environments}
    assert built == {"brownfield/default", "hardened-two-tier/dev", "hardened-two-tier/prod",
                     "private-endpoints/default", "two-tier/default", "web-api/dev", "web-api/prod",
                     "partner-api/default", "shared-services/prod", "sidecars/default", "tcp-privatelink/prod",
                     "dual-stack/default"}
