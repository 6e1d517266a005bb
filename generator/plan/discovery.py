"""How a service finds what its flows let it reach.

A security-group rule alone is not a working connection: Fargate tasks get new addresses on every deployment, so
each caller needs a stable name. A target behind an *internal* load balancer is reached at the balancer's DNS name
(the network stack exports it); a target reached directly is registered in the environment's Cloud Map private DNS
namespace and reached at ``<service>.<env>.<blueprint>.internal``. Either way the caller's container receives
``<TARGET>_HOST`` and ``<TARGET>_PORT``, so the blueprint never hard-codes an address.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.naming import endpoint_variables
from generator.plan.flows import internal_balancer_of, service_listener_port


@dataclass(frozen=True)
class Endpoint:
    """What ``caller`` is told about ``target``: the variable names, the port, and where the host name comes from."""

    caller: str
    target: str
    host_variable: str
    port_variable: str
    port: int
    balancer: str | None  # the internal balancer in between, whose exported DNS name is the host; else Cloud Map
    host: str | None  # the Cloud Map name, known at plan time; None when it comes from the balancer's export


def namespace(bp) -> str:
    """The environment's private DNS namespace, unique per blueprint and environment within an account."""
    return f"{bp.env}.{bp.name}.internal"


def endpoints(bp) -> tuple[Endpoint, ...]:
    """One endpoint per (caller, target) flow, sorted so output never depends on the order flows are written."""
    result = []
    for caller in sorted(bp.services):
        for target in sorted(set(bp.services[caller].flows) - set(bp.databases)):  # databases: plan/databases.py
            host_variable, port_variable = endpoint_variables(target)
            balancer = internal_balancer_of(bp, target)
            if balancer is not None:
                port = service_listener_port(bp, target)
                result.append(Endpoint(caller, target, host_variable, port_variable, port, balancer, None))
            else:
                result.append(Endpoint(caller, target, host_variable, port_variable, bp.services[target].port,
                                       None, f"{target}.{namespace(bp)}"))
    return tuple(result)


def registered(found: tuple[Endpoint, ...]) -> tuple[str, ...]:
    """Services that must register in Cloud Map: the targets some caller reaches directly."""
    return tuple(sorted({e.target for e in found if e.balancer is None}))
