"""Reading what is deployed: the stacks (through CloudFormation) and the security groups, their rules and the
network interfaces of the VPCs (through EC2). Read-only; every call is paginated and batched.

Sessions and error translation are the deploy package's (:mod:`generator.deploy.aws`), so ``drift`` takes the same
``--region``/``--profile`` and fails with the same one-line messages as ``deploy`` and ``status``.
"""
from __future__ import annotations

import os

from generator.deploy.aws import AwsError, Clients, described_stack, translated
from generator.drift.expected import Deployment

#: EC2 accepts at most 200 values per filter.
_FILTER_BATCH = 200
#: Stack states in which a stack holds no resources to compare.
_NOT_DEPLOYED = ("REVIEW_IN_PROGRESS", "DELETE_COMPLETE")


def config():
    """Standard retries, AWS_MAX_ATTEMPTS winning, as for the deploy commands' clients."""
    from botocore.config import Config

    return Config(retries={"mode": "standard", "max_attempts": int(os.environ.get("AWS_MAX_ATTEMPTS") or 10)})


def client(clients: Clients, service: str):
    with translated():
        return clients.session.client(service, config=config())


def _batches(values: list[str]):
    for start in range(0, len(values), _FILTER_BATCH):
        yield values[start:start + _FILTER_BATCH]


def _described(clients: Clients, name: str) -> dict | None:
    stack = described_stack(clients, name)
    return None if stack is None or stack["StackStatus"] in _NOT_DEPLOYED else stack


def read_deployment(environment, clients: Clients, ec2) -> Deployment:
    """Each stack's deployed parameters and resources; a stack that is not deployed is an input error (exit 2)."""
    parameters, resources = {}, {}
    for stack in environment.stacks:
        with translated(stack.name):
            described = _described(clients, stack.name)
            if described is None:
                raise AwsError("not deployed (deploy the environment first: stackprint deploy "
                               f"{environment.path})", exit_code=2, path=stack.name)
            parameters[stack.name] = {p["ParameterKey"]: p.get("ResolvedValue", p.get("ParameterValue", ""))
                                      for p in described.get("Parameters") or []}
            found = {}
            for page in clients.cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack.name):
                for summary in page["StackResourceSummaries"]:
                    if summary.get("PhysicalResourceId") and not summary["ResourceStatus"].startswith("DELETE"):
                        found[summary["LogicalResourceId"]] = summary["PhysicalResourceId"]
            resources[stack.name] = found
    cidrs: dict[str, str | None] = {}

    def vpc_cidr(vpc_id: str):
        if vpc_id not in cidrs:
            with translated():
                vpcs = ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"]
            cidrs[vpc_id] = vpcs[0]["CidrBlock"] if vpcs else None
        return cidrs[vpc_id]

    return Deployment(parameters, resources, vpc_cidr)


def security_groups(ec2, group_ids: list[str]) -> dict[str, dict]:
    """The groups that exist among ``group_ids``: id -> DescribeSecurityGroups entry."""
    found = {}
    with translated():
        for batch in _batches(sorted(group_ids)):
            pages = ec2.get_paginator("describe_security_groups").paginate(
                Filters=[{"Name": "group-id", "Values": batch}])
            for page in pages:
                for group in page["SecurityGroups"]:
                    found[group["GroupId"]] = group
    return found


def default_groups(ec2, vpc_ids: list[str]) -> dict[str, dict]:
    """vpc id -> its default security group."""
    found = {}
    with translated():
        for batch in _batches(sorted(vpc_ids)):
            response = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": batch},
                                                             {"Name": "group-name", "Values": ["default"]}])
            for group in response["SecurityGroups"]:
                found[group["VpcId"]] = group
    return found


def group_rules(ec2, group_ids: list[str]) -> dict[str, list[dict]]:
    """group id -> its rules (DescribeSecurityGroupRules entries), sorted by rule id."""
    found: dict[str, list[dict]] = {group_id: [] for group_id in group_ids}
    with translated():
        for batch in _batches(sorted(group_ids)):
            pages = ec2.get_paginator("describe_security_group_rules").paginate(
                Filters=[{"Name": "group-id", "Values": batch}])
            for page in pages:
                for rule in page["SecurityGroupRules"]:
                    if rule["GroupId"] in found:
                        found[rule["GroupId"]].append(rule)
    for rules in found.values():
        rules.sort(key=lambda rule: rule["SecurityGroupRuleId"])
    return found


def network_interfaces(ec2, vpc_ids: list[str]) -> list[dict]:
    """Every network interface in the VPCs, sorted by id."""
    found = []
    with translated():
        for batch in _batches(sorted(vpc_ids)):
            pages = ec2.get_paginator("describe_network_interfaces").paginate(
                Filters=[{"Name": "vpc-id", "Values": batch}])
            for page in pages:
                found.extend(page["NetworkInterfaces"])
    return sorted(found, key=lambda eni: eni["NetworkInterfaceId"])
