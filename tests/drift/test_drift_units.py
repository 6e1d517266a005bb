"""The parts of `stackprint drift` that need no AWS: rules normalised alike on both sides, the expected layout read
from templates split across stacks (imports, deployed parameter values, values known only at deploy time), and
CloudTrail attribution on event shapes as CloudTrail records them. The end-to-end scenarios against the emulator
are tests/test_drift_command.py."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from generator.deploy.environment import load_environment
from generator.drift import compare, trail
from generator.drift.expected import Deployment, read_layout
from generator.drift.findings import Finding
from generator.drift.rules import RuleShape, from_api

# ---- rules ------------------------------------------------------------------------------------------------------


def test_api_rules_are_normalised_as_templates_are():
    assert from_api({"IsEgress": False, "IpProtocol": "6", "FromPort": 22, "ToPort": 22,
                     "CidrIpv4": "10.1.2.3/8"}) == RuleShape("ingress", "tcp", 22, 22, "cidr", "10.0.0.0/8")
    assert from_api({"IsEgress": True, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1,
                     "CidrIpv6": "::/0"}).text() == "egress all traffic to ::/0"
    icmp = from_api({"IsEgress": True, "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86,
                     "CidrIpv4": "255.255.255.255/32"})
    assert icmp.text() == "egress icmp type 252 code 86 to 255.255.255.255/32"
    peer = from_api({"IsEgress": False, "IpProtocol": "tcp", "FromPort": 80, "ToPort": 81,
                     "ReferencedGroupInfo": {"GroupId": "sg-1", "UserId": "1"}})
    assert peer.text(lambda group: f"<{group}>") == "ingress tcp/80-81 from <sg-1>"
    assert from_api({"IsEgress": False, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                     "PrefixListId": "pl-1"}).peer_kind == "prefix-list"


# ---- the expected layout --------------------------------------------------------------------------------------

NET = """\
Parameters:
  Office: {Type: String, Default: 198.51.100.0/24}
  Debug: {Type: String, Default: 'no'}
Conditions:
  DebugOn: !Equals [!Ref Debug, 'yes']
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.9.0.0/16}
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref Office}
        - {IpProtocol: tcp, FromPort: !If [DebugOn, 9000, 9001], ToPort: !If [DebugOn, 9000, 9001],
           CidrIp: !GetAtt Vpc.CidrBlock}
  Restrict:
    Type: Custom::VpcDefaultSecurityGroupRestriction
    Properties: {ServiceToken: arn:aws:lambda:us-east-1:1:function:f, DefaultSecurityGroupId: !GetAtt Vpc.DefaultSecurityGroup}
Outputs:
  AppId:
    Value: !GetAtt App.GroupId
    Export: {Name: !Sub '${AWS::StackName}-AppId'}
"""
EDGE = """\
Resources:
  Edge:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: edge
      SecurityGroupEgress:
        - {IpProtocol: tcp, FromPort: 8080, ToPort: 8080, DestinationSecurityGroupId: !ImportValue net-AppId}
  AppFromEdge:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !ImportValue net-AppId
      IpProtocol: '6'
      FromPort: 8080
      ToPort: 8080
      SourceSecurityGroupId: !Ref Edge
"""


def environment(tmp_path, stacks: dict[str, str]):
    entries = []
    for name, text in stacks.items():
        (tmp_path / f"{name}.template.yaml").write_text(text)
        (tmp_path / f"{name}.config.json").write_text(json.dumps({"Parameters": {}, "Tags": {}}))
        entries.append({"stack_name": name, "template": f"{name}.template.yaml", "config": f"{name}.config.json"})
    (tmp_path / "stacks.json").write_text(json.dumps(entries))
    return load_environment(str(tmp_path))


def deployment(office: str = "203.0.113.0/24") -> Deployment:
    return Deployment({"net": {"Office": office, "Debug": "no"}, "edge": {}},
                      {"net": {"Vpc": "vpc-1", "App": "sg-app", "Restrict": "restrict-1"},
                       "edge": {"Edge": "sg-edge", "AppFromEdge": "sg-app"}},
                      vpc_cidr=lambda vpc_id: {"vpc-1": "10.9.0.0/16"}[vpc_id])


def shapes(layout, group_id: str) -> list[tuple]:
    return sorted((rule.shape.text(), rule.place.name, rule.optional) for rule in layout.groups[group_id].rules)


def test_groups_and_rules_are_read_from_every_stack_at_deployed_values(tmp_path):
    layout = read_layout(environment(tmp_path, {"net": NET, "edge": EDGE}), deployment())
    assert sorted(layout.groups) == ["sg-app", "sg-edge"]
    assert shapes(layout, "sg-app") == [
        ("egress all traffic to 0.0.0.0/0", "net/App", False),          # no inline egress: EC2's default stays
        ("egress all traffic to ::/0", "net/App", True),
        ("ingress tcp/22 from 203.0.113.0/24", "net/App", False),      # the deployed value, not the default
        ("ingress tcp/8080 from sg-edge", "edge/AppFromEdge", False),  # standalone, in another stack, via import
        ("ingress tcp/? from 10.9.0.0/16", "net/App", False),          # Fn::If: known only at deploy time
    ]
    assert shapes(layout, "sg-edge") == [("egress tcp/8080 to sg-app", "edge/Edge", False)]
    assert list(layout.vpcs) == ["vpc-1"] and layout.closed_default_groups["vpc-1"].name == "net/Restrict"
    assert layout.groups["sg-app"].place.line == 10  # the line of `  App:` in net.template.yaml


def api(direction: str, protocol: str, low: int, high: int, cidr: str = "", group: str = "", rule_id: str = "r"):
    rule = {"SecurityGroupRuleId": rule_id, "GroupId": "sg-app", "IsEgress": direction == "egress",
            "IpProtocol": protocol, "FromPort": low, "ToPort": high}
    if cidr:
        rule["CidrIpv4"] = cidr
    if group:
        rule["ReferencedGroupInfo"] = {"GroupId": group}
    return rule


def test_a_rule_known_only_at_deploy_time_matches_what_agrees_and_is_never_reported_missing(tmp_path):
    layout = read_layout(environment(tmp_path, {"net": NET, "edge": EDGE}), deployment())
    deployed = [api("egress", "-1", -1, -1, cidr="0.0.0.0/0", rule_id="r1"),
                api("ingress", "tcp", 22, 22, cidr="203.0.113.0/24", rule_id="r2"),
                api("ingress", "tcp", 8080, 8080, group="sg-edge", rule_id="r3"),
                api("ingress", "tcp", 9001, 9001, cidr="10.9.0.0/16", rule_id="r4")]
    findings, notes = compare.compare_group(layout.groups["sg-app"], deployed, layout)
    assert findings == [] and notes == []
    # the 9001 rule replaced by one that does not agree on the known peer: added, and the unknown one unverified
    deployed[3] = api("ingress", "tcp", 9001, 9001, cidr="0.0.0.0/0", rule_id="r5")
    findings, notes = compare.compare_group(layout.groups["sg-app"], deployed, layout)
    assert [(f.rule, f.subject) for f in findings] == [("DRIFT001", "ingress tcp/9001 from 0.0.0.0/0 on net/App "
                                                                    "(sg-app)")]
    assert notes == ["net/App: ingress tcp/? from 10.9.0.0/16 has values known only at deploy time and matches no "
                     "deployed rule: not verified"]
    # a certain rule gone: missing, pointing at the stack and resource that declare it
    findings, _ = compare.compare_group(layout.groups["sg-app"], deployed[:2] + deployed[3:], layout)
    assert [(f.rule, f.stack, f.resource) for f in findings] == [("DRIFT001", "net", "App"),
                                                                  ("DRIFT002", "edge", "AppFromEdge")]


# ---- CloudTrail attribution -------------------------------------------------------------------------------------

AUTHORIZE = {  # the shape CloudTrail records for AuthorizeSecurityGroupIngress (since rule ids exist)
    "eventVersion": "1.08", "eventSource": "ec2.amazonaws.com", "eventName": "AuthorizeSecurityGroupIngress",
    "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/Admin/alice",
                     "principalId": "AROAEXAMPLE:alice"},
    "requestParameters": {"groupId": "sg-app", "ipPermissions": {"items": [{
        "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": {},
        "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {}, "prefixListIds": {}}]}},
    "responseElements": {"requestId": "r", "_return": True, "securityGroupRuleSet": {"items": [{
        "groupOwnerId": "111122223333", "groupId": "sg-app", "securityGroupRuleId": "sgr-new", "isEgress": False,
        "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "cidrIpv4": "0.0.0.0/0"}]}},
}
MODIFY = {  # ModifySecurityGroupRules: one rule is recorded as the object itself, not a list
    "eventName": "ModifySecurityGroupRules", "userIdentity": {"arn": "arn:aws:iam::111122223333:user/bob"},
    "requestParameters": {"ModifySecurityGroupRulesRequest": {"GroupId": "sg-app", "SecurityGroupRule": {
        "SecurityGroupRuleId": "sgr-mod", "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 22,
                                                                "ToPort": 22, "CidrIpv4": "0.0.0.0/0"}}}},
    "responseElements": {"ModifySecurityGroupRulesResponse": {"return": True}},
}


class History:
    """CloudTrail's event history as LookupEvents pages it (a recorded list, not AWS)."""

    def __init__(self, events):
        self.events = events
        self.calls = 0

    def lookup_events(self, **arguments):
        self.calls += 1
        assert arguments["LookupAttributes"] == [{"AttributeKey": "ResourceName", "AttributeValue": "sg-app"}]
        return {"Events": [{"EventName": e["eventName"], "EventTime": datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc),
                            "Username": "x", "CloudTrailEvent": json.dumps(e)} for e in self.events]}


def added(rule_id: str) -> Finding:
    return Finding("DRIFT001", "net", "App", "s", details={
        "group_id": "sg-app", "rule_id": rule_id,
        "rule": RuleShape("ingress", "tcp", 22, 22, "cidr", "0.0.0.0/0").as_dict()})


def test_the_event_that_created_or_modified_the_rule_names_who_and_when():
    findings = [added("sgr-new"), added("sgr-mod"), added("sgr-unrelated")]
    history = History([MODIFY, AUTHORIZE])
    assert trail.attribute(history, findings) == []
    assert history.calls == 1  # one lookup per group
    assert findings[0].details["added_by"] == "arn:aws:sts::111122223333:assumed-role/Admin/alice"
    assert findings[0].details["added_at"] == "2026-11-02T09:30:00Z"
    assert findings[1].details["added_by"] == "arn:aws:iam::111122223333:user/bob"
    assert findings[1].details["event"] == "ModifySecurityGroupRules"
    # an event without rule ids (older shape) still matches by what it authorized
    assert findings[2].details["event"] == "AuthorizeSecurityGroupIngress"
    older = dict(AUTHORIZE, responseElements={"_return": True})
    lone = [added("sgr-old")]
    trail.attribute(History([older]), lone)
    assert lone[0].details["added_by"].endswith("/alice")


# ---- merging CloudFormation's drift detection ----------------------------------------------------------------------

def test_cloudformation_drift_is_merged_into_the_findings_it_explains(tmp_path):
    from generator.drift.run import merge_stack_drift
    from generator.drift.stackdrift import ResourceDrift

    layout = read_layout(environment(tmp_path, {"net": NET, "edge": EDGE}), deployment())
    rule_added = added("sgr-new")
    inline = (("/SecurityGroupIngress/2", "ADD", "null", '{"CidrIp":"0.0.0.0/0"}'),)
    drifts = [
        ResourceDrift("net", "App", "AWS::EC2::SecurityGroup", "sg-app", "MODIFIED", inline),
        ResourceDrift("edge", "Edge", "AWS::EC2::SecurityGroup", "sg-edge", "MODIFIED",
                      (("/SecurityGroupEgress/1", "ADD", "null", "{}"),)),
        ResourceDrift("net", "Vpc", "AWS::EC2::VPC", "vpc-1", "MODIFIED",
                      (("/EnableDnsHostnames", "NOT_EQUAL", "true", "false"),)),
    ]
    notes: list[str] = []
    extra = merge_stack_drift([rule_added], drifts, layout, notes)
    # the group with a rule finding: CloudFormation's word is attached to it
    assert [d["resource"] for d in rule_added.details["cloudformation"]] == ["App"]
    # the group whose rules all match the templates: CloudFormation's inline-list view is a note, not drift
    assert notes == ["edge/Edge: CloudFormation drift detection reports its inline rules MODIFIED, but the group's "
                     "rules are exactly those the templates declare (standalone rule resources count as drift to "
                     "CloudFormation): not drift"]
    # anything else is a finding of its own, with the property differences
    (vpc,) = extra
    assert (vpc.rule, vpc.subject) == ("DRIFT006", "net/Vpc (AWS::EC2::VPC) MODIFIED")
    assert (Path(vpc.file).name, vpc.line) == ("net.template.yaml", 7)
    assert vpc.details["differences"] == [{"path": "/EnableDnsHostnames", "type": "NOT_EQUAL", "expected": "true",
                                           "actual": "false"}]


def test_interfaces_of_a_shared_vpc_count_only_when_they_wear_a_layout_group(tmp_path):
    layout = read_layout(environment(tmp_path, {"net": NET, "edge": EDGE}), deployment())
    interfaces = [
        {"NetworkInterfaceId": "eni-own", "VpcId": "vpc-1", "Groups": [{"GroupId": "sg-x", "GroupName": "x"}]},
        {"NetworkInterfaceId": "eni-nat", "VpcId": "vpc-1", "Groups": [], "InterfaceType": "nat_gateway"},
        {"NetworkInterfaceId": "eni-app", "VpcId": "vpc-1", "Groups": [{"GroupId": "sg-app"}]},
        {"NetworkInterfaceId": "eni-other", "VpcId": "vpc-shared", "Groups": [{"GroupId": "sg-y"}]},
        {"NetworkInterfaceId": "eni-mixed", "VpcId": "vpc-shared", "Description": "task",
         "Groups": [{"GroupId": "sg-edge"}, {"GroupId": "sg-z", "GroupName": "z"}]},
    ]
    findings = compare.compare_interfaces(layout, interfaces, {})
    assert [(f.resource, f.subject) for f in findings] == [("eni-own", "eni-own (interface) uses sg-x (x)"),
                                                            ("eni-mixed", "eni-mixed (task) uses sg-z (z)")]
    assert (findings[0].stack, findings[0].line) == ("net", 7)  # the VPC it is in


APP = """\
Parameters:
  CommonSecurityGroupId: {Type: 'AWS::EC2::SecurityGroup::Id'}
Resources:
  Service:
    Type: AWS::ECS::Service
    Properties:
      Cluster: c
      TaskDefinition: t
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: [subnet-1]
          SecurityGroups: [!ImportValue net-AppId, !Ref CommonSecurityGroupId]
"""


def test_a_group_a_service_attaches_from_outside_the_templates_is_not_drift_on_its_interfaces(tmp_path):
    """security_groups: the central group (a parameter, at its deployed value) is declared by the service that
    attaches it: an interface wearing it beside the layout's group is no finding; any other foreign group still is."""
    env = environment(tmp_path, {"net": NET, "edge": EDGE, "app": APP})
    deployed = deployment()
    deployed.parameters["app"] = {"CommonSecurityGroupId": "sg-central"}
    deployed.resources["app"] = {"Service": "arn:aws:ecs:us-east-1:1:service/c/app"}
    layout = read_layout(env, deployed)
    assert list(layout.attached) == ["sg-central"]
    assert (layout.attached["sg-central"].stack, layout.attached["sg-central"].logical_id) == ("app", "Service")
    assert "sg-central" not in layout.groups  # its rules are managed elsewhere: never compared
    interfaces = [
        {"NetworkInterfaceId": "eni-task", "VpcId": "vpc-1", "Description": "task",
         "Groups": [{"GroupId": "sg-app"}, {"GroupId": "sg-central"}]},
        {"NetworkInterfaceId": "eni-debug", "VpcId": "vpc-1", "Description": "debug",
         "Groups": [{"GroupId": "sg-app"}, {"GroupId": "sg-other"}]},
    ]
    findings = compare.compare_interfaces(layout, interfaces, {})
    assert [(f.resource, f.subject) for f in findings] == [("eni-debug", "eni-debug (debug) uses sg-other")]
    # without the service's parameter at its deployed value the same interface is foreign: the test can fail
    bare = read_layout(environment(tmp_path, {"net": NET, "edge": EDGE}), deployment())
    assert len(compare.compare_interfaces(bare, interfaces, {})) == 2
