"""A team's existing network, created in moto with boto3 before an environment with ``network.existing`` deploys
into it: a VPC with a public, a private and an isolated subnet in each of two zones, routed as their names say
(public to an internet gateway, private to a NAT gateway, isolated nowhere), by default with the safeguards the
README leaves to the team (a flow log, a closed default group), and the SSM parameters a blueprint reads ids from. The values each network-stack parameter receives come from the blueprint's plan, by name, so two
parameters sharing one placeholder (``IsolatedSubnet1``/``2``) still get their own subnet.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent

ZONES = ("a", "b")
TIER_BLOCKS = {"public": 0, "private": 10, "isolated": 20}


@dataclass
class ExistingVpc:
    """Ids of the network created, and the value of every network-stack parameter."""

    vpc: str
    subnets: dict  # tier -> [subnet id per zone]
    private_route_table: str = ""
    values: dict = field(default_factory=dict)  # parameter name -> value (ids comma-separated for a list)


def create_existing_vpc(client: Callable, region: str, cidr: str = "10.80.0.0/16", well_run: bool = True) -> ExistingVpc:
    """The network a platform team would own, made through the EC2 API (not CloudFormation); ``client(name)`` is a
    boto3 client of the emulator (in-process or the HTTP server)."""
    ec2 = client("ec2")
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
    if well_run:
        keep_safeguards(client, vpc)
    return ExistingVpc(vpc, subnets, private)


def keep_safeguards(client: Callable, vpc: str) -> None:
    """What a careful network team does and the README's "Not managed here" asks to check: a flow log of ALL
    traffic (to S3 here) and a default security group without rules."""
    ec2 = client("ec2")
    bucket = f"flow-logs-{vpc}"
    client("s3").create_bucket(Bucket=bucket)
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                         LogDestination=f"arn:aws:s3:::{bucket}")
    (default,) = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                       {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    for key, revoke in (("IpPermissions", ec2.revoke_security_group_ingress),
                        ("IpPermissionsEgress", ec2.revoke_security_group_egress)):
        if default[key]:
            revoke(GroupId=default["GroupId"], IpPermissions=default[key])


def supply(network: ExistingVpc, parameters, client: Callable) -> ExistingVpc:
    """Give every parameter of the plan (generator.plan.existing_network.ExistingParameter) its value; an SSM-backed
    one is put in SSM Parameter Store under its name, where CloudFormation reads it (its config.json value)."""
    ssm = client("ssm")
    zone = {}
    for parameter in parameters:
        if parameter.tier is None:
            value = network.vpc
        elif parameter.kind.startswith("route-table"):
            value = network.private_route_table
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


def existing_network(env_dir: Path, client: Callable, region: str, well_run: bool = True) -> ExistingVpc | None:
    """For an example environment with ``network.existing`` (out/<blueprint>/<env>): the team's VPC, created first,
    with the value of each network-stack parameter; None when stackprint creates the environment's network."""
    from generator.model import load_blueprint
    from generator.plan import plan

    blueprint = REPO / "blueprints" / f"{env_dir.parent.name}.yaml"
    if not blueprint.exists():
        return None
    layout = plan(load_blueprint(str(blueprint))[env_dir.name])
    if layout.network.managed:
        return None
    return supply(create_existing_vpc(client, region, well_run=well_run), layout.network.existing, client)
