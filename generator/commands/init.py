"""`stackprint init`: write a commented starter blueprint from ``templates/starter-<kind>.yaml.j2``."""
from __future__ import annotations

import os
import re
from pathlib import Path

import click
import jinja2

from generator.console import info
from generator.errors import InputError
from generator.model import load_blueprint_text
from generator.model.base import NAME_PATTERN
from generator.write import atomic_write

KINDS = ("web", "api", "worker")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


SCHEMA = os.path.join("schema", "blueprint.schema.json")


def render_starter(name: str, kind: str, path: str) -> str:
    """The starter blueprint text for ``kind``; ``path`` is where it will live (quoted in its comments, and the
    editor's schema link is made relative to it, assuming the project's ``schema/`` next to the cwd)."""
    schema = os.path.relpath(SCHEMA, os.path.dirname(path) or ".").replace(os.sep, "/")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=False)
    return env.get_template(f"starter-{kind}.yaml.j2").render(name=name, path=path, schema=schema)


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
    if not re.fullmatch(NAME_PATTERN, name):
        raise InputError(f"'{name}' is not a valid blueprint name (lowercase letters, digits and '-', starting "
                         "with a letter, at most 28 characters, e.g. 'shop')")
    path = os.path.join(directory, f"{name}.yaml")
    if os.path.exists(path) and not force:
        raise InputError("already exists (use --force to overwrite)", path=path)
    text = render_starter(name, kind, path)
    load_blueprint_text(text, path)  # a starter that does not validate is a bug here, never the user's problem
    atomic_write(path, text)
    info(f"wrote {path} ({kind} starter); next: stackprint validate {path}")
