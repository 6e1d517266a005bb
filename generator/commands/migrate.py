"""`stackprint migrate`: parse options, run generator.migrate, print the change lines, write the result."""
from __future__ import annotations

import sys

import click

from generator.console import style
from generator.errors import CommandFailed, InputError
from generator.migrate import Options, load, migrate, render, render_blueprint, to_blueprint
from generator.migrate.roles import ROLE_ARN
from generator.migrate.taskdef import FAMILY
from generator.write import atomic_write


def _check_options(role_arn: str | None, family: str | None) -> None:
    if role_arn is not None and not ROLE_ARN.match(role_arn):
        raise InputError(f"--execution-role-arn: '{role_arn}' is not an IAM role ARN "
                         f"(arn:aws:iam::123456789012:role/ecsTaskExecutionRole)")
    if family is not None and not FAMILY.match(family):
        raise InputError(f"--family: '{family}' is not a task definition family (1-255 letters, digits, hyphens "
                         f"or underscores)")


def _print(line: str) -> None:
    kind, _, rest = line.partition(": ")
    click.echo(style(kind, "error" if kind == "error" else "warning" if kind == "warning" else "dim", sys.stderr)
               + ": " + rest, err=True)


@click.command("migrate")
@click.argument("input_path", metavar="INPUT.json")
@click.option("-o", "--output", "output", metavar="OUT", help="Write here (atomically) instead of stdout.")
@click.option("--to", "target", type=click.Choice(["taskdef", "blueprint"]), default="taskdef", show_default=True,
              help="taskdef: JSON for register-task-definition --cli-input-json; blueprint: a blueprint service "
                   "entry (YAML).")
@click.option("--execution-role-arn", metavar="ARN",
              help="Execution role for ECR pulls, CloudWatch Logs and secrets (required when those are used and "
                   "the input has none).")
@click.option("--family", metavar="NAME", help="Family of the new task definition (default: the input's).")
@click.option("--main-container", metavar="NAME",
              help="--to blueprint: the container that becomes the service's main one (default: the essential "
                   "container with a port that is not an agent, proxy or log router).")
@click.option("--ephemeral-host-volumes", is_flag=True,
              help="Turn host bind mounts into task-scoped volumes (their data is lost when the task stops) "
                   "instead of refusing.")
def command(input_path: str, output: str | None, target: str, execution_role_arn: str | None,
            family: str | None, ephemeral_host_volumes: bool, main_container: str | None) -> None:
    """Turn an EC2-launch-type ECS task definition into a Fargate one (or a blueprint service).

    INPUT.json is what `aws ecs register-task-definition --cli-input-json` takes or what
    `aws ecs describe-task-definition` prints; `-` reads stdin. With --to blueprint a task with several
    containers becomes one service: its main container and containers: (sidecars). Every change is reported on stderr as
    `changed|removed|added|warning: <json path>: <what and why>`. Exit 0 on success, 1 when the definition
    cannot be migrated safely (nothing is written), 2 for unreadable input.

    \b
    Examples:
      stackprint migrate web.json -o web-fargate.json \\
          --execution-role-arn arn:aws:iam::123456789012:role/ecsTaskExecutionRole
      aws ecs describe-task-definition --task-definition web | stackprint migrate - --family web-fargate
      stackprint migrate web.json --to blueprint -o web-service.yaml
      stackprint migrate app-with-sidecars.json --to blueprint --main-container app
    """
    _check_options(execution_role_arn, family)
    source = load(input_path)
    options = Options(execution_role_arn=execution_role_arn, family=family,
                      ephemeral_host_volumes=ephemeral_host_volumes,
                      require_execution_role=target == "taskdef")
    result = migrate(source, options)
    text = None
    if result.ok:
        if target == "blueprint":
            entry = to_blueprint(result, main_container)
            text = render_blueprint(entry) if entry is not None else None
        else:
            text = render(result.taskdef)
    if text is None:
        for refusal in result.report.refusals:
            _print(str(refusal))
        raise CommandFailed()
    for line in result.report.lines():
        _print(line)
    if output:
        atomic_write(output, text)
    else:
        click.echo(text, nl=False)
