"""`stackprint deploy`: deploy one environment of out/ with CloudFormation change sets (generator.deploy)."""
from __future__ import annotations

import click

from generator.commands._aws_options import aws_options, require_confirmation_or_yes
from generator.deploy.aws import Clients, Target
from generator.deploy import existing_network
from generator.deploy.environment import load_environment
from generator.deploy.parameters import parse_overrides
from generator.deploy.rollout import Options, deploy, preflight
from generator.deploy.ui import Terminal
from generator.errors import CommandFailed


@click.command("deploy")
@click.argument("environment", type=click.Path(file_okay=False))
@click.option("--parameter", "-p", "parameters", multiple=True, metavar="NAME=VALUE",
              help="Value for a stack parameter (repeatable); fills the REPLACE_WITH_… placeholders of config.json.")
@aws_options
@click.option("--yes", "-y", is_flag=True, help="Execute every change set without asking.")
@click.option("--dry-run", is_flag=True, help="Create and describe the change sets, then delete them.")
@click.option("--s3-bucket", metavar="BUCKET", help="Bucket for templates over CloudFormation's 51,200-byte "
                                                    "inline limit (uploaded, then passed as TemplateURL).")
def command(environment: str, parameters: tuple[str, ...], region: str | None, profile: str | None,
            role_arn: str | None, yes: bool, dry_run: bool, s3_bucket: str | None) -> None:
    """Deploy ENVIRONMENT (a directory of out/) stack by stack in stacks.json order, each through a change set.

    Every change is listed before it happens (+ Add, ~ Modify, - Remove, and ! Replace when CloudFormation would
    replace the resource); a change set is executed only after you confirm it (or with --yes), and its events
    are shown while it runs. The first stack that fails stops the run (exit 1) with the failing resources'
    reasons. Parameters come from each stack's config.json; a REPLACE_WITH_… placeholder must be given with
    --parameter, or nothing is called at all. An existing VPC's ids (network.existing) are checked first: every
    subnet in that VPC, each tier over at least 2 availability zones, no subnet in two tiers.

    \b
    Examples:
      stackprint deploy out/web-api/dev --parameter PublicCertificateArn=arn:aws:acm:us-east-1:111122223333:certificate/abcd
      stackprint deploy out/web-api/dev --dry-run          # show the changes only
      stackprint deploy out/web-api/prod --profile prod --region eu-west-1 --yes
      stackprint deploy out/brownfield/default -p VpcId=vpc-0abc -p PublicSubnetIds=subnet-0a,subnet-0b …
    """
    env = load_environment(environment)
    options = Options(yes=yes, dry_run=dry_run, s3_bucket=s3_bucket)
    resolved = preflight(env, parse_overrides(parameters), options)
    if not dry_run:
        require_confirmation_or_yes(yes, "execute the change sets (or --dry-run to only describe them)")
    clients = Clients(Target(region=region, profile=profile, role_arn=role_arn))
    terminal = Terminal()
    network = env.stacks[0]  # the network stack: an existing VPC's ids are checked before any change set
    existing_network.check(network, resolved[network.name], clients, lambda text: terminal.out(text, "warning"))
    code = deploy(env, resolved, clients, options, terminal)
    if code:
        raise CommandFailed(exit_code=code)
