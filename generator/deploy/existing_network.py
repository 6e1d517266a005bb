"""Before deploying into an existing VPC (``network.existing``): check the ids given are a network the stacks can
land in, with the read-only calls CloudFormation's typed parameters do not make.

CloudFormation checks that each ``AWS::EC2::VPC::Id`` / ``AWS::EC2::Subnet::Id`` exists, not that the subnets are in
that VPC, that a tier spans two availability zones (a balancer and a database subnet group refuse one, after the
stacks before them were created), that one subnet is not given as two tiers, or that the route tables (for the s3
gateway endpoint) are that VPC's. ``stackprint deploy`` checks these
before the first change set, so a wrong id costs nothing: each problem is one line naming the parameter, exit 2.

The tiers are read from the network template's console parameter groups (``AWS::CloudFormation::Interface``,
labelled ``Existing network: <part>``), SSM-typed values are resolved through SSM as CloudFormation would. A refused
describe call (no ``ec2:DescribeSubnets``, ``ec2:DescribeRouteTables`` or ``ssm:GetParameter``) skips the check with a warning: CloudFormation
still checks the ids exist.
"""
from __future__ import annotations

from generator.deploy.aws import Clients, error_code, translated
from generator.errors import InputError, InputErrors
from generator.load import load_text

LABEL_PREFIX = "Existing network: "
VPC_PART = "VPC"
SUBNETS, ROUTE_TABLES = "subnets", "route tables"
MIN_ZONES = 2
#: AWS's answers that mean the check may not run (skipped with a warning)...
_DENIED = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")
#: ...and those that mean an id given is wrong (refused like any other problem).
_WRONG_ID = ("InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed", "InvalidSubnetId.Malformed",
             "InvalidRouteTableID.NotFound", "InvalidRouteTableId.Malformed",
             "ParameterNotFound", "ValidationException")


def tiers(template: dict) -> dict[str, list[str]]:
    """Part (``VPC``, ``public subnets``...) -> parameter names, from the template's parameter groups; {} when the
    template takes no existing network."""
    interface = (template.get("Metadata") or {}).get("AWS::CloudFormation::Interface") or {}
    found = {}
    for group in interface.get("ParameterGroups") or []:
        label = ((group or {}).get("Label") or {}).get("default", "")
        if isinstance(label, str) and label.startswith(LABEL_PREFIX):
            found[label[len(LABEL_PREFIX):]] = list(group.get("Parameters") or [])
    return found


def _values(template: dict, parameters: dict[str, str], names: list[str], ssm) -> list[str]:
    """The ids ``names`` hold: the given values, SSM-typed ones read from SSM, lists split on commas."""
    ids = []
    for name in names:
        value = parameters.get(name, "")
        if str(template["Parameters"][name].get("Type", "")).startswith("AWS::SSM::Parameter::"):
            value = ssm.get_parameter(Name=value)["Parameter"]["Value"]
        ids += [item.strip() for item in value.split(",") if item.strip()]
    return ids


def problems(template: dict, parameters: dict[str, str], ec2, ssm) -> list[str]:
    """What is wrong with the existing network the parameters name (empty when it can take the stacks)."""
    parts = tiers(template)
    if VPC_PART not in parts:
        return []
    (vpc_name,) = parts[VPC_PART]
    (vpc,) = _values(template, parameters, [vpc_name], ssm)
    given = {part: _values(template, parameters, names, ssm) for part, names in parts.items()
             if part.endswith(SUBNETS)}
    wanted = sorted({subnet for ids in given.values() for subnet in ids})
    described = {s["SubnetId"]: s for s in ec2.describe_subnets(SubnetIds=wanted)["Subnets"]} if wanted else {}
    found, owner = [], {}
    for part, names in parts.items():
        if part.endswith(ROUTE_TABLES):
            tables = _values(template, parameters, names, ssm)
            for table in ec2.describe_route_tables(RouteTableIds=tables)["RouteTables"] if tables else []:
                if table["VpcId"] != vpc:
                    found.append(f"{', '.join(names)}: route table {table['RouteTableId']} is in {table['VpcId']}, "
                                 f"not in {vpc_name}={vpc}")
    for part, ids in given.items():
        names = ", ".join(parts[part])
        for subnet in ids:
            if subnet in owner:
                found.append(f"{names}: subnet {subnet} is also one of the {owner[subnet]} (each tier needs its own "
                             "subnets)")
            owner.setdefault(subnet, part)
            where = described.get(subnet, {}).get("VpcId")
            if where is not None and where != vpc:
                found.append(f"{names}: subnet {subnet} is in {where}, not in {vpc_name}={vpc}")
        zones = {described[s]["AvailabilityZone"] for s in ids if s in described}
        if len(zones) < MIN_ZONES:
            found.append(f"{names}: the {part} span {len(zones)} availability zone(s) ({', '.join(sorted(zones))}); "
                         f"give subnets in at least {MIN_ZONES}")
    return found


def check(stack, parameters: dict[str, str], clients: Clients, warn) -> None:
    """Raise InputError(s) for the problems of the existing network ``stack`` (the network stack) takes; ``warn``
    hears why the check was skipped when AWS refuses a describe call."""
    template = load_text(stack.body.decode("utf-8"), stack.template_path, cfn=True).data
    if not isinstance(template, dict) or VPC_PART not in tiers(template):
        return
    session = clients.session
    with translated(stack.name):  # credentials, network: one line, as for every other AWS call of deploy
        try:
            found = problems(template, parameters, session.client("ec2"), session.client("ssm"))
        except Exception as exc:  # noqa: BLE001 - sorted by AWS error code below; anything else is raised
            code = error_code(exc)
            if code in _DENIED:
                warn(f"existing network not checked ({code}: ec2:DescribeSubnets, ssm:GetParameter); "
                     "CloudFormation still checks that each id exists")
                return
            if code not in _WRONG_ID:
                raise
            message = exc.response.get("Error", {}).get("Message", code)
            found = [f"{code}: {message}"]
    errors = [InputError(f"existing network: {problem}", path=stack.config_path) for problem in found]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)
