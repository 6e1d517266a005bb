"""`stackprint check`: fail when out/ is not exactly what `build` would write now (CI, pre-commit)."""
from __future__ import annotations

import os
import sys

import click

from generator.console import error, info
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


@click.command("check")
@click.argument("blueprints", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--out", "out", default="out", show_default=True, metavar="DIR", help="Output directory.")
@click.option("--diff", "show_diff", is_flag=True, help="Also print what changes in the stale files (as `stackprint diff`).")
def command(blueprints: tuple[str, ...], out: str, show_diff: bool = False) -> None:
    """Exit 1 listing the files of DIR that differ from, are missing in, or are extra to a fresh build.

    \b
    Examples:
      stackprint check                 # in CI, after `stackprint build` was committed
      stackprint check --out build/cfn
      stackprint check --diff          # and what a deploy of the fresh build would change
    With no BLUEPRINT, every blueprints/*.yaml is rebuilt and any other directory in DIR counts as extra.
    """
    from generator.compile import blueprint_paths, compile_blueprints  # cfn-lint: ~0.6 s, only here

    build = compile_blueprints(blueprint_paths(blueprints))
    if build.findings:
        for finding in build.findings:
            error(str(finding))
        raise CommandFailed()
    if blueprints:
        directories = {e.blueprint for e in build.environments}
    else:
        directories = {d for d in os.listdir(out) if not d.startswith(".")} if os.path.isdir(out) else set()
        directories |= {e.blueprint for e in build.environments}
    lines = differences(out, build.files(), directories)
    for line in lines:
        error(line)
    if lines and show_diff:
        _print_diff(out, build.files(), directories)
    if lines:
        raise CommandFailed(f"{out} is stale: run `stackprint build` and commit the result")
    info(f"{out} is up to date ({len(build.files())} files)")
