"""`stackprint drift`: compare a deployed environment with its committed templates (generator.drift)."""
from __future__ import annotations

import sys

import click

from generator.console import info
from generator.deploy.aws import Clients, Target
from generator.deploy.environment import load_environment
from generator.drift import Options, detect, render_json, render_sarif, render_text, summary_line
from generator.errors import CommandFailed


@click.command("drift")
@click.argument("environment", type=click.Path(file_okay=False))
@click.option("--region", metavar="REGION", help="AWS region (default: AWS_REGION or the profile's).")
@click.option("--profile", metavar="PROFILE", help="Named AWS profile (default: AWS_PROFILE or default).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="Output format (json and sarif print exactly one document on stdout).")
@click.option("--no-stack-drift", is_flag=True,
              help="Skip CloudFormation's own drift detection (DetectStackDrift); compare security groups only.")
@click.option("--stack-drift-timeout", type=click.IntRange(1, 3600), default=300, show_default=True,
              metavar="SECONDS", help="How long to wait for CloudFormation drift detection before leaving it out.")
@click.option("--no-cloudtrail", is_flag=True, help="Do not look up who added a rule in CloudTrail.")
def command(environment: str, region: str | None, profile: str | None, output_format: str, no_stack_drift: bool,
            stack_drift_timeout: int, no_cloudtrail: bool) -> None:
    """Compare the deployed ENVIRONMENT (a directory of out/) with its committed templates. Read-only.

    Reports security-group rules added outside the templates (with who and when, from CloudTrail's event
    history, when allowed), declared rules that are missing, network interfaces in the VPC attached to groups the
    layout does not declare, the VPC default group regaining rules, and what CloudFormation's drift detection finds
    on every stack. Groups and rules are read from every stack of stacks.json, wherever they are declared.

    \b
    Examples:
      stackprint drift out/web-api/prod
      stackprint drift out/web-api/prod --profile prod --region eu-west-1
      stackprint drift out/web-api/prod --format sarif > drift.sarif
      stackprint drift out/web-api/dev --format json --no-stack-drift   # groups only, fast

    Exit codes: 0 no drift; 1 drift; 2 bad options, a missing or malformed environment, a stack not deployed, or
    an AWS error (credentials, region, a denied call). Permissions: docs/drift.md.
    """
    env = load_environment(environment)
    clients = Clients(Target(region=region, profile=profile))
    options = Options(stack_drift=not no_stack_drift, stack_drift_timeout=stack_drift_timeout,
                      cloudtrail=not no_cloudtrail)
    # progress only for a person watching: a script or CI log gets the report and the summary line alone
    report = detect(env, clients, options, progress=info if sys.stderr.isatty() else lambda message: None)
    if output_format == "json":
        click.echo(render_json(report), nl=False)
    elif output_format == "sarif":
        click.echo(render_sarif(report), nl=False)
    else:
        click.echo(render_text(report, sys.stdout), nl=False)
    info(summary_line(report))
    if report.drifted:
        raise CommandFailed(exit_code=1)
