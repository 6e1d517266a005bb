"""VPC endpoints: which ones the environment gets, and the one security group every interface endpoint shares.

Interface endpoints put an ENI per zone in the private subnets. Their group admits HTTPS (443) only from the
services' task groups, one standalone ingress rule per service with the matching egress rule on the service's
group (the same group-to-group pattern as the flows), and allows nothing out (placeholder egress): an endpoint
answers, it never initiates. The S3 gateway endpoint is a route in the private route tables and has no group.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.model.vpc_endpoints import GATEWAY_ENDPOINTS
from generator.plan.names import pascal, service_group
from generator.plan.security_groups import PLACEHOLDER_EGRESS, GroupRule, SecurityGroup

ENDPOINT_GROUP = "EndpointSecurityGroup"
ENDPOINT_PORT = 443
ENDPOINT_OWNER_KIND = "endpoint"


@dataclass(frozen=True)
class VpcEndpoint:
    """One VPC endpoint: ``name`` is the suffix of its service name ``com.amazonaws.<region>.<name>``."""

    name: str
    logical_id: str
    kind: str  # "Gateway" | "Interface"

    @property
    def interface(self) -> bool:
        return self.kind == "Interface"


def endpoint_logical_id(name: str) -> str:
    """``ecr.api`` -> ``EcrApiEndpoint``; stable whatever else is declared."""
    return f"{pascal(name)}Endpoint"


def declared_endpoints(bp) -> tuple[VpcEndpoint, ...]:
    """The declared endpoints, in name order (the model already sorted and deduplicated them)."""
    return tuple(VpcEndpoint(name, endpoint_logical_id(name), "Gateway" if name in GATEWAY_ENDPOINTS else "Interface")
                 for name in bp.network.endpoints)


def _interface_names(bp) -> list[str]:
    return [e.name for e in declared_endpoints(bp) if e.interface]


def endpoint_rules(bp) -> tuple[GroupRule, ...]:
    """HTTPS from each service's group to the endpoint group: ingress on the endpoint group, egress on the
    service's. None when there is no interface endpoint (then there is no group either)."""
    names = _interface_names(bp)
    if not names:
        return ()
    rules = []
    for service in bp.services:
        task = f"{pascal(service)}Task"
        what = f"{service} tasks to VPC interface endpoints on {ENDPOINT_PORT} (AWS APIs)"
        rules.append(GroupRule(f"EndpointIngressFrom{task}", "ingress", ENDPOINT_GROUP, service_group(service),
                               "tcp", ENDPOINT_PORT, f"from {what}"))
        rules.append(GroupRule(f"{task}EgressToEndpoints", "egress", service_group(service), ENDPOINT_GROUP,
                               "tcp", ENDPOINT_PORT, f"to {what}"))
    return tuple(rules)


def endpoint_groups(bp) -> tuple[SecurityGroup, ...]:
    """The interface endpoints' group (no inline ingress: services come in through :func:`endpoint_rules`)."""
    names = _interface_names(bp)
    if not names:
        return ()
    return (SecurityGroup(ENDPOINT_GROUP, ENDPOINT_OWNER_KIND, "endpoints",
                          f"{bp.name} {bp.env}: VPC interface endpoints ({', '.join(names)})",
                          (), (PLACEHOLDER_EGRESS,)),)
