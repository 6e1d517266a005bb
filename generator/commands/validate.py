"""`stackprint validate`: schema and semantic checks of blueprints, every environment, nothing written."""
from __future__ import annotations

import click

from generator.console import error, style
from generator.errors import InputError, InputErrors
from generator.model import load_blueprint


@click.command("validate")
@click.argument("blueprints", nargs=-1, required=True, type=click.Path(dir_okay=False))
def command(blueprints: tuple[str, ...]) -> None:
    """Check blueprints (schema + semantics, every environment) without writing anything.

    Prints one `ok:` line per valid file; every problem of every file is printed as
    `file:line:col: key.path: message`, one per line. Exit 0 when all are valid, 2 otherwise.

    \b
    Example:
      stackprint validate blueprints/shop.yaml
      stackprint validate blueprints/*.yaml
    """
    failed = False
    for path in blueprints:
        try:
            envs = load_blueprint(path)
        except InputError as exc:
            failed = True
            for problem in exc.errors if isinstance(exc, InputErrors) else [exc]:
                error(str(problem))
            continue
        click.echo(f"{style('ok', 'ok')}: {path} (environments: {', '.join(envs)})")
    if failed:
        raise SystemExit(2)
