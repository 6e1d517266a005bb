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
from generator.load import load_file
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


def declared(env_dir: Path = ENV):
    """(stack, logical id, resource) of every resource of the environment's templates, in stacks.json order: the
    tests find the groups they change by what they are, not by which stack holds them (the quota split moves them)."""
    for entry in json.loads((env_dir / "stacks.json").read_text()):
        doc = load_file(str(env_dir / entry["template"]), cfn=True)
        for logical_id, resource in doc.data["Resources"].items():
            yield entry["stack_name"], logical_id, resource


def first(predicate, env_dir: Path = ENV) -> tuple[str, str, dict]:
    return next(item for item in declared(env_dir) if predicate(item[2]))


def is_public_https_group(resource: dict) -> bool:
    return resource["Type"] == "AWS::EC2::SecurityGroup" and any(
        rule.get("CidrIp") == "0.0.0.0/0" and rule.get("FromPort") == 443
        for rule in resource["Properties"].get("SecurityGroupIngress", []))


def is_group_to_group_ingress(resource: dict) -> bool:
    return resource["Type"] == "AWS::EC2::SecurityGroupIngress" and "SourceSecurityGroupId" in resource["Properties"]


def is_worker_group(resource: dict) -> bool:
    return (resource["Type"] == "AWS::EC2::SecurityGroup"
            and resource["Properties"]["GroupDescription"].endswith(" worker tasks"))


def of_type(kind: str):
    return lambda resource: resource["Type"] == kind


def line_of(finding: dict) -> str:
    return Path(finding["file"]).read_text().splitlines()[finding["line"] - 1]


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


def group_named(server, stack: str, value) -> str:
    """The group id a template value names: ``!GetAtt Group.GroupId`` / ``!Ref Group`` in ``stack``, or an
    ``!ImportValue`` of another stack's export."""
    if "Fn::ImportValue" in value:
        exports = server.client("cloudformation").list_exports()["Exports"]
        (found,) = [e["Value"] for e in exports if e["Name"] == value["Fn::ImportValue"]]
        return found
    if "Ref" in value:
        return physical(server, stack, value["Ref"])
    target = value["Fn::GetAtt"]
    return physical(server, stack, target.split(".")[0] if isinstance(target, str) else target[0])


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
    stack, balancer, _ = first(is_public_https_group)
    group = physical(server, stack, balancer)
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[OPEN_SSH])

    code, report = drift()
    assert code == 1 and report["drift"] is True
    (finding,) = report["findings"]
    assert finding["rule"] == "DRIFT001" and finding["kind"] == "rule-added"
    assert (finding["stack"], finding["resource"]) == (stack, balancer)
    assert finding["details"]["rule"] == {"direction": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22,
                                          "peer_kind": "cidr", "peer": "0.0.0.0/0"}
    assert finding["details"]["group_id"] == group
    assert finding["details"]["added_by"] == f"arn:aws:iam::{ACCOUNT}:user/mallory"
    assert finding["details"]["event"] == "AuthorizeSecurityGroupIngress"
    (confirmed,) = finding["details"]["cloudformation"]
    assert confirmed["status"] == "MODIFIED" and confirmed["resource"] == balancer
    assert finding["file"].endswith(f"{stack}.template.yaml") and line_of(finding) == f"  {balancer}:"

    text = run("drift", str(ENV))
    assert text.exit_code == 1
    assert f"DRIFT001 rule-added: ingress tcp/22 from 0.0.0.0/0 on {stack}/{balancer} ({group})" in text.stdout
    assert f"added by arn:aws:iam::{ACCOUNT}:user/mallory at " in text.stdout
    assert "\x1b[" not in text.stdout  # no color off a terminal
    stacks = len(json.loads((ENV / "stacks.json").read_text()))
    assert f"1 drift (1 rule-added) in {stacks} stacks" in text.output


def test_a_revoked_declared_rule_is_reported_missing_where_it_is_declared(server):
    deploy(server)
    stack, logical_id, resource = first(is_group_to_group_ingress)
    props = resource["Properties"]
    group = group_named(server, stack, props["GroupId"])
    source = group_named(server, stack, props["SourceSecurityGroupId"])
    revoke(server, group, props["FromPort"], source)
    code, report = drift()
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], finding["stack"], finding["resource"]) == ("DRIFT002", stack, logical_id)
    assert finding["details"]["group_id"] == group
    assert finding["details"]["rule"] == {
        "direction": "ingress", "protocol": "tcp", "from_port": props["FromPort"], "to_port": props["ToPort"],
        "peer_kind": "group", "peer": source}
    assert finding["subject"].startswith(f"ingress tcp/{props['FromPort']} from ")
    assert line_of(finding) == f"  {logical_id}:"


def test_a_declared_rule_modified_in_place_is_one_added_and_one_missing(server):
    """ModifySecurityGroupRules keeps the rule's id: HTTPS 443 from the internet becomes SSH 22. The added rule is
    attributed to that call through the rule id CloudTrail records."""
    deploy(server)
    ec2 = server.client("ec2")
    stack, balancer, _ = first(is_public_https_group)
    group = physical(server, stack, balancer)
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
    assert (missing["rule"], missing["stack"], missing["resource"]) == ("DRIFT002", stack, balancer)
    assert missing["subject"].startswith("ingress tcp/443 from 0.0.0.0/0 on ")


def test_the_vpc_default_group_regaining_a_rule_is_reported(server):
    deploy(server)
    ec2 = server.client("ec2")
    vpc = physical(server, *first(of_type("AWS::EC2::VPC"))[:2])
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
    restriction = first(of_type("Custom::VpcDefaultSecurityGroupRestriction"))
    assert (finding["rule"], finding["stack"], finding["resource"]) == ("DRIFT003", *restriction[:2])
    assert finding["subject"] == f"egress all traffic to 0.0.0.0/0 on the default group {default['GroupId']} of {vpc}"


def test_an_interface_attached_to_a_group_outside_the_layout_is_reported(server):
    deploy(server)
    ec2 = server.client("ec2")
    vpc = physical(server, *first(of_type("AWS::EC2::VPC"))[:2])
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    foreign = ec2.create_security_group(GroupName="debug", Description="debug access", VpcId=vpc)["GroupId"]
    eni = ec2.create_network_interface(SubnetId=subnet, Groups=[foreign], Description="debug box")[
        "NetworkInterface"]["NetworkInterfaceId"]
    code, report = drift()
    assert code == 1
    (finding,) = report["findings"]
    assert finding["rule"] == "DRIFT004"
    assert finding["subject"] == f"{eni} (debug box) uses {foreign} (debug)"


def test_attached_groups_on_the_tasks_interfaces_are_not_drift_but_other_foreign_groups_are(server):
    """shared-services: web attaches a group given as a parameter, the worker one read from SSM. An interface
    wearing a task group with the group its service attaches is declared; the same interface with a group nobody
    attaches is DRIFT004."""
    env_dir = REPO / "out" / "shared-services" / "prod"
    deploy(server, env_dir)
    ec2 = server.client("ec2")
    groups = {g["GroupName"]: g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]}
    central = {name: group for name, group in groups.items() if name.startswith("central-")}
    assert sorted(central) == ["central-AttachedGroupNetworkScannerSecurityGroupId", "central-CommonSecurityGroupId"]
    task = {kind: first(lambda r, kind=kind: r["Type"] == "AWS::EC2::SecurityGroup" and r["Properties"][
        "GroupDescription"].endswith(f" {kind} tasks"), env_dir) for kind in ("web", "worker")}
    vpc = physical(server, *first(of_type("AWS::EC2::VPC"), env_dir)[:2])
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    for kind, attached in (("web", "central-CommonSecurityGroupId"),
                           ("worker", "central-AttachedGroupNetworkScannerSecurityGroupId")):
        ec2.create_network_interface(SubnetId=subnet, Description=f"{kind} task",
                                     Groups=[physical(server, *task[kind][:2]), central[attached]])
    code, report = drift(env_dir)
    assert (code, [f["rule"] for f in report["findings"]]) == (0, [])
    foreign = ec2.create_security_group(GroupName="debug", Description="debug access", VpcId=vpc)["GroupId"]
    eni = ec2.create_network_interface(SubnetId=subnet, Description="web task",
                                       Groups=[physical(server, *task["web"][:2]), foreign])[
        "NetworkInterface"]["NetworkInterfaceId"]
    code, report = drift(env_dir)
    assert code == 1
    assert [(f["rule"], f["subject"]) for f in report["findings"]] == [
        ("DRIFT004", f"{eni} (web task) uses {foreign} (debug)")]


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
    group = physical(server, *first(is_worker_group)[:2])
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
    assert location["artifactLocation"]["uri"].endswith(f"{first(is_worker_group)[0]}.template.yaml")
    assert location["region"]["startLine"] > 0
    assert "ingress tcp/22 from 0.0.0.0/0" in found["message"]["text"]


def test_cloudtrail_denied_is_a_note_and_the_finding_stands(server, monkeypatch):
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.core.exceptions import JsonRESTError

    def denied(self):
        raise JsonRESTError("AccessDeniedException", "not authorized to perform: cloudtrail:LookupEvents")

    deploy(server)
    monkeypatch.setattr(CloudTrailResponse, "lookup_events", denied, raising=False)
    group = physical(server, *first(is_worker_group)[:2])
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
    assert f"{report['stacks'][0]}: CloudFormation drift detection did not finish within 1s: its result is not " \
           "merged" in report["notes"]


# ---- not drift: exit 2, one line -------------------------------------------------------------------------------

def test_a_stack_not_deployed_is_one_line_and_exit_2(server):
    result = run("drift", str(ENV))
    assert result.exit_code == 2
    (line,) = result.output.splitlines()
    first_stack = json.loads((ENV / "stacks.json").read_text())[0]["stack_name"]
    assert line.startswith(f"{first_stack}: not deployed (deploy the environment first: stackprint deploy ")


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
    stack, worker, _ = first(is_worker_group)
    group = physical(server, stack, worker)
    server.client("ec2").delete_security_group(GroupId=group)
    code, report = drift()
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], finding["stack"], finding["resource"]) == ("DRIFT005", stack, worker)
    assert finding["subject"] == f"security group {stack}/{worker} ({group}) no longer exists"
    (confirmed,) = finding["details"]["cloudformation"]
    assert confirmed["status"] == "DELETED"
