"""Bad and strange input: a clear one-line error (exit 2) or a correct answer, never a traceback."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.audit import audit_document, load_template
from generator.cli import main

HERE = Path(__file__).parent
ROOT = HERE.parents[1]


def run(*args):
    result = CliRunner().invoke(main, ["audit", *args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.mark.parametrize("name, text, error", [
    ("malformed.yaml", "Resources:\n  A: [1, 2\n  B: 3\n", ":3:4: invalid YAML: "),
    ("tabs.yaml", "Resources:\n\tA: 1\n", ":2:1: invalid YAML: found character '\\t' that cannot start any token"),
    ("duplicate.yaml", "Resources:\n  A: {Type: X}\n  A: {Type: Y}\n", ":3:3: Resources.A: duplicate key 'A'"),
    ("array.json", "[{\"Resources\": {}}]\n", ":1:1: not a CloudFormation template: the document is a list"),
    ("scalar.yaml", "just a string\n", ":1:1: not a CloudFormation template: the document is a str scalar"),
    ("empty.yaml", "", ":1:1: not a CloudFormation template: the document is empty"),
    ("no-resources.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nOutputs: {}\n",
     ":1:1: not a CloudFormation template: no Resources section"),
    ("resources-list.yaml", "Resources:\n  - Type: AWS::S3::Bucket\n",
     ":2:3: Resources: Resources is a list (expected a mapping of logical ids to resources)"),
    ("no-type.yaml", "Resources:\n  Bucket:\n    Properties: {}\n",
     ":2:3: Resources.Bucket: resource has no string Type"),
    ("type-not-string.json", "{\"Resources\": {\"B\": {\"Type\": 3}}}",
     ":1:30: Resources.B.Type: resource has no string Type"),
    ("properties-list.yaml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: [1]\n",
     ":4:17: Resources.B.Properties: Properties is a list (expected a mapping)"),
])
def test_not_a_template_is_one_line_exit_2(tmp_path, name, text, error):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(str(path) + error), result.stderr


def test_binary_file_is_an_input_error(tmp_path):
    path = tmp_path / "image.yaml"
    path.write_bytes(b"\xff\xfe\x00binary")
    result = run(str(path))
    assert result.exit_code == 2 and "not UTF-8 text" in result.stderr


def test_every_bad_file_is_reported_not_just_the_first(tmp_path):
    (tmp_path / "a.yaml").write_text("[1]\n")
    (tmp_path / "b.yaml").write_text("Resources: [1]\n")
    result = run(str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))
    assert result.exit_code == 2
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == [str(tmp_path / "a.yaml"),
                                                                          str(tmp_path / "b.yaml")]


def test_empty_resources_is_a_valid_template_with_no_findings(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("Resources: {}\n")
    result = run(str(path), "--format", "json", "--fail-on", "low")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"errors": [], "findings": [], "summary": {
        "files": 1, "findings": 0, "by_severity": {"critical": 0, "high": 0, "medium": 0, "low": 0},
        "unreadable": 0}}


def test_intrinsic_functions_everywhere_give_only_certain_findings():
    """Parameters, imports, Fn::If, Fn::Sub as ports, CIDRs, groups, schemes, flags: all UNKNOWN, so the only
    findings are those that are certain whatever the unknowns resolve to (and no custom resource restricts the
    VPC's default group, whatever they resolve to: NET004)."""
    result = run(str(HERE / "intrinsics.yaml"), "--format", "json")
    findings = [(f["rule"], f["resource"], f["line"]) for f in json.loads(result.stdout)["findings"]]
    assert findings == [("SG001", "Imported", 40), ("SG002", "Imported", 40), ("SG005", "Imported", 40),
                        ("NET004", "Vpc", 126)]


def test_transform_makes_attachment_unknown(tmp_path):
    path = tmp_path / "sam.yaml"
    path.write_text("Transform: AWS::Serverless-2016-10-31\nResources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n"
                    "    Properties:\n      GroupDescription: used by a function the transform adds\n"
                    "      SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16, "
                    "Description: https}]\n")
    assert json.loads(run(str(path), "--format", "json", "--fail-on", "low").stdout)["findings"] == []


def _bench():
    spec = importlib.util.spec_from_file_location("audit_large", ROOT / "bench" / "audit_large.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_5000_resource_template_gets_a_correct_answer(tmp_path):
    bench = _bench()
    path = tmp_path / "large.yaml"
    path.write_text(bench.generate_template(5000), encoding="utf-8")
    doc = load_template(str(path))
    assert len(doc.data["Resources"]) == 5000
    counts: dict = {}
    for finding in audit_document(doc):
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    assert counts == bench.expected_findings(5000) == {"NET003": 100, "SG001": 100, "SG005": 100}
    result = run(str(path), "--format", "json")
    assert result.exit_code == 1 and json.loads(result.stdout)["summary"]["findings"] == 300


def test_tab_indented_json_is_read(tmp_path):
    path = tmp_path / "tabs.json"
    path.write_text('{\n\t"Resources": {\n\t\t"B": {"Type": "AWS::Logs::LogGroup"}\n\t}\n}\n')
    findings = json.loads(run(str(path), "--format", "json").stdout)["findings"]
    assert [(f["rule"], f["resource"], f["line"]) for f in findings] == [("LOG001", "B", 3)]


@pytest.mark.parametrize("metadata, problems", [
    ("{stackprint: {blueprint: shop}}", []),                     # other stackprint metadata: not ours
    ("{stackprint: {ignore: LOG001}}", ["Metadata.stackprint.ignore must be a list"]),
    ("{stackprint: [LOG001]}", ["Metadata.stackprint.ignore must be a list"]),
    ("{stackprint: {ignore: [LOG001]}}", ["suppression must be a mapping"]),
    ("{stackprint: {ignore: [{reason: why}]}}", ["suppression names no rule"]),
])
def test_malformed_suppressions_are_findings_not_crashes(tmp_path, metadata, problems):
    path = tmp_path / "t.yaml"
    path.write_text(f"Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Metadata: {metadata}\n"
                    "    Properties: {RetentionInDays: 30}\n")
    findings = json.loads(run(str(path), "--format", "json").stdout)["findings"]
    messages = [f["message"] for f in findings if f["rule"] == "SUP001"]
    assert len(messages) == len(problems)
    assert all(message.startswith(problem) for message, problem in zip(messages, problems)), messages
