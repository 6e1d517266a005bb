"""The inline functions' runtime is the newest Python both CloudFormation and Lambda support, and never one cfn-lint
reports deprecated (issue 14, "Current runtimes").

Both facts come from the installed cfn-lint: the AWS::Lambda::Function registry schema it ships (what CloudFormation
accepts) and its Lambda runtime lifecycle data (Lambda's support policy: deprecation, create and update blocks).
When cfn-lint learns of a newer runtime, or the date passes a deprecation, these tests fail and say which to use.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml
from cfnlint.api import lint
from cfnlint.config import ManualArgs
from cfnlint.data import AdditionalSpecs
from cfnlint.helpers import load_resource
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

from generator.emit.runtimes import PYTHON_RUNTIME
from generator.load import load_text

OUT = Path(__file__).resolve().parent.parent / "out"
DEPRECATION_RULES = {"E2531", "E2533", "W2531"}  # create blocked, update blocked, deprecated (cfn-lint's ids)


def _version(runtime: str) -> tuple[int, ...]:
    return tuple(int(part) for part in runtime.removeprefix("python").split("."))


def newest_supported_python(today: date) -> str:
    """The newest ``pythonX.Y`` in CloudFormation's enum that Lambda's lifecycle lists and has not deprecated."""
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", "AWS::Lambda::Function").schema
    accepted = {r for r in schema["properties"]["Runtime"]["enum"] if re.fullmatch(r"python3\.\d+", r)}
    lifecycle = load_resource(AdditionalSpecs, "LmbdRuntimeLifecycle.json")
    supported = [r for r in accepted if r in lifecycle and date.fromisoformat(lifecycle[r]["deprecated"]) > today]
    return max(supported, key=_version)


def test_the_runtime_is_the_newest_python_cloudformation_and_lambda_both_support():
    assert PYTHON_RUNTIME == newest_supported_python(date.today()), (
        f"generator/emit/runtimes.py: use {newest_supported_python(date.today())}")


def test_cfn_lint_does_not_report_the_runtime_deprecated():
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Function": {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Runtime": PYTHON_RUNTIME, "Handler": "index.handler", "Role": "arn:aws:iam::123456789012:role/r",
                       "Code": {"ZipFile": "def handler(event, context):\n    return None\n"}}}}}
    matches = lint(yaml.safe_dump(template), config=ManualArgs(regions=["us-east-1"], include_checks=["I"]))
    assert [m for m in matches if m.rule.id in DEPRECATION_RULES] == []
    # and the rules do fire on a runtime Lambda deprecated, so the assertion above can fail
    template["Resources"]["Function"]["Properties"]["Runtime"] = "python3.8"
    assert {m.rule.id for m in lint(yaml.safe_dump(template), config=ManualArgs(regions=["us-east-1"]))} & \
        DEPRECATION_RULES


def test_every_function_in_out_uses_the_runtime():
    runtimes = {}
    for path in sorted(OUT.glob("*/*/*.template.yaml")):
        resources = load_text(path.read_text(), str(path), cfn=True).data.get("Resources", {})
        for logical_id, resource in resources.items():
            if resource.get("Type") == "AWS::Lambda::Function":
                runtimes[f"{path.relative_to(OUT)}:{logical_id}"] = resource["Properties"]["Runtime"]
    assert runtimes and set(runtimes.values()) == {PYTHON_RUNTIME}, runtimes
