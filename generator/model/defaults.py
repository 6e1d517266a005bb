"""Defaults derived from a whole blueprint after its checks passed (route priorities), filled in once.

:mod:`generator.model.semantics` checks; this module decides what a blueprint left unsaid.
"""
from __future__ import annotations

from generator.model.blueprint import BlueprintSpec

PRIORITY_STEP = 10


def route_order(name: str, route) -> tuple:
    """Default evaluation order on a balancer: host-specific rules first, the catch-all '/*' last, then by name,
    so a specific path is never shadowed by a broad one just because of the services' names."""
    return (route.host is None, route.paths == ["/*"], name)


def default_priorities(bp: BlueprintSpec) -> dict[str, int]:
    """Service name -> listener rule priority for every routed service, explicit ones kept, the others on the next
    free multiple of 10 in :func:`route_order`."""
    out: dict[str, int] = {}
    for balancer in bp.load_balancers:
        routes = {name: s.route for name, s in bp.services.items()
                  if s.route is not None and s.route.load_balancer == balancer}
        taken = {r.priority for r in routes.values() if r.priority is not None}
        candidate = 0
        for name in sorted(routes, key=lambda n: route_order(n, routes[n])):
            route = routes[name]
            if route.priority is not None:
                out[name] = route.priority
                continue
            candidate += PRIORITY_STEP
            while candidate in taken:
                candidate += PRIORITY_STEP
            taken.add(candidate)
            out[name] = candidate
    return out


def resolve(bp: BlueprintSpec) -> None:
    """Fill in derived defaults (route priorities) on a blueprint that passed :func:`check`.

    The model is frozen for every later stage; this runs once, on objects created by this validation only.
    """
    for name, priority in default_priorities(bp).items():
        object.__setattr__(bp.services[name].route, "priority", priority)
