"""`stackprint check`: fail when out/ is not exactly what `build` would write now (CI, pre-commit)."""
from __future__ import annotations

import os
import sys

import click

from generator.console import error, info, warn
from generator.errors import CommandFailed


def _on_disk(out: str, directories: set[str]) -> dict[str, bytes]:
    """Every file under the given directories of ``out`` (relative paths, hidden staging dirs skipped)."""
    found = {}
    for directory in sorted(directories):
        for base, dirs, files in os.walk(os.path.join(out, directory)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                path = os.path.join(base, name)
                with open(path, "rb") as handle:
                    found[os.path.relpath(path, out).replace(os.sep, "/")] = handle.read()
    return found


def differences(out: str, expected: dict[str, bytes], directories: set[str]) -> list[str]:
    """Lines ``differs: f`` / ``missing: f`` / ``extra: f`` for every mismatch, sorted by file."""
    actual = _on_disk(out, directories)
    lines = []
    for path in sorted(set(expected) | set(actual)):
        if path not in actual:
            lines.append(f"missing: {out.rstrip('/')}/{path}")
        elif path not in expected:
            lines.append(f"extra: {out.rstrip('/')}/{path}")
        elif actual[path] != expected[path]:
            lines.append(f"differs: {out.rstrip('/')}/{path}")
    return lines


def _print_diff(out: str, expected: dict[str, bytes], directories: set[str]) -> None:
    """The semantic diff (issue 10) of ``out`` on disk against the fresh build, on stdout."""
    from generator.diff import diff_trees, render, tree_from_files

    report = diff_trees(tree_from_files(out.rstrip("/") + "/", _on_disk(out, directories)),
                        tree_from_files("fresh build", expected))
    click.echo(render(report, "text", stream=sys.stdout), nl=False)


def _directories(out: str, blueprints: tuple[str, ...], built: set[str]) -> set[str]:
    """The directories of ``out`` check compares: the blueprints' own, and with no BLUEPRINT every other one too."""
    if blueprints:
        return set(built)
    found = {d for d in os.listdir(out) if not d.startswith(".")} if os.path.isdir(out) else set()
    return found | built


@click.command("check")
@click.argument("blueprints", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--out", "out", default="out", show_default=True, metavar="DIR", help="Output directory.")
@click.option("--diff", "show_diff", is_flag=True, help="Also print what changes in the stale files (as `stackprint diff`).")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Compile and run every gate even when DIR matches the last build of the same inputs (the cache "
                   "in $STACKPRINT_CACHE_DIR or ~/.cache/stackprint is neither read nor written).")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines (stale files and errors are still printed).")
def command(blueprints: tuple[str, ...], out: str, show_diff: bool = False, no_cache: bool = False,
            quiet: bool = False) -> None:
    """Exit 1 listing the files of DIR that differ from, are missing in, or are extra to a fresh build.

    \b
    Examples:
      stackprint check                 # in CI, after `stackprint build` was committed
      stackprint check --out build/cfn
      stackprint check --diff          # and what a deploy of the fresh build would change
    With no BLUEPRINT, every blueprints/*.yaml is rebuilt and any other directory in DIR counts as extra.
    When the blueprints and stackprint are unchanged since a build (or check) that passed, and DIR holds exactly
    the files it produced, check answers from the cache without compiling (docs/performance.md; --no-cache).
    """
    from generator.blueprint_files import blueprint_paths
    from generator.gatecache import Progress, Store, outputs

    paths = blueprint_paths(blueprints)
    store = None if no_cache else Store(warn=warn)
    key = outputs.fingerprint(paths, None, True) if store is not None else None
    saved = outputs.recall(store, key) if key else None
    if saved is not None:
        expected = sum(len(files) for files in saved["units"].values())
        if outputs.check_is_current(out, saved, _directories(out, blueprints, set(saved["units"]))):
            info(f"{out} is up to date ({expected} files)")
            return
    from generator.compile import compile_blueprints  # the whole compiler: only when the cache cannot answer

    build = compile_blueprints(paths, store=store, progress=Progress(enabled=not quiet))
    if key and not build.findings:
        outputs.record(store, key, build.units(whole_blueprints=True), build.warnings,
                       [(e.directory, len(e.layout.stacks)) for e in build.environments])
    if build.findings:
        for finding in build.findings:
            error(str(finding))
        raise CommandFailed()
    directories = _directories(out, blueprints, {e.blueprint for e in build.environments})
    lines = differences(out, build.files(), directories)
    for line in lines:
        error(line)
    if lines and show_diff:
        _print_diff(out, build.files(), directories)
    if lines:
        raise CommandFailed(f"{out} is stale: run `stackprint build` and commit the result")
    info(f"{out} is up to date ({len(build.files())} files)")
