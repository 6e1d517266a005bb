"""Regressions from auditing public templates nobody here wrote (issue 13): wrong firings that must stay fixed, and
parameters judged at their defaults (the deployed-by-default case), each on a small fixture in regressions/."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.audit import audit_document, load_template

HERE = Path(__file__).parent / "regressions"
DEFAULT_SSH = " (open to the world when deployed with the default value of parameter SSHLocation)"


def findings(name: str, *rules: str) -> list[tuple]:
    found = audit_document(load_template(str(HERE / name)))
    return [(f.rule, f.resource, f.line, f.message) for f in found if not rules or f.rule in rules]


def test_ssh_location_defaulting_to_the_internet_is_reported_and_says_so():
    assert findings("ssh_location_default.yaml", "SG001", "NET003", "SG005") == [
        ("NET003", "InstanceSecurityGroup", 18, "ingress tcp 22 from 0.0.0.0/0 reaches group InstanceSecurityGroup, "
                                                "attached to AWS::EC2::Instance" + DEFAULT_SSH),
        ("SG001", "InstanceSecurityGroup", 18, "ingress tcp 22 from 0.0.0.0/0 opens high-risk port 22 to a "
                                               "non-private source" + DEFAULT_SSH),
        ("SG005", "InstanceSecurityGroup", 18, "ingress tcp 22 from 0.0.0.0/0 is open to the internet on a port "
                                               "outside the authorized public ports (80, 443)" + DEFAULT_SSH),
    ]


def test_a_parameter_without_default_stays_unknown():
    """RDP from !Ref AdminLocation (no Default) gives nothing: only defaults are assumed, never guesses."""
    assert not [f for f in findings("ssh_location_default.yaml") if "3389" in f[3]]


def test_public_ip_and_scheme_chosen_by_parameter_defaults():
    assert findings("public_ip_default.yaml", "ECS001", "ELB001") == [
        ("ECS001", "Service", 26, "service assigns public IPs to its tasks (AssignPublicIp ENABLED) (when deployed "
                                  "with the default value of parameter SubnetKind)"),
        ("ELB001", "HttpListener", 39, "internet-facing HTTP listener's default action is not a redirect to HTTPS "
                                       "(when deployed with the default value of parameter LoadBalancerScheme)"),
    ]


def test_private_defaults_and_pseudo_parameter_conditions_give_nothing():
    """Defaults that choose the private branch report nothing; a condition on AWS::Region stays unknown."""
    assert findings("public_ip_private_default.yaml", "ECS001", "ELB001") == []


def test_interface_endpoint_group_is_not_net003_even_without_internet_gateway():
    assert findings("endpoint_group_no_igw.yaml", "NET003") == []


def test_conditional_item_does_not_hide_the_unconditional_ones():
    assert findings("conditional_group_item.yaml", "NET003") == [
        ("NET003", "WebGroup", 16, "ingress tcp 443 from 0.0.0.0/0 reaches group WebGroup, attached to "
                                   "AWS::EC2::Instance"),
    ]


def test_classic_elb_with_conditional_access_logging_policy_is_not_elb004():
    assert findings("classic_elb_conditional_logs.yaml", "ELB004") == []


def test_tcp_only_nlb_is_not_asked_for_access_logs_but_a_tls_one_is():
    assert [(r, res) for r, res, _line, _m in findings("nlb_tcp_only.yaml", "ELB004")] == [("ELB004", "TlsBalancer")]


def test_all_protocols_on_a_load_balancer_only_group_is_sg002_not_sg001():
    found = findings("alb_all_protocols.yaml", "SG001", "SG002")
    assert [(r, res) for r, res, _line, _m in found] == [
        ("SG002", "LoadBalancerGroup"), ("SG001", "InstanceGroup"), ("SG002", "InstanceGroup")]


@pytest.mark.parametrize("name", sorted(p.name for p in HERE.glob("*.yaml")))
def test_regression_fixtures_are_valid_cloudformation(name):
    from cfnlint.api import lint_file

    matches = lint_file(HERE / name)
    assert [(m.rule.id, m.linenumber, m.message) for m in matches if m.rule.id[0] in "EW"] == []


@pytest.mark.parametrize("default, expected", [
    ("    Default: application\n", [("ELB004", "Balancer", " (when deployed with the default value of parameter "
                                                          "LbType)")]),
    ("", []),  # no default: the type is unknown, so nothing is certain
])
def test_load_balancer_type_from_a_parameter_is_read_at_its_default(tmp_path, default, expected):
    path = tmp_path / "lb.yaml"
    path.write_text("Parameters:\n  LbType:\n    Type: String\n" + default +
                    "Resources:\n  Balancer:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n"
                    "    Properties:\n      Type: !Ref LbType\n      Subnets: [subnet-1, subnet-2]\n")
    found = [(f.rule, f.resource, f.message[len("load balancer does not write access logs"):])
             for f in audit_document(load_template(str(path))) if f.rule == "ELB004"]
    assert found == expected


def test_a_missing_description_names_the_parameter_not_its_default(tmp_path):
    """SG009's verdict does not depend on the peer, so it names the parameter and adds no "when deployed" note."""
    text = (HERE / "ssh_location_default.yaml").read_text().replace("          Description: ssh\n", "", 1)
    path = tmp_path / "t.yaml"
    path.write_text(text)
    found = [f.message for f in audit_document(load_template(str(path))) if f.rule == "SG009"]
    assert found == ["ingress rule tcp 22 (parameter SSHLocation) has no Description"]


def test_a_peer_group_given_by_a_function_is_described_in_words(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("Parameters:\n  Peer:\n    Type: AWS::EC2::SecurityGroup::Id\nResources:\n  G:\n"
                    "    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n"
                    "      SecurityGroupIngress:\n        - {IpProtocol: '-1', SourceSecurityGroupId: !Ref Peer}\n")
    found = [f.message for f in audit_document(load_template(str(path))) if f.rule == "SG002"]
    assert found == ["ingress from a group given by a function allows all protocols and ports (IpProtocol -1)"]
