"""``network.existing``: deploy into a VPC the team already has (brownfield) instead of one stackprint creates.

The VPC id and each subnet tier's ids come from stack parameters the deploy supplies, or from SSM parameters
CloudFormation resolves itself (``{ssm: /network/vpc-id}``). Naming follows AWS Copilot's ``env init
--import-vpc-id --import-private-subnets`` and CDK's ``Vpc.fromLookup``: the VPC and its tiers are *imported*, never
changed, so no VPC, subnet, route, NAT, internet gateway, flow log or default-group resource is emitted; the checks
those resources carried become the environment README's "Not managed here" list.

A tier is one reference (a list-of-subnets parameter, ``List<AWS::EC2::Subnet::Id>``) or a list of references (one
``AWS::EC2::Subnet::Id`` each, at least two: every tier spans at least two availability zones).
"""
from __future__ import annotations

import re
from typing import Annotated, Union

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, Tag, model_validator

from generator.model.base import Model, matching

_PARAMETER = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,254}$")
#: SSM parameter names: letters, digits and ``_.-/``, a hierarchy starting with ``/`` or a plain name (AWS: at most
#: 2048 characters, ``aws``/``ssm`` prefixes reserved).
_SSM_NAME = re.compile(r"^(/[A-Za-z0-9_.-]+)+$|^[A-Za-z0-9_.-]+$")
MIN_ZONES = 2
#: The loc parts pydantic adds for the one-or-many union; generator.model.errors leaves ``<tag>`` parts out of key
#: paths.
ONE, MANY = "<one-id>", "<id-list>"

_parameter_name = matching(_PARAMETER, "'{value}' is not a CloudFormation parameter name (letters and digits, "
                                       "e.g. PrivateSubnetIds)")
_ssm_name = matching(_SSM_NAME, "'{value}' is not an SSM parameter name (letters, digits and _ . - /, e.g. "
                                "/network/private-subnet-ids)")


class ExistingId(Model):
    """Where one id (or one comma-separated list of ids) comes from: a stack parameter or an SSM parameter."""

    parameter: Annotated[str, AfterValidator(_parameter_name)] | None = Field(
        None, description="Name of a network-stack parameter the deploy supplies (typed, so CloudFormation checks "
                          "the id exists: AWS::EC2::VPC::Id, List<AWS::EC2::Subnet::Id>).", examples=["VpcId"])
    ssm: Annotated[str, AfterValidator(_ssm_name)] | None = Field(
        None, description="Name of an SSM parameter holding the id(s); CloudFormation reads it at deploy time "
                          "(AWS::SSM::Parameter::Value<...>).", examples=["/network/vpc-id"])

    @model_validator(mode="after")
    def _exactly_one(self):
        if (self.parameter is None) == (self.ssm is None):
            raise ValueError("set exactly one of 'parameter' or 'ssm' (e.g. {parameter: VpcId} or "
                             "{ssm: /network/vpc-id})")
        return self


def _shape(value: object) -> object:
    """One message for a tier that is neither a reference nor a list of them (not one per union branch)."""
    if isinstance(value, (dict, list)):
        return value
    raise ValueError("expected {parameter: Name}, {ssm: /path} or a list of them (one per subnet)")


def _zones(value: list[ExistingId]) -> list[ExistingId]:
    """A list names one subnet per zone: at least two zones, each reference once."""
    if len(value) < MIN_ZONES:
        raise ValueError(f"list at least {MIN_ZONES} subnets, one per availability zone (or one list parameter: "
                         "{parameter: PrivateSubnetIds})")
    seen = [(item.parameter, item.ssm) for item in value]
    for index, key in enumerate(seen):
        if key in seen[:index]:
            raise ValueError(f"subnet {index + 1} repeats subnet {seen.index(key) + 1} (each subnet once)")
    return value


def _pick(value: object) -> str:
    return MANY if isinstance(value, list) else ONE


SubnetIds = Annotated[Union[Annotated[ExistingId, Tag(ONE)],
                            Annotated[list[ExistingId], AfterValidator(_zones), Tag(MANY)]],
                      Discriminator(_pick), BeforeValidator(_shape)]


class ExistingSubnets(Model):
    """The tiers of the existing VPC: private always, public with an internet-facing balancer, isolated with
    databases."""

    public: SubnetIds | None = Field(
        None, description="Subnets routed to an internet gateway, for internet-facing load balancers (only then).",
        examples=[{"parameter": "PublicSubnetIds"}])
    private: SubnetIds = Field(
        description="Subnets with outbound access (NAT or endpoints) and no public IPs: tasks, internal balancers, "
                    "interface endpoints.", examples=[{"parameter": "PrivateSubnetIds"}])
    isolated: SubnetIds | None = Field(
        None, description="Subnets without a route out of the VPC, for databases (only with databases).",
        examples=[{"ssm": "/network/isolated-subnet-ids"}])


def _once(value: list[ExistingId]) -> list[ExistingId]:
    """A list of route tables names each once (one table may serve every zone, so one is enough)."""
    if not value:
        raise ValueError("list at least one route table (or one list parameter: {parameter: PrivateRouteTableIds})")
    seen = [(item.parameter, item.ssm) for item in value]
    for index, key in enumerate(seen):
        if key in seen[:index]:
            raise ValueError(f"route table {index + 1} repeats route table {seen.index(key) + 1} (each once)")
    return value


RouteTableIds = Annotated[Union[Annotated[ExistingId, Tag(ONE)],
                                Annotated[list[ExistingId], AfterValidator(_once), Tag(MANY)]],
                          Discriminator(_pick), BeforeValidator(_shape)]


class ExistingRouteTables(Model):
    """Route tables of the existing VPC, for the s3 gateway endpoint (a route in them)."""

    private: RouteTableIds = Field(
        description="The private subnets' route tables: the s3 gateway endpoint adds its route to them.",
        examples=[{"parameter": "PrivateRouteTableIds"}])


class ExistingNetwork(Model):
    """A VPC the team already has: its id and its subnet tiers, imported (never modified)."""

    vpc: ExistingId = Field(description="The VPC id.", examples=[{"parameter": "VpcId"}])
    subnets: ExistingSubnets = Field(description="Subnet ids per tier.")
    route_tables: ExistingRouteTables | None = Field(
        None, description="Only with the s3 endpoint: the private route tables its gateway route goes in (the one "
                          "change stackprint makes to the team's network).",
        examples=[{"private": {"parameter": "PrivateRouteTableIds"}}])


TIERS = ("public", "private", "isolated")
VPC, SUBNET_LIST, SUBNET = "vpc", "subnet-list", "subnet"
ROUTE_TABLE_LIST, ROUTE_TABLE = "route-table-list", "route-table"


class Reference:
    """One network-stack parameter an existing network needs: its name (the blueprint's ``parameter``, or a name
    derived from the place for an ``ssm`` one), what it holds, the SSM parameter it reads (if any) and where the
    blueprint wrote it."""

    __slots__ = ("name", "kind", "tier", "ssm", "keypath")

    def __init__(self, name: str, kind: str, tier: str | None, ssm: str | None, keypath: tuple):
        self.name, self.kind, self.tier, self.ssm, self.keypath = name, kind, tier, ssm, keypath

    def __repr__(self) -> str:
        return f"Reference({self.name!r}, {self.kind!r}, {self.tier!r}, {self.ssm!r})"


def _reference(source: ExistingId, derived: str, kind: str, tier: str | None, keypath: tuple) -> Reference:
    return Reference(source.parameter or derived, kind, tier, source.ssm, keypath)


def existing_references(existing: ExistingNetwork) -> list[Reference]:
    """Every parameter of an existing network, VPC first then tiers in fixed order (zone order within a list), then
    the private route tables:
    ``VpcId``, ``PrivateSubnetIds``... as written, or ``ExistingVpcId``, ``ExistingPrivateSubnetIds``,
    ``ExistingPrivateSubnet2`` for SSM-backed ones."""
    where = ("network", "existing")
    found = [_reference(existing.vpc, "ExistingVpcId", VPC, None, where + ("vpc",))]
    for tier in TIERS:
        value = getattr(existing.subnets, tier)
        at = where + ("subnets", tier)
        if isinstance(value, ExistingId):
            found.append(_reference(value, f"Existing{tier.capitalize()}SubnetIds", SUBNET_LIST, tier, at))
        elif value is not None:
            found += [_reference(item, f"Existing{tier.capitalize()}Subnet{index + 1}", SUBNET, tier, at + (index,))
                      for index, item in enumerate(value)]
    tables = existing.route_tables.private if existing.route_tables is not None else None
    at = where + ("route_tables", "private")
    if isinstance(tables, ExistingId):
        found.append(_reference(tables, "ExistingPrivateRouteTableIds", ROUTE_TABLE_LIST, "private", at))
    elif tables is not None:
        found += [_reference(item, f"ExistingPrivateRouteTable{index + 1}", ROUTE_TABLE, "private", at + (index,))
                  for index, item in enumerate(tables)]
    return found
