"""What ``network.existing`` requires of the rest of the blueprint, as positioned issues.

- ``cidr`` (a VPC stackprint creates) and ``existing`` (a VPC the team has) exclude each other, and one is needed;
  ``availability_zones``, ``nat``, ``subnets`` and the default-group relax describe resources stackprint would
  create, so they are refused beside ``existing`` rather than silently ignored;
- a tier is given exactly when something sits in it: ``public`` with an internet-facing balancer, ``isolated`` with
  databases (an unused parameter would be asked for at every deploy and never read);
- the S3 gateway endpoint is a route in the private route tables: it needs ``existing.route_tables``, which nothing
  else uses;
- every parameter name the existing network adds to the network stack is its own: ``stackprint deploy
  --parameter NAME=VALUE`` gives a name one value in every stack, so sharing a name with a certificate or another
  tier would hand it the wrong value.
"""
from __future__ import annotations

from typing import Callable, Iterator

from generator.model.vpc_endpoints import GATEWAY_ENDPOINTS
from generator.model.existing_network import existing_references
from generator.model.sources import sources_of

#: Network keys that describe what stackprint creates; with ``existing`` they have nothing to apply to.
#: The balancer stacks' parameter for CloudFront's origin-facing prefix list (generator.plan.flows, same value).
CLOUDFRONT_PREFIX_LIST_PARAMETER = "CloudFrontOriginFacingPrefixListId"
MANAGED_ONLY = ("cidr", "availability_zones", "nat", "subnets", "ipv6")
DEFAULT_GROUP_RELAX = "restrict_default_security_group"


def check(bp, written: Callable[[tuple], bool], issue: Callable) -> Iterator:
    """Yield ``issue(keypath, message[, at_key])`` for each misuse of ``network.existing``."""
    network = bp.network
    if network.existing is None:
        if network.cidr is None:
            yield issue(("network",), "missing required key 'cidr' (a VPC stackprint creates, e.g. cidr: "
                                      "10.20.0.0/16) or 'existing' (a VPC you have: existing: {vpc: {parameter: "
                                      "VpcId}, subnets: {private: {parameter: PrivateSubnetIds}}})", True)
        return
    for key in MANAGED_ONLY:
        if written(("network", key)) and (key != "ipv6" or network.ipv6):  # ipv6: false says nothing
            yield issue(("network", key), f"{key} describes a VPC stackprint creates; with network.existing the VPC "
                                          "and its subnets, routes and NAT are yours (remove it)", True)
    if DEFAULT_GROUP_RELAX in network.relax:
        yield issue(("network", "relax", DEFAULT_GROUP_RELAX),
                    "the default group of an existing VPC is not managed here, so there is nothing to relax (the "
                    "environment README lists how to check it; remove it)", True)
    yield from _tiers(bp, issue)
    gateways = [(index, name) for index, name in enumerate(network.endpoints) if name in GATEWAY_ENDPOINTS]
    if network.existing.route_tables is None:
        for index, name in gateways:
            yield issue(("network", "endpoints", index),
                        f"the {name} gateway endpoint is a route in the private route tables, which stackprint does "
                        "not know in an existing network (add existing: {route_tables: {private: {parameter: "
                        "PrivateRouteTableIds}}}, or remove it; interface endpoints need only the VPC and subnets)")
    elif not gateways:
        yield issue(("network", "existing", "route_tables"),
                    "only the s3 gateway endpoint uses route tables (add s3 to network.endpoints, or remove "
                    "route_tables)", True)
    yield from _parameter_names(bp, issue)


def _tiers(bp, issue: Callable) -> Iterator:
    subnets = bp.network.existing.subnets
    where = ("network", "existing", "subnets")
    facing = sorted(n for n, b in bp.load_balancers.items() if b.scheme == "internet-facing")
    if facing and subnets.public is None:
        yield issue(where, f"internet-facing load balancer '{facing[0]}' needs public subnets (add public: {{parameter: "
                      "PublicSubnetIds}: subnets routed to an internet gateway)", True)
    if not facing and subnets.public is not None:
        yield issue(where + ("public",), "no internet-facing load balancer sits in the public subnets (remove public; "
                                    "tasks and internal balancers use private)", True)
    if bp.databases and subnets.isolated is None:
        yield issue(where, f"database '{sorted(bp.databases)[0]}' needs isolated subnets (add isolated: {{parameter: "
                      "IsolatedSubnetIds}: subnets without a route out of the VPC)", True)
    if not bp.databases and subnets.isolated is not None:
        yield issue(where + ("isolated",), "no database sits in the isolated subnets (remove isolated; they are for "
                                      "databases only)", True)


def _parameter_names(bp, issue: Callable) -> Iterator:
    """Each network-stack parameter name once, and none that another stack of the blueprint takes."""
    others = _other_parameters(bp)
    seen: dict[str, tuple] = {}
    for reference in existing_references(bp.network.existing):
        at = reference.keypath
        if reference.name in seen:
            yield issue(at, f"parameter {reference.name} is also {'.'.join(map(str, seen[reference.name]))} (each "
                            "id needs its own parameter)")
        elif reference.name in others:
            yield issue(at, f"parameter {reference.name} is also the {others[reference.name]}; --parameter "
                            f"{reference.name}=... would set both (choose another name)")
        seen.setdefault(reference.name, at)


def _other_parameters(bp) -> dict[str, str]:
    """Parameter names other parts of the blueprint give their stacks, with what each is."""
    found = {}
    for name, balancer in bp.load_balancers.items():
        if balancer.https is not None and balancer.https.certificate.parameter:
            found[balancer.https.certificate.parameter] = f"certificate of load balancer {name}"
    for name, database in bp.databases.items():
        if database.kms_key is not None and database.kms_key.parameter:
            found[database.kms_key.parameter] = f"KMS key of database {name}"
    if any(b.scheme == "internet-facing" and b.allow_from == "cloudfront" for b in bp.load_balancers.values()):
        found[CLOUDFRONT_PREFIX_LIST_PARAMETER] = "CloudFront prefix list id of the balancer stacks"
    for name, balancer in bp.load_balancers.items():
        for source in sources_of(balancer):
            if getattr(source, "parameter", None):
                found[source.parameter] = f"prefix list source of load balancer {name}"
    for name, service in bp.services.items():
        for group in getattr(service, "security_groups", None) or []:
            found[group.stack_parameter] = f"attached security group of service {name}"
    guardrails = getattr(bp, "guardrails", None)
    if guardrails is not None and guardrails.auto_revert is not None:
        found[guardrails.auto_revert.notify.parameter] = "guardrails notification address"
    return found
