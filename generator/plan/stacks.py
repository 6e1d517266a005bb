"""Which resources go into which stack, and the deploy order.

One network stack per environment (VPC, subnets, routes, NAT, balancers, cluster and the whole firewall), then a
data stack when the blueprint declares databases, then one stack per service importing what it needs (a service
that flows to a database depends on the data stack too). Services never reference each other's stacks, so any
one of them can be deployed alone once the stacks it depends on exist.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.plan.names import data_stack, guardrails_stack, network_stack, service_stack


@dataclass(frozen=True)
class Stack:
    """A stack in deploy order; ``service`` is None for the network stack."""

    name: str
    kind: str  # "network" | "data" | "service" | "guardrails"
    service: str | None
    depends_on: tuple[str, ...]


def stacks(bp) -> tuple[Stack, ...]:
    """The network stack first, then the services sorted by name, each depending only on the network."""
    network = network_stack(bp.name, bp.env)
    result = [Stack(network, "network", None, ())]
    data = data_stack(bp.name, bp.env)
    if bp.databases:
        result.append(Stack(data, "data", None, (network,)))
    for name in sorted(bp.services):
        uses_data = any(target in bp.databases for target in bp.services[name].flows)
        result.append(Stack(service_stack(bp.name, bp.env, name), "service", name,
                            (network, data) if uses_data else (network,)))
    if getattr(bp, "guardrails", None) is not None:  # last: it guards every other stack's security groups
        result.append(Stack(guardrails_stack(bp.name, bp.env), "guardrails", None, tuple(s.name for s in result)))
    return tuple(result)
