"""The audit findings a blueprint accepts (``audit.ignore``), each with the stacks it covers.

A top-level exception covers every stack of the environment; one under a service covers that service's stack.
The key path is kept so that an exception naming an unknown rule, or matching nothing, is reported at its line.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AuditException:
    """``rule`` is accepted with ``reason`` (on ``resources`` only, when given) in each of ``stacks``."""

    keypath: tuple
    rule: str
    reason: str
    resources: tuple[str, ...]
    stacks: tuple[str, ...]


def audit_exceptions(bp, stacks) -> tuple[AuditException, ...]:
    """The blueprint's exceptions: the top-level ones first, then each service's, in the order written."""
    every = tuple(stack.name for stack in stacks)
    found = [AuditException(("audit", "ignore", i), e.rule, e.reason, tuple(e.resources or ()), every)
             for i, e in enumerate(bp.audit.ignore)]
    for stack in stacks:
        if stack.service is None:
            continue
        found += [AuditException(("services", stack.service, "audit", "ignore", i), e.rule, e.reason,
                                 tuple(e.resources or ()), (stack.name,))
                  for i, e in enumerate(bp.services[stack.service].audit.ignore)]
    return tuple(found)
