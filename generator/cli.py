"""The `stackprint` command: parse options, call the pipeline stages, print. No logic lives here.

Each subcommand is defined in ``generator/commands/<name>.py``; this module only assembles them and turns input
errors into one line on stderr with exit code 2 (never a traceback).
"""
from __future__ import annotations

import sys

import click

from generator import __version__
from generator import commands
from generator.console import error
from generator.errors import CommandFailed, InputError


class _Group(click.Group):
    """A click group that reports :class:`InputError` as ``file:line:col: key: message`` and exits 2, and ends every
    command that raised :class:`CommandFailed` with its code: one exit mechanism for all commands.

    Subcommands are loaded lazily (only the one being run is imported; ``--help`` loads them all)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(commands.NAMES)

    def get_command(self, ctx: click.Context, cmd_name: str):
        return commands.load(cmd_name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            error(str(exc))
            sys.exit(exc.exit_code)
        except CommandFailed as exc:
            if exc.message:
                error(exc.message)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            error("interrupted")
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="stackprint")
def main() -> None:
    """Compile YAML blueprints of AWS VPC + ECS Fargate layouts into validated, secure CloudFormation,
    and audit the security groups and exposure of any CloudFormation template.

    \b
    Typical use:
      stackprint init shop --kind web      # write blueprints/shop.yaml
      stackprint build                     # compile blueprints/*.yaml into out/
      stackprint check                     # CI: fail if out/ is stale
      stackprint audit path/to/templates   # audit templates stackprint did not write
    """



if __name__ == "__main__":  # pragma: no cover
    main()
