"""The Python API `stackprint build` calls as its gate: audit_document on a loaded Document."""
from __future__ import annotations

import dataclasses

import pytest

from generator.audit import Finding, Policy, audit_document
from generator.errors import InputError
from generator.load import load_text

TEMPLATE = """\
Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 3306, ToPort: 3306, CidrIp: 0.0.0.0/0, Description: mysql}
      SecurityGroupEgress:
        - {IpProtocol: icmp, FromPort: 252, ToPort: 86, CidrIp: 255.255.255.255/32, Description: Disallow all traffic}
    Metadata:
      stackprint:
        ignore:
          - {rule: SG007, reason: "exported to the service stacks by name"}
  Logs:
    Type: AWS::Logs::LogGroup
"""


def doc():
    return load_text(TEMPLATE, "out/net.yaml", cfn=True)


def test_findings_are_frozen_sorted_and_point_at_the_offending_rule():
    findings = audit_document(doc())
    assert [(f.rule, f.resource, f.line) for f in findings] == [
        ("SG001", "Web", 7), ("SG005", "Web", 7), ("LOG001", "Logs", 14)]
    assert all(isinstance(f, Finding) and f.file == "out/net.yaml" for f in findings)
    assert findings[0].keypath == ("Resources", "Web", "Properties", "SecurityGroupIngress", 0)
    assert findings[0].severity == "critical"
    with pytest.raises(dataclasses.FrozenInstanceError):
        findings[0].line = 1


def test_select_ignore_and_policy_through_the_api():
    assert [f.rule for f in audit_document(doc(), select=("SG",), ignore=("SG005",))] == ["SG001"]
    relaxed = Policy(high_risk_ports=frozenset({22}), authorized_public_ports=frozenset({3306}))
    assert [f.rule for f in audit_document(doc(), policy=relaxed)] == ["LOG001"]


def test_a_document_that_is_not_a_template_is_an_input_error():
    with pytest.raises(InputError) as error:
        audit_document(load_text("[1, 2]\n", "x.json", cfn=True))
    assert str(error.value).startswith("x.json:1:1: not a CloudFormation template")
