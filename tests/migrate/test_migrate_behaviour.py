"""How `stackprint migrate` behaves around the corpus: stdin, -o, refusals write nothing, options, idempotence,
determinism across hash seeds, and the hostname rewriting rule on its own."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.migrate.network import rewrite_hosts

CORPUS = Path(__file__).parent / "corpus"
ROLE = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"


def invoke(*args, input=None):
    return CliRunner().invoke(main, ["migrate", *args], input=input)


@pytest.mark.parametrize("value, names, expected", [
    ("http://api:8080/v1", ["api"], "http://localhost:8080/v1"),
    ("api:8080", ["api"], "localhost:8080"),
    ("api", ["api"], "localhost"),
    ("postgres://user@db/app", ["db"], "postgres://user@localhost/app"),
    ("amqp://mq", ["mq"], "amqp://localhost"),
    ("http://api.example.com/v1", ["api"], "http://api.example.com/v1"),   # a longer name, not the link
    ("http://my-api:8080", ["api"], "http://my-api:8080"),
    ("the api is up", ["api"], "the api is up"),                            # a word, not a hostname
    ("api:latest", ["api"], "api:latest"),                                  # not followed by a port number
    ("http://api:8080,http://cache:6379", ["api", "cache"], "http://localhost:8080,http://localhost:6379"),
])
def test_linked_names_become_localhost_only_where_they_are_hostnames(value, names, expected):
    assert rewrite_hosts(value, names)[0] == expected


def test_reads_stdin():
    text = (CORPUS / "nginx-walkthrough" / "input.json").read_text()
    result = invoke("-", "--execution-role-arn", ROLE, input=text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (CORPUS / "nginx-walkthrough" / "expected.json").read_text()


def test_stdin_errors_name_stdin():
    result = invoke("-", input="{\"family\": ")
    assert result.exit_code == 2
    assert result.stderr.startswith("<stdin>:1:")


def test_output_file_is_written_and_stdout_stays_empty(tmp_path):
    out = tmp_path / "out" / "web.json"
    result = invoke(str(CORPUS / "web-api-links" / "input.json"), "--execution-role-arn", ROLE, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert out.read_text() == (CORPUS / "web-api-links" / "expected.json").read_text()
    assert [p.name for p in out.parent.iterdir()] == ["web.json"]   # no temporary file left behind


@pytest.mark.parametrize("case", ["refuse-privileged", "refuse-missing-execution-role", "blueprint-refuse-ambiguous-main",
                                  "blueprint-refuse-efs"])
def test_refusal_writes_nothing(tmp_path, case):
    out = tmp_path / "out.json"
    out.write_text("previous\n")
    args = json.loads((CORPUS / case / "case.json").read_text())["args"]
    result = invoke(str(CORPUS / case / "input.json"), *args, "-o", str(out))
    assert result.exit_code == 1
    assert out.read_text() == "previous\n"
    assert result.stdout == ""


def test_missing_file_is_an_input_error(tmp_path):
    result = invoke(str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert result.stderr == (f"{tmp_path / 'nope.json'}: file not found "
                             f"(pass a task definition JSON file, or - for stdin)\n")


@pytest.mark.parametrize("args, message", [
    (["--execution-role-arn", "ecsTaskExecutionRole"],
     "--execution-role-arn: 'ecsTaskExecutionRole' is not an IAM role ARN"),
    (["--family", "web app"], "--family: 'web app' is not a task definition family"),
    (["--to", "helm"], "Invalid value for '--to'"),
])
def test_bad_options_exit_2(args, message):
    result = invoke(str(CORPUS / "nginx-walkthrough" / "input.json"), *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_family_option_renames(tmp_path):
    result = invoke(str(CORPUS / "unit-strings" / "input.json"), "--family", "worker-fargate")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["family"] == "worker-fargate"
    assert 'changed: family: "worker" -> "worker-fargate": from --family\n' in result.stderr


def test_execution_role_from_input_satisfies_the_requirement():
    data = json.loads((CORPUS / "refuse-missing-execution-role" / "input.json").read_text())
    data["executionRoleArn"] = ROLE
    result = invoke("-", input=json.dumps(data))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["executionRoleArn"] == ROLE
    assert "executionRoleArn" not in result.stderr   # kept as is: no change line


@pytest.mark.parametrize("case", ["nginx-walkthrough", "web-api-links", "describe-wrapped", "unsupported-fields"])
def test_migrating_the_output_again_changes_nothing(case):
    expected = (CORPUS / case / "expected.json").read_text()
    result = invoke("-", input=expected)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == expected


def test_output_is_identical_across_hash_seeds(tmp_path):
    outputs = set()
    for seed in ("1", "2", "3"):
        out = tmp_path / f"{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "generator.cli", "migrate", str(CORPUS / "web-api-links" / "input.json"),
                   "--execution-role-arn", ROLE, "-o", str(out)]
        proc = subprocess.run(command, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        outputs.add((out.read_bytes(), proc.stderr))
    assert len(outputs) == 1


def test_blueprint_warns_about_what_the_compiler_would_refuse():
    data = {"family": "nginx", "containerDefinitions": [{
        "name": "nginx", "image": "nginx:latest", "memory": 512, "portMappings": [{"containerPort": 80}],
        "secrets": [{"name": "TOKEN", "valueFrom": "nginx-token"}]}]}
    result = invoke("-", "--to", "blueprint", input=json.dumps(data))
    assert result.exit_code == 0, result.stderr
    assert ('warning: containerDefinitions[0].image: "nginx:latest" is not pinned to a version or digest; '
            in result.stderr)
    assert 'warning: containerDefinitions[0].secrets[0].valueFrom: "nginx-token" is a parameter name' in result.stderr
    assert "readonlyRootFilesystem: kept false" in result.stderr
    assert result.stdout.startswith("services:\n  nginx:\n    image: nginx:latest\n")


def test_blueprint_service_names_follow_the_language():
    from generator.migrate.blueprint import service_name

    assert service_name("Checkout_API") == "checkout-api"
    assert service_name("2fast") == "fast"
    assert service_name("a" * 40) == "a" * 28


def test_duplicate_keys_are_input_errors_with_a_position():
    result = invoke("-", input='{"family": "a",\n "family": "b", "containerDefinitions": []}')
    assert result.exit_code == 2
    assert result.stderr == "<stdin>:2:2: family: duplicate key 'family' (first at line 1 column 2; each key may appear once)\n"


def test_wrong_types_inside_describe_output_point_into_the_wrapper():
    text = '{"taskDefinition": {"family": "x",\n  "containerDefinitions": [{"name": "a", "image": "b", "cpu": [1]}]}}'
    result = invoke("-", input=text)
    assert result.exit_code == 2
    assert result.stderr == ("<stdin>:2:63: taskDefinition.containerDefinitions[0].cpu: expected an integer or a "
                             "string (cpu units, e.g. 256)\n")


def test_environment_files_need_the_execution_role():
    data = {"family": "envfiles", "containerDefinitions": [{
        "name": "app", "image": "example/app:1", "memory": 512,
        "environmentFiles": [{"type": "s3", "value": "arn:aws:s3:::config-bucket/app.env"}]}]}
    result = invoke("-", input=json.dumps(data))
    assert result.exit_code == 1
    assert "containerDefinitions[0] (app) reads environmentFiles from S3" in result.stderr


# ---------------------------------------------------------------------------------------------------------------
# Unicode digits, nulls, Windows (issue 13).

ARABIC_12 = "١٢٣٤٥٦٧٨٩٠١٢"  # twelve Arabic-Indic digits: str.isdigit() and a Unicode \d accept them, AWS does not


def test_unicode_digits_pass_no_pattern_in_versions_and_arns():
    from generator import fargate
    from generator.migrate.roles import ROLE_ARN
    from generator.references import SSM_PARAMETER_ARN, private_ecr

    assert private_ecr(f"{ARABIC_12}.dkr.ecr.us-east-1.amazonaws.com/app:1") is None
    assert private_ecr("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1") is not None
    assert not ROLE_ARN.match(f"arn:aws:iam::{ARABIC_12}:role/app")
    assert not ROLE_ARN.match("arn:aws:iam::123456789012:role/app\n")
    assert not ROLE_ARN.match("arn:aws:iam::123456789012:role/ápp")
    assert not SSM_PARAMETER_ARN.match(f"arn:aws:ssm:us-east-1:{ARABIC_12}:parameter/x")
    for text in ("٢٥٦", "２５６", "1.٥ vCPU"):
        with pytest.raises(ValueError):
            fargate.parse_cpu(text)
        with pytest.raises(ValueError):
            fargate.parse_memory(text)


def test_no_pattern_in_generator_uses_a_unicode_digit_class():
    """``\\d`` in a Python str pattern matches every Unicode digit: versions and ARNs use ``[0-9]`` instead."""
    import re

    import generator

    root = Path(generator.__file__).parent
    offenders = [f"{path.relative_to(root)}:{number}" for path in sorted(root.rglob("*.py"))
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if re.search(r"\\d", line) and path.relative_to(root).as_posix() != "model/base.py"]
    # model/base.py reads the length out of our own ASCII patterns, never a user's value
    assert offenders == []


def _walk(value):
    stack = [value]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def test_no_output_of_the_corpus_carries_a_null(monkeypatch):
    for case in sorted(CORPUS.iterdir()):
        expected = case / "expected.json"
        if expected.exists():
            assert None not in list(_walk(json.loads(expected.read_text()))), case.name


def test_explicit_nulls_are_dropped_at_any_depth_with_one_line_each(tmp_path):
    taskdef = {"family": "app", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256",
               "memory": "512", "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "ulimits": None,
                                                           "linuxParameters": {"initProcessEnabled": None}}]}
    path = tmp_path / "td.json"
    path.write_text(json.dumps(taskdef))
    result = invoke(str(path))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["containerDefinitions"][0] == {"name": "web", "image": "nginx:1.27"}
    assert [line.split(": ")[1] for line in result.stderr.splitlines()] == [
        "containerDefinitions[0].ulimits", "containerDefinitions[0].linuxParameters.initProcessEnabled"]


@pytest.mark.parametrize("given, expected", [((None, None), ("1024", "2048")), (("4096", "8192"), ("4096", "8192")),
                                             (("2048", "3072"), ("2048", "4096"))])
def test_windows_tasks_get_runtime_platform_and_the_windows_minimum(tmp_path, given, expected):
    taskdef = {"family": "iis", "containerDefinitions": [
        {"name": "iis", "image": "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"}]}
    if given[0]:
        taskdef.update(cpu=given[0], memory=given[1])
    path = tmp_path / "td.json"
    path.write_text(json.dumps(taskdef))
    result = invoke(str(path))
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["runtimePlatform"] == {"cpuArchitecture": "X86_64", "operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}
    assert (out["cpu"], out["memory"]) == expected


def test_a_windows_task_above_4_vcpu_is_refused(tmp_path):
    taskdef = {"family": "big", "runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2019_FULL"},
               "cpu": "8192", "memory": "16384", "containerDefinitions": [{"name": "app", "image": "myorg/app:1"}]}
    path = tmp_path / "td.json"
    path.write_text(json.dumps(taskdef))
    result = invoke(str(path))
    assert result.exit_code == 1
    assert "more than the largest Fargate Windows size (4096 cpu units" in result.stderr
    assert result.stdout == ""
