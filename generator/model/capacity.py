"""Capacity: a service's tasks on Fargate Spot beside on-demand Fargate, as an ECS capacity provider strategy.

Spot tasks cost up to 70 % less but AWS may stop them with a two-minute warning (SIGTERM to the containers, SIGKILL
when the stop timeout ends). A service that runs one task, or only Spot tasks with no on-demand base, can lose all
its capacity at once, so the language refuses that unless the blueprint states why the interruption is acceptable.
"""
from __future__ import annotations

from typing import Iterator

from pydantic import Field

from generator.model.audit import Reason
from generator.model.base import Model, bounded

#: ECS accepts a base of 0 to 100,000 tasks on one capacity provider.
MAX_BASE = 100000


class Capacity(Model):
    """How the service's tasks are spread over FARGATE (on-demand) and FARGATE_SPOT."""

    spot: bounded(0, 100) = Field(description="Percentage of the tasks above the on-demand base that run on "
                                              "Fargate Spot (0 to 100).", examples=[70])
    on_demand_base: bounded(0, MAX_BASE) = Field(
        0, description="Tasks that always run on on-demand Fargate before the percentage applies (0 to 100000, at "
                       "most the service's count or scaling max).", examples=[1])
    accept_interruption: Reason | None = Field(
        None, description="Why the service may lose every task to a Spot interruption at once: required when it "
                          "can run a single task, or only Spot tasks (no on-demand base).",
        examples=["batch worker: jobs are idempotent and retried from the queue"])


def _counts(service) -> tuple[int, int, str]:
    """(fewest, most) tasks the service runs, and the key that sets them."""
    if service.scaling is not None:
        return service.scaling.min, service.scaling.max, "scaling"
    return service.count, service.count, "count"


def check(bp, issue) -> Iterator:
    """Spot only where an interruption cannot take the whole service down, unless the blueprint accepts it."""
    for name, service in bp.services.items():
        capacity = service.capacity
        if capacity is None:
            continue
        where = ("services", name, "capacity")
        fewest, most, key = _counts(service)
        if capacity.spot == 0:
            if capacity.on_demand_base:
                yield issue(where + ("on_demand_base",), "with spot 0 every task is on-demand already (remove "
                                                         "on_demand_base, or set spot above 0)")
            if capacity.accept_interruption is not None:
                yield issue(where + ("accept_interruption",), "with spot 0 no task runs on Spot, so nothing can be "
                                                              "interrupted (remove accept_interruption)")
            continue
        if capacity.on_demand_base and capacity.on_demand_base >= most:
            yield issue(where + ("on_demand_base",),
                        f"on_demand_base {capacity.on_demand_base} covers every task the service runs ({key} "
                        f"{'max ' if key == 'scaling' else ''}{most}), so none would run on Spot (at most "
                        f"{max(most - 1, 0)}, or leave capacity out)")
            continue
        if capacity.accept_interruption is not None:
            continue
        if capacity.on_demand_base == 0 and fewest <= 1:
            yield issue(where + ("spot",),
                        f"with {key} {'min ' if key == 'scaling' else ''}{fewest} and no on-demand base the "
                        f"service's only task may run on Spot, and one interruption stops the service (set "
                        f"on_demand_base: 1, or state why that is acceptable in accept_interruption)")
        elif capacity.on_demand_base == 0 and capacity.spot == 100:
            yield issue(where + ("spot",), "spot 100 with no on-demand base puts every task on Spot, and one "
                                           "capacity reclaim can stop them all (set on_demand_base: 1 or more, or "
                                           "state why that is acceptable in accept_interruption)")
