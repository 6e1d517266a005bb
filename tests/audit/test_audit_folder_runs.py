"""One bad file must not blank a folder run (issue 13): it is reported as one error line and the rest audited.

Exit codes: 0 clean; 1 findings at or above --fail-on, or some file could not be read while others were audited;
2 when nothing could be audited (or a usage error). See docs/audit.md#exit-codes.
"""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from generator.audit import audit_paths
from generator.cli import main

OPEN_SSH = """Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0, Description: ssh}
"""
CLEAN = "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties: {RetentionInDays: 30}\n"
DUPLICATE = "Resources:\n  A: {Type: AWS::Logs::LogGroup}\n  A: {Type: AWS::Logs::LogGroup}\n"


def run(*args):
    result = CliRunner().invoke(main, ["audit", *args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def folder(tmp_path: Path, **files: str) -> str:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return str(tmp_path)


def test_duplicate_key_file_is_an_error_line_and_the_others_are_audited(tmp_path):
    path = folder(tmp_path, **{"a_open.yaml": OPEN_SSH, "b_dup.yaml": DUPLICATE, "c_clean.yaml": CLEAN})
    result = run(path, "--format", "json")
    document = json.loads(result.stdout)
    assert result.exit_code == 1
    assert {f["rule"] for f in document["findings"]} >= {"SG001"}
    assert {Path(f["file"]).name for f in document["findings"]} == {"a_open.yaml"}
    assert document["summary"]["files"] == 2 and document["summary"]["unreadable"] == 1
    where = f"{tmp_path / 'b_dup.yaml'}:3:3: Resources.A: duplicate key 'A'"
    assert len(document["errors"]) == 1 and document["errors"][0].startswith(where)
    assert any(line.startswith(where) for line in result.stderr.splitlines())
    assert "1 file could not be audited" in result.stderr


def test_unreadable_file_fails_the_gate_even_when_the_rest_is_clean(tmp_path):
    path = folder(tmp_path, **{"bad.yaml": "Resources:\n  A: [1, 2\n", "clean.yaml": CLEAN})
    result = run(path)
    assert result.exit_code == 1, "a gate must not pass over a template it could not read"
    assert result.stdout == ""
    assert any(line.startswith(str(tmp_path / "bad.yaml") + ":") for line in result.stderr.splitlines())


def test_exit_2_only_when_nothing_could_be_audited(tmp_path):
    path = folder(tmp_path, **{"dup.yaml": DUPLICATE, "null.yaml": "Resources:\n"})
    result = run(path)
    assert result.exit_code == 2
    assert len([line for line in result.stderr.splitlines() if line.startswith(str(tmp_path))]) == 2


def test_clean_folder_still_exits_0(tmp_path):
    assert run(folder(tmp_path, **{"clean.yaml": CLEAN}), "--fail-on", "low").exit_code == 0


def test_named_files_behave_like_folders(tmp_path):
    folder(tmp_path, **{"open.yaml": OPEN_SSH, "dup.yaml": DUPLICATE})
    result = run(str(tmp_path / "open.yaml"), str(tmp_path / "dup.yaml"), "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["summary"] == {
        "files": 1, "findings": len(json.loads(result.stdout)["findings"]), "unreadable": 1,
        "by_severity": json.loads(result.stdout)["summary"]["by_severity"]}


def test_sarif_reports_unreadable_files_as_notifications(tmp_path):
    result = run(folder(tmp_path, **{"open.yaml": OPEN_SSH, "dup.yaml": DUPLICATE}), "--format", "sarif")
    invocation = json.loads(result.stdout)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert len(notes) == 1 and notes[0]["message"]["text"].startswith("Resources.A: duplicate key 'A'")
    assert notes[0]["level"] == "error"
    assert notes[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 3}


def test_library_strict_mode_still_raises(tmp_path):
    import pytest

    from generator.errors import InputError

    path = folder(tmp_path, **{"dup.yaml": DUPLICATE, "clean.yaml": CLEAN})
    assert [str(e).split(":")[0] for e in audit_paths([path]).errors] == [str(tmp_path / "dup.yaml")]
    with pytest.raises(InputError):
        audit_paths([path], strict=True)


def test_resources_null_is_reported_not_clean(tmp_path):
    path = tmp_path / "null.yaml"
    path.write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n")
    result = run(str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:2:1: Resources: Resources is empty (null)")
    assert "no findings" not in result.output
    assert len(result.stderr.splitlines()) == 1, "one positioned error line, as for any bad input"


def test_foreach_loops_are_accepted_and_left_unknown(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Topics:\n    - Name\n"
                    "    - [A, B]\n    - Topic${Name}: {Type: AWS::SNS::Topic}\n" + CLEAN.split("\n", 1)[1])
    result = run(str(path), "--fail-on", "low")
    assert result.exit_code == 0, result.output
