"""Shared internal load balancers must not hide reach: every caller of one reaches every service behind it.

A balancer's security group admits a caller on the listener port; which service a request lands on is then decided
by listener rules (path, host), which any caller who reaches the port can choose. So when ``web`` declares a flow to
``api`` and ``billing`` also sits behind the same internal balancer, ``web`` can reach ``billing`` too, although no
flow says so and the flow matrix would show only ``web -> internal``. This check refuses that layout unless every
caller of the balancer declares a flow to every service behind it (or the services get separate balancers), so the
declared flows, and the flow matrix drawn from them, never claim less reach than exists.
"""
from __future__ import annotations

from typing import Callable, Iterator


def check(bp, issue: Callable) -> Iterator:
    """Yield ``issue(keypath, message)`` for each caller of a shared internal balancer that lacks a flow to one of
    the services behind it, positioned at the caller's ``flows`` list."""
    for balancer, settings in bp.load_balancers.items():
        if settings.scheme != "internal" or settings.network:
            continue  # a network balancer admits each caller on its target's own listener port only
        behind = sorted(name for name, svc in bp.services.items()
                        if svc.route is not None and svc.route.load_balancer == balancer)
        if len(behind) < 2:
            continue
        for caller, service in bp.services.items():
            via = sorted(set(service.flows) & set(behind))
            missing = [name for name in behind if name not in service.flows and name != caller]
            if not via or not missing:
                continue
            them = ", ".join(missing)
            yield issue(("services", caller, "flows"),
                        f"{caller} reaches {', '.join(via)} through internal load balancer '{balancer}', which also "
                        f"serves {them}; its security group cannot tell listener rules apart, so {caller} could "
                        f"reach {them} too (add {them} to flows, or route {them} through a separate load balancer)")
