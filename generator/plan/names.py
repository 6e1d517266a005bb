"""Logical ids and stack names derived from blueprint names, never from counters.

A logical id that depends only on a name stays the same when something else is added, so CloudFormation updates
touch only what changed.
"""
from __future__ import annotations

from generator.naming import pascal

__all__ = ["pascal", "network_stack", "service_stack", "service_group", "data_stack", "database_group",
           "balancer_group", "guardrails_stack"]


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


def guardrails_stack(blueprint: str, env: str) -> str:
    """Name of the environment's guardrails stack (auto-revert and Config rules; deployed last)."""
    return f"{blueprint}-{env}-guardrails"
