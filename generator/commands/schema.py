"""`stackprint schema`: the JSON Schema of the blueprint language, generated from the models."""
from __future__ import annotations

import click

from generator.model.schema import schema_text
from generator.write import atomic_write


@click.command("schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
def command(output: str | None) -> None:
    """Print the JSON Schema (draft 2020-12) of the blueprint language, for editor autocompletion.

    \b
    Example:
      stackprint schema -o schema/blueprint.schema.json
      # VS Code (YAML extension), first line of a blueprint:
      # yaml-language-server: $schema=../schema/blueprint.schema.json
    """
    text = schema_text()
    if output:
        atomic_write(output, text)
    else:
        click.echo(text, nl=False)
