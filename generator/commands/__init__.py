"""One module per subcommand; each is thin and calls into the pipeline stages."""
from __future__ import annotations

import importlib

# Order is the order shown in `stackprint --help`.
_NAMES = ["build", "check", "validate", "schema", "init", "audit", "migrate"]

COMMANDS = []
for _name in _NAMES:
    try:
        _module = importlib.import_module(f"generator.commands.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"generator.commands.{_name}":
            raise
        continue  # command not implemented yet
    COMMANDS.append(_module.command)
