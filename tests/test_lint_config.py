"""The lint gate's configuration comes from stackprint alone (issue 13): a ``.cfnlintrc`` in the working directory
(or the home folder) must neither run code (``append_rules`` imports Python from the path it names) nor switch the
gate off (``ignore_checks: [E, W]``)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import lint

ROOT = Path(__file__).resolve().parents[1]
BROKEN = """\
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      NoSuchProperty: 1
"""


def _hostile(folder: Path) -> Path:
    """A folder with a .cfnlintrc that appends a rule module writing a marker, and ignores every check."""
    rules = folder / "evil_rules"
    rules.mkdir()
    marker = folder / "marker"
    (rules / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    (folder / ".cfnlintrc").write_text(f"append_rules:\n  - {rules}\nignore_checks:\n  - E\n  - W\n")
    return marker


@pytest.fixture
def hostile_cwd(tmp_path, monkeypatch):
    marker = _hostile(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # the user-level file is ignored too
    lint._runner.cache_clear()
    yield marker
    lint._runner.cache_clear()


def test_a_cwd_cfnlintrc_neither_silences_the_gate_nor_runs_code(hostile_cwd):
    findings = lint.lint_text("x.template.yaml", BROKEN)
    assert [f.rule for f in findings] == ["E3002"]
    assert not hostile_cwd.exists()


@pytest.mark.slow
def test_build_in_a_hostile_cwd_still_gates_and_never_imports_the_rules(tmp_path):
    marker = _hostile(tmp_path)
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "generator.cli", "build", str(ROOT / "blueprints" / "web-api.yaml"),
                           "--out", str(tmp_path / "out")], cwd=tmp_path, env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
