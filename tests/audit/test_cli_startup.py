"""A one-file `stackprint audit` (and `validate`, `migrate`) must start fast (issue 13): the CLI imports only the
command being run, so none of them loads cfn-lint, troposphere or boto3 (bench/startup.py measures the CPU time)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("cfnlint", "troposphere", "boto3")
PROBE = """
import json, sys
from generator.cli import main
heavy = set(json.loads(sys.argv[2]))
sys.argv = ["stackprint"] + json.loads(sys.argv[1])
try:
    main()
except SystemExit as exit:
    code = exit.code
print()
print(json.dumps({"code": code, "heavy": sorted({m.split(".")[0] for m in sys.modules} & heavy)}))
"""


@pytest.mark.parametrize("args, code", [
    (["audit", str(ROOT / "tests" / "audit" / "SG001" / "fail.yaml")], 1),
    (["validate", str(ROOT / "blueprints" / "web-api.yaml")], 0),
    (["migrate", str(ROOT / "tests" / "migrate" / "corpus" / "describe-wrapped" / "input.json"),
      "--execution-role-arn", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"], 0),
])
def test_light_commands_do_not_import_the_heavy_libraries(args, code):
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"code": code, "heavy": []}, done.stderr


def test_help_still_lists_every_command():
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, ["--help"])
    listed = [line.split()[0] for line in result.output.split("Commands:", 1)[1].splitlines() if line.strip()]
    modules = sorted(path.stem for path in (ROOT / "generator" / "commands").glob("*.py")
                     if not path.stem.startswith("_"))
    assert sorted(listed) == modules, "every generator/commands/<name>.py must be listed in commands.NAMES"
    assert listed[:3] == ["build", "check", "diff"]


def test_unknown_command_is_a_usage_error():
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, ["audti"])
    assert result.exit_code == 2 and "No such command 'audti'" in result.output
