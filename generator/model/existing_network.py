"""``network.existing``: deploy into a VPC the team already has (brownfield) instead of one stackprint creates.

The VPC id and each subnet tier's ids come from stack parameters the deploy supplies, or from SSM parameters
CloudFormation resolves itself (``{ssm: /network/vpc-id}``). Naming follows AWS Copilot's ``env init
--import-vpc-id --import-private-subnets`` and CDK's ``Vpc.fromLookup``: the VPC and its tiers are *imported*, never
changed, so no VPC, subnet, route, NAT, internet gateway, flow log or default-group resource is emitted; the checks
those resources carried become the environment README's "Not managed here" list.

A tier is one reference (a list-of-subnets parameter, ``List<AWS::EC2::Subnet::Id>``) or a list of references (one
``AWS::EC2::Subnet::Id`` each, at least two: every tier spans at least two availability zones).

Ids may also be written literally (``vpc: vpc-0123456789abcdef0``, a tier as ``[subnet-…, subnet-…]``), as teams
coming from Copilot's ``env init --import-vpc-id vpc-…`` do. A literal id is checked for shape here and still
becomes a typed parameter (named for its place, like an SSM one) whose Default is the id, so CloudFormation checks
it exists and ``stackprint deploy`` checks it like any other.
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
#: What a literal id looks like: its prefix and 8 or 17 lowercase hex digits (EC2's short and long id formats).
_LITERAL = re.compile(r"^([a-z]+)-([0-9a-f]{8}|[0-9a-f]{17})$")
#: prefix -> what it names, for literal ids and for saying what a misplaced one is.
_ID_KINDS = {"vpc": "VPC", "subnet": "subnet", "rtb": "route table"}
_EXAMPLES = {"vpc": "vpc-0123456789abcdef0", "subnet": "subnet-0123456789abcdef0", "rtb": "rtb-0123456789abcdef0"}
#: The loc parts of a reference or a literal id (left out of key paths like ONE and MANY).
REFERENCE, LITERAL = "<reference>", "<literal>"
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


def _literal_id(prefix: str):
    """A validator for one literal id of the kind ``prefix`` names: the right prefix and 8 or 17 hex digits."""
    kind, example = _ID_KINDS[prefix], _EXAMPLES[prefix]

    def check(value: str) -> str:
        match = _LITERAL.match(value)
        if match and match.group(1) == prefix:
            return value
        if match and match.group(1) in _ID_KINDS:
            raise ValueError(f"'{value}' is a {_ID_KINDS[match.group(1)]} id, not a {kind} id (e.g. {example})")
        raise ValueError(f"'{value}' is not a {kind} id ({prefix}- and 8 or 17 lowercase hex digits, e.g. "
                         f"{example})")
    return check


def _reference_or_literal(value: object) -> str:
    return LITERAL if isinstance(value, str) else REFERENCE


def _one_id(prefix: str):
    """An id given as a reference (``{parameter: X}``, ``{ssm: /path}``) or literally (``vpc-…``)."""
    return Annotated[Union[Annotated[ExistingId, Tag(REFERENCE)],
                           Annotated[str, AfterValidator(_literal_id(prefix)), Tag(LITERAL)]],
                     Discriminator(_reference_or_literal)]


VpcId = _one_id("vpc")
SubnetId = _one_id("subnet")
RouteTableId = _one_id("rtb")


def _key(item: ExistingId | str) -> object:
    """What makes two list items the same id: the literal, or the reference."""
    return item if isinstance(item, str) else (item.parameter, item.ssm)


def _shape(value: object) -> object:
    """One message for a tier that is neither a reference nor a list of them (not one per union branch)."""
    if isinstance(value, (dict, list)):
        return value
    if isinstance(value, str):
        raise ValueError(f"a literal id names one subnet; list one per availability zone, at least {MIN_ZONES} "
                         "(e.g. [subnet-0123456789abcdef0, subnet-0fedcba9876543210])")
    raise ValueError("expected {parameter: Name}, {ssm: /path} or a list of them or of literal ids (one per subnet)")


def _route_shape(value: object) -> object:
    """As :func:`_shape`, for route tables (one table may serve every zone, so a lone literal is a list of one)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (dict, list)):
        return value
    raise ValueError("expected {parameter: Name}, {ssm: /path} or a list of them or of literal rtb- ids")


def _zones(value: list) -> list:
    """A list names one subnet per zone: at least two zones, each reference once."""
    if len(value) < MIN_ZONES:
        raise ValueError(f"list at least {MIN_ZONES} subnets, one per availability zone (or one list parameter: "
                         "{parameter: PrivateSubnetIds})")
    seen = [_key(item) for item in value]
    for index, key in enumerate(seen):
        if key in seen[:index]:
            raise ValueError(f"subnet {index + 1} repeats subnet {seen.index(key) + 1} (each subnet once)")
    return value


def _pick(value: object) -> str:
    return MANY if isinstance(value, list) else ONE


SubnetIds = Annotated[Union[Annotated[ExistingId, Tag(ONE)],
                            Annotated[list[SubnetId], AfterValidator(_zones), Tag(MANY)]],
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


def _once(value: list) -> list:
    """A list of route tables names each once (one table may serve every zone, so one is enough)."""
    if not value:
        raise ValueError("list at least one route table (or one list parameter: {parameter: PrivateRouteTableIds})")
    seen = [_key(item) for item in value]
    for index, key in enumerate(seen):
        if key in seen[:index]:
            raise ValueError(f"route table {index + 1} repeats route table {seen.index(key) + 1} (each once)")
    return value


RouteTableIds = Annotated[Union[Annotated[ExistingId, Tag(ONE)],
                                Annotated[list[RouteTableId], AfterValidator(_once), Tag(MANY)]],
                          Discriminator(_pick), BeforeValidator(_route_shape)]


class ExistingRouteTables(Model):
    """Route tables of the existing VPC, for the s3 gateway endpoint (a route in them)."""

    private: RouteTableIds = Field(
        description="The private subnets' route tables: the s3 gateway endpoint adds its route to them.",
        examples=[{"parameter": "PrivateRouteTableIds"}])


class ExistingNetwork(Model):
    """A VPC the team already has: its id and its subnet tiers, imported (never modified)."""

    vpc: VpcId = Field(description="The VPC id: a reference, or the id itself (vpc-0123456789abcdef0).",
                       examples=[{"parameter": "VpcId"}, "vpc-0123456789abcdef0"])
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
    derived from the place for an ``ssm`` or literal one), what it holds, the SSM parameter it reads or the literal
    id it defaults to (if any) and where the blueprint wrote it."""

    __slots__ = ("name", "kind", "tier", "ssm", "keypath", "literal")

    def __init__(self, name: str, kind: str, tier: str | None, ssm: str | None, keypath: tuple,
                 literal: str | None = None):
        self.name, self.kind, self.tier, self.ssm, self.keypath = name, kind, tier, ssm, keypath
        self.literal = literal

    def __repr__(self) -> str:
        return f"Reference({self.name!r}, {self.kind!r}, {self.tier!r}, {self.ssm!r}, literal={self.literal!r})"


def _reference(source: ExistingId | str, derived: str, kind: str, tier: str | None, keypath: tuple) -> Reference:
    if isinstance(source, str):
        return Reference(derived, kind, tier, None, keypath, literal=source)
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
