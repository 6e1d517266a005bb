"""The network section: VPC CIDR, availability zones, NAT mode and the prefix length of each subnet tier.

Subnet CIDRs themselves are allocated by the plan; the model resolves each tier's prefix length (defaults scaled
down for small VPCs) so the plan and the fit check read the same numbers.
"""
from __future__ import annotations

import ipaddress
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, BeforeValidator, Field, PrivateAttr, WithJsonSchema, model_validator

from generator.model.base import Model, bounded
from generator.model.existing_network import ExistingNetwork
from generator.model.vpc_endpoints import ENDPOINT_NAMES
from generator.model.relax import relax_field, relaxable

#: Defaults for a roomy VPC: small public tier (balancers, NAT), large private tier (tasks), small isolated tier.
DEFAULT_PREFIXES = {"public": 24, "private": 20, "isolated": 24}
TIERS = ("public", "private", "isolated")
#: AWS accepts subnets from /16 to /28.
MIN_SUBNET_PREFIX, MAX_SUBNET_PREFIX = 16, 28
#: Each tier reserves one subnet slot per possible zone, so raising ``availability_zones`` later adds subnets
#: without moving (and so replacing) existing ones. The plan allocates in these slots (generator/plan/cidrs.py).
RESERVED_ZONES = 6


def strict_network(value: str, family: type, what: str):
    """``value`` as a network of ``family`` (IPv4Network or IPv6Network), strictly: no prefix length or host bits
    set is an error that shows the CIDR meant; anything else is "is not <what>"."""
    if "/" not in value:
        one = 32 if family is ipaddress.IPv4Network else 128
        raise ValueError(f"'{value}' has no prefix length (write a CIDR, e.g. {value}/{one} for one address)")
    try:
        return family(value)
    except ValueError:
        pass
    try:
        loose = family(value, strict=False)
    except ValueError:
        raise ValueError(f"'{value}' is not {what}") from None
    raise ValueError(f"'{value}' has host bits set (did you mean {loose}?)")


def parse_network(value: object) -> ipaddress.IPv4Network:
    """An IPv4 network from ``"10.0.0.0/16"``; host bits set is an error that shows the network meant."""
    if isinstance(value, ipaddress.IPv4Network):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not an IPv4 CIDR (e.g. 10.20.0.0/16)")
    return strict_network(value, ipaddress.IPv4Network, "an IPv4 CIDR (e.g. 10.20.0.0/16)")


Cidr = Annotated[ipaddress.IPv4Network, BeforeValidator(parse_network),
                 WithJsonSchema({"type": "string", "format": "ipv4-cidr", "examples": ["10.20.0.0/16"]})]


class Tier(Model):
    """One subnet tier: the prefix length of each of its subnets (one subnet per availability zone)."""

    prefix: bounded(MIN_SUBNET_PREFIX, MAX_SUBNET_PREFIX) = Field(
        description="Prefix length of each subnet of this tier (/16 to /28).", examples=[24])


class Subnets(Model):
    """Prefix length per tier. Tiers left out get the defaults (public /24, private /20, isolated /24), scaled
    down together until they fit a small VPC."""

    public: Tier | None = Field(None, description="Load balancers and NAT gateways only. Default /24.")
    private: Tier | None = Field(None, description="Fargate tasks, no public IPs. Default /20.")
    isolated: Tier | None = Field(None, description="No route out of the VPC (databases). Default /24.")


def required_addresses(prefixes: dict[str, int]) -> int:
    """Addresses the tiers reserve: one slot per tier per possible zone. Subnet sizes are powers of two, so
    allocating largest first keeps every subnet aligned and this total is the exact fit condition."""
    return RESERVED_ZONES * sum(2 ** (32 - p) for p in prefixes.values())


def fits(cidr: ipaddress.IPv4Network, prefixes: dict[str, int]) -> bool:
    """Whether the tiers' reserved slots fit the VPC."""
    return required_addresses(prefixes) <= cidr.num_addresses


def resolve_prefixes(cidr: ipaddress.IPv4Network, explicit: dict[str, int]) -> dict[str, int]:
    """Each tier's prefix: explicit ones as written, defaults shrunk by the same number of bits until all fit.

    If nothing fits, the smallest defaults are returned and the fit check reports the problem.
    """
    resolved: dict[str, int] = {}
    for shrink in range(0, MAX_SUBNET_PREFIX - MIN_SUBNET_PREFIX + 1):
        resolved = {tier: explicit.get(tier, min(MAX_SUBNET_PREFIX, DEFAULT_PREFIXES[tier] + shrink))
                    for tier in TIERS}
        if fits(cidr, resolved):
            return resolved
    return resolved


def _unique_sorted(value: list) -> list:
    """Endpoints are a set: held sorted and once each, so the output never depends on the order written."""
    return sorted(set(value))


EndpointName = Literal[ENDPOINT_NAMES]
NETWORK_RELAX = ("restrict_default_security_group",)


class Network(Model):
    """The VPC: its CIDR, how many availability zones it spans and how private subnets reach the internet."""

    RELAX_KIND: ClassVar[str] = "network"

    cidr: Cidr | None = Field(None, description="VPC IPv4 CIDR, private (RFC 1918), prefix /16 to /24. Required "
                                                "unless the network is existing.", examples=["10.20.0.0/16"])
    existing: ExistingNetwork | None = Field(
        None, description="Deploy into a VPC you already have (ids from stack or SSM parameters) instead of "
                          "creating one: no VPC, subnet, route, NAT or flow-log resources are emitted. Excludes "
                          "cidr, availability_zones, nat and subnets.",
        examples=[{"vpc": {"parameter": "VpcId"}, "subnets": {"private": {"parameter": "PrivateSubnetIds"}}}])
    availability_zones: bounded(2, 6) = Field(
        2, description="Number of availability zones (2 to 6), chosen with Fn::GetAZs.", examples=[2, 3])
    nat: Literal["per-az", "single", "none"] = Field(
        "per-az", description="NAT gateways: one per AZ (availability), one shared (cost), or none.")
    subnets: Subnets = Field(default_factory=Subnets, description="Prefix length per subnet tier.")
    endpoints: Annotated[list[EndpointName], AfterValidator(_unique_sorted)] = Field(
        [], description="VPC endpoints: s3 (gateway, on the private route tables) and interface endpoints in the "
                        "private subnets, admitting HTTPS only from the services. Required with nat: none.",
        examples=[["ecr.api", "ecr.dkr", "logs", "s3"]])
    ipv6: bool = Field(False, description="Dual stack: an Amazon-provided IPv6 /56 on the VPC, a /64 in every subnet, "
                                          "::/0 to the internet gateway from the public tier and to an egress-only "
                                          "internet gateway from the private tier (none with nat: none; the isolated "
                                          "tier keeps no route out), dualstack internet-facing balancers.")
    relax: relaxable(*NETWORK_RELAX) = relax_field(*NETWORK_RELAX, what="network")

    _explicit_tiers: frozenset = PrivateAttr(default=frozenset())

    @model_validator(mode="after")
    def _resolve_subnets(self) -> "Network":
        """Fill in default tier prefixes so later stages never see a missing one (an existing network has none:
        its subnets are the team's)."""
        if self.cidr is None:
            return self
        explicit = {tier: getattr(self.subnets, tier).prefix for tier in TIERS if getattr(self.subnets, tier)}
        resolved = resolve_prefixes(self.cidr, explicit)
        subnets = Subnets.model_construct(**{tier: Tier.model_construct(prefix=resolved[tier]) for tier in TIERS})
        object.__setattr__(self, "subnets", subnets)
        self._explicit_tiers = frozenset(explicit)
        return self

    @property
    def prefixes(self) -> dict[str, int]:
        """``{"public": 24, "private": 20, "isolated": 24}``, resolved (empty for an existing network)."""
        if self.cidr is None:
            return {}
        return {tier: getattr(self.subnets, tier).prefix for tier in TIERS}

    @property
    def explicit_tiers(self) -> frozenset:
        """The tiers whose prefix the blueprint set (the others were defaulted)."""
        return self._explicit_tiers

    @property
    def managed(self) -> bool:
        """Whether stackprint creates the VPC (False for ``existing``: it only deploys into it)."""
        return self.existing is None
