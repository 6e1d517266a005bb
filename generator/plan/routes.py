"""Listener-rule priorities: explicit ones kept, the others derived from the sorted service names.

A derived priority depends only on the names routed to the same balancer, never on file order.
"""
from __future__ import annotations

from dataclasses import dataclass

PRIORITY_STEP = 10


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
    """Every route, with priorities resolved: unset ones take the next free multiple of 10 in name order."""
    result = []
    for balancer in sorted(bp.load_balancers):
        routed = sorted(name for name, s in bp.services.items()
                        if s.route is not None and s.route.load_balancer == balancer)
        taken = {bp.services[name].route.priority for name in routed if bp.services[name].route.priority}
        candidate = 0
        for name in routed:
            route = bp.services[name].route
            priority = route.priority
            if not priority:
                candidate += PRIORITY_STEP
                while candidate in taken:
                    candidate += PRIORITY_STEP
                priority = candidate
                taken.add(priority)
            result.append(Route(name, balancer, priority, tuple(route.paths), route.host, route.health_check))
    return tuple(result)
