"""The environment README's plain-AWS-CLI path, typed for real: the `aws cloudformation deploy` commands of
out/web-api/dev/README.md, exactly as written there (placeholders replaced by the values a user would look up), run
by the real `aws` CLI against moto serving on 127.0.0.1 in this process; then the stacks are read back with boto3.

awscli pins its own botocore, so it lives in its own venv (.venv-awscli, made by `make test`, which exports
STACKPRINT_AWS). With STACKPRINT_AWS set but missing the test FAILS; without it and without .venv-awscli it skips.
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest

from emulator import moto_server
from test_env_readme_deploy import shell_blocks

REPO = Path(__file__).resolve().parent.parent
ENV_DIR = REPO / "out" / "web-api" / "dev"


@pytest.fixture
def aws_cli() -> str:
    named = os.environ.get("STACKPRINT_AWS")
    candidate = named or str(REPO / ".venv-awscli" / "bin" / "aws")
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    if named:
        pytest.fail(f"STACKPRINT_AWS={named} is not an executable")
    pytest.skip(f"aws CLI not found at {candidate}: run `make .venv-awscli/.installed` (`make test` does)")


def test_the_readme_aws_cli_commands_deploy_the_environment(aws_cli, monkeypatch):
    with moto_server(monkeypatch) as server:
        certificate = server.client("acm").request_certificate(DomainName="example.com")["CertificateArn"]
        values = {"REPLACE_WITH_ACM_CERTIFICATE_ARN": certificate}
        commands = shell_blocks((ENV_DIR / "README.md").read_text())[1]
        assert [c[:3] for c in commands] == [["aws", "cloudformation", "deploy"]] * len(commands)
        stacks = json.loads((ENV_DIR / "stacks.json").read_text())
        assert len(commands) == len(stacks)
        for words in commands:
            typed = [aws_cli] + [_fill(word, values) for word in words[1:]]
            assert not any("REPLACE_WITH_" in word for word in typed), shlex.join(typed)
            result = subprocess.run(typed, cwd=REPO, capture_output=True, text=True, timeout=300)
            assert result.returncode == 0, (shlex.join(typed), result.stdout, result.stderr)
            assert "Successfully created/updated stack" in result.stdout

        cfn = server.client("cloudformation")
        for stack in stacks:
            (described,) = cfn.describe_stacks(StackName=stack["stack_name"])["Stacks"]
            config = json.loads((ENV_DIR / stack["config"]).read_text())
            assert described["StackStatus"] == "CREATE_COMPLETE", stack["stack_name"]
            assert {t["Key"]: t["Value"] for t in described["Tags"]} == config["Tags"]
            given = {p["ParameterKey"]: p["ParameterValue"] for p in described.get("Parameters", [])}
            for name, value in config["Parameters"].items():
                assert given[name] == values.get(value, value)
            # moto neither enforces nor records Capabilities (MOTO_GAPS): tests/test_env_readme_deploy.py checks them

        # Typed again, nothing changes and the CLI says so (exit 0 thanks to --no-fail-on-empty-changeset).
        again = subprocess.run([aws_cli] + [_fill(w, values) for w in commands[0][1:]], cwd=REPO,
                               capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        assert "No changes to deploy" in again.stdout


def _fill(word: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        word = word.replace(placeholder, value)
    return word
