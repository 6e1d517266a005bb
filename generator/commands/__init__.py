"""One module per subcommand; each is thin and calls into the pipeline stages."""
from __future__ import annotations

from generator.commands import audit, build, check, diff, init, migrate, schema, validate

# Order is the order shown in `stackprint --help`.
COMMANDS = [build.command, check.command, validate.command, schema.command, init.command, audit.command,
            migrate.command]
COMMANDS.insert(COMMANDS.index(check.command) + 1, diff.command)  # issue 10: review before deploy
