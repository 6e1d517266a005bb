"""Helpers for the model tests: blueprints are inline YAML written to a temporary file, as a user would have them."""
from __future__ import annotations

import textwrap

import pytest

#: A small valid blueprint; cases append lines to it (it is 12 lines long, so appended text starts on line 13).
BASE = """\
name: shop
network:
  cidr: 10.20.0.0/16
load_balancers:
  public:
    scheme: internet-facing
    https: {certificate: {parameter: CertificateArn}}
services:
  web:
    image: public.ecr.aws/nginx/nginx:1.27
    port: 8080
    route: {load_balancer: public}
"""
assert BASE.count("\n") == 12


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
