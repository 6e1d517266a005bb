"""The audit rules: one module per rule, each a :class:`Rule` subclass registered by being defined.

Importing this package imports every module in it, so adding a rule is adding a file (as in cfn-lint). ``RULES``
maps rule ids to rule instances, sorted by id.
"""
from __future__ import annotations

import importlib
import pkgutil

from generator.audit.rules.base import REGISTRY, Hit, Rule

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module != "base":
        importlib.import_module(f"{__name__}.{_module}")

RULES: dict[str, Rule] = {rule_id: REGISTRY[rule_id] for rule_id in sorted(REGISTRY)}

__all__ = ["RULES", "Rule", "Hit"]
