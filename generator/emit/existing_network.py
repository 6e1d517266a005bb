"""The network stack over an existing VPC: its typed parameters, and the VPC and subnet values every emitter uses
in place of the resources a created network would have.

Nothing here creates network resources. The stack takes the VPC id and each tier's subnet ids as parameters
(``AWS::EC2::VPC::Id``, ``List<AWS::EC2::Subnet::Id>``, or their ``AWS::SSM::Parameter::Value<...>`` forms) and
exports them under the names a created network exports, so the firewall, balancer, data and service stacks are the
same whichever network they land in.
"""
from __future__ import annotations

from troposphere import Join, Ref

from generator.emit.parameters import StackParameter
from generator.plan import Layout
from generator.plan.existing_network import ROUTE_TABLE_KINDS, ExistingParameter

_WHAT = {"vpc": "the existing VPC the environment deploys into",
         "public": "subnets of the existing VPC routed to an internet gateway (internet-facing balancers)",
         "private": "subnets of the existing VPC with outbound access and no public IPs (tasks, internal "
                    "balancers, interface endpoints)",
         "isolated": "subnets of the existing VPC without a route out of it (databases)"}
_COMMANDS = {"vpc": "aws ec2 describe-vpcs --query 'Vpcs[].[VpcId,CidrBlock,Tags]'",
             "route-table": "aws ec2 describe-route-tables --filters Name=vpc-id,Values=<vpc-id> "
                            "--query 'RouteTables[].[RouteTableId,Associations[].SubnetId,Tags]'",
             "subnet": "aws ec2 describe-subnets --filters Name=vpc-id,Values=<vpc-id> "
                       "--query 'Subnets[].[SubnetId,AvailabilityZone,MapPublicIpOnLaunch,Tags]'"}


#: A route table id (no AWS-specific parameter type exists for one).
ROUTE_TABLE_PATTERN = r"^rtb-[0-9a-f]{8,17}$"


def _description(parameter: ExistingParameter) -> str:
    if parameter.kind in ROUTE_TABLE_KINDS:
        what = ("Ids of the private subnets' route tables (the s3 gateway endpoint's route goes there)"
                if parameter.is_list else
                f"Id of route table {parameter.zone + 1} of the private subnets (the s3 gateway endpoint's route "
                "goes there)")
    elif parameter.kind == "vpc":
        what = f"Id of {_WHAT['vpc']}"
    elif parameter.is_list:
        what = f"Ids of the {_WHAT[parameter.tier]}, at least 2 availability zones"
    else:
        what = f"Id of subnet {parameter.zone + 1} of the {_WHAT[parameter.tier]}"
    return f"{what} (read from SSM parameter {parameter.ssm})" if parameter.ssm else what


def _placeholder(parameter: ExistingParameter) -> str:
    """The SSM name for an SSM-backed parameter and the id for a literal one (real values), else ``REPLACE_WITH_…``
    the deploy refuses."""
    if parameter.ssm or parameter.literal:
        return parameter.ssm or parameter.literal
    if parameter.kind == "vpc":
        return "REPLACE_WITH_VPC_ID"
    if parameter.kind in ROUTE_TABLE_KINDS:
        return ("REPLACE_WITH_PRIVATE_ROUTE_TABLE_IDS" if parameter.is_list else
                f"REPLACE_WITH_PRIVATE_ROUTE_TABLE_{parameter.zone + 1}_ID")
    if parameter.is_list:
        return f"REPLACE_WITH_{parameter.tier.upper()}_SUBNET_IDS"
    return f"REPLACE_WITH_{parameter.tier.upper()}_SUBNET_{parameter.zone + 1}_ID"


def _guidance(parameter: ExistingParameter) -> str:
    if parameter.ssm:
        return f"{_description(parameter)}; CloudFormation resolves it at deploy time"
    if parameter.literal:
        return f"{_description(parameter)}: `{parameter.literal}`, as the blueprint gives it"
    command = _COMMANDS["vpc" if parameter.kind == "vpc" else
                        "route-table" if parameter.kind in ROUTE_TABLE_KINDS else "subnet"]
    listed = ", comma-separated" if parameter.is_list else ""
    return f"{_description(parameter)}{listed}: `{command}`"


def parameters(layout: Layout) -> list[StackParameter]:
    """The network stack's parameters for an existing network (none for a network it creates)."""
    return [StackParameter(p.name, _description(p), ROUTE_TABLE_PATTERN if p.type == "String" else "",
                           "must be a route table id (rtb-...)" if p.type == "String" else "", _placeholder(p),
                           guidance=_guidance(p), type=p.type, default=p.ssm or p.literal) for p in layout.network.existing]


#: Labels of the console's parameter groups (``AWS::CloudFormation::Interface``), one per part of the network;
#: ``stackprint deploy`` reads them to know which parameters hold which tier (generator/deploy/existing_network.py).
GROUP_LABEL = "Existing network: {part}"
INTERFACE = "AWS::CloudFormation::Interface"


def add_parameter_groups(template, layout: Layout) -> None:
    """Group the parameters in the CloudFormation console by what they name (the VPC, then each tier)."""
    groups = [{"Label": {"default": GROUP_LABEL.format(part="VPC")}, "Parameters": [layout.network.vpc_parameter]}]
    for tier in ("public", "private", "isolated"):
        names = [p.name for p in layout.network.existing_subnets(tier)]
        if names:
            groups.append({"Label": {"default": GROUP_LABEL.format(part=f"{tier} subnets")}, "Parameters": names})
    tables = [p.name for p in layout.network.existing_route_tables]
    if tables:
        groups.append({"Label": {"default": GROUP_LABEL.format(part="private route tables")}, "Parameters": tables})
    template.set_metadata({INTERFACE: {"ParameterGroups": groups}})


def vpc_id(layout: Layout):
    """The VPC id inside the network stack: the created VPC, or the existing one's parameter."""
    return Ref("Vpc") if layout.network.managed else Ref(layout.network.vpc_parameter)


def subnet_ids(layout: Layout, tier: str):
    """A tier's subnet ids as a list value (``SubnetIds``), in zone order."""
    if layout.network.managed:
        return [Ref(subnet.logical_id) for subnet in layout.subnets_of(tier)]
    found = layout.network.existing_subnets(tier)
    if len(found) == 1 and found[0].is_list:
        return Ref(found[0].name)
    return [Ref(p.name) for p in found]


def route_table_ids(layout: Layout):
    """The private route tables as a list value (``RouteTableIds`` of the s3 gateway endpoint)."""
    if layout.network.managed:
        return [Ref(f"PrivateRouteTable{subnet.zone + 1}") for subnet in layout.subnets_of("private")]
    found = layout.network.existing_route_tables
    if len(found) == 1 and found[0].is_list:
        return Ref(found[0].name)
    return [Ref(p.name) for p in found]


def subnet_ids_text(layout: Layout, tier: str) -> Join:
    """A tier's subnet ids comma-separated, as exported for the other stacks."""
    return Join(",", subnet_ids(layout, tier))
