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


#: The bucket ECR keeps image layers in, per region (Amazon ECR user guide, "Amazon ECR interface VPC endpoints":
#: the S3 gateway endpoint's policy must admit ``s3:GetObject`` on it for image pulls).
ECR_LAYER_BUCKET = "prod-${AWS::Region}-starport-layer-bucket"
_S3_ARN_PREFIX = "arn:aws"


def _is_s3_arn(resource: str) -> bool:
    """Whether ``resource`` names an S3 bucket or objects (``arn:<partition>:s3:::...``), or is ``*``."""
    return resource == "*" or (resource.startswith(_S3_ARN_PREFIX) and resource.split(":")[2:3] == ["s3"])


def _s3_actions(actions) -> list[str]:
    """The S3 actions among ``actions`` (``*`` stands for every S3 action)."""
    found = set()
    for action in actions:
        if action == "*":
            found.add("s3:*")
        elif action.lower().startswith("s3:"):
            found.add(action)
    return sorted(found)


def s3_endpoint_access(services) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """What the S3 gateway endpoint admits besides ECR's layer bucket: per service, the S3 actions and resources of
    its ``task_permissions`` (the only buckets its task role may use), as ``(service, actions, resources)`` sorted by
    service. A service with no S3 permission reaches no bucket of its own through the endpoint."""
    access = []
    for service in sorted(services, key=lambda s: s.name):
        actions, resources = set(), set()
        for statement_actions, statement_resources in service.task_permissions:
            s3_actions = _s3_actions(statement_actions)
            s3_resources = [r for r in statement_resources if _is_s3_arn(r)]
            if s3_actions and s3_resources:
                actions.update(s3_actions)
                resources.update(s3_resources)
        if actions:
            access.append((service.name, tuple(sorted(actions)), tuple(sorted(resources))))
    return tuple(access)
