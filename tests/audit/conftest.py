"""Shared set-up of the audit tests: the ``--update-golden`` flag (also ``STACKPRINT_UPDATE_GOLDEN=1``).

The compiler's tests register the same flag in ``tests/conftest.py``; registering it twice is an error, so this
registration steps aside when the option already exists.
"""
from __future__ import annotations

import os

import pytest


def pytest_addoption(parser):
    try:
        parser.addoption("--update-golden", action="store_true", default=False,
                         help="rewrite golden files (README checkov table, …) from the current output")
    except ValueError:
        pass  # already registered by another conftest


@pytest.fixture
def update_golden(request) -> bool:
    """Whether golden files should be rewritten rather than compared."""
    if os.environ.get("STACKPRINT_UPDATE_GOLDEN") == "1":
        return True
    try:
        return bool(request.config.getoption("--update-golden"))
    except ValueError:
        return False
