"""One module per subcommand; each is thin and calls into the pipeline stages.

Commands are imported only when run (``generator.cli`` asks :func:`load` for the one named on the command line), so
``stackprint audit`` never pays for cfn-lint, troposphere or boto3, which only ``build`` and friends need: a
one-file audit, ``validate`` and ``migrate`` start in a fraction of the time (bench/startup.py measures it).
"""
from __future__ import annotations

import importlib

# Order is the order shown in `stackprint --help`; each name is the module generator/commands/<name>.py.
NAMES = ("build", "check", "diff", "validate", "schema", "init", "audit", "migrate", "reach", "report", "deploy",
         "status", "destroy", "drift", "pipeline")


def load(name: str):
    """The click command of ``name`` (importing its module now), or None for an unknown name."""
    if name not in NAMES:
        return None
    return importlib.import_module(f"generator.commands.{name}").command


def __getattr__(attribute: str):
    """``COMMANDS``, every command loaded (for code that wants them all; the CLI itself loads one)."""
    if attribute == "COMMANDS":
        return [load(name) for name in NAMES]
    raise AttributeError(attribute)
