"""`stackprint deploy`, `status` and `destroy` end to end against moto running as an HTTP server on 127.0.0.1 in
this process (tests/emulator.py: the same patched emulator as tests/test_deploy.py), through the real command line.

What a user checks: every example environment deploys in stacks.json order; a re-deploy of the same out/ changes
nothing; a changed service count is exactly one in-place Modify; status shows what is there; destroy removes it.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from emulator import moto_server
from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "out"
CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"


@pytest.fixture
def server(monkeypatch):
    with moto_server(monkeypatch) as running:
        yield running


def environments() -> list[Path]:
    return sorted(p.parent for p in OUT.glob("*/*/stacks.json"))


def placeholder_values(server, env_dir: Path) -> list[str]:
    """--parameter NAME=VALUE for every REPLACE_WITH_ placeholder: a certificate and the managed prefix list, both
    looked up in the emulator as a user would look them up in their account."""
    certificate = server.client("acm").request_certificate(DomainName="example.com")["CertificateArn"]
    (prefix_list,) = server.client("ec2").describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [CLOUDFRONT_PREFIX_LIST]}])["PrefixLists"]
    values = {"REPLACE_WITH_ACM_CERTIFICATE_ARN": certificate,
              "REPLACE_WITH_CLOUDFRONT_PREFIX_LIST_ID": prefix_list["PrefixListId"]}
    found = {}
    for stack in json.loads((env_dir / "stacks.json").read_text()):
        for name, value in json.loads((env_dir / stack["config"]).read_text())["Parameters"].items():
            if value.startswith("REPLACE_WITH_"):
                found[name] = values[value]
    return [f"--parameter={name}={value}" for name, value in sorted(found.items())]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def change_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if re.match(r"\s+[+~!\-?>] \w", line)]


@pytest.mark.parametrize("env_dir", environments(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_environment_deploys_then_redeploys_with_no_changes(server, env_dir):
    stacks = json.loads((env_dir / "stacks.json").read_text())
    parameters = placeholder_values(server, env_dir)
    first = run("deploy", str(env_dir), "--yes", *parameters)
    assert first.exit_code == 0, first.output
    cfn = server.client("cloudformation")
    for stack in stacks:
        (described,) = cfn.describe_stacks(StackName=stack["stack_name"])["Stacks"]
        assert described["StackStatus"] == "CREATE_COMPLETE", stack["stack_name"]
        config = json.loads((env_dir / stack["config"]).read_text())
        assert {t["Key"]: t["Value"] for t in described["Tags"]} == config["Tags"]
    order = [line.split(" (")[0] for line in first.output.splitlines() if re.match(r"\S+ \(\d+/\d+\)$", line)]
    assert order == [s["stack_name"] for s in stacks]
    assert all(line.startswith("+ Add") for line in change_lines(first.output))

    again = run("deploy", str(env_dir), "--yes", *parameters)
    assert again.exit_code == 0, again.output
    assert change_lines(again.output) == []
    assert again.output.count("  no changes") == len(stacks)
