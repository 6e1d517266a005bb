"""Hostile inputs through the CLI: every class of issue 13 — YAML types, huge integers, deep nesting (hundreds
and tens of thousands of levels), alias bombs, duplicate keys — given to `validate`, `build`, `audit` (templates
and policy files) and `migrate`.

Each must exit 2 with exactly one positioned line (`file:line:col: ...`), no traceback, nothing written, in
under 5 seconds. Every case runs in-process through click's runner (an escaping exception fails the test); the
deepest ones also run as a separate process, where a crash of the interpreter itself (exit 139) would show.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import limits
from generator.cli import main

POSITIONED = re.compile(r"^[^\s:][^:]*:\d+:\d+: \S")
TIME_LIMIT = 5.0


def _bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _deep_flow(depth: int) -> str:
    return "name: x\nnetwork: " + "[" * depth + "]" * depth + "\n"


def _deep_block(depth: int) -> str:
    return "name: x\n" + "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v: 1\n"


#: YAML documents given to validate, build and audit (and audit --policy): name -> (text, words in the message).
YAML_CASES = {
    "inf": ("name: x\ncpu: .inf\n", "not a finite number"),
    "nan": ("name: x\ncpu: .NaN\n", "not a finite number"),
    "float-overflow": ("name: x\ncpu: 1.0e+999\n", "not a finite number"),
    "tag-float-text": ("name: x\ncpu: !!float abc\n", "!!float"),
    "tag-int-text": ("name: x\nmemory: !!int lots\n", "!!int"),
    "tag-timestamp": ("name: x\nwhen: !!timestamp 2024-01-01\n", "!!timestamp"),
    "tag-binary": ("name: x\nblob: !!binary aGVsbG8=\n", "!!binary"),
    "tag-python": ("name: x\nobj: !!python/object:os.system {}\n", "tag"),
    "tag-set": ("name: x\ns: !!set {a, b}\n", "!!set"),
    "int-5000-digits": ("name: x\nmemory: " + "9" * 5000 + "\n", f"limit {limits.MAX_INT_DIGITS}"),
    "int-400-digits": ("name: x\nmemory: " + "7" * 400 + "\n", f"limit {limits.MAX_INT_DIGITS}"),
    "int-hex-huge": ("name: x\nmemory: 0x" + "f" * 5000 + "\n", f"limit {limits.MAX_INT_DIGITS}"),
    "deep-300-flow": (_deep_flow(300), f"limit {limits.MAX_DEPTH}"),
    "deep-300-block": (_deep_block(300), f"limit {limits.MAX_DEPTH}"),
    "deep-50000-flow": (_deep_flow(50_000), f"limit {limits.MAX_DEPTH}"),
    "deep-50000-mapping": ("name: x\nnetwork: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n",
                           f"limit {limits.MAX_DEPTH}"),
    "alias-bomb": (_bomb(), "alias"),
    "alias-recursive": ("name: x\nnetwork: &n [*n]\n", "alias"),
    "duplicate-key": ("name: x\nnetwork: {}\nname: y\n", "first at line 1 column 1"),
    # found by tests/fuzz: a control character was reported without a position
    "control-character": ("name: x\nnetwork: a\x1fb\n", "unacceptable character #x001f"),
}

#: JSON task definitions given to migrate: name -> (text, words in the message).
JSON_CASES = {
    "int-5000-digits": ('{"family": "a", "memory": ' + "9" * 5000 + ', "containerDefinitions": []}',
                        f"limit {limits.MAX_INT_DIGITS}"),
    "int-400-digits": ('{"family": "a", "memory": ' + "4" * 400 + ', "containerDefinitions": []}',
                       f"limit {limits.MAX_INT_DIGITS}"),
    "nan": ('{"family": "a", "cpu": NaN, "containerDefinitions": []}', "not a finite number"),
    "infinity": ('{"family": "a", "cpu": -Infinity, "containerDefinitions": []}', "not a finite number"),
    "float-overflow": ('{"family": "a", "cpu": 1e999, "containerDefinitions": []}', "not a finite number"),
    "deep-300": ('{"family": "a", "containerDefinitions": ' + "[" * 300 + "]" * 300 + "}",
                 f"limit {limits.MAX_DEPTH}"),
    "deep-50000": ('{"family": "a", "containerDefinitions": ' + "[" * 50_000 + "]" * 50_000 + "}",
                   f"limit {limits.MAX_DEPTH}"),
    "deep-50000-objects": ('{"family": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}", f"limit {limits.MAX_DEPTH}"),
    "duplicate-key": ('{"family": "a",\n "family": "b", "containerDefinitions": []}', "first at line 1 column 2"),
    # found by the long fuzz run: YAML reads this as one string, so the number was reported without a position
    "int-33-digits-twice": ("1" + "0" * 32 + "\n" + "1" + "0" * 32 + "\n", f"limit {limits.MAX_INT_DIGITS}"),
}


class _Ran:
    """What a command did: exit code and stderr, from a separate process or from click's runner."""

    def __init__(self, returncode: int, stderr: str):
        self.returncode = returncode
        self.stderr = stderr


def _run_process(args, cwd: Path) -> tuple[_Ran, float]:
    env = dict(os.environ, PYTHONFAULTHANDLER="")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=60)
    return _Ran(result.returncode, result.stderr), time.monotonic() - started


def _run(args, cwd: Path) -> tuple[_Ran, float]:
    started = time.monotonic()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return _Ran(result.exit_code, result.stderr), time.monotonic() - started


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_refused(result: _Ran, elapsed: float, name: str, words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    refusals = [line for line in lines if POSITIONED.match(line)]
    assert len(refusals) == 1, lines
    assert refusals[0].startswith(name + ":"), refusals[0]
    assert words in refusals[0], refusals[0]
    assert elapsed < TIME_LIMIT, f"took {elapsed:.1f} s"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("the previous build\n")
    return tmp_path



@pytest.mark.parametrize("case", sorted(YAML_CASES))
@pytest.mark.parametrize("command", ["validate", "build", "audit", "audit-policy"])
def test_hostile_yaml_is_one_positioned_error(workdir: Path, command: str, case: str):
    text, words = YAML_CASES[case]
    name = "hostile.yaml"
    (workdir / name).write_text(text)
    before = _snapshot(workdir / "out")
    if command == "validate":
        args = ["validate", name]
    elif command == "build":
        args = ["build", name, "--out", "out"]
    elif command == "audit":
        args = ["audit", name]
    else:
        (workdir / "t.yaml").write_text("Resources: {}\n")
        args = ["audit", "t.yaml", "--policy", name]
    result, elapsed = _run(args, workdir)
    _assert_refused(result, elapsed, name, words)
    assert _snapshot(workdir / "out") == before


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_hostile_task_definition_is_one_positioned_error(workdir: Path, case: str):
    text, words = JSON_CASES[case]
    (workdir / "task.json").write_text(text)
    result, elapsed = _run(["migrate", "task.json", "-o", "migrated.json"], workdir)
    _assert_refused(result, elapsed, "task.json", words)
    assert not (workdir / "migrated.json").exists()


@pytest.mark.parametrize("case", ["deep-50000", "int-5000-digits", "duplicate-key"])
def test_hostile_json_template_is_one_positioned_error(workdir: Path, case: str):
    text, words = JSON_CASES[case]
    (workdir / "t.json").write_text(text)
    result, elapsed = _run(["audit", "t.json"], workdir)
    _assert_refused(result, elapsed, "t.json", words)


@pytest.mark.parametrize("command", ["validate", "build", "audit", "migrate"])
def test_fifty_thousand_levels_never_crash_the_interpreter(workdir: Path, command: str):
    if command == "migrate":
        text, words = JSON_CASES["deep-50000-objects"]
        name, args = "task.json", ["migrate", "task.json", "-o", "migrated.json"]
    else:
        text, words = YAML_CASES["deep-50000-mapping"]
        name = "hostile.yaml"
        args = {"validate": ["validate", name], "build": ["build", name, "--out", "out"],
                "audit": ["audit", name]}[command]
    # The time limit is for reading the input: the interpreter's start-up (imports, seconds on a loaded machine)
    # is measured on a one-line broken file and not counted.
    (workdir / name).write_text("{" if command == "migrate" else "name: [\n")
    baseline = _run_process(args, workdir)[1]
    (workdir / name).write_text(text)
    before = _snapshot(workdir / "out")
    result, elapsed = _run_process(args, workdir)
    _assert_refused(result, max(0.0, elapsed - baseline), name, words)
    assert _snapshot(workdir / "out") == before
    assert not (workdir / "migrated.json").exists()


def test_merge_keys_still_work_and_explicit_keys_win():
    from generator.load import load_text
    doc = load_text("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  x: 3\n", "m.yaml")
    assert doc.data["m"] == {"x": 3, "y": 2}
    later = load_text("base: &b {x: 1, y: 2}\nm:\n  x: 3\n  <<: *b\n", "m.yaml")
    assert later.data["m"] == {"x": 3, "y": 2}
    assert later.position(("m", "x")).line == 3 and later.position(("m", "x"), key=True).line == 3  # own key wins
    assert later.position(("m", "y")).line == 1          # a merged key points where it was written


def test_dates_stay_text_and_short_forms_still_load():
    from generator.load import load_text
    doc = load_text("AWSTemplateFormatVersion: 2010-09-09\nResources:\n  A: {Properties: {X: !GetAtt B.Arn, "
                    "Y: !If [c, !Ref d, !Ref 'AWS::NoValue']}}\n", "t.yaml", cfn=True)
    assert doc.data["AWSTemplateFormatVersion"] == "2010-09-09"
    assert doc.data["Resources"]["A"]["Properties"] == {
        "X": {"Fn::GetAtt": ["B", "Arn"]}, "Y": {"Fn::If": ["c", {"Ref": "d"}, {"Ref": "AWS::NoValue"}]}}


def test_limits_admit_real_nesting():
    from generator.load import load_text
    depth = limits.MAX_DEPTH
    assert load_text("[" * depth + "]" * depth, "ok.yaml").data is not None
    with pytest.raises(Exception, match=f"limit {depth}"):
        load_text("[" * (depth + 1) + "]" * (depth + 1), "deep.yaml")


TWO_TIER = Path(__file__).resolve().parents[1] / "blueprints" / "two-tier.yaml"


@pytest.mark.parametrize("memory, words", [
    ('"' + "9" * 400 + ' GB"', "is not a whole number of MiB"),    # overflowed to infinity: was a traceback
    ('"' + "9" * 400 + '"', "is not a whole number of MiB"),
    ('"\u0663 GB"', "is not a memory size"),                          # Arabic-Indic 3 is not 3
])
def test_memory_strings_beyond_any_size_are_located_errors(workdir: Path, memory: str, words: str):
    text = TWO_TIER.read_text().replace("    memory: 512\n", f"    memory: {memory}\n", 1)
    assert memory in text
    (workdir / "m.yaml").write_text(text)
    for args in (["validate", "m.yaml"], ["build", "m.yaml", "--out", "out"]):
        before = _snapshot(workdir / "out")
        result, elapsed = _run(args, workdir)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert all(POSITIONED.match(line) for line in result.stderr.strip().splitlines() if "m.yaml" in line)
        assert words in result.stderr
        assert _snapshot(workdir / "out") == before


@pytest.mark.parametrize("field", ["cpu", "memory"])
def test_task_definition_sizes_beyond_any_size_are_located_errors(workdir: Path, field: str):
    (workdir / "t.json").write_text('{"family": "a", "%s": "%s", "containerDefinitions": '
                                    '[{"name": "a", "image": "x", "memory": 512}]}' % (field, "9" * 400))
    result, elapsed = _run(["migrate", "t.json", "-o", "new.json"], workdir)
    assert result.returncode == 2
    assert POSITIONED.match(result.stderr) and f"{field}: " in result.stderr
    assert not (workdir / "new.json").exists()


@pytest.mark.parametrize("text, words", [
    # found by tests/fuzz: both were TypeError tracebacks
    ('{"family": "api", "cpu": "512", "memory": "1024", "containerDefinitions": 1}', "containerDefinitions"),
    ('{"family": "t", "containerDefinitions": [{"name": "t", "image": "e/t:5", "cpu": 256, "memory": 512, '
     '"resourceRequirements": 1}]}', "resourceRequirements"),
])
def test_task_definition_fields_of_the_wrong_type_are_located_errors(workdir: Path, text: str, words: str):
    (workdir / "t.json").write_text(text)
    result, elapsed = _run(["migrate", "t.json", "-o", "new.json"], workdir)
    assert result.returncode == 2, result.stderr
    assert POSITIONED.match(result.stderr) and words in result.stderr, result.stderr
    assert not (workdir / "new.json").exists()


def test_a_capability_that_is_not_a_name_is_removed_not_a_traceback(workdir: Path):
    # found by the long fuzz run: an object among linuxParameters.capabilities.add was a TypeError (unhashable)
    (workdir / "t.json").write_text('{"family": "a", "containerDefinitions": [{"name": "a", "image": "e/a:1", '
                                    '"cpu": 256, "memory": 512, "linuxParameters": {"capabilities": '
                                    '{"add": [{"k": 1}, "SYS_PTRACE"]}}}]}')
    result, elapsed = _run(["migrate", "t.json", "-o", "new.json"], workdir)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    assert "removed [{" in result.stderr or 'removed [{"k"' in result.stderr or "capabilities.add" in result.stderr


def test_task_definition_errors_are_located_even_where_yaml_cannot_read_the_json(workdir: Path):
    # found by the long fuzz run: a DEL character in a key (valid JSON, invalid YAML) left "missing family" unlocated
    (workdir / "t.json").write_text('{"\x7ffamily": "api", "containerDefinitions": [{"name": "a", "image": "e/a:1", '
                                    '"cpu": 256, "memory": 512}]}')
    result, elapsed = _run(["migrate", "t.json"], workdir)
    assert result.returncode == 2
    assert result.stderr.startswith("t.json:1:1: ") and "missing family" in result.stderr


@pytest.mark.parametrize("key, shown", [(" ", '[" "]'), ("", '[""]'), ("a.b", '["a.b"]'), (" web", '[" web"]')])
def test_a_blank_or_dotted_key_is_named_quoted_in_the_error(workdir: Path, key: str, shown: str):
    """Found by the long fuzz run: a duplicated ``' '`` key printed ``fuzz.yaml:2:1:  : duplicate key``, naming
    nothing; the key path now quotes keys that would vanish or mislead bare."""
    (workdir / "bp.yaml").write_text(f'name: x\nservices:\n  "{key}": 0\n  "{key}": 0\n')
    result = CliRunner().invoke(main, ["validate", str(workdir / "bp.yaml")])
    assert result.exit_code == 2
    assert f"bp.yaml:4:3: services{shown}: duplicate key" in result.output
