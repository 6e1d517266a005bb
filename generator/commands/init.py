"""`stackprint init`: write a commented starter blueprint from ``templates/starter-<kind>.yaml.j2``."""
from __future__ import annotations

import os

import click

from generator import templating
from generator.console import info
from generator.errors import InputError
from generator.model import load_blueprint_text
from generator.model.base import NAME_PATTERN, name_problem
from generator.model.schema import schema_text
from generator.write import atomic_write

KINDS = ("web", "api", "worker")


SCHEMA_FILE = "blueprint.schema.json"
#: Where a project keeps the committed schema (``stackprint schema -o schema/blueprint.schema.json``).
PROJECT_SCHEMA = os.path.join("schema", SCHEMA_FILE)


def find_project_schema(directory: str) -> str | None:
    """The nearest ``schema/blueprint.schema.json`` in ``directory`` or one of its parents, or None."""
    current = os.path.abspath(directory)
    while True:
        candidate = os.path.join(current, PROJECT_SCHEMA)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def schema_link(directory: str) -> tuple[str, str | None]:
    """The editor's ``$schema`` link for a blueprint written into ``directory``, resolved from that file.

    Returns (link, file to write): the project's committed schema when one is found upwards, else a copy written
    next to the blueprint as ``blueprint.schema.json`` (the file ``stackprint schema -o`` would write there).
    """
    found = find_project_schema(directory)
    if found is not None:
        return os.path.relpath(found, os.path.abspath(directory)).replace(os.sep, "/"), None
    return SCHEMA_FILE, os.path.join(directory, SCHEMA_FILE)


def render_starter(name: str, kind: str, path: str, schema: str) -> str:
    """The starter blueprint text for ``kind``; ``path`` is where it will live (quoted in its comments) and
    ``schema`` the editor's link to the JSON Schema, relative to that file."""
    return templating.render(f"starter-{kind}.yaml.j2", name=name, path=path, schema=schema)


@click.command("init")
@click.argument("name")
@click.option("--kind", type=click.Choice(KINDS), default="web", show_default=True,
              help="web: HTTPS load balancer + service; api: public front + internal API; worker: no ingress.")
@click.option("--dir", "directory", default="blueprints", show_default=True, type=click.Path(file_okay=False),
              help="Directory to write NAME.yaml into.")
@click.option("--force", is_flag=True, help="Overwrite an existing blueprint.")
def command(name: str, kind: str, directory: str, force: bool) -> None:
    """Write a starter blueprint, commented key by key, to DIR/NAME.yaml.

    \b
    Example:
      stackprint init shop --kind web
      stackprint validate blueprints/shop.yaml
    """
    problem = name_problem(name, NAME_PATTERN, "blueprint name", "shop")
    if problem:
        raise InputError(problem)
    path = os.path.join(directory, f"{name}.yaml")
    if os.path.exists(path) and not force:
        raise InputError("already exists (use --force to overwrite)", path=path)
    link, schema_path = schema_link(directory)
    text = render_starter(name, kind, path, link)
    load_blueprint_text(text, path)  # a starter that does not validate is a bug here, never the user's problem
    atomic_write(path, text)
    info(f"wrote {path} ({kind} starter); next: stackprint validate {path}")
    if schema_path is not None:
        atomic_write(schema_path, schema_text())
        info(f"wrote {schema_path} (JSON Schema for editor completion; refresh with "
             f"`stackprint schema -o {schema_path}`)")
