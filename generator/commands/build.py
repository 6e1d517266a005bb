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
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Run every gate on every template, and compile even when DIR is up to date (the cache in "
                   "$STACKPRINT_CACHE_DIR or ~/.cache/stackprint is neither read nor written).")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines (warnings and errors are still printed).")
def command(blueprints: tuple[str, ...], env: str | None, out: str, no_cache: bool = False,
            quiet: bool = False) -> None:
    """Compile blueprints into CloudFormation under DIR/<blueprint>/<env>/.

    With no BLUEPRINT, compiles every blueprints/*.yaml for every environment. Nothing is written unless every
    template passes cfn-lint (errors and warnings) and the security audit (findings of every severity); a failed
    build leaves DIR exactly as it was. Gate verdicts are cached by template content (docs/performance.md), and a
    build whose inputs and DIR are unchanged since the last one returns at once. A blueprint accepts an audit finding only by stating it with a reason
    (audit: {ignore: [{rule: ECS003, reason: "..."}]}); the reason is written into the template.

    \b
    Examples:
      stackprint build                              # everything in blueprints/ into out/
      stackprint build blueprints/web-api.yaml --env dev
      stackprint build --no-cache --quiet           # every gate runs again; only warnings and errors
    Exit codes: 0 built, 1 findings (nothing written), 2 bad input, an unusable DIR (a file, read-only, full),
    another build running into the same DIR (it holds DIR/.stackprint.lock), or a gate worker process that died.
    """
    check_output_dir(out)  # a file, unwritable or too long: one line before any compiling
    with output_lock(out):  # another build into the same DIR: "another build is running (pid N)", exit 2
        _build(blueprints, env, out, not no_cache, quiet)


def _build(blueprints: tuple[str, ...], env: str | None, out: str, use_cache: bool, quiet: bool) -> None:
    """Compile, gate and write, with the output lock held (or confirm that DIR is already what it would write)."""
    from generator.blueprint_files import blueprint_paths
    from generator.gatecache import Progress, Store, outputs

    paths = blueprint_paths(blueprints)
    store = Store(warn=warn) if use_cache else None
    key = outputs.fingerprint(paths, env, bool(blueprints)) if store is not None else None
    saved = outputs.recall(store, key) if key else None
    if saved is not None and outputs.build_is_current(out, saved):
        for message in saved["warnings"]:
            warn(message)
        if not quiet:
            for directory, stacks in saved["environments"]:
                info(f"up to date: {out.rstrip('/')}/{directory} ({stacks} stack{'s' if stacks != 1 else ''}; "
                     f"inputs and files unchanged since the last build)")
        return
    from generator.compile import compile_blueprints  # the whole compiler: only when something must be built

    build = compile_blueprints(paths, only_env=env, strict_env=bool(blueprints), store=store,
                               progress=Progress(enabled=not quiet))
    for message in build.warnings:
        warn(message)
    if build.findings:
        for finding in build.findings:
            error(str(finding))
        raise CommandFailed(f"build failed: {len(build.findings)} finding(s); nothing written (fix the blueprint, or "
                            f"accept an audit finding with audit.ignore and a reason: docs/blueprint.md)")
    units = build.units(whole_blueprints=env is None)
    try:
        stale = write_tree(out, units)
    except OSError as exc:  # full disk, read-only folder, name too long: the old tree is still in place
        raise describe_os_error(out, exc) from None
    if key:
        outputs.record(store, key, units, build.warnings,
                       [(e.directory, len(e.layout.stacks)) for e in build.environments])
    for name in stale:
        warn(f"removed {out.rstrip('/')}/{name}, left behind by an interrupted build")
    for environment in build.environments:
        stacks = len(environment.layout.stacks)
        if not quiet:
            info(f"built {out.rstrip('/')}/{environment.directory} ({stacks} stack{'s' if stacks != 1 else ''})")
