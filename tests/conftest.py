"""Shared test options and fixtures.

``pytest --update-golden`` rewrites tests/golden/ from a fresh in-memory build instead of comparing against it;
review the diff and commit it.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ from a fresh build instead of comparing")


@pytest.fixture
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


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
