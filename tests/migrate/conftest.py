"""Fixtures for the migrate tests (``update_golden`` comes from tests/conftest.py)."""
from __future__ import annotations

import pytest


@pytest.fixture
def aws_credentials(monkeypatch):
    """Fake credentials and region so boto3 never looks for real ones (moto intercepts every call)."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
