"""``stackprint report``: one environment's diagram and fixed monthly cost estimate, as HTML or Markdown."""
from __future__ import annotations

import click

from generator.console import info
from generator.report import load_report, render_html, render_markdown
from generator.write import atomic_write


@click.command(name="report")
@click.argument("directory", type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["html", "markdown"]), default="html",
              show_default=True, help="html: one self-contained page (inline SVG, no network needed to view it); "
                                      "markdown: the same sections as the environment README (Mermaid diagram).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write to FILE (atomically) instead of stdout.")
def command(directory, output_format, output):
    """Report on ONE environment: a diagram proven from its templates and a fixed monthly cost estimate.

    DIRECTORY is an environment of out/ (e.g. out/web-api/prod): the templates its stacks.json lists are read (a
    folder without stacks.json: every template in it); the blueprint is not needed. The diagram is drawn from the
    same reachability model as `stackprint reach` (subnet tiers and zones, balancers, services, databases, NAT
    gateways, VPC endpoints, the internet; edges labelled by port). The cost is an ESTIMATE from the shipped,
    dated us-east-1 price table: NAT gateways, public IPv4 addresses, load balancers, interface endpoints, Fargate
    at the declared task counts (autoscaling min..max shown), RDS classes, KMS keys and secrets; usage-based
    charges are listed as excluded, and per-az vs single vs no NAT is compared in one line.

    \b
    Examples:
      stackprint report out/web-api/prod -o web-api-prod.html
      stackprint report out/web-api/prod --format markdown
      stackprint report out/two-tier/default > report.html

    Exit codes: 0 written, 2 bad input.
    """
    report = load_report(directory)
    text = render_html(report) if output_format == "html" else render_markdown(report)
    if output:
        atomic_write(output, text)
        info(f"wrote {output} ({output_format})")
    else:
        click.echo(text, nl=False)
