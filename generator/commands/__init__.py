"""One module per subcommand; each is thin and calls into the pipeline stages."""
from __future__ import annotations

from generator.commands import (audit, build, check, deploy, destroy, diff, init, migrate, pipeline, reach, report,
                                schema, status, validate)

# Order is the order shown in `stackprint --help`.
COMMANDS = [build.command, check.command, diff.command, validate.command, schema.command, init.command,
            audit.command, migrate.command, reach.command, report.command, deploy.command, status.command,
            destroy.command, pipeline.command]
