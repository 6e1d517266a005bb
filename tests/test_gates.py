"""The build's gates: cfn-lint first, then the security audit at every severity."""
from __future__ import annotations

import pytest

from generator import compile as compile_module
from generator import lint


def test_cfn_lint_is_the_first_gate():
    assert compile_module.GATES[0] is lint.gate


@pytest.mark.slow
def test_audit_gate_is_registered_and_passes_every_example(fresh_build):
    assert compile_module.audit_gate in compile_module.GATES
    templates = {path: data.decode() for path, data in fresh_build.files().items() if path.endswith(".yaml")}
    assert compile_module.audit_gate(templates) == []


def test_audit_gate_reports_an_open_group_as_a_finding():
    template = """\
Resources:
  Open:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: open
      VpcId: vpc-1
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
"""
    findings = compile_module.audit_gate({"x/dev/x.template.yaml": template})
    assert findings and all(f.path == "x/dev/x.template.yaml" for f in findings)
