"""The migrate corpus: each case is an input task definition with its expected output, change lines and exit code.

Every case runs through the real CLI (separate stdout and stderr). Every successful task definition is then checked
three ways that do not trust the migration code: botocore's own parameter validation for RegisterTaskDefinition,
a registration in moto, and an independent checker of the Fargate rules written here from the AWS documentation.
Regenerate expectations with ``STACKPRINT_UPDATE_GOLDEN=1`` (or ``--update-golden``), then review the diff.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "input.json").exists())


def _case(name: str) -> dict:
    return json.loads((CORPUS / name / "case.json").read_text())


def _run(name: str, monkeypatch) -> "click.testing.Result":
    """Run `stackprint migrate input.json ARGS` inside the case directory, so paths in messages are stable."""
    monkeypatch.chdir(CORPUS / name)
    return CliRunner().invoke(main, ["migrate", "input.json", *_case(name)["args"]])


def _output_name(name: str) -> str:
    return "expected.yaml" if "blueprint" in _case(name)["args"] else "expected.json"


def test_corpus_is_large_enough_and_covers_every_refusal():
    assert len(CASES) >= 12
    for needed in ("nginx-walkthrough", "web-api-links", "describe-wrapped", "unit-strings", "refuse-duplicate-port",
                   "refuse-privileged", "refuse-docker-volume", "refuse-host-volume", "refuse-log-driver",
                   "refuse-too-large", "refuse-missing-execution-role"):
        assert needed in CASES


@pytest.mark.parametrize("name", CASES)
def test_case(name, monkeypatch, update_golden):
    case = _case(name)
    result = _run(name, monkeypatch)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    folder = CORPUS / name
    output = folder / _output_name(name)
    if update_golden:
        (folder / "expected.stderr").write_text(result.stderr)
        if result.exit_code == 0:
            output.write_text(result.stdout)
        case["exit_code"] = result.exit_code
        (folder / "case.json").write_text(json.dumps(case, indent=2) + "\n")
        return
    assert result.exit_code == case["exit_code"], result.stderr
    assert result.stderr == (folder / "expected.stderr").read_text()
    if case["exit_code"] == 0:
        assert result.stdout == output.read_text()
    else:
        assert result.stdout == ""


def test_every_stderr_line_has_the_documented_form(monkeypatch):
    form = {0: r"^(changed|removed|added|warning): [A-Za-z][\w\[\].]*: \S.*$",
            1: r"^error: [A-Za-z][\w\[\]. ()-]*: \S.*$",
            2: r"^[^:\n]+:\d+:\d+: (\S+: )?\S.*$"}
    for name in CASES:
        result = _run(name, monkeypatch)
        lines = result.stderr.splitlines()
        assert lines or result.exit_code == 0, name
        if result.exit_code == 2:
            assert len(lines) == 1, name
        for line in lines:
            assert re.match(form[result.exit_code], line), f"{name}: {line}"


# ---------------------------------------------------------------------------------------------------------------
# Independent checks of every successful task definition.

#: Fargate task sizes, written out here from the ECS developer guide (not imported from generator.fargate).
FARGATE_SIZES = {
    256: [512, 1024, 2048],
    512: [1024, 2048, 3072, 4096],
    1024: [m * 1024 for m in range(2, 9)],
    2048: [m * 1024 for m in range(4, 17)],
    4096: [m * 1024 for m in range(8, 31)],
    8192: [m * 1024 for m in range(16, 61, 4)],
    16384: [m * 1024 for m in range(32, 121, 8)],
}
NOT_ON_FARGATE_TASK = ("placementConstraints", "ipcMode", "inferenceAccelerators")
NOT_ON_FARGATE_CONTAINER = ("links", "hostname", "extraHosts", "dnsServers", "dnsSearchDomains",
                            "dockerSecurityOptions", "disableNetworking")
NOT_ON_FARGATE_LINUX = ("devices", "sharedMemorySize", "tmpfs", "maxSwap", "swappiness")


def fargate_violations(td: dict) -> list[str]:
    """Everything in ``td`` that Fargate would not run, as readable strings (empty when it would)."""
    found = []
    if td.get("requiresCompatibilities") != ["FARGATE"]:
        found.append("requiresCompatibilities is not [FARGATE]")
    if td.get("networkMode") != "awsvpc":
        found.append("networkMode is not awsvpc")
    found += [f"task has {key}" for key in NOT_ON_FARGATE_TASK if key in td]
    if td.get("pidMode") == "host":
        found.append("pidMode host")
    cpu, memory = td.get("cpu"), td.get("memory")
    if not (isinstance(cpu, str) and isinstance(memory, str) and cpu.isdigit() and memory.isdigit()
            and int(memory) in FARGATE_SIZES.get(int(cpu), [])):
        found.append(f"cpu/memory {cpu!r}/{memory!r} is not a Fargate size")
    else:
        total_cpu = sum(c.get("cpu", 0) for c in td["containerDefinitions"])
        total_mem = sum(c.get("memory") or c.get("memoryReservation") or 0 for c in td["containerDefinitions"])
        if total_cpu > int(cpu) or total_mem > int(memory):
            found.append("containers ask for more than the task size")
    ports = set()
    needs_role = False
    for c in td["containerDefinitions"]:
        found += [f"{c['name']} has {key}" for key in NOT_ON_FARGATE_CONTAINER if key in c]
        found += [f"{c['name']} has linuxParameters.{key}" for key in NOT_ON_FARGATE_LINUX
                  if key in c.get("linuxParameters", {})]
        if set(c.get("linuxParameters", {}).get("capabilities", {}).get("add", [])) - {"SYS_PTRACE"}:
            found.append(f"{c['name']} adds capabilities other than SYS_PTRACE")
        if c.get("privileged"):
            found.append(f"{c['name']} is privileged")
        if c.get("stopTimeout", 0) > 120:
            found.append(f"{c['name']} has a stopTimeout above 120 seconds")
        if any(r.get("type") == "GPU" for r in c.get("resourceRequirements", [])):
            found.append(f"{c['name']} needs a GPU")
        for m in c.get("portMappings", []):
            if "hostPort" in m and m["hostPort"] != m["containerPort"]:
                found.append(f"{c['name']} maps hostPort {m['hostPort']} to {m['containerPort']}")
            key = (m["containerPort"], m.get("protocol", "tcp"))
            if key in ports:
                found.append(f"port {key} used twice")
            ports.add(key)
        log = c.get("logConfiguration", {})
        if log and log["logDriver"] not in ("awslogs", "splunk", "awsfirelens"):
            found.append(f"{c['name']} logs with {log['logDriver']}")
        if (log.get("logDriver") == "awslogs" or ".dkr.ecr." in c["image"] or c.get("secrets")
                or c.get("repositoryCredentials")):
            needs_role = True
    if needs_role and not td.get("executionRoleArn"):
        found.append("no executionRoleArn although awslogs, ECR or secrets are used")
    for v in td.get("volumes") or []:
        if "dockerVolumeConfiguration" in v or v.get("host", {}).get("sourcePath"):
            found.append(f"volume {v['name']} is a Docker volume or host path")
    return found


TASKDEF_SUCCESSES = [n for n in CASES if _case(n)["exit_code"] == 0 and "blueprint" not in _case(n)["args"]]


def _input(name: str) -> dict:
    data = json.loads((CORPUS / name / "input.json").read_text())
    return data.get("taskDefinition", data)


def test_checker_sees_the_problems_of_every_input():
    """The checker is not vacuous: an input breaks a Fargate rule exactly when the migration had to change it."""
    for name in TASKDEF_SUCCESSES:
        changed = bool((CORPUS / name / "expected.stderr").read_text())
        assert bool(fargate_violations(_input(name))) == changed, name


@pytest.mark.parametrize("name", TASKDEF_SUCCESSES)
def test_output_satisfies_fargate_rules(name, monkeypatch):
    result = _run(name, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert fargate_violations(json.loads(result.stdout)) == []


@pytest.mark.parametrize("name", TASKDEF_SUCCESSES)
def test_output_passes_botocore_validation(name, monkeypatch):
    import botocore.session
    from botocore.validate import ParamValidator

    result = _run(name, monkeypatch)
    model = botocore.session.get_session().get_service_model("ecs")
    shape = model.operation_model("RegisterTaskDefinition").input_shape
    report = ParamValidator().validate(json.loads(result.stdout), shape)
    assert not report.has_errors(), report.generate_report()


@pytest.mark.slow
@pytest.mark.parametrize("name", TASKDEF_SUCCESSES)
def test_output_registers_in_moto(name, monkeypatch, aws_credentials):
    import boto3
    from moto import mock_aws

    result = _run(name, monkeypatch)
    taskdef = json.loads(result.stdout)
    with mock_aws():
        client = boto3.client("ecs", region_name="us-east-1")
        registered = client.register_task_definition(**taskdef)["taskDefinition"]
        described = client.describe_task_definition(taskDefinition=taskdef["family"])["taskDefinition"]
    assert registered["requiresCompatibilities"] == ["FARGATE"]
    assert described["networkMode"] == "awsvpc"
    assert (described["cpu"], described["memory"]) == (taskdef["cpu"], taskdef["memory"])
    assert [c["name"] for c in described["containerDefinitions"]] == \
        [c["name"] for c in taskdef["containerDefinitions"]]


# ---------------------------------------------------------------------------------------------------------------
# Blueprint output loads in the compiler.

BLUEPRINT_SUCCESSES = [n for n in CASES if _case(n)["exit_code"] == 0 and "blueprint" in _case(n)["args"]]


@pytest.mark.parametrize("name", BLUEPRINT_SUCCESSES)
def test_blueprint_output_loads_in_the_compiler(name, monkeypatch, tmp_path):
    import yaml

    try:
        from generator.model import load_blueprint
    except ImportError:
        pytest.skip("blueprint compiler not merged yet (generator.model cannot be imported)")
    result = _run(name, monkeypatch)
    assert result.exit_code == 0, result.stderr
    entry = yaml.safe_load(result.stdout)
    path = tmp_path / "migrated.yaml"
    path.write_text(yaml.safe_dump({"name": "migrated", "network": {"cidr": "10.0.0.0/16"}, **entry},
                                   sort_keys=False))
    envs = load_blueprint(str(path))
    (service_name, expected), = entry["services"].items()
    service = envs["default"].services[service_name]
    assert service.image == expected["image"]
    assert (service.cpu, service.memory) == (expected["cpu"], expected["memory"])
    assert service.port == expected.get("port")
    assert service.environment == dict(sorted(expected.get("environment", {}).items()))
    assert service.secrets == dict(sorted(expected.get("secrets", {}).items()))
    assert service.command == expected.get("command")
    assert service.read_only_root_filesystem == expected["read_only_root_filesystem"]
    if "health_check" in expected:
        assert service.health_check.command == expected["health_check"]["command"]
        assert service.health_check.interval == expected["health_check"].get("interval", 30)
