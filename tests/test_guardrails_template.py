"""The committed guardrails stack (out/hardened-two-tier/prod) holds what docs/guardrails.md promises: the shipped
function code verbatim within CloudFormation's ZipFile limit, least privilege bound to the environment's stacks,
encryption and retention everywhere, reserved concurrency and a dead-letter queue."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.guardrails import ZIPFILE_LIMIT, inline_source
from generator.load import load_text

ENV = Path(__file__).resolve().parent.parent / "out" / "hardened-two-tier" / "prod"
STACK = "hardened-two-tier-prod-guardrails"


@pytest.fixture(scope="module")
def resources() -> dict:
    text = (ENV / f"{STACK}.template.yaml").read_text()
    return load_text(text, STACK, cfn=True).data["Resources"]


def test_the_function_code_is_the_shipped_module_within_the_zipfile_limit(resources):
    code = resources["AutoRevertFunction"]["Properties"]["Code"]["ZipFile"]
    assert code == inline_source("revert") and len(code) <= ZIPFILE_LIMIT


def test_revoking_is_limited_to_the_groups_of_the_environments_other_stacks(resources):
    stacks = [s["stack_name"] for s in json.loads((ENV / "stacks.json").read_text())]
    assert stacks[-1] == STACK and json.loads((ENV / "stacks.json").read_text())[-1]["depends_on"] == stacks[:-1]
    (policy,) = resources["AutoRevertRole"]["Properties"]["Policies"]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    revoke = statements["RevokeOnlyOnTheEnvironmentsGroups"]
    assert revoke["Action"] == ["ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"]
    assert revoke["Condition"] == {"StringEquals": {"aws:ResourceTag/aws:cloudformation:stack-name": sorted(stacks[:-1])}}
    writes = [a for s in statements.values() for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
              if not a.startswith(("ec2:Describe", "kms:Decrypt", "logs:"))]
    assert sorted(writes) == ["ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "kms:GenerateDataKey",
                              "sns:Publish", "sqs:SendMessage"]
    variables = resources["AutoRevertFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["STACKS"].split(",") == sorted(stacks[:-1])


def test_everything_is_encrypted_retained_and_bounded(resources):
    key = {"Fn::GetAtt": ["GuardrailsKey", "Arn"]}
    function = resources["AutoRevertFunction"]["Properties"]
    assert function["KmsKeyArn"] == key and function["ReservedConcurrentExecutions"] >= 1
    assert function["DeadLetterConfig"]["TargetArn"] == {"Fn::GetAtt": ["AutoRevertDeadLetterQueue", "Arn"]}
    assert resources["AutoRevertDeadLetterQueue"]["Properties"]["KmsMasterKeyId"] == {"Ref": "GuardrailsKey"}
    topic = resources["RevertNotificationTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Ref": "GuardrailsKey"}
    assert topic["Subscription"] == [{"Endpoint": {"Ref": "GuardrailsEmail"}, "Protocol": "email"}]
    logs = resources["AutoRevertLogGroup"]
    assert logs["Properties"]["KmsKeyId"] == key and logs["Properties"]["RetentionInDays"] == 365
    assert logs["DeletionPolicy"] == "Retain" and resources["GuardrailsKey"]["Properties"]["EnableKeyRotation"]
    assert resources["AutoRevertDeadLetterQueue"]["DeletionPolicy"] == "Retain"
    pattern = resources["SecurityGroupChangeRule"]["Properties"]["EventPattern"]
    assert pattern["detail"]["eventName"] == ["AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress",
                                              "ModifySecurityGroupRules"]


def test_a_module_past_the_zipfile_limit_is_refused(tmp_path, monkeypatch):
    import generator.guardrails as package

    (tmp_path / "big.py").write_text("#" * (ZIPFILE_LIMIT + 1))
    monkeypatch.setattr(package.resources, "files", lambda name: tmp_path)
    with pytest.raises(ValueError, match="at most 4096"):
        inline_source("big")
