"""One module per subcommand; each is thin and calls into the pipeline stages."""
from __future__ import annotations

from generator.commands import audit, build, check, diff, init, migrate, pipeline, reach, report, schema, validate

# Order is the order shown in `stackprint --help`.
COMMANDS = [build.command, check.command, diff.command, validate.command, schema.command, init.command,
            audit.command, migrate.command, reach.command, report.command, pipeline.command]
