"""`stackprint diff`: what a deploy of the new templates would change, for a reviewer (issue 10, part 1)."""
from __future__ import annotations

import sys

import click

from generator.console import error, info
from generator.errors import CommandFailed


@click.command("diff")
@click.argument("old", required=False, metavar="[OLD]")
@click.argument("new", required=False, metavar="[NEW]")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="text (colored on a terminal), markdown (a pull-request comment) or json.")
@click.option("--allow-replace", is_flag=True, help="Exit 0 even when stateful resources are replaced or removed.")
@click.option("--out", "out", default="out", show_default=True, metavar="DIR",
              help="The output directory inside a git revision, and the default NEW when there are no blueprints.")
@click.option("--blueprints", "blueprints", default="blueprints", show_default=True, metavar="DIR",
              help="Blueprints built in memory for the default NEW.")
def command(old: str | None, new: str | None, fmt: str, allow_replace: bool, out: str, blueprints: str) -> None:
    """Show what changes between two sets of CloudFormation templates: resources added, removed, modified or
    REPLACED (with each property path, old → new), firewall flows, what the internet can reach, and exports other
    stacks still import. OLD and NEW are directories, template files or git revisions; stacks are matched by path.

    \b
    Examples:
      stackprint diff                      # committed out/ at HEAD vs a fresh build of blueprints/
      stackprint diff HEAD~1               # out/ at HEAD~1 vs a fresh build
      stackprint diff main..feature        # out/ of two revisions
      stackprint diff old-out/ out/        # two directories (any CloudFormation templates)
      stackprint diff --format markdown > comment.md

    \b
    Exit codes: 0 no blocking change; 1 a stateful resource (database, bucket, log group, key, load balancer,
    VPC, subnet, ...) is replaced or removed (unless --allow-replace), or an export another stack imports breaks;
    2 a bad revision, path or template.
    """
    from generator.diff import diff_trees, render, resolve_sources

    old_tree, new_tree = resolve_sources(old, new, out=out, blueprints=blueprints, progress=info)
    report = diff_trees(old_tree, new_tree)
    click.echo(render(report, fmt, stream=sys.stdout), nl=False)
    code = report.exit_code(allow_replace)
    if report.danger and not allow_replace:
        error(f"{len(report.danger)} stateful resource(s) replaced or removed: review, then pass --allow-replace")
    if report.errors:
        error(f"{len(report.errors)} export(s) still imported would break: CloudFormation would refuse the update")
    if code:
        raise CommandFailed(exit_code=code)
