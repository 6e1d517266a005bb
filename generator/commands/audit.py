"""``stackprint audit``: audit the security groups and exposure of CloudFormation templates."""
from __future__ import annotations

import sys

import click

from generator.audit import RULES, SEVERITIES, audit_paths, load_policy
from generator.audit.policy import Policy
from generator.audit.report import render_json, render_sarif, render_text, summary_line
from generator.audit.selection import enabled_rules
from generator.console import error, info
from generator.errors import CommandFailed


@click.command(name="audit")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="Output format (json and sarif print exactly one document on stdout).")
@click.option("--fail-on", type=click.Choice(list(SEVERITIES)), default="high", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@click.option("--select", multiple=True, metavar="PREFIX",
              help="Run only rules with this id or prefix (repeatable, or comma-separated).")
@click.option("--ignore", multiple=True, metavar="PREFIX",
              help="Skip rules with this id or prefix; the more specific prefix wins, ignore wins ties.")
@click.option("--policy", "policy_path", type=click.Path(), default=None,
              help="YAML file overriding thresholds: high_risk_ports, authorized_public_ports, max_port_range, "
                   "min_ipv4_prefix, min_ipv6_prefix.")
def command(paths, output_format, fail_on, select, ignore, policy_path):
    """Audit CloudFormation templates (YAML or JSON, files or folders) for risky security groups and exposure.

    \b
    Examples:
      stackprint audit out/                               # every template under out/
      stackprint audit stack.yaml --fail-on medium        # stricter gate
      stackprint audit cdk.out --format sarif > audit.sarif
      stackprint audit t.json --select SG --ignore SG009  # SG rules except descriptions
      stackprint audit t.yaml --policy security-policy.yaml

    Exit codes: 0 no finding at or above --fail-on; 1 findings, or some template could not be read (each such
    file is one error line on stderr and the others are still audited); 2 bad options, a missing path, or no
    template could be audited at all.
    Suppress per resource: Metadata: {stackprint: {ignore: [{rule: SG006, reason: "..."}]}}
    """
    policy = load_policy(policy_path) if policy_path else Policy.default()
    result = audit_paths(paths, policy=policy, select=select, ignore=ignore)
    if output_format == "json":
        click.echo(render_json(result), nl=False)
    elif output_format == "sarif":
        click.echo(render_sarif(result, enabled_rules(RULES, select, ignore)), nl=False)
    else:
        click.echo(render_text(result.findings, sys.stdout), nl=False)
    for path in result.skipped:
        info(f"{path}: skipped (not a CloudFormation template)")
    for problem in result.errors:
        error(str(problem))
    code = result.exit_code(fail_on)
    if code != 2:  # nothing audited: the error lines alone, as for any bad input
        info(summary_line(result))
    if code:
        raise CommandFailed(exit_code=code)
