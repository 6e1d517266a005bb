"""`stackprint init`: a commented starter that validates, written atomically, never over an existing file."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.commands.init import KINDS
from generator.model import load_blueprint


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return lambda *args: CliRunner().invoke(main, ["init", *args])


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_writes_a_valid_blueprint(run, kind):
    result = run("shop", "--kind", kind)
    assert result.exit_code == 0, result.output
    envs = load_blueprint("blueprints/shop.yaml")
    assert all(bp.name == "shop" for bp in envs.values())
    text = open("blueprints/shop.yaml", encoding="utf-8").read()
    assert text.startswith("# shop: ")
    # commented for a newcomer: more than a third of the lines explain something
    lines = text.splitlines()
    assert sum(1 for line in lines if line.lstrip().startswith("#")) * 3 > len(lines)


def test_kinds_differ_in_what_they_build(run):
    for kind in KINDS:
        assert run(f"app-{kind}", "--kind", kind).exit_code == 0
    web = load_blueprint("blueprints/app-web.yaml")["prod"]
    api = load_blueprint("blueprints/app-api.yaml")["prod"]
    worker = load_blueprint("blueprints/app-worker.yaml")["default"]
    assert web.load_balancers["public"].scheme == "internet-facing"
    assert api.services["front"].flows == ["api"] and api.load_balancers["internal"].scheme == "internal"
    assert worker.load_balancers == {} and worker.services["worker"].port is None


def test_refuses_to_overwrite_without_force(run):
    assert run("shop").exit_code == 0
    with open("blueprints/shop.yaml", "a", encoding="utf-8") as handle:
        handle.write("# my edits\n")
    result = run("shop", "--kind", "worker")
    assert result.exit_code == 2
    assert result.stderr == "blueprints/shop.yaml: already exists (use --force to overwrite)\n"
    assert open("blueprints/shop.yaml", encoding="utf-8").read().endswith("# my edits\n")
    result = run("shop", "--kind", "worker", "--force")
    assert result.exit_code == 0
    assert "services:\n  worker:" in open("blueprints/shop.yaml", encoding="utf-8").read()


def _schema_link(path: str) -> str:
    """The $schema target of a blueprint, resolved from the blueprint file's own directory."""
    import os
    import re

    text = open(path, encoding="utf-8").read()
    link = re.search(r"^# yaml-language-server: \$schema=(\S+)$", text, re.M).group(1)
    return os.path.normpath(os.path.join(os.path.dirname(path), link))


def test_schema_link_resolves_to_the_project_schema_from_the_file(run, tmp_path):
    from generator.model.schema import schema_text

    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "blueprint.schema.json").write_text(schema_text(), encoding="utf-8")
    result = run("shop", "--dir", "apps/blueprints")
    assert result.exit_code == 0
    assert load_blueprint("apps/blueprints/shop.yaml")
    assert "# yaml-language-server: $schema=../../schema/blueprint.schema.json\n" in open(
        "apps/blueprints/shop.yaml", encoding="utf-8").read()
    assert _schema_link("apps/blueprints/shop.yaml") == "schema/blueprint.schema.json"
    assert not (tmp_path / "apps" / "blueprints" / "blueprint.schema.json").exists()


def test_schema_written_next_to_the_blueprint_outside_a_project(run, tmp_path):
    """No schema/ upwards (a fresh directory): the schema is written beside the blueprint and linked there."""
    import json

    from generator.model.schema import schema_text

    result = run("shop", "--dir", "deep/er")
    assert result.exit_code == 0, result.output
    target = _schema_link("deep/er/shop.yaml")
    assert target == "deep/er/blueprint.schema.json"
    assert open(target, encoding="utf-8").read() == schema_text()
    assert json.loads(schema_text())["$schema"].startswith("https://json-schema.org/")
    assert "deep/er/blueprint.schema.json" in result.stderr


@pytest.mark.parametrize("name", ["Shop", "1shop", "shop_app", "a" * 29])
def test_rejects_bad_names(run, name):
    result = run(name)
    assert result.exit_code == 2
    assert "is not a valid blueprint name" in result.stderr
    assert "Traceback" not in result.output
