"""`stackprint audit` as a user runs it: formats, exit codes, --fail-on, select/ignore, suppressions, policies,
color, folders and determinism."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.audit import RULES
from generator.audit.findings import Finding
from generator.audit.report import render_text
from generator.cli import main

FIXTURES = Path(__file__).parent
SG001_FAIL = str(FIXTURES / "SG001" / "fail.yaml")


def run(*args, env=None):
    result = CliRunner(env=env).invoke(main, ["audit", *args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


# A template with exactly one low finding (LOG001) and nothing else.
ONLY_LOW = """\
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
"""


# SG001 (critical), SG005 (high), SG006 (medium, implicit egress), SG009 (low) and NET003 (high).
MIXED = """\
Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
  Host:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0123456789abcdef0
      SecurityGroupIds: [!Ref Web]
"""


@pytest.fixture
def mixed(tmp_path) -> str:
    return write(tmp_path, "mixed.yaml", MIXED)


def rules_reported(result) -> set:
    return {f["rule"] for f in json.loads(result.stdout)["findings"]}


# --- formats -------------------------------------------------------------------------------------------------------

def test_json_is_one_object_with_the_documented_shape():
    result = run(SG001_FAIL, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert set(document) == {"errors", "findings", "summary"}
    assert document["summary"]["files"] == 1
    assert document["summary"]["findings"] == len(document["findings"])
    assert set(document["summary"]["by_severity"]) == {"critical", "high", "medium", "low"}
    assert sum(document["summary"]["by_severity"].values()) == len(document["findings"])
    for finding in document["findings"]:
        assert set(finding) == {"rule", "severity", "resource", "file", "line", "message"}
        assert isinstance(finding["line"], int) and finding["file"] == SG001_FAIL
    ssh = [f for f in document["findings"] if f["rule"] == "SG001" and f["resource"] == "SshFromInternet"]
    assert [f["line"] for f in ssh] == [10, 15, 20]
    assert ssh[0]["severity"] == "critical"


def test_sarif_has_the_fields_code_scanning_needs(mixed):
    result = run(mixed, "--format", "sarif")
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "stackprint"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert rule_ids == sorted(RULES)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
    assert sarif_run["results"]
    for sarif_result in sarif_run["results"]:
        assert driver["rules"][sarif_result["ruleIndex"]]["id"] == sarif_result["ruleId"]
        location = sarif_result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == Path(mixed).as_uri()
        assert location["region"]["startLine"] >= 1
    levels = {r["ruleId"]: r["level"] for r in sarif_run["results"]}
    assert levels == {"SG001": "error", "SG005": "error", "NET003": "error", "SG006": "warning", "SG009": "note"}
    assert {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
            for r in sarif_run["results"]} == {"SG001": 7, "SG005": 7, "NET003": 7, "SG006": 2, "SG009": 7}


def test_sarif_keeps_relative_paths_relative(tmp_path, monkeypatch):
    write(tmp_path, "stacks/mixed.yaml", MIXED)
    monkeypatch.chdir(tmp_path)
    log = json.loads(run("stacks", "--format", "sarif").stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"stacks/mixed.yaml"}


def test_text_is_one_line_per_finding_and_a_summary_on_stderr():
    result = run(SG001_FAIL)
    lines = result.stdout.splitlines()
    assert lines
    pattern = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<rule>[A-Z]+\d{3}) "
                         r"(?P<severity>critical|high|medium|low) (?P<resource>\w+): .+$")
    for line in lines:
        assert pattern.match(line), line
    assert f"{SG001_FAIL}:10: SG001 critical SshFromInternet: ingress tcp 22 from 0.0.0.0/0" in result.stdout
    assert re.search(r"\d+ findings \(5 critical, \d+ high, \d+ medium, \d+ low\) in 1 file", result.stderr)
    assert "\x1b[" not in result.output  # not a TTY: no color


def test_color_only_on_a_tty(monkeypatch):
    finding = Finding("SG001", "critical", "Web", "t.yaml", 3, "open")

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[" in render_text([finding], Tty())
    assert render_text([finding], io.StringIO()) == "t.yaml:3: SG001 critical Web: open\n"
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in render_text([finding], Tty())


def test_output_is_deterministic_to_the_byte():
    first = run(str(FIXTURES), "--format", "sarif").stdout
    second = run(str(FIXTURES), "--format", "sarif").stdout
    assert first == second
    findings = json.loads(run(str(FIXTURES), "--format", "json").stdout)["findings"]
    keys = [(f["file"], f["line"], f["rule"], f["resource"]) for f in findings]
    assert keys == sorted(keys)


# --- exit codes and --fail-on --------------------------------------------------------------------------------------

def test_exit_codes(tmp_path):
    assert run(str(FIXTURES / "DATA001" / "pass.yaml"), "--select", "DATA").exit_code == 0
    assert run(SG001_FAIL).exit_code == 1
    bad = run(write(tmp_path, "list.json", "[1, 2]"))
    assert bad.exit_code == 2
    assert run(SG001_FAIL, "--format", "xml").exit_code == 2
    assert run(SG001_FAIL, "--fail-on", "severe").exit_code == 2


def test_fail_on_threshold(tmp_path):
    path = write(tmp_path, "low.yaml", ONLY_LOW)
    assert run(path).exit_code == 0            # default: high
    assert run(path, "--fail-on", "medium").exit_code == 0
    assert run(path, "--fail-on", "low").exit_code == 1
    assert run(SG001_FAIL, "--fail-on", "critical").exit_code == 1
    assert run(SG001_FAIL, "--select", "SG009", "--fail-on", "medium").exit_code == 0


# --- select / ignore -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, present, absent", [
    ((), {"SG001", "SG009", "NET003"}, set()),
    (("--select", "SG"), {"SG001", "SG009"}, {"NET003"}),
    (("--select", "SG", "--ignore", "SG009"), {"SG001", "SG006"}, {"SG009"}),
    (("--select", "SG009", "--ignore", "SG"), {"SG009"}, {"SG001", "SG006"}),       # more specific select wins
    (("--select", "SG00", "--ignore", "SG00"), set(), {"SG001", "SG006", "SG009"}),  # tie: ignore wins
    (("--ignore", "SG00", "--select", "SG001"), {"SG001"}, {"SG006", "SG009"}),
    (("--select", "sg001,sg009"), {"SG001", "SG009"}, {"SG006"}),
    (("--select", "ALL", "--ignore", "SG"), {"NET003"}, {"SG001", "SG009"}),
])
def test_select_and_ignore_precedence(mixed, args, present, absent):
    reported = rules_reported(run(mixed, "--format", "json", *args))
    assert present <= reported
    assert not (absent & reported)


def test_unknown_prefix_is_an_input_error():
    result = run(SG001_FAIL, "--select", "XYZ")
    assert result.exit_code == 2
    assert "--select XYZ: no rule has this id or prefix" in result.stderr


# --- suppressions --------------------------------------------------------------------------------------------------

SUPPRESSED = """\
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Metadata:
      stackprint:
        ignore:
          - rule: LOG001
            reason: kept forever by the records-retention policy
  Bucket:
    Type: AWS::S3::Bucket
    Metadata:
      stackprint:
        ignore:
          - {rule: DATA, reason: "public website bucket, reviewed by security in SEC-123"}
  Unexplained:
    Type: AWS::Logs::LogGroup
    Metadata:
      stackprint:
        ignore:
          - rule: LOG001
"""


def test_suppression_with_reason_hides_the_finding_and_without_reason_is_one(tmp_path):
    result = run(write(tmp_path, "s.yaml", SUPPRESSED), "--format", "json")
    findings = [(f["rule"], f["resource"], f["line"]) for f in json.loads(result.stdout)["findings"]]
    assert findings == [("LOG001", "Unexplained", 15), ("SUP001", "Unexplained", 20)]
    assert result.exit_code == 0  # SUP001 is medium, LOG001 low: below the default threshold


def test_suppression_of_an_unknown_rule_is_reported(tmp_path):
    text = SUPPRESSED.replace("rule: LOG001\n            reason", "rule: LOG999\n            reason")
    findings = json.loads(run(write(tmp_path, "s.yaml", text), "--format", "json").stdout)["findings"]
    messages = [f["message"] for f in findings if f["rule"] == "SUP001"]
    assert "suppression names unknown rule 'LOG999'" in messages


# --- policy --------------------------------------------------------------------------------------------------------

def test_policy_overrides_thresholds(tmp_path):
    sg003 = str(FIXTURES / "SG003" / "fail.yaml")
    assert "SG003" in rules_reported(run(sg003, "--format", "json"))
    policy = write(tmp_path, "policy.yaml", "max_port_range: 65536\n")
    assert "SG003" not in rules_reported(run(sg003, "--format", "json", "--policy", policy))

    sg005 = str(FIXTURES / "SG005" / "fail.json")
    policy = write(tmp_path, "public.yaml", "authorized_public_ports: [80, 443, 8443, 7777]\n")
    lines = [f["line"] for f in json.loads(run(sg005, "--format", "json", "--policy", policy).stdout)["findings"]
             if f["rule"] == "SG005"]
    assert lines == [13]  # 80-443 over IPv6 still opens 81..442

    policy = write(tmp_path, "ports.yaml", "high_risk_ports: [\"8000-8010\"]\nmin_ipv4_prefix: 8\n")
    findings = json.loads(run(str(FIXTURES / "SG001" / "fail.yaml"), "--format", "json",
                              "--policy", policy).stdout)["findings"]
    sg001 = [(f["resource"], f["line"]) for f in findings if f["rule"] == "SG001"]
    assert sg001 == [("AllFromPublicHost", 34)]  # only the all-ports rule reaches 8000-8010
    sg004 = str(FIXTURES / "SG004" / "fail.yaml")
    ipv6 = write(tmp_path, "v6.yaml", "min_ipv6_prefix: 16\n")
    findings = json.loads(run(sg004, "--format", "json", "--select", "SG004", "--policy", ipv6).stdout)["findings"]
    assert [f["line"] for f in findings] == [10, 20]  # the IPv6 /32 is now narrow enough


@pytest.mark.parametrize("text, message", [
    ("max_port_range: 10\ncolour: red\n", "policy.yaml:2:1: colour: unknown policy key 'colour'"),
    ("high_risk_ports: [22, \"x-y\"]\n", "policy.yaml:1:23: high_risk_ports[1]: 'x-y' is not a port range"),
    ("high_risk_ports: [70000]\n", "policy.yaml:1:19: high_risk_ports[0]: '70000' is not a port"),
    ("min_ipv4_prefix: 40\n", "policy.yaml:1:18: min_ipv4_prefix: '40' is not valid (an integer 0-32)"),
    ("- 22\n", "policy.yaml:1:1: a policy is a mapping of thresholds"),
])
def test_bad_policy_is_an_input_error_with_position(tmp_path, text, message):
    policy = write(tmp_path, "policy.yaml", text)
    result = run(SG001_FAIL, "--policy", policy)
    assert result.exit_code == 2
    assert result.stderr.startswith(str(tmp_path / message.split(":")[0]) + message[len("policy.yaml"):]), \
        result.stderr


# --- paths ---------------------------------------------------------------------------------------------------------

def test_folders_are_searched_recursively_and_non_templates_skipped(tmp_path):
    write(tmp_path, "a/logs.yaml", ONLY_LOW)
    write(tmp_path, "a/b/more.json", json.dumps({"Resources": {"L": {"Type": "AWS::Logs::LogGroup"}}}))
    write(tmp_path, "a/docker-compose.yml", "services: {web: {image: nginx}}\n")
    write(tmp_path, "a/notes.txt", "not yaml at all: [")
    result = run(str(tmp_path / "a"), "--format", "json")
    document = json.loads(result.stdout)
    assert document["summary"]["files"] == 2
    assert sorted(Path(f["file"]).name for f in document["findings"]) == ["logs.yaml", "more.json"]
    assert "docker-compose.yml: skipped (not a CloudFormation template)" in result.stderr


def test_a_named_file_must_be_a_template(tmp_path):
    path = write(tmp_path, "docker-compose.yml", "services: {web: {image: nginx}}\n")
    result = run(path)
    assert result.exit_code == 2
    assert f"{path}:1:1: not a CloudFormation template: no Resources section" in result.stderr


def test_missing_path_is_an_input_error(tmp_path):
    result = run(str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "no such file or folder" in result.stderr


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["audit", "--help"])
    assert result.exit_code == 0 and "stackprint audit out/" in result.output
