"""`stackprint build`: compile blueprints into out/, only if every gate passes, atomically."""
from __future__ import annotations

import click

from generator.console import error, info, warn
from generator.errors import CommandFailed
from generator.write import check_output_dir, describe_os_error, output_lock, write_tree


@click.command("build")
@click.argument("blueprints", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--env", "env", metavar="ENV", help="Build only this environment of each blueprint.")
@click.option("--out", "out", default="out", show_default=True, metavar="DIR", help="Output directory.")
def command(blueprints: tuple[str, ...], env: str | None, out: str) -> None:
    """Compile blueprints into CloudFormation under DIR/<blueprint>/<env>/.

    With no BLUEPRINT, compiles every blueprints/*.yaml for every environment. Nothing is written unless every
    template passes cfn-lint (errors and warnings) and the security audit (findings of every severity); a failed
    build leaves DIR exactly as it was. A blueprint accepts an audit finding only by stating it with a reason
    (audit: {ignore: [{rule: ECS003, reason: "..."}]}); the reason is written into the template.

    \b
    Examples:
      stackprint build                              # everything in blueprints/ into out/
      stackprint build blueprints/web-api.yaml --env dev
    Exit codes: 0 built, 1 findings (nothing written), 2 bad input, an unusable DIR (a file, read-only, full) or
    another build running into the same DIR (it holds DIR/.stackprint.lock).
    """
    check_output_dir(out)  # a file, unwritable or too long: one line before any compiling
    with output_lock(out):  # another build into the same DIR: "another build is running (pid N)", exit 2
        _build(blueprints, env, out)


def _build(blueprints: tuple[str, ...], env: str | None, out: str) -> None:
    """Compile, gate and write, with the output lock held."""
    from generator.compile import blueprint_paths, compile_blueprints  # cfn-lint: ~0.6 s, only here

    build = compile_blueprints(blueprint_paths(blueprints), only_env=env, strict_env=bool(blueprints))
    for message in build.warnings:
        warn(message)
    if build.findings:
        for finding in build.findings:
            error(str(finding))
        raise CommandFailed(f"build failed: {len(build.findings)} finding(s); nothing written (fix the blueprint, or "
                            f"accept an audit finding with audit.ignore and a reason: docs/blueprint.md)")
    try:
        stale = write_tree(out, build.units(whole_blueprints=env is None))
    except OSError as exc:  # full disk, read-only folder, name too long: the old tree is still in place
        raise describe_os_error(out, exc) from None
    for name in stale:
        warn(f"removed {out.rstrip('/')}/{name}, left behind by an interrupted build")
    for environment in build.environments:
        stacks = len(environment.layout.stacks)
        info(f"built {out.rstrip('/')}/{environment.directory} ({stacks} stack{'s' if stacks != 1 else ''})")
