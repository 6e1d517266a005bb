"""Listener rules: which service answers which path/host on which balancer, with what priority.

Priorities are resolved by the model (explicit ones kept; defaults derived from the routes on the balancer, so
they never depend on file order); the plan only collects them per balancer in a stable order.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    """A service's listener rule on one balancer."""

    service: str
    load_balancer: str
    priority: int
    paths: tuple[str, ...]
    host: str | None
    health_check: str


def routes(bp) -> tuple[Route, ...]:
    """Every route, sorted by balancer then priority."""
    result = [Route(name, s.route.load_balancer, s.route.priority, tuple(s.route.paths), s.route.host,
                    s.route.health_check)
              for name, s in bp.services.items() if s.route is not None]
    missing = [r.service for r in result if not r.priority]
    if missing:  # the model resolves defaults; reaching here is a bug, not bad input
        raise AssertionError(f"route priority unresolved for {missing}")
    return tuple(sorted(result, key=lambda r: (r.load_balancer, r.priority)))
