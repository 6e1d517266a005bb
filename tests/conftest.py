"""Shared test options and fixtures.

``pytest --update-golden`` (or ``STACKPRINT_UPDATE_GOLDEN=1``) rewrites every golden file — the committed out/,
the migrate corpus expectations, the README's checkov table — from the current output instead of comparing; review
the diff and commit it.

Suite cost: the full build of every example runs once per session (``fresh_build``) and every test that needs it
shares it (golden, gates, check, determinism, checkov). Tests that take seconds are marked ``slow``
(registered in pyproject.toml; ``pytest -m "not slow"`` for a quick loop; ``make test`` runs everything).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite out/ (and the other golden files) from a fresh build instead of comparing")


@pytest.fixture
def update_golden(request) -> bool:
    """Whether golden files are rewritten rather than compared."""
    return bool(request.config.getoption("--update-golden")) or os.environ.get("STACKPRINT_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="session", autouse=True)
def isolated_cache_dir(tmp_path_factory):
    """Every test's builds cache their gate verdicts in a temporary directory, never in the user's ~/.cache
    (tests that need an empty cache set STACKPRINT_CACHE_DIR to their own tmp_path)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STACKPRINT_CACHE_DIR", str(tmp_path_factory.mktemp("stackprint-cache")))
        yield


@pytest.fixture(scope="session")
def fresh_build():
    """One in-memory build of every example blueprint (cfn-lint gate included), shared by the tests."""
    from generator.compile import blueprint_paths, compile_blueprints

    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        return compile_blueprints(blueprint_paths(()))
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="session")
def fresh_out(fresh_build, tmp_path_factory) -> Path:
    """The shared fresh build written to a temporary out/ directory (byte-identical to the committed out/, which
    tests/test_golden.py asserts), for tools that read files: checkov."""
    from generator.write import write_tree

    root = tmp_path_factory.mktemp("fresh-out")
    write_tree(str(root), fresh_build.units(whole_blueprints=True))
    return root


@pytest.fixture(scope="session")
def checkov() -> str:
    """Path of the checkov executable (it lives in its own venv, .venv-checkov, because its pins clash with ours).

    `make test` exports STACKPRINT_CHECKOV; if that path is missing the test FAILS (CI must not skip silently).
    Without the variable, .venv-checkov is used when present, else the test is skipped with the command to run.
    """
    named = os.environ.get("STACKPRINT_CHECKOV")
    candidate = named or str(REPO / ".venv-checkov" / "bin" / "checkov")
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    if named:
        pytest.fail(f"STACKPRINT_CHECKOV={named} is not an executable")
    pytest.skip(f"checkov not found at {candidate}: run `make .venv-checkov/.installed` (`make test` does)")


@pytest.fixture(scope="session")
def checkov_report(checkov, fresh_out) -> dict:
    """checkov's JSON report over a fresh build (run once per session; offline, --skip-download). The committed
    out/ is byte-identical to it (tests/test_golden.py), so the report holds for both."""
    import json
    import subprocess

    result = subprocess.run([checkov, "-d", str(fresh_out), "--framework", "cloudformation", "--skip-download",
                             "-o", "json"], capture_output=True, text=True, timeout=900)
    report = json.loads(result.stdout)
    return report[0] if isinstance(report, list) else report
