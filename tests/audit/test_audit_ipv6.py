"""::/0 is the internet as 0.0.0.0/0 is: every audit rule that judges a rule's CIDR flags the IPv6 form of a
problem exactly as it flags the IPv4 form (same rules, same resources, same lines), inline and standalone; and a
dual-stack template with nothing wrong stays clean."""
from __future__ import annotations

import pytest
import yaml

from generator.audit import audit_document, load_template

HEADER = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SubnetId: {Type: "AWS::EC2::Subnet::Id"}
  ImageId: {Type: "AWS::EC2::Image::Id"}
Resources:
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref ImageId
      SubnetId: !Ref SubnetId
      SecurityGroupIds: [!Ref Group]
"""


def _template(direction: str, protocol: str, low: int, high: int, key: str, cidr: str, standalone: bool) -> str:
    rule = {"IpProtocol": protocol, "FromPort": low, "ToPort": high, key: cidr, "Description": "the rule"}
    inline = "SecurityGroupIngress" if direction == "ingress" else "SecurityGroupEgress"
    group = {"GroupDescription": "a group", "VpcId": "vpc-0123456789abcdef0",
             "SecurityGroupEgress": [{"IpProtocol": "icmp", "FromPort": 252, "ToPort": 86,
                                      "CidrIp": "255.255.255.255/32", "Description": "nothing"}]}
    resources = {"Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": group}}
    if standalone:
        kind = "AWS::EC2::SecurityGroupIngress" if direction == "ingress" else "AWS::EC2::SecurityGroupEgress"
        resources["Rule"] = {"Type": kind, "Properties": {"GroupId": {"Fn::GetAtt": ["Group", "GroupId"]}, **rule}}
    elif direction == "ingress":
        group[inline] = [rule]
    else:
        group[inline] = group[inline] + [rule]
    return HEADER + yaml.safe_dump({"Resources": resources}, sort_keys=True).split("Resources:\n", 1)[1]


def _findings(tmp_path, text: str, name: str) -> list[tuple]:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return sorted((f.rule, f.resource, f.line) for f in audit_document(load_template(str(path)))
                  if f.rule not in ("SG007",))  # SG007 (unattached) is about the group, not the CIDR


#: (name, direction, protocol, from, to, IPv4 CIDR, its IPv6 counterpart, rules that must fire)
CASES = [
    ("ssh-from-the-internet", "ingress", "tcp", 22, 22, "0.0.0.0/0", "::/0", {"SG001", "SG005", "NET003"}),
    ("rdp-from-the-internet", "ingress", "tcp", 3389, 3389, "0.0.0.0/0", "::/0", {"SG001", "SG005", "NET003"}),
    ("all-ports-from-the-internet", "ingress", "tcp", 0, 65535, "0.0.0.0/0", "::/0",
     {"SG001", "SG003", "SG005", "NET003"}),
    ("all-protocols-from-the-internet", "ingress", "-1", -1, -1, "0.0.0.0/0", "::/0",
     {"SG001", "SG002", "SG005", "NET003"}),
    ("https-from-the-internet-to-an-instance", "ingress", "tcp", 443, 443, "0.0.0.0/0", "::/0", {"NET003"}),
    ("ssh-from-a-wide-public-range", "ingress", "tcp", 22, 22, "8.0.0.0/8", "2001:db8::/32", {"SG001", "SG004"}),
    ("wide-public-range-on-https", "ingress", "tcp", 443, 443, "8.0.0.0/8", "2001:db8::/32", {"SG004"}),
    ("all-protocols-to-the-internet", "egress", "-1", -1, -1, "0.0.0.0/0", "::/0", {"SG006"}),
]


@pytest.mark.parametrize("standalone", [False, True], ids=["inline", "standalone"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_the_ipv6_form_is_flagged_exactly_like_the_ipv4_form(tmp_path, case, standalone):
    name, direction, protocol, low, high, v4, v6, must = case
    ipv4 = _findings(tmp_path, _template(direction, protocol, low, high, "CidrIp", v4, standalone), "v4")
    ipv6 = _findings(tmp_path, _template(direction, protocol, low, high, "CidrIpv6", v6, standalone), "v6")
    assert ipv6 == ipv4
    assert must <= {rule for rule, _, _ in ipv6}, f"{name}: {sorted(must - {r for r, _, _ in ipv6})} missing"


def test_ssh_from_the_ipv6_internet_is_critical_and_names_the_range(tmp_path):
    path = tmp_path / "ssh.yaml"
    path.write_text(_template("ingress", "tcp", 22, 22, "CidrIpv6", "::/0", standalone=False))
    (finding,) = [f for f in audit_document(load_template(str(path))) if f.rule == "SG001"]
    assert finding.severity == "critical" and "::/0" in finding.message and "22" in finding.message


def test_a_private_ipv6_range_is_not_a_public_source(tmp_path):
    """fc00::/7 (unique local) is to IPv6 what RFC 1918 is to IPv4: SSH from it is no SG001 finding."""
    path = tmp_path / "ula.yaml"
    path.write_text(_template("ingress", "tcp", 22, 22, "CidrIpv6", "fd00:1234::/48", standalone=False))
    assert [f.rule for f in audit_document(load_template(str(path))) if f.rule in ("SG001", "SG004", "SG005")] == []


def test_an_internal_balancer_admitting_the_ipv6_internet_is_flagged(tmp_path):
    text = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SubnetIds: {Type: "List<AWS::EC2::Subnet::Id>"}
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: internal balancer
      VpcId: vpc-0123456789abcdef0
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIpv6: "::/0", Description: anyone}
      SecurityGroupEgress:
        - {IpProtocol: icmp, FromPort: 252, ToPort: 86, CidrIp: 255.255.255.255/32, Description: nothing}
  Balancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internal
      Subnets: !Ref SubnetIds
      SecurityGroups: [!Ref Group]
"""
    path = tmp_path / "internal.yaml"
    path.write_text(text)
    assert "ELB007" in {f.rule for f in audit_document(load_template(str(path)))}
