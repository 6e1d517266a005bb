"""Helpers for the model tests: blueprints are inline YAML written to a temporary file, as a user would have them."""
from __future__ import annotations

import textwrap

import pytest

from shop_blueprint import BASE


@pytest.fixture
def write_blueprint(tmp_path, monkeypatch):
    """Write YAML (``BASE`` expanded) to ``blueprints/shop.yaml`` under a temp dir and return that relative path."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blueprints").mkdir()

    def write(text: str, name: str = "shop.yaml") -> str:
        text = textwrap.dedent(text).removeprefix("\n")
        if text.startswith("BASE\n"):
            text = BASE + text[len("BASE\n"):]
        path = f"blueprints/{name}"
        (tmp_path / path).write_text(text, encoding="utf-8")
        return path

    return write
