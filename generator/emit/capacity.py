"""Fargate Spot: a service's capacity provider strategy, and the cluster's providers when some service uses it.

A service states either a launch type or a capacity provider strategy (ECS refuses both), so a service with
``capacity`` has no ``LaunchType``. The cluster names FARGATE and FARGATE_SPOT only when some service of the
environment runs on Spot, so an environment without ``capacity`` builds exactly the templates it did before; its
default strategy is on-demand FARGATE, so a task started without a strategy (``aws ecs run-task`` with no launch
type) never lands on Spot by surprise.
"""
from __future__ import annotations

from troposphere import Template, ecs

from generator.plan import Layout, ServicePlan
from generator.plan.capacity import ON_DEMAND, SPOT, SPOT_STOP_TIMEOUT_SECONDS, uses_spot

LAUNCH_TYPE = "FARGATE"


def launch_properties(service: ServicePlan) -> dict:
    """``LaunchType: FARGATE``, or the service's ``CapacityProviderStrategy`` (on-demand first, holding the base)."""
    if service.capacity is None:
        return {"LaunchType": LAUNCH_TYPE}
    return {"CapacityProviderStrategy": [
        ecs.CapacityProviderStrategyItem(CapacityProvider=provider, Base=base, Weight=weight)
        for provider, base, weight in service.capacity.strategy]}


def stop_timeout(service: ServicePlan) -> dict:
    """A Spot service's containers get the whole two-minute warning between SIGTERM and SIGKILL (Fargate's maximum
    stop timeout) to finish their work; other services keep ECS's default of 30 seconds."""
    return {"StopTimeout": SPOT_STOP_TIMEOUT_SECONDS} if service.capacity is not None else {}


def add_cluster_providers(template: Template, layout: Layout) -> None:
    """Name FARGATE and FARGATE_SPOT on the environment's cluster when some service runs on Spot."""
    if not uses_spot(layout.services):
        return
    cluster = template.resources["Cluster"]
    cluster.CapacityProviders = [ON_DEMAND, SPOT]
    cluster.DefaultCapacityProviderStrategy = [ecs.CapacityProviderStrategyItem(CapacityProvider=ON_DEMAND,
                                                                                 Weight=1)]
