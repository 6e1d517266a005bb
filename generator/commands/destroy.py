"""`stackprint destroy`: delete the stacks of one environment, last first (generator.deploy)."""
from __future__ import annotations

import click

from generator.commands._aws_options import aws_options, require_confirmation_or_yes
from generator.deploy.aws import Clients, Target
from generator.deploy.environment import load_environment
from generator.deploy.teardown import destroy
from generator.deploy.ui import Terminal
from generator.errors import CommandFailed


@click.command("destroy")
@click.argument("environment", type=click.Path(file_okay=False))
@aws_options
@click.option("--yes", "-y", is_flag=True, help="Delete without asking.")
def command(environment: str, region: str | None, profile: str | None, role_arn: str | None, yes: bool) -> None:
    """Delete the stacks of ENVIRONMENT (a directory of out/) in reverse stacks.json order, waiting on each.

    First lists what CloudFormation keeps (DeletionPolicy Retain/Snapshot) or refuses to delete
    (deletion-protected load balancers and databases), read from the templates, then asks for confirmation.

    \b
    Examples:
      stackprint destroy out/web-api/dev
      stackprint destroy out/web-api/dev --profile dev --yes
    """
    env = load_environment(environment)
    require_confirmation_or_yes(yes, "delete the stacks")
    clients = Clients(Target(region=region, profile=profile, role_arn=role_arn))
    code = destroy(env, clients, yes, Terminal())
    if code:
        raise CommandFailed(exit_code=code)
