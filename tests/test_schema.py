"""The committed JSON Schema is current, valid draft 2020-12, and agrees with the loader on real blueprints."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.commands.init import KINDS, render_starter
from generator.model.schema import schema_text

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "schema" / "blueprint.schema.json"


def test_committed_schema_is_current():
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "schema/blueprint.schema.json is stale: run `stackprint schema -o schema/blueprint.schema.json`")


def test_schema_command_prints_and_writes_it(tmp_path):
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == schema_text()
    out = tmp_path / "s.json"
    result = CliRunner().invoke(main, ["schema", "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == schema_text()


def _validator():
    schema = json.loads(schema_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("kind", KINDS)
def test_starters_satisfy_the_schema(kind):
    data = yaml.safe_load(render_starter("shop", kind, "blueprints/shop.yaml", "../schema/blueprint.schema.json"))
    assert list(_validator().iter_errors(data)) == []


def test_examples_in_blueprints_satisfy_the_schema():
    for path in sorted((ROOT / "blueprints").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert [e.message for e in _validator().iter_errors(data)] == [], path.name


@pytest.mark.parametrize("data,fragment", [
    ({"name": "shop", "network": {"cidr": "10.0.0.0/16"}, "services": {"web": {"image": "x:1", "prot": 80}}},
     "'prot' was unexpected"),
    ({"name": "shop", "network": {"cidr": "10.0.0.0/16"}, "services": {"Web": {"image": "x:1"}}},
     "does not match any of the regexes"),
    ({"name": "shop", "network": {"cidr": "10.0.0.0/16", "nat": "perAZ"}}, "is not one of"),
    ({"name": "shop", "network": {"cidr": "10.0.0.0/16"}, "environments": {"dev": {"name": "x"}}},
     "'name' was unexpected"),
])
def test_schema_rejects_what_the_loader_rejects(data, fragment):
    messages = [e.message for e in _validator().iter_errors(data)]
    assert any(fragment in m for m in messages), messages


def test_overlay_may_remove_a_key_with_null():
    data = {"name": "shop", "network": {"cidr": "10.0.0.0/16"},
            "services": {"web": {"image": "x:1", "count": 2}},
            "environments": {"dev": {"services": {"web": {"count": None, "scaling": {"min": 1, "max": 2}}}}}}
    assert list(_validator().iter_errors(data)) == []


def test_cpu_and_memory_accept_numbers_and_strings():
    props = json.loads(schema_text())["$defs"]["Service"]["properties"]
    assert {option["type"] for option in props["cpu"]["anyOf"]} == {"integer", "string"}
    assert {option["type"] for option in props["memory"]["anyOf"]} == {"integer", "string"}
    assert props["port"]["description"]
