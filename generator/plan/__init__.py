"""The plan: pure functions from a validated Blueprint to a :class:`Layout` (no troposphere here).

The Layout is what the emitters turn into templates and what the README, the audit and the tests read, so every
decision (CIDRs, flows, rules, stacks, priorities) is made exactly once, here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from generator.errors import InputError
from generator.plan.audit_exceptions import AuditException, audit_exceptions

from generator.plan.cidrs import Subnet, allocate
from generator.plan.components import (BalancerPlan, NetworkPlan, ServicePlan, balancer_plans, network_plan,
                                       service_plans)
from generator.plan.databases import DatabaseEndpoint, DatabasePlan, database_endpoints, database_plans
from generator.plan.discovery import Endpoint, endpoints, namespace, registered
from generator.plan.vpc_endpoints import VpcEndpoint, declared_endpoints, endpoint_groups, endpoint_rules
from generator.plan.flows import Flow, flows, listener_port
from generator.plan.guardrails import GuardrailsPlan, guardrails_plan
from generator.plan.routes import Route, routes
from generator.plan.security_groups import CidrRule, GroupRule, SecurityGroup, group_rules, security_groups
from generator.plan.stacks import Stack, stacks

__all__ = ["Layout", "plan", "Subnet", "Flow", "Endpoint", "DatabaseEndpoint", "DatabasePlan", "Route", "CidrRule",
           "GroupRule", "SecurityGroup", "Stack", "listener_port", "VpcEndpoint", "NetworkPlan", "BalancerPlan",
           "ServicePlan", "AuditException"]


@dataclass(frozen=True)
class Layout:
    """Everything decided about one environment of one blueprint: what the emitters, the README and the audit
    exceptions read (never the blueprint itself)."""

    name: str
    env: str
    description: str | None
    tags: dict = field(hash=False)  # the blueprint's tags, sorted (stackprint's own are added by the writer)
    network: NetworkPlan
    balancers: tuple[BalancerPlan, ...]
    services: tuple[ServicePlan, ...]
    subnets: tuple[Subnet, ...]
    flows: tuple[Flow, ...]
    groups: tuple[SecurityGroup, ...]
    rules: tuple[GroupRule, ...]
    routes: tuple[Route, ...]
    stacks: tuple[Stack, ...]
    endpoints: tuple[Endpoint, ...]  # how each caller finds each flow target
    databases: tuple[DatabasePlan, ...] = ()
    database_endpoints: tuple[DatabaseEndpoint, ...] = ()  # how each caller finds each database it flows to
    vpc_endpoints: tuple[VpcEndpoint, ...] = ()  # AWS services reached privately (network.endpoints)
    namespace: str | None = None  # the Cloud Map private DNS namespace, when some service is reached directly
    audit_exceptions: tuple[AuditException, ...] = ()
    guardrails: GuardrailsPlan | None = None  # the optional guardrails stack (generator/plan/guardrails.py)
    #: The blueprint's ``expect:`` (name -> what the rendered templates must prove), for generator.reach.expect.
    expect: dict = field(default_factory=dict, hash=False)
    #: Where a key path of the blueprint is, as a positioned InputError (for warnings about the exceptions).
    error_at: Callable[[tuple, str], InputError] | None = field(default=None, compare=False, repr=False)

    @property
    def registered(self) -> tuple[str, ...]:
        """Services registered in Cloud Map (reached directly by a caller)."""
        return registered(self.endpoints)

    def service(self, name: str) -> ServicePlan:
        """The plan of one service."""
        return next(s for s in self.services if s.name == name)

    def subnets_of(self, tier: str) -> tuple[Subnet, ...]:
        """The subnets of one tier in zone order."""
        return tuple(s for s in self.subnets if s.tier == tier)

    def database(self, name: str) -> DatabasePlan:
        """The plan of one database."""
        return next(d for d in self.databases if d.name == name)

    def route_of(self, service: str) -> Route | None:
        """The listener rule of a service, if it is routed."""
        return next((r for r in self.routes if r.service == service), None)


RESERVED_SERVICE_NAMES = ("network",)
DATA_STACK_NAME = "data"
GUARDRAILS_STACK_NAME = "guardrails"


def _check_names(bp) -> None:
    """Names that would collide with a stack's: a service called ``network`` would share the network stack's name
    (``validate`` runs the plan for this; names mapping to the same logical id are the model's check)."""
    for name in RESERVED_SERVICE_NAMES:
        if name in bp.services:
            raise bp.error_at(("services", name), f"{name!r} is reserved: the environment's {name} stack is "
                                                  f"{bp.name}-{bp.env}-{name} (rename the service)")
    if getattr(bp, "guardrails", None) is not None and GUARDRAILS_STACK_NAME in bp.services:
        raise bp.error_at(("services", GUARDRAILS_STACK_NAME), f"{GUARDRAILS_STACK_NAME!r} is reserved when the "
                                                               f"environment has guardrails: its guardrails stack is "
                                                               f"{bp.name}-{bp.env}-{GUARDRAILS_STACK_NAME} (rename "
                                                               f"the service)")
    if bp.databases and DATA_STACK_NAME in bp.services:
        raise bp.error_at(("services", DATA_STACK_NAME), f"{DATA_STACK_NAME!r} is reserved when the blueprint has "
                                                         f"databases: the environment's data stack is "
                                                         f"{bp.name}-{bp.env}-{DATA_STACK_NAME} (rename the service)")


def plan(bp) -> Layout:
    """Plan one environment. Raises positioned InputErrors for limits only the plan can see (rule quota...)."""
    _check_names(bp)
    all_flows = flows(bp)
    rules = tuple(sorted(group_rules(all_flows) + endpoint_rules(bp), key=lambda rule: rule.logical_id))
    all_endpoints = endpoints(bp)
    all_stacks = stacks(bp)
    groups = security_groups(bp, all_flows, rules, extra=endpoint_groups(bp))
    return Layout(
        name=bp.name,
        env=bp.env,
        description=bp.description,
        tags=dict(sorted(bp.tags.items())),
        network=network_plan(bp),
        balancers=balancer_plans(bp),
        services=service_plans(bp),
        subnets=allocate(bp),
        flows=all_flows,
        groups=groups,
        rules=rules,
        routes=routes(bp),
        stacks=all_stacks,
        endpoints=all_endpoints,
        databases=database_plans(bp),
        database_endpoints=database_endpoints(bp),
        vpc_endpoints=declared_endpoints(bp),
        namespace=namespace(bp) if registered(all_endpoints) else None,
        audit_exceptions=audit_exceptions(bp, all_stacks),
        expect=dict(getattr(bp, "expect", {})),
        guardrails=guardrails_plan(bp, groups, rules, tuple(s.name for s in all_stacks)),
        error_at=bp.error_at,
    )
