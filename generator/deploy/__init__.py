"""Deploying one environment of ``out/`` with CloudFormation change sets: ``stackprint deploy``, ``destroy`` and
``status`` (the commands live in :mod:`generator.commands`; this package holds the work).

Modules, each named for what it holds:

- :mod:`.environment` reads ``stacks.json``, each stack's ``config.json`` and template, without touching AWS;
- :mod:`.parameters` fills each stack's parameters from ``config.json`` and ``--parameter`` overrides;
- :mod:`.retention` reads what CloudFormation keeps or refuses to delete from the templates (also used by the
  environment README, which is why it imports nothing from AWS);
- :mod:`.aws` makes the boto3 clients and turns every AWS error into one line;
- :mod:`.changesets`, :mod:`.events` create/describe change sets and follow a stack's events;
- :mod:`.rollout`, :mod:`.teardown`, :mod:`.status` are the three operations.
"""
from __future__ import annotations

from generator.deploy.retention import Kept, kept_on_delete

__all__ = ["Kept", "kept_on_delete"]
