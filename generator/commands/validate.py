"""`stackprint validate`: every check that does not render (schema, semantics, the plan), every environment,
nothing written: what validate accepts, build accepts unless a gate over the rendered templates objects."""
from __future__ import annotations

import click

from generator.console import error, style
from generator.errors import CommandFailed, InputError, InputErrors
from generator.model import load_blueprint
from generator.plan import plan


@click.command("validate")
@click.argument("blueprints", nargs=-1, required=True, type=click.Path(dir_okay=False))
def command(blueprints: tuple[str, ...]) -> None:
    """Check blueprints (schema, semantics and the plan, every environment) without writing anything.

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
            for bp in envs.values():
                plan(bp)  # checks only the plan can make: reserved stack names, security-group rule quotas
        except InputError as exc:
            failed = True
            for problem in exc.errors if isinstance(exc, InputErrors) else [exc]:
                error(str(problem))
            continue
        click.echo(f"{style('ok', 'ok')}: {path} (environments: {', '.join(envs)})")
    if failed:
        raise CommandFailed(exit_code=2)  # every problem is printed above, one line each
