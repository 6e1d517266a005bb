"""Fuzz targets: validate, build, audit and migrate over generated and mutated inputs (strategies.py).

Invariants for every case: exit code in {0, 1, 2}; no traceback (no exception escapes the command); exit 2 is
explained by a line located in the input file (``file:line:col: ...``); a failed build leaves out/ byte-identical;
a failed migrate writes nothing; no case takes over 5 s (the profile's deadline, conftest.py).
Profiles: ``ci`` in `make test`, ``long`` in `make fuzz` (STACKPRINT_FUZZ_PROFILE=long).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings

from generator.cli import main
from . import strategies as s

_LOCATED = r"^{name}:\d+:\d+: \S"


def _invoke(args: list[str], cwd: Path):
    runner = CliRunner()
    with _cwd(cwd):
        return runner.invoke(main, args, catch_exceptions=True)


class _cwd:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.old = os.getcwd()
        os.chdir(self.path)

    def __exit__(self, *exc):
        os.chdir(self.old)


_COUNTS: dict[str, int] = {}
_STARTED = time.monotonic()


def _progress(target: str) -> None:
    """Count cases; every 1,000th appends a line to $STACKPRINT_FUZZ_PROGRESS (how far a long run got)."""
    _COUNTS[target] = _COUNTS.get(target, 0) + 1
    log = os.environ.get("STACKPRINT_FUZZ_PROGRESS")
    if log and _COUNTS[target] % 1000 == 0:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{target}: {_COUNTS[target]} cases, {time.monotonic() - _STARTED:.0f} s\n")


def _check(result, name: str) -> None:
    """The invariants every command keeps on any input."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: hypothesis shows and shrinks it
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr[-1000:])
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        located = [line for line in result.stderr.splitlines() if re.match(_LOCATED.format(name=re.escape(name)),
                                                                             line)]
        assert located, result.stderr[-2000:]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@given(text=s.blueprint_texts())
def test_validate(text: str):
    _progress("validate")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "fuzz.yaml").write_text(text, encoding="utf-8")
        _check(_invoke(["validate", "fuzz.yaml"], Path(tmp)), "fuzz.yaml")


# A build that gets past validation runs cfn-lint (seconds): the ci profile keeps this target small.
@settings(max_examples=40 if os.environ.get("STACKPRINT_FUZZ_PROFILE", "ci") == "ci" else settings().max_examples)
@given(text=s.blueprint_texts())
def test_build(text: str):
    _progress("build")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "fuzz.yaml").write_text(text, encoding="utf-8")
        shutil.copytree(s.REPO / "out" / "two-tier", root / "out" / "fuzz")
        before = _snapshot(root / "out")
        result = _invoke(["build", "fuzz.yaml", "--out", "out"], root)
        _check(result, "fuzz.yaml")
        if result.exit_code != 0:
            assert _snapshot(root / "out") == before


@given(text=s.template_texts())
def test_audit(text: str):
    _progress("audit")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "t.yaml").write_text(text, encoding="utf-8")
        _check(_invoke(["audit", "t.yaml"], Path(tmp)), "t.yaml")


@given(text=s.task_texts())
def test_migrate(text: str):
    _progress("migrate")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "task.json").write_text(text, encoding="utf-8")
        result = _invoke(["migrate", "task.json", "-o", "new.json", "--execution-role-arn",
                          "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"], Path(tmp))
        _check(result, "task.json")
        if result.exit_code != 0:
            assert not (Path(tmp) / "new.json").exists()
