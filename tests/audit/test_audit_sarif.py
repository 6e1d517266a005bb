"""SARIF for code scanning (issue 13): a help link per rule, the tool's home, columns, fingerprints that survive
unrelated edits, and suppressed findings reported as suppressed (with their reason) rather than dropped.

The log is checked field by field here. When a copy of the official SARIF 2.1.0 JSON schema is at hand (it is not
shipped: its OASIS licence is not one this repository takes in), point STACKPRINT_SARIF_SCHEMA at it to validate the
whole log as well.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.audit import RULES
from generator.audit.report import FINGERPRINT_KEY, PROJECT_URL, RULES_DOC_URL
from generator.cli import main

ROOT = Path(__file__).resolve().parents[2]
SSH = (Path(__file__).parent / "regressions" / "ssh_location_default.yaml").read_text(encoding="utf-8")
SUPPRESSED = """Resources:
  Worker:
    Type: AWS::EC2::SecurityGroup
    Metadata:
      stackprint:
        ignore:
          - rule: SG006
            reason: "egress goes through the inspection proxy, ticket SEC-42"
    Properties:
      GroupDescription: worker
      VpcId: vpc-0123456789abcdef0
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 8080, ToPort: 8080, CidrIp: 10.0.0.0/16, Description: app}
"""


def sarif(*paths: str) -> dict:
    result = CliRunner().invoke(main, ["audit", *paths, "--format", "sarif"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_every_rule_links_to_its_docs_anchor():
    log = sarif(str(ROOT / "tests" / "audit" / "SG001" / "fail.yaml"))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == PROJECT_URL
    docs = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    assert {r["id"] for r in driver["rules"]} == set(RULES)
    for rule in driver["rules"]:
        assert rule["helpUri"] == f"{RULES_DOC_URL}#{rule['id'].lower()}"
        assert f'<a id="{rule["id"].lower()}"></a>\n\n### {rule["id"]} — ' in docs


def test_results_have_start_column_of_the_offending_item(tmp_path):
    log = sarif(write(tmp_path, "ssh.yaml", SSH))
    regions = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["locations"][0]["physicalLocation"]["region"]["startColumn"]) for r in log["runs"][0]["results"]}
    line = SSH.splitlines()[17]
    assert line.strip().startswith("- IpProtocol: tcp")
    assert ("SG001", 18, line.index("IpProtocol") + 1) in regions


def fingerprints(log: dict) -> dict:
    return {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["name"]): r["partialFingerprints"][FINGERPRINT_KEY]
            for r in log["runs"][0]["results"]}


def test_fingerprints_survive_unrelated_edits_but_not_a_different_problem(tmp_path):
    before = sarif(write(tmp_path, "t.yaml", SSH))
    lines_before = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    for r in before["runs"][0]["results"]}
    edited = SSH.replace("Resources:\n", "Resources:\n  # a comment and a new resource above everything\n"
                                         "  Topic:\n    Type: AWS::SNS::Topic\n", 1)
    after = sarif(write(tmp_path, "t.yaml", edited))
    lines_after = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
                   for r in after["runs"][0]["results"]}
    assert lines_after["SG001"] == lines_before["SG001"] + 3, "the edit moved the finding"
    assert fingerprints(after) == fingerprints(before)
    assert len(set(fingerprints(before).values())) == len(fingerprints(before)), "one fingerprint per finding"
    other = sarif(write(tmp_path, "other.yaml", SSH))
    assert set(fingerprints(other).values()).isdisjoint(fingerprints(before).values()), "the file is part of it"
    for value in fingerprints(before).values():
        assert re.fullmatch(r"[0-9a-f]{64}", value)


def test_suppressed_findings_are_reported_as_suppressed_with_their_reason(tmp_path):
    path = write(tmp_path, "s.yaml", SUPPRESSED)
    results = sarif(path)["runs"][0]["results"]
    (silenced,) = [r for r in results if r["ruleId"] == "SG006"]
    assert silenced["suppressions"] == [{"kind": "inSource",
                                         "justification": "egress goes through the inspection proxy, ticket SEC-42"}]
    assert all("suppressions" not in r for r in results if r["ruleId"] != "SG006")
    text = CliRunner().invoke(main, ["audit", path, "--fail-on", "low", "--select", "SG006"])
    assert text.exit_code == 0 and text.stdout == "", "text output and the exit code still honour the suppression"


def test_invocation_is_successful_when_every_file_was_read(tmp_path):
    invocation = sarif(write(tmp_path, "s.yaml", SUPPRESSED))["runs"][0]["invocations"]
    assert invocation == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_log_is_valid_against_the_official_schema_when_available(tmp_path):
    schema_path = os.environ.get("STACKPRINT_SARIF_SCHEMA")
    if not schema_path:
        pytest.skip("set STACKPRINT_SARIF_SCHEMA to a copy of sarif-schema-2.1.0.json to validate the whole log")
    import jsonschema

    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    (tmp_path / "bad.yaml").write_text("Resources:\n  A: {Type: X}\n  A: {Type: Y}\n")
    write(tmp_path, "s.yaml", SUPPRESSED)
    write(tmp_path, "ssh.yaml", SSH)
    jsonschema.validate(sarif(str(tmp_path)), schema)
