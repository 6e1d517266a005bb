"""Capacity provider strategies: a service's ``capacity`` as FARGATE/FARGATE_SPOT weights and base.

ECS first places ``base`` tasks on the provider that carries it (FARGATE here: the tasks that must survive a Spot
interruption), then spreads the rest by weight. ``spot: 70`` becomes FARGATE weight 3 and FARGATE_SPOT weight 7:
the percentages in lowest terms, so the template reads as the ratio the blueprint asked for.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import gcd

ON_DEMAND, SPOT = "FARGATE", "FARGATE_SPOT"
#: Seconds ECS waits after SIGTERM before SIGKILL on a Spot task's containers: Fargate's maximum, matching the
#: two-minute warning AWS gives before it reclaims Spot capacity.
SPOT_STOP_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class CapacityPlan:
    """Weights (percentages in lowest terms) and the on-demand base of one service."""

    spot: int  # percent of the tasks above the base that run on Spot
    on_demand_weight: int
    spot_weight: int
    on_demand_base: int
    accepted_interruption: str | None = None

    @property
    def strategy(self) -> tuple[tuple[str, int, int], ...]:
        """``(provider, base, weight)`` in the order ECS documents them: on-demand first (it holds the base)."""
        return ((ON_DEMAND, self.on_demand_base, self.on_demand_weight), (SPOT, 0, self.spot_weight))


def capacity_plan(service) -> CapacityPlan | None:
    """None when every task runs on-demand (no ``capacity``, or ``spot: 0``): the service keeps its launch type."""
    capacity = service.capacity
    if capacity is None or capacity.spot == 0:
        return None
    divisor = gcd(100 - capacity.spot, capacity.spot)
    return CapacityPlan(capacity.spot, (100 - capacity.spot) // divisor, capacity.spot // divisor,
                        capacity.on_demand_base, capacity.accept_interruption)


def uses_spot(services) -> bool:
    """Whether some service runs on Fargate Spot: only then does the cluster name its capacity providers."""
    return any(service.capacity is not None for service in services)
