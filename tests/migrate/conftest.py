"""Fixtures for the migrate tests. The ``--update-golden`` option is registered by tests/conftest.py (another
part of the suite); here it is only read, guarded, so these tests also run without it."""
from __future__ import annotations

import os

import pytest


@pytest.fixture
def update_golden(request) -> bool:
    """True when expectations should be rewritten: ``pytest --update-golden`` or STACKPRINT_UPDATE_GOLDEN=1."""
    try:
        flag = request.config.getoption("--update-golden", default=False)
    except ValueError:
        flag = False
    return bool(flag) or os.environ.get("STACKPRINT_UPDATE_GOLDEN") == "1"


@pytest.fixture
def aws_credentials(monkeypatch):
    """Fake credentials and region so boto3 never looks for real ones (moto intercepts every call)."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
