"""The CI files we ship (docs/ci/*.yml workflows, .pre-commit-hooks.yaml) parse, are shown verbatim in docs/ci.md,
and call only stackprint commands and options that exist: for every ``stackprint <cmd> [--options]`` they contain,
``stackprint <cmd> --help`` succeeds and names every option used.
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((REPO / "docs" / "ci").glob("*.yml"))
HOOKS = REPO / ".pre-commit-hooks.yaml"
SHELL_OPERATORS = {"&&", "||", "|", ";", ">", ">>", "<", "&"}


def _scripts(path: Path) -> list[str]:
    """Every shell snippet of a workflow (steps' ``run``) or hooks file (``entry``)."""
    data = yaml.safe_load(path.read_text())
    if path == HOOKS:
        return [hook["entry"] for hook in data]
    return [step["run"] for job in data["jobs"].values() for step in job["steps"] if "run" in step]


def _invocations(script: str) -> list[tuple[str, list[str]]]:
    """``(command, [options])`` for every ``stackprint`` call in a shell snippet (continuations joined)."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line.split(" #")[0], posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
        for index, token in enumerate(tokens):
            if token != "stackprint" or index + 1 >= len(tokens):
                continue
            rest = []
            for word in tokens[index + 2:]:
                if word in SHELL_OPERATORS:
                    break
                rest.append(word)
            found.append((tokens[index + 1], [w.split("=", 1)[0] for w in rest if w.startswith("-")]))
    return found


def _all_invocations() -> list[tuple[str, str, list[str]]]:
    return [(path.relative_to(REPO).as_posix(), command, options)
            for path in WORKFLOWS + [HOOKS] for script in _scripts(path) for command, options in _invocations(script)]


def test_the_files_exist_and_parse():
    assert [p.name for p in WORKFLOWS] == ["stackprint-check.yml", "stackprint-deploy.yml"]
    hooks = yaml.safe_load(HOOKS.read_text())
    assert {h["id"] for h in hooks} == {"stackprint-check", "stackprint-audit"}
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook) and hook["pass_filenames"] is False
    for path in WORKFLOWS:
        data = yaml.safe_load(path.read_text())
        assert data["jobs"] and all(job["steps"] for job in data["jobs"].values())


def test_the_extractor_finds_commands_and_options():
    assert _invocations('stackprint audit out --format sarif --fail-on low > a.sarif && stackprint check') == [
        ("audit", ["--format", "--fail-on"]), ("check", [])]
    assert _invocations('stackprint deploy out/x/dev \\\n  --parameter "A=b c" --yes') == [
        ("deploy", ["--parameter", "--yes"])]


def test_workflows_do_what_docs_ci_promises():
    check = (REPO / "docs" / "ci" / "stackprint-check.yml").read_text()
    deploy = yaml.safe_load((REPO / "docs" / "ci" / "stackprint-deploy.yml").read_text())
    assert "github/codeql-action/upload-sarif@" in check and "--format sarif" in check
    assert deploy["permissions"]["id-token"] == "write"
    steps = deploy["jobs"]["deploy"]["steps"]
    assert any(s.get("uses", "").startswith("aws-actions/configure-aws-credentials@") and
               "role-to-assume" in s["with"] for s in steps)
    commands = [command for _, command, _ in _all_invocations()]
    assert {"check", "audit", "deploy"} <= set(commands)


def test_docs_ci_shows_every_file_verbatim():
    text = (REPO / "docs" / "ci.md").read_text()
    for path in WORKFLOWS + [HOOKS]:
        assert f"```yaml\n{path.read_text()}```" in text, f"docs/ci.md does not show {path.name} verbatim"


@pytest.mark.parametrize("where, command, options", _all_invocations(),
                         ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_every_invocation_uses_an_existing_command_and_options(where, command, options):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, f"{where}: stackprint {command} --help: {result.output}"
    for option in options:
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", result.output), \
            f"{where}: stackprint {command} has no option {option}"
