"""``stackprint reach``: what the internet and each service can reach, proven from CloudFormation templates."""
from __future__ import annotations

import click

from generator.reach import analyse, from_paths
from generator.reach.render import render_json, render_text


@click.command(name="reach")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json prints one document: workloads with verdicts, plus the graph (nodes, labelled edges).")
def command(paths, output_format):
    """Prove, offline, what can reach each service and database of ONE environment.

    PATHS are the templates of one environment (a folder such as out/web-api/prod, or files); exports are resolved
    across them. Per service and database it prints: reachable from the internet (with the path that proves it,
    e.g. internet → IGW → PublicSubnet1 → PublicLoadBalancer:443 → TargetGroup → web tcp/8080), reachable from
    which services on which ports (directly or through an internal balancer), and outbound paths (internet via
    NAT, VPC endpoints only, none). Values known only at deploy time are reported as unknown, never as safe.

    \b
    Examples:
      stackprint reach out/web-api/prod
      stackprint reach cdk.out/MyStack.template.json --format json
      stackprint reach network.yaml app.yaml

    Exit codes: 0 analysed, 2 bad input.
    """
    reach = analyse(from_paths(paths))
    click.echo(render_json(reach) if output_format == "json" else render_text(reach), nl=False)
