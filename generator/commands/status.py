"""`stackprint status`: what is deployed of one environment (generator.deploy.status)."""
from __future__ import annotations

import click

from generator.commands._aws_options import aws_options
from generator.deploy.aws import Clients, Target
from generator.deploy.environment import load_environment
from generator.deploy.status import status
from generator.deploy.ui import Terminal, status_kind


@click.command("status")
@click.argument("environment", type=click.Path(file_okay=False))
@aws_options
def command(environment: str, region: str | None, profile: str | None, role_arn: str | None) -> None:
    """Show each stack of ENVIRONMENT: its status, drift status (when a drift detection ran), last update time
    and outputs; a stack that does not exist is "not deployed". Read-only.

    \b
    Examples:
      stackprint status out/web-api/dev
      stackprint status out/web-api/prod --profile prod --region eu-west-1
    """
    env = load_environment(environment)
    ui = Terminal()
    for stack in status(env, Clients(Target(region=region, profile=profile, role_arn=role_arn))):
        if stack.status is None:
            ui.out(f"{stack.name}: not deployed", "dim")
            continue
        drift = f"  drift {stack.drift}" if stack.drift else ""
        ui.out(f"{stack.name}: {stack.status}{drift}  updated {stack.updated}", status_kind(stack.status))
        for key, value in stack.outputs.items():
            ui.out(f"  {key} = {value}")
