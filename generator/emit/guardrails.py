"""The guardrails stack: auto-revert of security-group changes made outside CloudFormation, and AWS Config rules.

Auto-revert (the AWS guidance's "automatically revert unauthorized security-group changes"):

- an EventBridge rule on the CloudTrail events ``AuthorizeSecurityGroupIngress``, ``AuthorizeSecurityGroupEgress``
  and ``ModifySecurityGroupRules``;
- a function (inline code: :mod:`generator.guardrails.revert`) that finds the environment's groups by the
  ``aws:cloudformation:stack-name`` / ``logical-id`` tags CloudFormation puts on them (so it does not care which stack
  holds which group), revokes every rule of a changed group that the committed set (the templates' rules, an
  environment variable) does not hold, and publishes who changed what to an SNS topic with an e-mail subscription.
  Calls made by CloudFormation (``userIdentity.invokedBy``) and failed calls are left alone;
- least privilege: revoking only on groups tagged with one of the environment's stack names (a tag users cannot
  write: the ``aws:`` prefix is reserved), publishing only to its topic, logging only to its log group;
- one KMS key of its own (rotated) encrypts the log group, the topic, the dead-letter queue and the function's
  environment; the log group is retained with a retention; reserved concurrency bounds what a burst of API calls
  can cost; failed invocations land in the dead-letter queue.
"""
from __future__ import annotations

import json

from troposphere import GetAtt, Output, Ref, Sub, Template
from troposphere import awslambda, config, events, iam, kms, logs, sns, sqs

from generator.emit import balancers
from generator.emit.network import logs_key_policy
from generator.emit.parameters import StackParameter
from generator.emit.runtimes import PYTHON_RUNTIME
from generator.emit.scanner_metadata import add_suppressions
from generator.guardrails import inline_source
from generator.plan import Layout
from generator.plan.guardrails import BLUEPRINT_TAG, GuardrailsPlan
from generator.plan.names import pascal

EVENT_NAMES = ("AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules")
LOG_RETENTION_DAYS = 365
#: A burst of API calls queues (Lambda retries throttled asynchronous events for up to six hours) instead of taking
#: the account's concurrency; each run is a few EC2 calls.
FUNCTION_CONCURRENCY, FUNCTION_TIMEOUT_SECONDS, FUNCTION_MEMORY_MB = 2, 60, 128
DEAD_LETTER_RETENTION_SECONDS = 1_209_600  # 14 days, SQS's maximum
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
EMAIL_PLACEHOLDER = "REPLACE_WITH_NOTIFICATION_EMAIL"
NO_VPC = ("CKV_AWS_117", "calls only the EC2 and SNS APIs; inside the VPC it would need a NAT gateway or interface "
                         "endpoints, and it handles no data of the VPC")
PERIODIC = "TwentyFour_Hours"


def parameters(layout: Layout) -> list[StackParameter]:
    """The e-mail address notified of reverted changes, then the prefix-list ids the committed rules name."""
    plan = layout.guardrails
    if plan is None or not plan.auto_revert:
        return []
    email = StackParameter(plan.notify_parameter, "E-mail address notified of every reverted security-group change",
                           EMAIL_PATTERN, "must be an e-mail address", EMAIL_PLACEHOLDER,
                           guidance="E-mail address notified of every reverted security-group change (it receives "
                                    "one confirmation message from SNS after the first deploy)")
    return [email] + [p for p in balancers.all_parameters(layout) if p.name in plan.prefix_parameters]


def _key(template: Template) -> None:
    """The stack's KMS key: CloudWatch Logs may use it for this account's log groups; IAM governs the rest."""
    template.add_resource(kms.Key(
        "GuardrailsKey", Description=Sub("${AWS::StackName}: logs, topic, dead-letter queue, function environment"),
        EnableKeyRotation=True,
        KeyPolicy=logs_key_policy(),
        DeletionPolicy="Retain", UpdateReplacePolicy="Retain"))


def _environment(plan: GuardrailsPlan) -> dict:
    """The function's environment: the committed set, the watched stacks, the topic and the prefix-list ids."""
    variables = {"COMMITTED_RULES": plan.committed_value, "STACKS": ",".join(plan.watched_stacks),
                 "TOPIC_ARN": Ref("RevertNotificationTopic")}
    if plan.prefix_parameters:
        variables["PREFIX_LISTS"] = Sub(json.dumps({p: "${" + p + "}" for p in plan.prefix_parameters},
                                                   sort_keys=True, separators=(",", ":")))
    return variables


def _role(template: Template, plan: GuardrailsPlan) -> None:
    template.add_resource(iam.Role(
        "AutoRevertRole",
        AssumeRolePolicyDocument={"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        Policies=[iam.Policy(PolicyName="revert-environment-security-groups", PolicyDocument={
            "Version": "2012-10-17", "Statement": [
                {"Sid": "RevokeOnlyOnTheEnvironmentsGroups", "Effect": "Allow",
                 "Action": ["ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"],
                 "Resource": Sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/*"),
                 "Condition": {"StringEquals": {"aws:ResourceTag/aws:cloudformation:stack-name":
                                                list(plan.watched_stacks)}}},
                {"Sid": "ReadGroupsAndRules", "Effect": "Allow",
                 "Action": ["ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups"], "Resource": "*"},
                {"Sid": "Notify", "Effect": "Allow", "Action": "sns:Publish",
                 "Resource": Ref("RevertNotificationTopic")},
                {"Sid": "DeadLetter", "Effect": "Allow", "Action": "sqs:SendMessage",
                 "Resource": GetAtt("AutoRevertDeadLetterQueue", "Arn")},
                {"Sid": "UseTheStackKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                 "Resource": GetAtt("GuardrailsKey", "Arn")},
                {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                 "Resource": GetAtt("AutoRevertLogGroup", "Arn")}]})]))


def add_auto_revert(template: Template, layout: Layout) -> None:
    """Topic, dead-letter queue, log group, role, function, EventBridge rule and its permission."""
    plan = layout.guardrails
    for parameter in parameters(layout):
        parameter.add_to(template)
    template.add_resource(sns.Topic(
        "RevertNotificationTopic", DisplayName="stackprint auto-revert", KmsMasterKeyId=Ref("GuardrailsKey"),
        Subscription=[sns.Subscription(Protocol="email", Endpoint=Ref(plan.notify_parameter))]))
    # Retained like the logs: an event the function failed to revert is evidence of a change nobody undid.
    template.add_resource(sqs.Queue("AutoRevertDeadLetterQueue", KmsMasterKeyId=Ref("GuardrailsKey"),
                                    MessageRetentionPeriod=DEAD_LETTER_RETENTION_SECONDS,
                                    DeletionPolicy="Retain", UpdateReplacePolicy="Retain"))
    template.add_resource(logs.LogGroup("AutoRevertLogGroup", RetentionInDays=LOG_RETENTION_DAYS,
                                        KmsKeyId=GetAtt("GuardrailsKey", "Arn"),
                                        DeletionPolicy="Retain", UpdateReplacePolicy="Retain"))
    _role(template, plan)
    function = awslambda.Function(
        "AutoRevertFunction",
        Description="Revokes security-group rules of this environment that its templates do not declare",
        Runtime=PYTHON_RUNTIME, Handler="index.handler", Code=awslambda.Code(ZipFile=inline_source("revert")),
        Role=GetAtt("AutoRevertRole", "Arn"), Timeout=FUNCTION_TIMEOUT_SECONDS, MemorySize=FUNCTION_MEMORY_MB,
        ReservedConcurrentExecutions=FUNCTION_CONCURRENCY, KmsKeyArn=GetAtt("GuardrailsKey", "Arn"),
        Environment=awslambda.Environment(Variables=_environment(plan)),
        DeadLetterConfig=awslambda.DeadLetterConfig(TargetArn=GetAtt("AutoRevertDeadLetterQueue", "Arn")),
        LoggingConfig=awslambda.LoggingConfig(LogGroup=Ref("AutoRevertLogGroup")))
    add_suppressions(function, checkov=(NO_VPC,))
    template.add_resource(function)
    template.add_resource(events.Rule(
        "SecurityGroupChangeRule", Description="Security-group rule changes recorded by CloudTrail",
        State="ENABLED",
        EventPattern={"source": ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"],
                      "detail": {"eventSource": ["ec2.amazonaws.com"], "eventName": list(EVENT_NAMES)}},
        Targets=[events.Target(Id="AutoRevertFunction", Arn=GetAtt("AutoRevertFunction", "Arn"))]))
    template.add_resource(awslambda.Permission(
        "SecurityGroupChangeRulePermission", Action="lambda:InvokeFunction",
        FunctionName=Ref("AutoRevertFunction"), Principal="events.amazonaws.com",
        SourceArn=GetAtt("SecurityGroupChangeRule", "Arn"), SourceAccount=Ref("AWS::AccountId")))
    template.add_output(Output("RevertNotificationTopicArn", Value=Ref("RevertNotificationTopic"),
                               Description="SNS topic told of every reverted security-group change"))


def add_config_rules(template: Template, layout: Layout) -> None:
    """One AWS Config managed rule per planned rule, named <blueprint>-<env>-<rule>."""
    for rule in layout.guardrails.config_rules:
        props = dict(ConfigRuleName=f"{layout.name}-{layout.env}-{rule.name}",
                     Description=f"stackprint {layout.name} {layout.env}: AWS Config managed rule {rule.name}",
                     Source=config.Source(Owner="AWS", SourceIdentifier=rule.identifier))
        if rule.parameters:
            props["InputParameters"] = dict(rule.parameters)
        if rule.scope == "blueprint":
            props["Scope"] = config.Scope(TagKey=BLUEPRINT_TAG, TagValue=layout.name)
        elif rule.scope == "groups":
            props["Scope"] = config.Scope(ComplianceResourceTypes=["AWS::EC2::SecurityGroup"])
        else:
            props["MaximumExecutionFrequency"] = PERIODIC
        template.add_resource(config.ConfigRule(f"{pascal(rule.name)}ConfigRule", **props))


def guardrails_template(layout: Layout, stack_name: str) -> Template:
    """The environment's guardrails stack."""
    template = Template(Description=f"stackprint {layout.name} {layout.env}: guardrails (auto-revert of "
                                    f"security-group changes, AWS Config rules)")
    template.set_version("2010-09-09")
    if layout.guardrails.auto_revert:
        _key(template)
        add_auto_revert(template, layout)
    add_config_rules(template, layout)
    return template
