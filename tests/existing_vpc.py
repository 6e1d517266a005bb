"""A team's existing network, created in moto with boto3 before an environment with ``network.existing`` deploys
into it: a VPC with a public, a private and an isolated subnet in each of two zones, routed as their names say
(public to an internet gateway, private to a NAT gateway, isolated nowhere), and the SSM parameters a blueprint
reads ids from. The values each network-stack parameter receives come from the blueprint's plan, by name, so two
parameters sharing one placeholder (``IsolatedSubnet1``/``2``) still get their own subnet.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import boto3

ZONES = ("a", "b")
TIER_BLOCKS = {"public": 0, "private": 10, "isolated": 20}


@dataclass
class ExistingVpc:
    """Ids of the network created, and the value of every network-stack parameter."""

    vpc: str
    subnets: dict  # tier -> [subnet id per zone]
    values: dict = field(default_factory=dict)  # parameter name -> value (ids comma-separated for a list)


def create_existing_vpc(region: str, cidr: str = "10.80.0.0/16") -> ExistingVpc:
    """The network a platform team would own, made through the EC2 API (not CloudFormation)."""
    ec2 = boto3.client("ec2", region_name=region)
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    second = cidr.split(".")[1]
    subnets = {tier: [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{second}.{block + index}.0/24",
                                        AvailabilityZone=f"{region}{zone}")["Subnet"]["SubnetId"]
                      for index, zone in enumerate(ZONES)]
               for tier, block in TIER_BLOCKS.items()}
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    public = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    address = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnets["public"][0], AllocationId=address)["NatGateway"]["NatGatewayId"]
    private = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    isolated = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    for tier, table in (("public", public), ("private", private), ("isolated", isolated)):
        for subnet in subnets[tier]:
            ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    return ExistingVpc(vpc, subnets)


def supply(network: ExistingVpc, parameters, region: str) -> ExistingVpc:
    """Give every parameter of the plan (generator.plan.existing_network.ExistingParameter) its value; an SSM-backed
    one is put in SSM Parameter Store under its name, where CloudFormation reads it (its config.json value)."""
    ssm = boto3.client("ssm", region_name=region)
    zone = {}
    for parameter in parameters:
        if parameter.tier is None:
            value = network.vpc
        elif parameter.is_list:
            value = ",".join(network.subnets[parameter.tier])
        else:
            index = zone.get(parameter.tier, 0)
            zone[parameter.tier] = index + 1
            value = network.subnets[parameter.tier][index]
        if parameter.ssm:
            ssm.put_parameter(Name=parameter.ssm, Value=value, Type="StringList" if "," in value else "String")
        else:
            network.values[parameter.name] = value
    return network
