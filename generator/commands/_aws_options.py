"""The options deploy, destroy and status share: where (region), as whom (profile, role) — and the TTY rule."""
from __future__ import annotations

import sys

import click

from generator.errors import InputError


def aws_options(function):
    """Add --region, --profile and --role-arn (the same meaning everywhere)."""
    for option in reversed([
        click.option("--region", metavar="REGION", help="AWS region (default: AWS_REGION or the profile's)."),
        click.option("--profile", metavar="PROFILE", help="Named AWS profile (default: AWS_PROFILE or default)."),
        click.option("--role-arn", metavar="ARN", help="Service role CloudFormation assumes for the stack "
                                                       "operations (RoleARN)."),
    ]):
        function = option(function)
    return function


def require_confirmation_or_yes(yes: bool, what: str) -> None:
    """Without --yes the user must confirm on a terminal; with no terminal, refuse (exit 2) before any call."""
    if not yes and not sys.stdin.isatty():
        raise InputError(f"no terminal to confirm on: pass --yes to {what}")
