"""`migrate --to blueprint` converts the multi-container task definitions of the corpus, and what it writes compiles.

For every case whose input has several containers and migrates (to a task definition, or with --to blueprint), the
blueprint entry is wrapped in a one-service blueprint and compiled: cfn-lint finds nothing in the service's
template and the audit finds only ECS003 (writable root filesystem) on exactly the containers the migration warned
about ("kept false"). The compiled task definition is then compared with the one `--to taskdef` writes for the same
input, container by container (matched by image): images, essential flags, dependsOn conditions, cpu/memory
shares of the additional containers, ports, the FireLens router and which containers log through it.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main

CORPUS = Path(__file__).parent / "corpus"
ROLE = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
#: Multi-container cases refused on purpose, with the reason they must give.
REFUSED = {"blueprint-refuse-ambiguous-main": "cannot tell which container is the main one",
           "blueprint-refuse-efs": "efsVolumeConfiguration has no equivalent"}


def _case(name: str) -> dict:
    return json.loads((CORPUS / name / "case.json").read_text())


def _input(name: str) -> dict:
    data = json.loads((CORPUS / name / "input.json").read_text())
    return data.get("taskDefinition", data)


def _multi(name: str) -> bool:
    try:
        return len(_input(name)["containerDefinitions"]) > 1
    except (ValueError, KeyError, TypeError):
        return False


def _main_option(name: str) -> list[str]:
    args = _case(name)["args"]
    return args[args.index("--main-container"):][:2] if "--main-container" in args else []


MULTI = sorted(p.name for p in CORPUS.iterdir() if (p / "input.json").exists() and _multi(p.name)
               and (_case(p.name)["exit_code"] == 0 or p.name in REFUSED))


def _migrate(name: str, *args: str):
    return CliRunner().invoke(main, ["migrate", str(CORPUS / name / "input.json"), *args])


def test_the_corpus_has_realistic_multi_container_cases():
    for needed in ("blueprint-firelens-fluentbit", "blueprint-xray-cloudwatch-agent", "blueprint-envoy-healthy",
                   "blueprint-app-envoy", "web-api-links", "links-mysql-host", "firelens-splunk"):
        assert needed in MULTI


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_only_what_the_language_cannot_express_is_refused(name):
    result = _migrate(name, "--to", "blueprint")
    assert result.exit_code == 1 and result.stdout == ""
    assert REFUSED[name] in result.stderr


def _blueprint(name: str) -> tuple[dict, str]:
    result = _migrate(name, "--to", "blueprint", *_main_option(name))
    assert result.exit_code == 0, result.stderr
    return yaml.safe_load(result.stdout), result.stderr


def _taskdef(name: str) -> dict:
    extra = [] if "--ephemeral-host-volumes" not in _case(name)["args"] else ["--ephemeral-host-volumes"]
    result = _migrate(name, "--execution-role-arn", ROLE, *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _compile(entry: dict) -> tuple[str, dict, list, list]:
    """Compile the entry in a minimal blueprint: (service name, task definition properties, lint, audit)."""
    from generator.compile import audit_template, render
    from generator.lint import lint_text
    from generator.load import load_text
    from generator.model import load_blueprint_text
    from generator.plan import plan

    text = yaml.safe_dump({"name": "migrated", "network": {"cidr": "10.0.0.0/16"}, **entry}, sort_keys=False)
    (bp,) = load_blueprint_text(text, "migrated.yaml").values()
    (service,) = entry["services"]
    files = render(plan(bp), "migrated.yaml").files
    template = files[f"migrated-default-{service}.template.yaml"].decode()
    task = load_text(template, "t", cfn=True).data["Resources"]["TaskDefinition"]["Properties"]
    return service, task, lint_text("t.yaml", template), audit_template("t.yaml", template)


@pytest.mark.parametrize("name", [n for n in MULTI if n not in REFUSED])
def test_multi_container_tasks_become_one_service_that_compiles_through_the_gates(name):
    entry, stderr = _blueprint(name)
    service, task, lint, audit = _compile(entry)
    assert lint == []
    written = {c["Name"]: i for i, c in enumerate(task["ContainerDefinitions"])}
    warned = {int(i) for i in re.findall(r"^warning: containerDefinitions\[(\d+)\]\.readonlyRootFilesystem: kept "
                                         r"false", stderr, re.MULTILINE)}
    images = {c["image"]: i for i, c in enumerate(_input(name)["containerDefinitions"])}
    flagged = set()
    for finding in audit:  # only the writable roots the migration warned about
        assert finding.rule == "ECS003", finding
        flagged.add(next(images[c["Image"]] for c in task["ContainerDefinitions"]
                         if f"container {c['Name']} " in finding.message))
    assert flagged == warned
    assert len(written) == len(_input(name)["containerDefinitions"])


@pytest.mark.parametrize("name", [n for n in MULTI if n not in REFUSED])
def test_the_compiled_task_keeps_images_waits_essential_flags_shares_and_log_routing(name):
    entry, _ = _blueprint(name)
    service, task, _, _ = _compile(entry)
    migrated = _taskdef(name)
    before = {c["image"]: c for c in migrated["containerDefinitions"]}
    after = {c["Image"]: c for c in task["ContainerDefinitions"]}
    assert sorted(before) == sorted(after)
    name_of = {c["name"]: c["image"] for c in migrated["containerDefinitions"]}
    compiled_name_of = {c["Name"]: c["Image"] for c in task["ContainerDefinitions"]}
    (main,) = [c for c in task["ContainerDefinitions"] if c["Name"] == service]
    assert task["ContainerDefinitions"][0] is main  # the main container comes first
    for image, old in before.items():
        new = after[image]
        is_main = new is main
        assert new["Essential"] is (True if is_main else old.get("essential", True) is not False), image
        waits = {name_of[d["containerName"]]: d["condition"] for d in old.get("dependsOn", [])}
        assert {compiled_name_of[d["ContainerName"]]: d["Condition"] for d in new.get("DependsOn", [])} == waits
        if not is_main:
            for key, compiled in (("cpu", "Cpu"), ("memory", "Memory"), ("memoryReservation", "MemoryReservation")):
                assert new.get(compiled) == (old.get(key) or None), (image, key)
            assert [(p["ContainerPort"], p["Protocol"]) for p in new.get("PortMappings", [])] == \
                [(p["containerPort"], p.get("protocol", "tcp")) for p in old.get("portMappings", [])]
        else:
            assert new["PortMappings"][0]["ContainerPort"] == old["portMappings"][0]["containerPort"]
        if "firelensConfiguration" in old:
            assert new["FirelensConfiguration"]["Type"] == old["firelensConfiguration"]["type"]
            assert new["LogConfiguration"]["LogDriver"] == "awslogs"  # the router logs to the encrypted group
        else:
            driver = old.get("logConfiguration", {}).get("logDriver")
            assert new["LogConfiguration"]["LogDriver"] == ("awsfirelens" if driver == "awsfirelens" else "awslogs")
        assert new["Privileged"] is False
        old_mounts = {(m["containerPath"], bool(m.get("readOnly"))) for m in old.get("mountPoints", [])}
        assert old_mounts <= {(m["ContainerPath"], m["ReadOnly"]) for m in new.get("MountPoints", [])}
    volumes = {v["name"] for v in migrated.get("volumes", [])}
    assert len(task.get("Volumes", [])) >= len(volumes)
