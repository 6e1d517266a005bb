"""Golden files: a fresh in-memory build of every example must equal tests/golden/ byte for byte.

Run ``pytest --update-golden`` to rewrite them after an intended change, then review and commit the diff.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from generator.write import write_tree

GOLDEN = Path(__file__).resolve().parent / "golden"


def _golden_files() -> dict[str, bytes]:
    return {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in sorted(GOLDEN.rglob("*")) if p.is_file()}


def test_build_matches_golden_files(fresh_build, update_golden):
    assert not fresh_build.findings
    expected = fresh_build.files()
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        units = fresh_build.units(whole_blueprints=True)
        for stale in sorted(p for p in GOLDEN.iterdir() if p.is_dir() and p.name not in units):
            shutil.rmtree(stale)  # an example that no longer exists
        write_tree(str(GOLDEN), units)
    golden = _golden_files()
    assert sorted(golden) == sorted(expected), "files added or removed: run pytest --update-golden and review"
    for path in sorted(expected):
        assert golden[path] == expected[path], f"{path} differs from tests/golden (pytest --update-golden)"


def test_every_example_environment_is_golden(fresh_build):
    built = {e.directory for e in fresh_build.environments}
    assert built == {"hardened-two-tier/dev", "hardened-two-tier/prod", "private-endpoints/default", "two-tier/default",
                     "web-api/dev", "web-api/prod"}
