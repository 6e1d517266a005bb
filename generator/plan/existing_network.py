"""An existing network (``network.existing``) as the emitters build on it: the parameters the network stack takes
for the VPC and each subnet tier, decided once here.

The network stack declares each as a typed parameter (so CloudFormation checks the ids exist before it creates
anything) and re-exports the values under the same export names a created VPC has (``VpcId``,
``PrivateSubnetIds``...): every other stack imports them exactly as before, so the stack layout does not change.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.model.existing_network import (ROUTE_TABLE, ROUTE_TABLE_LIST, SUBNET, SUBNET_LIST, VPC,
                                             existing_references)

#: CloudFormation's AWS-specific parameter types: the id must exist in the account and region at deploy time.
#: Route tables have none, so they are text (a pattern checks the shape of a single id).
_TYPES = {VPC: "AWS::EC2::VPC::Id", SUBNET_LIST: "List<AWS::EC2::Subnet::Id>", SUBNET: "AWS::EC2::Subnet::Id",
          ROUTE_TABLE_LIST: "CommaDelimitedList", ROUTE_TABLE: "String"}
_SSM_TYPES = {ROUTE_TABLE_LIST: "List<String>"}
SUBNET_KINDS = (SUBNET_LIST, SUBNET)
ROUTE_TABLE_KINDS = (ROUTE_TABLE_LIST, ROUTE_TABLE)


@dataclass(frozen=True)
class ExistingParameter:
    """One network-stack parameter: the VPC id, a tier's subnet ids (one list parameter) or one subnet's id."""

    name: str
    kind: str  # "vpc" | "subnet-list" | "subnet"
    tier: str | None  # public | private | isolated for subnets
    ssm: str | None  # the SSM parameter CloudFormation reads the value from, when the blueprint said so
    zone: int | None = None  # 0-based place in the tier's list, for a tier given one subnet per parameter
    literal: str | None = None  # the id the blueprint wrote itself (the parameter's Default), e.g. vpc-0123…

    @property
    def type(self) -> str:
        """``AWS::EC2::VPC::Id``, or ``AWS::SSM::Parameter::Value<AWS::EC2::VPC::Id>`` when read from SSM."""
        if self.ssm:
            return f"AWS::SSM::Parameter::Value<{_SSM_TYPES.get(self.kind, _TYPES[self.kind])}>"
        return _TYPES[self.kind]

    @property
    def is_list(self) -> bool:
        """Whether the value is a list of ids (a tier given as one parameter)."""
        return self.kind in (SUBNET_LIST, ROUTE_TABLE_LIST)


def existing_parameters(bp) -> tuple[ExistingParameter, ...]:
    """The network stack's parameters, VPC first then public, private, isolated; () for a network stackprint
    creates."""
    existing = bp.network.existing
    if existing is None:
        return ()
    return tuple(ExistingParameter(r.name, r.kind, r.tier, r.ssm,
                                   r.keypath[-1] if r.kind in (SUBNET, ROUTE_TABLE) else None, r.literal)
                 for r in existing_references(existing))


@dataclass(frozen=True)
class UnmanagedCheck:
    """A safeguard a created network carries that an existing one leaves to its owners: what to verify, why (the
    audit rule or control it stands for), the AWS CLI command that shows it, and what a passing answer looks like."""

    what: str
    why: str
    command: str
    passing: str


def unmanaged_checks(tiers: tuple[str, ...]) -> tuple[UnmanagedCheck, ...]:
    """The checks the environment README lists under "Not managed here", for the tiers the blueprint uses."""
    routes = ("aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=<subnet-id> "
              "--query 'RouteTables[].Routes[].[DestinationCidrBlock,GatewayId,NatGatewayId,State]'")
    expected = {"public": "public subnets: 0.0.0.0/0 to an internet gateway (`igw-…`)",
                "private": "private subnets: 0.0.0.0/0 to a NAT gateway (`nat-…`), or no default route when every "
                           "AWS service the tasks use has a VPC endpoint; never an internet gateway",
                "isolated": "isolated subnets: no 0.0.0.0/0 route at all"}
    return (
        UnmanagedCheck("VPC flow log", "audit rule NET001, Security Hub EC2.6: every connection recorded",
                       "aws ec2 describe-flow-logs --filter Name=resource-id,Values=<vpc-id> "
                       "--query 'FlowLogs[].[FlowLogId,TrafficType,FlowLogStatus,LogDestination]'",
                       "at least one ACTIVE flow log with TrafficType ALL"),
        UnmanagedCheck("VPC default security group", "audit rule NET004, Security Hub EC2.2, CIS AWS Foundations "
                       "5.4: anything launched without a group lands in it",
                       "aws ec2 describe-security-groups --filters Name=vpc-id,Values=<vpc-id> "
                       "Name=group-name,Values=default --query 'SecurityGroups[0].[IpPermissions,IpPermissionsEgress]'",
                       "`[[], []]`: no rule in or out"),
        UnmanagedCheck("Subnet zones and public IPs", "every tier spans at least 2 availability zones (balancers and "
                       "databases need them; tasks survive a zone); audit rule NET002",
                       "aws ec2 describe-subnets --subnet-ids <subnet-ids> "
                       "--query 'Subnets[].[SubnetId,AvailabilityZone,MapPublicIpOnLaunch]'",
                       "at least 2 distinct zones per tier, MapPublicIpOnLaunch false everywhere"),
        UnmanagedCheck("Subnet routes", "the tiers are what their names say: tasks without a route from the "
                       "internet, databases without a route out", routes,
                       "; ".join(expected[tier] for tier in tiers)),
        UnmanagedCheck("VPC address range", "a service's egress to a CIDR inside the VPC would bypass flows: "
                       "stackprint checks this only for a VPC it creates",
                       "aws ec2 describe-vpcs --vpc-ids <vpc-id> --query 'Vpcs[0].CidrBlockAssociationSet[].CidrBlock'",
                       "no service's egress CIDR overlaps these ranges"),
    )
