"""The build's promises, tested by behaviour rather than by reading the code that keeps them.

- Any cfn-lint warning fails `build` (exit 1) and nothing is written: a template whose only problem is a warning
  goes through the real gates.
- A write interrupted half-way leaves the old file (``atomic_write``) or the old tree (``write_tree``) intact: the
  interruption is real, a file-size limit (RLIMIT_FSIZE) that makes the operating system refuse the write after a
  few bytes, in a child process so the limit never touches the test runner.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner
from troposphere import Parameter

import pytest

from generator.cli import main
from generator.lint import gate

SMALL = """\
name: small
network: {cidr: 10.30.0.0/20, availability_zones: 2, nat: single}
services:
  worker: {image: public.ecr.aws/nginx/nginx:1.27}
"""


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _with_unused_parameter(original):
    """The emitter, plus one parameter nothing references: cfn-lint's W2001, a warning and nothing else."""
    def templates(layout):
        result = original(layout)
        network = next(name for name in result if name.endswith("-network"))
        result[network].add_parameter(Parameter("NobodyUsesThis", Type="String", Default="x"))
        return result
    return templates


@pytest.mark.slow
def test_a_warning_only_template_fails_the_build_and_nothing_is_written(tmp_path, monkeypatch):
    import generator.compile as compile_module

    (tmp_path / "blueprints").mkdir()
    (tmp_path / "blueprints" / "small.yaml").write_text(SMALL)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    before = snapshot(tmp_path / "out")
    monkeypatch.setattr(compile_module, "templates", _with_unused_parameter(compile_module.templates))
    # --no-cache: the patch changes the code in memory only (a real edit changes the code digest and misses)
    result = CliRunner().invoke(main, ["build", "--no-cache"])
    assert result.exit_code == 1, result.output
    assert "small/default/small-default-network.template.yaml:" in result.output
    assert ": W2001: " in result.output and ": E" not in result.output  # the warning, alone, failed it
    assert "nothing written" in result.output
    assert snapshot(tmp_path / "out") == before


def test_the_lint_gate_reports_warnings():
    template = textwrap.dedent("""\
        Parameters:
          Unused: {Type: String, Default: x}
        Resources:
          Topic: {Type: AWS::SNS::Topic}
        """)
    assert [(f.rule, f.line) for f in gate({"t.yaml": template})] == [("W2001", 2)]


_INTERRUPTED = """\
import resource, signal, sys
from generator.write import atomic_write, write_tree
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing us
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
root, kind = sys.argv[1], sys.argv[2]
big = b"new " * 100_000  # 400 KB: the first 4 KB reach the disk, then the system refuses the rest
try:
    if kind == "file":
        atomic_write(root + "/a/template.yaml", big)
    else:
        write_tree(root, {"a/dev": {"small.yaml": b"new", "template.yaml": big}, "b": {"x.yaml": b"new"}})
except OSError as exc:
    print("interrupted:", exc.errno)
    sys.exit(3)
sys.exit(0)
"""


def _interrupt(root: Path, kind: str) -> None:
    result = subprocess.run([sys.executable, "-c", _INTERRUPTED, str(root), kind], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 3, result.stdout + result.stderr  # the write really was interrupted


def test_an_interrupted_atomic_write_leaves_the_old_file_intact(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "template.yaml").write_bytes(b"old contents\n")
    _interrupt(tmp_path, "file")
    assert snapshot(tmp_path) == {"a/template.yaml": b"old contents\n"}  # no partial file, no temporary left


def test_an_interrupted_write_tree_leaves_the_old_tree_intact(tmp_path):
    (tmp_path / "a" / "dev").mkdir(parents=True)
    (tmp_path / "a" / "dev" / "template.yaml").write_bytes(b"old template\n")
    (tmp_path / "a" / "dev" / "stale.yaml").write_bytes(b"old stale\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.yaml").write_bytes(b"old b\n")
    before = snapshot(tmp_path)
    _interrupt(tmp_path, "tree")
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]  # no staging directory left behind
