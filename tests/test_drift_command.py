"""`stackprint drift` end to end against moto running as an HTTP server on 127.0.0.1 in this process
(tests/emulator.py, with patch_drift's gaps), through the real command line.

What a user checks: an untouched deployment has no drift (every example); a rule someone adds through the EC2 API is
reported, exactly that rule, with who added it; a declared rule revoked is reported missing at the resource that
declares it; the VPC default group regaining a rule and an interface wearing a group outside the layout are
reported; groups and rules declared in other stacks than the network's (imports) are followed; anything that is not
drift (no credentials, a stack not deployed) is one line and exit 2.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from emulator import ACCOUNT, moto_server, patch_drift
from generator.cli import main
from test_deploy_command import environments, placeholder_values, write_environment

pytestmark = pytest.mark.slow  # see tests/conftest.py: "Suite cost"

REPO = Path(__file__).resolve().parent.parent
ENV = REPO / "out" / "web-api" / "dev"
OPEN_SSH = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


@pytest.fixture
def server(monkeypatch):
    with moto_server(monkeypatch) as running:
        patch_drift(monkeypatch)
        yield running


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def deploy(server, env_dir: Path = ENV) -> None:
    result = run("deploy", str(env_dir), "--yes", *placeholder_values(server, env_dir))
    assert result.exit_code == 0, result.output


def drift(env_dir: Path = ENV, *args: str) -> tuple[int, dict]:
    result = run("drift", str(env_dir), "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def physical(server, stack: str, logical_id: str) -> str:
    resources = server.client("cloudformation").describe_stack_resources(StackName=stack)["StackResources"]
    (found,) = [r["PhysicalResourceId"] for r in resources if r.get("LogicalResourceId") == logical_id]
    return found


def revoke(server, group: str, port: int, source: str) -> None:
    """Revoke the ingress rule of ``group`` from ``source`` on ``port`` by its rule id, as the console does."""
    ec2 = server.client("ec2")
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group]}])["SecurityGroupRules"]
    (rule,) = [r["SecurityGroupRuleId"] for r in rules if not r["IsEgress"] and r["FromPort"] == port
               and r.get("ReferencedGroupInfo", {}).get("GroupId") == source]
    ec2.revoke_security_group_ingress(GroupId=group, SecurityGroupRuleIds=[rule])


def template_groups(env_dir: Path) -> int:
    """How many AWS::EC2::SecurityGroup the environment's templates declare, in whatever stacks."""
    return sum(p.read_text().count("Type: AWS::EC2::SecurityGroup\n") for p in env_dir.glob("*.template.yaml"))


@pytest.mark.parametrize("env_dir", environments(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_an_untouched_deployment_has_no_drift(server, env_dir):
    deploy(server, env_dir)
    stacks = json.loads((env_dir / "stacks.json").read_text())
    code, report = drift(env_dir)
    assert code == 0, report
    assert report["drift"] is False and report["findings"] == []
    assert report["checked"]["security_groups"] == template_groups(env_dir) > 0
    assert report["checked"]["stacks_drift_detected"] == len(stacks)
    assert report["checked"]["network_interfaces"] > 0  # NAT gateways / endpoints: nothing foreign among them
    assert not [note for note in report["notes"] if "unavailable" in note or "not run" in note], report["notes"]
    text = run("drift", str(env_dir))
    assert text.exit_code == 0
    assert text.stdout == ""
    assert f"no drift in {len(stacks)} stacks" in text.output


def test_an_open_ssh_rule_added_through_ec2_is_exactly_the_drift_with_who_added_it(server):
    deploy(server)
    iam = server.client("iam")
    iam.create_user(UserName="mallory")
    key = iam.create_access_key(UserName="mallory")["AccessKey"]
    import boto3

    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=server.endpoint,
                       aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    group = physical(server, "web-api-dev-network", "PublicLoadBalancerSecurityGroup")
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[OPEN_SSH])

    code, report = drift()
    assert code == 1 and report["drift"] is True
    (finding,) = report["findings"]
    assert finding["rule"] == "DRIFT001" and finding["kind"] == "rule-added"
    assert (finding["stack"], finding["resource"]) == ("web-api-dev-network", "PublicLoadBalancerSecurityGroup")
    assert finding["details"]["rule"] == {"direction": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22,
                                          "peer_kind": "cidr", "peer": "0.0.0.0/0"}
    assert finding["details"]["group_id"] == group
    assert finding["details"]["added_by"] == f"arn:aws:iam::{ACCOUNT}:user/mallory"
    assert finding["details"]["event"] == "AuthorizeSecurityGroupIngress"
    (confirmed,) = finding["details"]["cloudformation"]
    assert confirmed["status"] == "MODIFIED" and confirmed["resource"] == "PublicLoadBalancerSecurityGroup"
    assert finding["file"].endswith("web-api-dev-network.template.yaml")
    lines = Path(finding["file"]).read_text().splitlines()
    assert lines[finding["line"] - 1] == "  PublicLoadBalancerSecurityGroup:"

    text = run("drift", str(ENV))
    assert text.exit_code == 1
    assert (f"DRIFT001 rule-added: ingress tcp/22 from 0.0.0.0/0 on "
            f"web-api-dev-network/PublicLoadBalancerSecurityGroup ({group})") in text.stdout
    assert f"added by arn:aws:iam::{ACCOUNT}:user/mallory at " in text.stdout
    assert "\x1b[" not in text.stdout  # no color off a terminal
    assert "1 drift (1 rule-added) in 4 stacks" in text.output


def test_a_revoked_declared_rule_is_reported_missing_where_it_is_declared(server):
    deploy(server)
    web = physical(server, "web-api-dev-network", "WebTaskSecurityGroup")
    balancer = physical(server, "web-api-dev-network", "PublicLoadBalancerSecurityGroup")
    revoke(server, web, 8080, balancer)
    code, report = drift()
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], finding["resource"]) == ("DRIFT002", "WebTaskIngressFromPublicLoadBalancer")
    assert finding["subject"] == (f"ingress tcp/8080 from web-api-dev-network/PublicLoadBalancerSecurityGroup "
                                  f"({balancer}) on web-api-dev-network/WebTaskSecurityGroup ({web})")
    lines = Path(finding["file"]).read_text().splitlines()
    assert lines[finding["line"] - 1] == "  WebTaskIngressFromPublicLoadBalancer:"


def test_a_declared_rule_modified_in_place_is_one_added_and_one_missing(server):
    """ModifySecurityGroupRules keeps the rule's id: HTTPS 443 from the internet becomes SSH 22. The added rule is
    attributed to that call through the rule id CloudTrail records."""
    deploy(server)
    ec2 = server.client("ec2")
    group = physical(server, "web-api-dev-network", "PublicLoadBalancerSecurityGroup")
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group]}])["SecurityGroupRules"]
    (https,) = [r["SecurityGroupRuleId"] for r in rules if not r["IsEgress"] and r["FromPort"] == 443]
    ec2.modify_security_group_rules(GroupId=group, SecurityGroupRules=[{"SecurityGroupRuleId": https,
                                                                         "SecurityGroupRule": {
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "0.0.0.0/0", "Description": "debug"}}])
    code, report = drift(ENV, "--no-stack-drift")
    assert code == 1
    added, missing = report["findings"]
    assert (added["rule"], added["details"]["rule_id"]) == ("DRIFT001", https)
    assert added["subject"].startswith("ingress tcp/22 from 0.0.0.0/0 on ")
    assert added["details"]["event"] == "ModifySecurityGroupRules"
    assert added["details"]["description"] == "debug"
    assert (missing["rule"], missing["resource"]) == ("DRIFT002", "PublicLoadBalancerSecurityGroup")
    assert missing["subject"].startswith("ingress tcp/443 from 0.0.0.0/0 on ")


def test_the_vpc_default_group_regaining_a_rule_is_reported(server):
    deploy(server)
    ec2 = server.client("ec2")
    vpc = physical(server, "web-api-dev-network", "Vpc")
    (default,) = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                       {"Name": "group-name", "Values": ["default"]}])[
        "SecurityGroups"]
    assert ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [default["GroupId"]]}])[
        "SecurityGroupRules"] == []  # the restriction emptied it at deploy
    ec2.authorize_security_group_egress(GroupId=default["GroupId"], IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    code, report = drift()
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], finding["resource"]) == ("DRIFT003", "DefaultSecurityGroupRestriction")
    assert finding["subject"] == f"egress all traffic to 0.0.0.0/0 on the default group {default['GroupId']} of {vpc}"


def test_an_interface_attached_to_a_group_outside_the_layout_is_reported(server):
    deploy(server)
    ec2 = server.client("ec2")
    vpc = physical(server, "web-api-dev-network", "Vpc")
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    foreign = ec2.create_security_group(GroupName="debug", Description="debug access", VpcId=vpc)["GroupId"]
    eni = ec2.create_network_interface(SubnetId=subnet, Groups=[foreign], Description="debug box")[
        "NetworkInterface"]["NetworkInterfaceId"]
    code, report = drift()
    assert code == 1
    (finding,) = report["findings"]
    assert finding["rule"] == "DRIFT004"
    assert finding["subject"] == f"{eni} (debug box) uses {foreign} (debug)"


# ---- groups and rules in other stacks than the network's (as the quota split makes them) ------------------------

NETWORK = """\
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.9.0.0/16}
  AppGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      VpcId: !Ref Vpc
      SecurityGroupEgress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0, Description: HTTPS out}
Outputs:
  VpcId:
    Value: !Ref Vpc
    Export: {Name: !Sub '${AWS::StackName}-VpcId'}
  AppGroupId:
    Value: !GetAtt AppGroup.GroupId
    Export: {Name: !Sub '${AWS::StackName}-AppGroupId'}
"""
EDGE = """\
Resources:
  EdgeGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: edge
      VpcId: !ImportValue net-VpcId
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0, Description: HTTPS in}
  AppFromEdge:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !ImportValue net-AppGroupId
      IpProtocol: tcp
      FromPort: 8080
      ToPort: 8080
      SourceSecurityGroupId: !GetAtt EdgeGroup.GroupId
      Description: from edge
"""


def test_groups_and_rules_are_followed_across_stacks_through_imports(server, tmp_path):
    env_dir = write_environment(tmp_path / "env", {"net": NETWORK, "edge": EDGE})
    deploy(server, env_dir)
    code, report = drift(env_dir)
    assert code == 0, report
    assert report["checked"]["security_groups"] == 2
    app, edge = physical(server, "net", "AppGroup"), physical(server, "edge", "EdgeGroup")
    revoke(server, app, 8080, edge)
    server.client("ec2").authorize_security_group_ingress(GroupId=edge, IpPermissions=[OPEN_SSH])
    code, report = drift(env_dir)
    assert code == 1
    assert [(f["rule"], f["stack"], f["resource"]) for f in report["findings"]] == [
        ("DRIFT001", "edge", "EdgeGroup"), ("DRIFT002", "edge", "AppFromEdge")]
    assert report["findings"][1]["details"]["group_id"] == app


def test_sarif_names_the_rule_and_the_template_line(server):
    deploy(server)
    group = physical(server, "web-api-dev-network", "WebTaskSecurityGroup")
    server.client("ec2").authorize_security_group_ingress(GroupId=group, IpPermissions=[OPEN_SSH])
    result = run("drift", str(ENV), "--format", "sarif", "--no-stack-drift")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    (sarif_run,) = log["runs"]
    assert log["version"] == "2.1.0"
    assert [r["id"] for r in sarif_run["tool"]["driver"]["rules"]] == [f"DRIFT00{i}" for i in range(1, 7)]
    (found,) = sarif_run["results"]
    assert found["ruleId"] == "DRIFT001" and found["level"] == "error"
    location = found["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("web-api-dev-network.template.yaml")
    assert location["region"]["startLine"] > 0
    assert "ingress tcp/22 from 0.0.0.0/0" in found["message"]["text"]


def test_cloudtrail_denied_is_a_note_and_the_finding_stands(server, monkeypatch):
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.core.exceptions import JsonRESTError

    def denied(self):
        raise JsonRESTError("AccessDeniedException", "not authorized to perform: cloudtrail:LookupEvents")

    deploy(server)
    monkeypatch.setattr(CloudTrailResponse, "lookup_events", denied, raising=False)
    group = physical(server, "web-api-dev-network", "WebTaskSecurityGroup")
    server.client("ec2").authorize_security_group_ingress(GroupId=group, IpPermissions=[OPEN_SSH])
    code, report = drift(ENV, "--no-stack-drift")
    assert code == 1
    (finding,) = report["findings"]
    assert "added_by" not in finding["details"]
    assert report["notes"] == ["CloudTrail LookupEvents unavailable (AccessDeniedException): who added the rules "
                               "and when is not shown"]


def test_drift_detection_that_does_not_finish_in_time_is_a_note(server, monkeypatch):
    from moto.cloudformation.responses import CloudFormationResponse

    deploy(server)
    original = CloudFormationResponse.describe_stack_drift_detection_status

    def still_running(self):
        result = original(self)
        result.result["DetectionStatus"] = "DETECTION_IN_PROGRESS"
        return result

    monkeypatch.setattr(CloudFormationResponse, "describe_stack_drift_detection_status", still_running)
    code, report = drift(ENV, "--stack-drift-timeout", "1")
    assert code == 0
    assert report["checked"]["stacks_drift_detected"] == 0
    assert "web-api-dev-network: CloudFormation drift detection did not finish within 1s: its result is not " \
           "merged" in report["notes"]


# ---- not drift: exit 2, one line -------------------------------------------------------------------------------

def test_a_stack_not_deployed_is_one_line_and_exit_2(server):
    result = run("drift", str(ENV))
    assert result.exit_code == 2
    (line,) = result.output.splitlines()
    assert line.startswith("web-api-dev-network: not deployed (deploy the environment first: stackprint deploy ")


def test_missing_directory_and_missing_credentials_are_exit_2(monkeypatch, tmp_path):
    from emulator import _free_port, fake_credentials

    missing = run("drift", str(tmp_path / "nope"))
    assert missing.exit_code == 2 and len(missing.output.splitlines()) == 1 and "not a directory" in missing.output
    fake_credentials(monkeypatch)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = run("drift", str(ENV))
    assert result.exit_code == 2
    (line,) = result.output.splitlines()
    assert "no AWS credentials found" in line


def test_a_denied_required_call_is_one_line_and_exit_2_not_drift(server, monkeypatch):
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.responses.security_groups import SecurityGroups

    def denied(self):
        raise EC2ClientError("UnauthorizedOperation", "You are not authorized to perform this operation.")

    deploy(server)
    monkeypatch.setattr(SecurityGroups, "describe_security_group_rules", denied)
    result = run("drift", str(ENV))
    assert result.exit_code == 2
    (line,) = result.output.splitlines()
    assert line == "UnauthorizedOperation: You are not authorized to perform this operation."


def test_a_deleted_group_is_reported_with_cloudformations_word(server):
    deploy(server)
    group = physical(server, "web-api-dev-network", "WorkerTaskSecurityGroup")
    server.client("ec2").delete_security_group(GroupId=group)
    code, report = drift()
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], finding["resource"]) == ("DRIFT005", "WorkerTaskSecurityGroup")
    assert finding["subject"] == f"security group web-api-dev-network/WorkerTaskSecurityGroup ({group}) no longer exists"
    (confirmed,) = finding["details"]["cloudformation"]
    assert confirmed["status"] == "DELETED"
