"""The VPC's default security group, left with no rules (AWS Security Hub EC2.2, CIS AWS Foundations 5.4).

Every VPC gets a default group that admits all traffic from its own members and allows all egress; anything
launched without a group lands in it. CloudFormation cannot remove those rules natively, so, like the AWS CDK
(``restrictDefaultSecurityGroup``, on by default since 2.78), the network stack carries a small custom resource:
an inline Python function that revokes the two default rules when the stack is created or updated.

- the function's role may only call ``ec2:RevokeSecurityGroupIngress`` / ``Egress`` on that one group's ARN and
  write to its own log group (encrypted with the environment's logs key, retained, with retention);
- revoking a rule that is already gone is success, so updates and re-runs are idempotent;
- on Delete it answers success and changes nothing: the group stays restricted (normally the VPC is being deleted
  with it; if the blueprint later relaxes the restriction, the rules do not come back by themselves);
- reserved concurrency 1: it runs a few times per stack lifetime and must not take account concurrency.

A blueprint opts out only with ``network.relax: {restrict_default_security_group: <reason>}``; the reason is then
written on the VPC as the suppression of audit rule NET004.
"""
from __future__ import annotations

from troposphere import AccountId, GetAtt, Ref, Sub, Template
from troposphere import awslambda, cloudformation, iam, logs

from generator.emit.runtimes import PYTHON_RUNTIME
from generator.emit.scanner_metadata import DEFAULT_GROUP_FUNCTION, add_suppressions, relax
from generator.plan import Layout

RESTRICTION = "DefaultSecurityGroupRestriction"
RESOURCE_TYPE = "Custom::VpcDefaultSecurityGroupRestriction"
RUNTIME = PYTHON_RUNTIME  # generator/emit/runtimes.py
LOG_RETENTION_DAYS = 365
#: The function's own limits: one EC2 call pair finishes in seconds, so a minute is ample; the smallest memory;
#: one concurrent run, since CloudFormation calls it once per stack operation.
FUNCTION_TIMEOUT_SECONDS, FUNCTION_MEMORY_MB, FUNCTION_CONCURRENCY = 60, 128, 1
SERVICE_TIMEOUT_SECONDS = 300  # CloudFormation gives up on an unanswered request after this (default: 1 hour)
RELAX_SETTING = "restrict_default_security_group"

#: The function: revoke the default group's two default rules; tolerate rules already gone; never fail Delete.
HANDLER = '''\
import boto3
import cfnresponse
from botocore.exceptions import ClientError

ec2 = boto3.client("ec2")


def revoke(group_id, account):
    """Remove the default group's default rules: all traffic from itself in, all traffic to 0.0.0.0/0 out."""
    calls = (
        (ec2.revoke_security_group_ingress,
         [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group_id, "UserId": account}]}]),
        (ec2.revoke_security_group_egress, [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]),
    )
    for call, permissions in calls:
        try:
            call(GroupId=group_id, IpPermissions=permissions)
        except ClientError as error:
            if error.response["Error"]["Code"] != "InvalidPermission.NotFound":
                raise


def handler(event, context):
    properties = event.get("ResourceProperties", {})
    group_id = properties.get("DefaultSecurityGroupId", "unknown")
    try:
        if event["RequestType"] in ("Create", "Update"):
            revoke(group_id, properties["Account"])
    except Exception as error:
        print(f"revoking the rules of {group_id} failed: {error}")
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, group_id, reason=str(error)[:200])
        return
    cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, group_id)
'''


class DefaultGroupRestriction(cloudformation.CustomResource):
    """The custom resource, under its own type name so a reader of the template sees what it is."""

    resource_type = RESOURCE_TYPE


def _group_arn() -> Sub:
    return Sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/${GroupId}",
               GroupId=GetAtt("Vpc", "DefaultSecurityGroup"))


def add_default_group_restriction(template: Template, layout: Layout) -> None:
    """The custom resource, its function, role and log group; or, when relaxed, the reason on the VPC."""
    network = layout.network
    if RELAX_SETTING in network.relax:
        relax(template.resources["Vpc"], "network", network.relax, RELAX_SETTING)
        return
    template.add_resource(logs.LogGroup(
        f"{RESTRICTION}LogGroup", RetentionInDays=LOG_RETENTION_DAYS, KmsKeyId=GetAtt("LogsKey", "Arn"),
        DeletionPolicy="Retain", UpdateReplacePolicy="Retain"))
    template.add_resource(iam.Role(
        f"{RESTRICTION}Role",
        AssumeRolePolicyDocument={"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        Policies=[iam.Policy(PolicyName="revoke-default-group-rules", PolicyDocument={
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow",
                 "Action": ["ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"],
                 "Resource": _group_arn()},
                {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                 "Resource": GetAtt(f"{RESTRICTION}LogGroup", "Arn")}]})]))
    function = template.add_resource(awslambda.Function(
        f"{RESTRICTION}Function",
        Description="Removes every rule of the VPC's default security group (Security Hub EC2.2)",
        Runtime=RUNTIME, Handler="index.handler", Code=awslambda.Code(ZipFile=HANDLER),
        Role=GetAtt(f"{RESTRICTION}Role", "Arn"), Timeout=FUNCTION_TIMEOUT_SECONDS, MemorySize=FUNCTION_MEMORY_MB,
        ReservedConcurrentExecutions=FUNCTION_CONCURRENCY,
        LoggingConfig=awslambda.LoggingConfig(LogGroup=Ref(f"{RESTRICTION}LogGroup"))))
    add_suppressions(function, checkov=tuple(DEFAULT_GROUP_FUNCTION))
    template.add_resource(DefaultGroupRestriction(
        RESTRICTION, ServiceToken=GetAtt(function, "Arn"),
        ServiceTimeout=SERVICE_TIMEOUT_SECONDS,
        DefaultSecurityGroupId=GetAtt("Vpc", "DefaultSecurityGroup"), Account=AccountId))
