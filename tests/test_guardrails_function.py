"""The auto-revert function (generator/guardrails/revert.py) run in-process against moto, on an environment deployed
from its own generated templates, with CloudTrail event shapes recorded in tests/guardrails_events/.

The function reads the environment Lambda would give it: the deployed function's configuration (the committed set,
the watched stacks, the topic), so these tests also prove that the committed set the build writes matches, rule
for rule, what CloudFormation creates. Notifications are read from an SQS queue subscribed to the stack's topic.
"""
from __future__ import annotations

import base64
import copy
import json
import os
import string
import zlib
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from emulator import REGION, fake_credentials, patch_moto
from generator.compile import render
from generator.guardrails import revert
from generator.load import load_text
from generator.model import load_blueprint_text
from generator.plan import plan

pytestmark = pytest.mark.slow  # deploys an environment into moto (seconds)

REPO = Path(__file__).resolve().parent.parent
EVENTS = Path(__file__).resolve().parent / "guardrails_events"
GUARDRAILS = "\nguardrails:\n  auto_revert: {notify: {parameter: GuardrailsEmail}}\n"
CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"
#: A blueprint whose balancer admits only CloudFront (a prefix-list rule) and whose service reaches an endpoint
#: group: the committed set's prefix: and group: peers against real rules.
CLOUDFRONT_BLUEPRINT = """\
name: edge
network: {cidr: 10.40.0.0/16, availability_zones: 2, nat: none, endpoints: [s3, ecr.api, ecr.dkr, logs]}
load_balancers:
  public: {scheme: internet-facing, allow_from: cloudfront, https: {certificate: {parameter: CertificateArn}}}
services:
  web:
    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0
    port: 8080
    route: {load_balancer: public, path: "/*", health_check: /healthz}
"""


def deploy_stacks(files: dict[str, bytes]) -> str:
    """Create every stack of an environment in stacks.json order, as `stackprint deploy` would; the last one's name."""
    ec2 = boto3.client("ec2", region_name=REGION)
    cfn = boto3.client("cloudformation", region_name=REGION)
    certificate = boto3.client("acm", region_name=REGION).request_certificate(
        DomainName="example.com")["CertificateArn"]
    (prefix_list,) = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [CLOUDFRONT_PREFIX_LIST]}])["PrefixLists"]
    values = {"REPLACE_WITH_ACM_CERTIFICATE_ARN": certificate, "REPLACE_WITH_NOTIFICATION_EMAIL": "ops@example.com",
              "REPLACE_WITH_CLOUDFRONT_PREFIX_LIST_ID": prefix_list["PrefixListId"]}
    for stack in json.loads(files["stacks.json"]):
        config = json.loads(files[stack["config"]])
        cfn.create_stack(StackName=stack["stack_name"], TemplateBody=files[stack["template"]].decode(),
                         Parameters=[{"ParameterKey": k, "ParameterValue": values.get(v, v)}
                                     for k, v in sorted(config["Parameters"].items())],
                         Tags=[{"Key": k, "Value": v} for k, v in config["Tags"].items()])
        assert cfn.describe_stacks(StackName=stack["stack_name"])["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    return stack["stack_name"]


def logical_groups(ec2, stack_prefix: str) -> dict[str, str]:
    """logical id -> group id of the groups CloudFormation created in stacks named ``stack_prefix``*."""
    found = {}
    for group in ec2.describe_security_groups()["SecurityGroups"]:
        tags = {t["Key"]: t["Value"] for t in group.get("Tags", [])}
        if tags.get("aws:cloudformation:stack-name", "").startswith(stack_prefix):
            found[tags["aws:cloudformation:logical-id"]] = group["GroupId"]
    return found


class Deployed:
    """One environment deployed into moto, with the function's environment set as Lambda would set it."""

    def __init__(self, monkeypatch, files: dict[str, bytes]):
        self.ec2 = boto3.client("ec2", region_name=REGION)
        cfn = boto3.client("cloudformation", region_name=REGION)
        guardrails = deploy_stacks(files)
        resources = {r["LogicalResourceId"]: r.get("PhysicalResourceId")
                     for r in cfn.describe_stack_resources(StackName=guardrails)["StackResources"]}
        variables = boto3.client("lambda", region_name=REGION).get_function_configuration(
            FunctionName=resources["AutoRevertFunction"])["Environment"]["Variables"]
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        self.committed = json.loads(variables["COMMITTED_RULES"])
        sqs = boto3.client("sqs", region_name=REGION)
        self.inbox = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        inbox_arn = sqs.get_queue_attributes(QueueUrl=self.inbox, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        boto3.client("sns", region_name=REGION).subscribe(TopicArn=variables["TOPIC_ARN"], Protocol="sqs",
                                                          Endpoint=inbox_arn)
        self.groups = logical_groups(self.ec2, guardrails.removesuffix("guardrails"))

    def rules(self, group_id: str) -> list[dict]:
        return self.ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroupRules"]

    def invoke(self, fixture: str, **values) -> dict:
        """Run the handler on a recorded event with this deployment's ids filled in."""
        text = string.Template((EVENTS / fixture).read_text()).substitute(values)
        return revert.handler(json.loads(text), None)

    def messages(self) -> list[dict]:
        sqs = boto3.client("sqs", region_name=REGION)
        found = sqs.receive_message(QueueUrl=self.inbox, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(json.loads(m["Body"])["Message"]) for m in found]


def build(text: str, env: str) -> dict[str, bytes]:
    """The environment's files, rendered in memory (no gates: tests/test_golden.py and the build judge those)."""
    return render(plan(load_blueprint_text(text, "blueprint.yaml")[env]), "blueprint.yaml").files


@pytest.fixture
def aws(monkeypatch):
    fake_credentials(monkeypatch)
    patch_moto(monkeypatch)
    with mock_aws():
        yield


@pytest.fixture
def prod(aws, monkeypatch) -> Deployed:
    """hardened-two-tier's prod environment (its blueprint turns the guardrails on), deployed."""
    return Deployed(monkeypatch, build((REPO / "blueprints" / "hardened-two-tier.yaml").read_text(), "prod"))


def open_ssh(deployed: Deployed, group_id: str) -> str:
    added = deployed.ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return added["SecurityGroupRules"][0]["SecurityGroupRuleId"]


def test_an_added_ingress_rule_is_revoked_and_who_added_it_is_told(prod):
    group = prod.groups["AppTaskSecurityGroup"]
    before = {r["SecurityGroupRuleId"] for r in prod.rules(group)}
    rule = open_ssh(prod, group)

    result = prod.invoke("authorize_ingress.json", GROUP_ID=group, RULE_ID=rule)

    assert result == {"reverted": [{"group": group, "logical_id": "AppTaskSecurityGroup", "missing": [],
                                    "revoked": ["ingress tcp 22-22 cidr:0.0.0.0/0"]}]}
    assert {r["SecurityGroupRuleId"] for r in prod.rules(group)} == before  # exactly the added rule went
    (message,) = prod.messages()
    assert message["who"] == "arn:aws:iam::123456789012:user/alice"
    assert message["eventName"] == "AuthorizeSecurityGroupIngress"
    assert message["sourceIPAddress"] == "203.0.113.12"
    assert message["reverted"] == result["reverted"]


def test_an_added_egress_rule_is_revoked(prod):
    group = prod.groups["AppdbDatabaseSecurityGroup"]
    added = prod.ec2.authorize_security_group_egress(GroupId=group, IpPermissions=[{
        "IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    rule = added["SecurityGroupRules"][0]["SecurityGroupRuleId"]

    result = prod.invoke("authorize_egress.json", GROUP_ID=group, RULE_ID=rule)

    (reverted,) = result["reverted"]
    assert reverted["revoked"] == ["egress -1 -1--1 cidr:0.0.0.0/0"]
    assert rule not in {r["SecurityGroupRuleId"] for r in prod.rules(group)}
    (message,) = prod.messages()
    assert message["who"].endswith(":assumed-role/AWSReservedSSO_Admin_0123456789abcdef/bob@example.com")


def test_a_modified_rule_is_revoked_and_the_committed_rule_it_replaced_is_reported_missing(prod):
    group = prod.groups["PublicLoadBalancerSecurityGroup"]
    (https,) = [r for r in prod.rules(group) if not r["IsEgress"] and r["FromPort"] == 443]
    prod.ec2.modify_security_group_rules(GroupId=group, SecurityGroupRules=[{
        "SecurityGroupRuleId": https["SecurityGroupRuleId"],
        "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "CidrIpv4": "0.0.0.0/0",
                              "Description": "temporary debugging"}}])

    result = prod.invoke("modify_rules.json", GROUP_ID=group, RULE_ID=https["SecurityGroupRuleId"])

    assert result["reverted"] == [{"group": group, "logical_id": "PublicLoadBalancerSecurityGroup",
                                   "revoked": ["ingress tcp 0-65535 cidr:0.0.0.0/0"],
                                   "missing": ["ingress tcp 443-443 cidr:0.0.0.0/0"]}]
    assert all(r["ToPort"] != 65535 for r in prod.rules(group))
    (message,) = prod.messages()
    assert message["eventName"] == "ModifySecurityGroupRules" and message["reverted"] == result["reverted"]


def test_a_change_made_by_cloudformation_is_left_alone(prod):
    group, peer = prod.groups["AppTaskSecurityGroup"], prod.groups["PublicLoadBalancerSecurityGroup"]
    added = prod.ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 9090, "ToPort": 9090, "UserIdGroupPairs": [{"GroupId": peer}]}])
    rule = added["SecurityGroupRules"][0]["SecurityGroupRuleId"]

    result = prod.invoke("cloudformation_authorize_ingress.json", GROUP_ID=group, RULE_ID=rule, PEER_ID=peer)

    assert result == {"reverted": []}
    assert rule in {r["SecurityGroupRuleId"] for r in prod.rules(group)}
    assert prod.messages() == []


def test_a_group_of_another_environment_or_outside_cloudformation_is_ignored(prod):
    vpc = prod.ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    other = prod.ec2.create_security_group(GroupName="someone-elses", Description="not stackprint", VpcId=vpc)
    rule = open_ssh(prod, other["GroupId"])

    result = prod.invoke("authorize_ingress.json", GROUP_ID=other["GroupId"], RULE_ID=rule)

    assert result == {"reverted": []}
    assert rule in {r["SecurityGroupRuleId"] for r in prod.rules(other["GroupId"])}
    assert prod.messages() == []


def test_the_same_group_of_another_environment_is_ignored(prod):
    """dev deployed next to prod has a group of the same logical id; prod's function must not touch it."""
    deploy_stacks(build((REPO / "blueprints" / "hardened-two-tier.yaml").read_text(), "dev"))
    dev_group = logical_groups(prod.ec2, "hardened-two-tier-dev-")["AppTaskSecurityGroup"]
    assert dev_group != prod.groups["AppTaskSecurityGroup"]
    rule = open_ssh(prod, dev_group)

    assert prod.invoke("authorize_ingress.json", GROUP_ID=dev_group, RULE_ID=rule) == {"reverted": []}
    assert rule in {r["SecurityGroupRuleId"] for r in prod.rules(dev_group)}
    assert prod.messages() == []


def test_a_failed_call_is_ignored(prod):
    """CloudTrail records refused calls too (errorCode, no response): nothing changed, nothing to revert."""
    group = prod.groups["AppTaskSecurityGroup"]
    rule = open_ssh(prod, group)  # present, but this event says the call failed
    event = json.loads(string.Template((EVENTS / "authorize_ingress.json").read_text()).substitute(
        GROUP_ID=group, RULE_ID=rule))
    event["detail"].update(errorCode="Client.InvalidPermission.Duplicate", responseElements=None,
                           errorMessage="the specified rule already exists")
    assert revert.handler(copy.deepcopy(event), None) == {"reverted": []}
    assert prod.messages() == []


def test_an_untouched_deployment_matches_its_committed_set_rule_for_rule(prod):
    """Every group of the environment, as CloudFormation created it, holds exactly the committed set: the
    function revokes nothing and misses nothing (the build's rule texts and the live rules agree)."""
    assert set(prod.committed) == set(prod.groups)
    groups = revert.environment_groups(prod.ec2, os.environ["STACKS"].split(","))
    for logical_id, group in sorted(prod.groups.items()):
        assert revert.revert(prod.ec2, group, prod.committed[logical_id], groups, {}) == ([], []), logical_id


def test_prefix_list_and_endpoint_rules_match_their_committed_set(aws, monkeypatch):
    """A CloudFront-only balancer (a prefix-list rule, its id a stack parameter) and an endpoint group."""
    deployed = Deployed(monkeypatch, build(CLOUDFRONT_BLUEPRINT + GUARDRAILS, "default"))
    assert "EndpointSecurityGroup" in deployed.committed
    assert "ingress tcp 443-443 prefix:CloudFrontOriginFacingPrefixListId" in deployed.committed[
        "PublicLoadBalancerSecurityGroup"]
    groups = revert.environment_groups(deployed.ec2, os.environ["STACKS"].split(","))
    prefix_lists = {v: k for k, v in json.loads(os.environ["PREFIX_LISTS"]).items()}
    for logical_id, group in sorted(deployed.groups.items()):
        assert revert.revert(deployed.ec2, group, deployed.committed[logical_id], groups, prefix_lists) == ([], []), \
            logical_id


def test_the_deployed_rule_matches_the_recorded_events_and_nothing_else(prod):
    """The deployed rule's pattern, judged by moto's EventBridge matcher (moto has no TestEventPattern: MOTO_GAPS):
    each recorded event shape invokes the function; a revoke (the function's own calls) and a read do not."""
    from moto.events.models import EventPattern

    events = boto3.client("events", region_name=REGION)
    (rule,) = [r for r in events.list_rules()["Rules"] if "SecurityGroupChangeRule" in r["Name"]]
    (target,) = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    assert ":function:hardened-two-tier-prod-guardrails-AutoRevertFunction-" in target["Arn"]
    pattern = EventPattern.load(rule["EventPattern"])
    for fixture in sorted(EVENTS.glob("*.json")):
        assert pattern.matches_event(json.loads(fixture.read_text())), fixture.name
    for other in ("RevokeSecurityGroupIngress", "DescribeSecurityGroupRules"):
        event = json.loads((EVENTS / "authorize_ingress.json").read_text())
        event["detail"]["eventName"] = other
        assert not pattern.matches_event(event)


def test_the_config_rules_are_deployed_with_the_blueprints_parameters(prod):
    rules = {r["ConfigRuleName"]: r for r in boto3.client("config", region_name=REGION).describe_config_rules()[
        "ConfigRules"]}
    prefix = "hardened-two-tier-prod-"
    assert sorted(rules) == [prefix + name for name in (
        "alb-http-to-https-redirection-check", "ecs-containers-readonly-access", "rds-instance-public-access-check",
        "rds-storage-encrypted", "restricted-ssh", "vpc-default-security-group-closed", "vpc-flow-logs-enabled",
        "vpc-sg-open-only-to-authorized-ports")]  # the app sets no user: ecs-task-definition-nonroot-user does not apply
    ports = rules[prefix + "vpc-sg-open-only-to-authorized-ports"]
    assert json.loads(ports["InputParameters"]) == {"authorizedTcpPorts": "80,443"}
    assert rules[prefix + "restricted-ssh"]["Source"] == {"Owner": "AWS", "SourceIdentifier": "INCOMING_SSH_DISABLED"}


def _packed(committed: dict) -> str:
    """The committed set as the build writes it past 4 KB: compact JSON, zlib level 9, base64."""
    text = json.dumps(committed, sort_keys=True, separators=(",", ":"))
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def test_a_committed_set_past_4_kb_is_written_compressed_and_read_back_exactly():
    """Forty services that each call the next: the readable JSON would take over 4 KB of the function's
    environment, so the build writes it compressed (and still refuses what does not fit even then)."""
    services = "".join(f"  s{i}:\n    image: example/s:1.0\n    port: 8080\n    flows: [s{(i + 1) % 40}]\n"
                       for i in range(40))
    text = ("name: shop\nnetwork: {cidr: 10.20.0.0/16}\nservices:\n" + services
            + "guardrails: {auto_revert: {notify: {parameter: GuardrailsEmail}}}\nenvironments: {prod: {}}\n")
    layout = plan(load_blueprint_text(text, "blueprint.yaml")["prod"])
    readable = json.loads(layout.guardrails.committed_json)
    assert len(layout.guardrails.committed_json) > 4096
    files = render(layout, "blueprint.yaml").files
    template = load_text(files["shop-prod-guardrails.template.yaml"].decode("utf-8"), "guardrails", cfn=True).data
    value = template["Resources"]["AutoRevertFunction"]["Properties"]["Environment"]["Variables"]["COMMITTED_RULES"]
    assert not value.startswith("{") and len(value) < 4096
    assert json.loads(zlib.decompress(base64.b64decode(value))) == readable
    assert value == _packed(readable)  # deterministic: the same rules, the same bytes


def test_the_function_reverts_with_a_compressed_committed_set(prod, monkeypatch):
    monkeypatch.setenv("COMMITTED_RULES", _packed(prod.committed))
    group = prod.groups["AppTaskSecurityGroup"]
    before = {r["SecurityGroupRuleId"] for r in prod.rules(group)}
    rule = open_ssh(prod, group)

    result = prod.invoke("authorize_ingress.json", GROUP_ID=group, RULE_ID=rule)

    assert result == {"reverted": [{"group": group, "logical_id": "AppTaskSecurityGroup", "missing": [],
                                    "revoked": ["ingress tcp 22-22 cidr:0.0.0.0/0"]}]}
    assert {r["SecurityGroupRuleId"] for r in prod.rules(group)} == before
