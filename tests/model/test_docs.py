"""The language reference stays true: its complete example loads, and every key it documents exists."""
from __future__ import annotations

import re
from pathlib import Path

from generator.model import load_blueprint_text
from generator.model.errors import field_names
from generator.model import Service, Network, Route, Egress, LoadBalancer, Https, ContainerHealthCheck

DOC = Path(__file__).resolve().parents[2] / "docs" / "blueprint.md"


def _yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_complete_example_is_valid():
    examples = [block for block in _yaml_blocks() if block.startswith("name:")]
    assert examples, "docs/blueprint.md lost its complete example"
    for block in examples:
        envs = load_blueprint_text(block, "docs/blueprint.md")
        assert list(envs) == ["dev", "prod"]


def test_every_service_and_network_key_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for model in (Service, Network, Route, Egress, LoadBalancer, Https, ContainerHealthCheck):
        for key in field_names(model):
            assert f"`{key}`" in text or f"`{key}." in text or f"{key}:" in text, f"{model.__name__}.{key}"
