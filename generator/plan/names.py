"""Logical ids and stack names derived from blueprint names, never from counters.

A logical id that depends only on a name stays the same when something else is added, so CloudFormation updates
touch only what changed.
"""
from __future__ import annotations

from generator.naming import pascal

__all__ = ["pascal", "network_stack", "service_stack", "service_group", "data_stack", "database_group",
           "balancer_group", "firewall_stack", "balancer_stack", "targets_group", "FIREWALL", "BALANCER",
           "guardrails_stack"]

#: The short names (after ``<blueprint>-<env>-``) of the firewall shards and the balancer stacks.
FIREWALL, BALANCER = "firewall", "lb"


def network_stack(blueprint: str, env: str) -> str:
    """Name of the environment's network stack (also the prefix of its exports)."""
    return f"{blueprint}-{env}-network"


def service_stack(blueprint: str, env: str, service: str) -> str:
    """Name of one service's stack."""
    return f"{blueprint}-{env}-{service}"


def service_group(service: str) -> str:
    """Logical id of a service's task security group."""
    return f"{pascal(service)}TaskSecurityGroup"


def data_stack(blueprint: str, env: str) -> str:
    """Name of the environment's data stack (databases; deployed between network and services)."""
    return f"{blueprint}-{env}-data"


def database_group(database: str) -> str:
    """Logical id of a database's security group (in the network stack, with the rest of the firewall)."""
    return f"{pascal(database)}DatabaseSecurityGroup"


def balancer_group(balancer: str) -> str:
    """Logical id of a load balancer's security group."""
    return f"{pascal(balancer)}LoadBalancerSecurityGroup"


def firewall_stack(blueprint: str, env: str, shard: int) -> str:
    """Name of one firewall shard (security-group shells of services and databases, see plan/placement.py)."""
    return f"{blueprint}-{env}-{FIREWALL}-{shard}"


def balancer_stack(blueprint: str, env: str, balancer: str) -> str:
    """Name of one load balancer's stack (its groups, listeners and the rules on its side)."""
    return f"{blueprint}-{env}-{BALANCER}-{balancer}"


def targets_group(balancer: str) -> str:
    """Logical id of the group every task routed by ``balancer`` carries: the balancer's egress names it once per
    container port, so the balancer's rule count does not grow with the services it routes to."""
    return f"{pascal(balancer)}LoadBalancerTargetsSecurityGroup"


def guardrails_stack(blueprint: str, env: str) -> str:
    """Name of the environment's guardrails stack (auto-revert and Config rules; deployed last)."""
    return f"{blueprint}-{env}-guardrails"
