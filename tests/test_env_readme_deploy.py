"""The environment README's Deploy section says what a user must type and what to expect, and agrees with the
files next to it: one `aws cloudformation deploy` per stack in stacks.json order with every parameter and tag of
its config.json, the capabilities, what a delete keeps, and every relaxed default (balancer deletion protection,
ECS Exec) with its reason."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from generator.model import load_blueprint

pytestmark = pytest.mark.slow  # see tests/conftest.py: "Suite cost"

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "out"


def environments() -> list[Path]:
    return sorted(p.parent for p in OUT.glob("*/*/stacks.json"))


def shell_blocks(readme: str) -> list[list[list[str]]]:
    """Every ```sh block as a list of commands, each split into words as a shell would."""
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    return [[shlex.split(c) for c in re.split(r"\n(?=\S)", block.replace("\\\n", " ").strip()) if c.strip()]
            for block in blocks]


def options(words: list[str], name: str) -> list[str]:
    """The values after ``name`` up to the next option."""
    if name not in words:
        return []
    values = []
    for word in words[words.index(name) + 1:]:
        if word.startswith("--"):
            break
        values.append(word)
    return values


@pytest.mark.parametrize("env_dir", environments(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_readme_commands_match_the_files(env_dir):
    readme = (env_dir / "README.md").read_text()
    stacks = json.loads((env_dir / "stacks.json").read_text())
    (stackprint,), aws = shell_blocks(readme)[:2]
    relative = env_dir.relative_to(REPO).as_posix()
    assert stackprint[:3] == ["stackprint", "deploy", relative]
    configs = [json.loads((env_dir / s["config"]).read_text()) for s in stacks]
    placeholders = {k: v for c in configs for k, v in c["Parameters"].items()}
    assert [w for w in stackprint[3:] if w != "--parameter"] == [f"{k}={v}" for k, v in sorted(placeholders.items())]
    assert [options(c, "--stack-name")[0] for c in aws] == [
        s["stack_name"] for s in stacks]
    for command, stack, config in zip(aws, stacks, configs):
        assert command[:3] == ["aws", "cloudformation", "deploy"]
        assert options(command, "--template-file") == [f"{relative}/{stack['template']}"]
        assert (REPO / options(command, "--template-file")[0]).is_file()
        assert options(command, "--parameter-overrides") == [f"{k}={v}" for k, v in sorted(
            config["Parameters"].items())]
        assert options(command, "--tags") == [f"{k}={v}" for k, v in sorted(config["Tags"].items())]
        assert options(command, "--capabilities") == ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]


@pytest.mark.parametrize("env_dir", environments(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_readme_lists_what_a_delete_keeps_and_every_relaxed_default(env_dir):
    readme = (env_dir / "README.md").read_text()
    section = readme.split("### What stays behind on delete", 1)[1].split("## Network", 1)[0]
    for stack in json.loads((env_dir / "stacks.json").read_text()):
        template = (env_dir / stack["template"]).read_text()
        for logical_id in re.findall(r"^  (\w+):\n(?:    .*\n)*?    DeletionPolicy: (?:Retain|Snapshot)", template,
                                     re.M):
            assert f"| `{stack['stack_name']}` | `{logical_id}` |" in section
        if "Key: deletion_protection.enabled\n          Value: 'true'" in template:
            assert "blocks the delete: deletion_protection.enabled is true" in section
    bp = load_blueprint(str(REPO / "blueprints" / f"{env_dir.parent.name}.yaml"))[env_dir.name]
    relaxed = section.split("### Secure defaults turned off", 1)[1]
    for name, balancer in bp.load_balancers.items():
        for setting, reason in balancer.relax.items():
            assert f"- load balancer `{name}`: `{setting}` off — {reason}" in relaxed
    for name, service in bp.services.items():
        assert (f"- service `{name}`: ECS Exec on" in relaxed) is service.exec
    for setting, reason in bp.network.relax.items():
        assert f"- network: `{setting}` off — {reason}" in relaxed


def test_web_api_dev_names_its_relaxations():
    """The two gaps issue 9 found: the dev balancers' deletion protection and the api's ECS Exec."""
    relaxed = (OUT / "web-api" / "dev" / "README.md").read_text().split("### Secure defaults turned off", 1)[1]
    assert "load balancer `public`: `deletion_protection` off" in relaxed
    assert "service `api`: ECS Exec on" in relaxed
