"""Byte-identical output across processes and hash seeds (set and dict order must never leak into files).

Two child processes with fixed, different hash seeds render every example (load, plan, emit, write: everything
that produces bytes; the gates only judge) and each must equal the session's full build, made in this process
under its own seed. The children run at the same time, so the check costs one render, not two builds.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

_RENDER = """\
import sys
from generator.compile import blueprint_paths, compile_blueprints
from generator.write import write_tree
build = compile_blueprints(blueprint_paths(()), gates=[])
write_tree(sys.argv[1], build.units(whole_blueprints=True))
"""


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_renders_with_different_hash_seeds_are_byte_identical_to_the_build(tmp_path, fresh_build):
    children = {seed: subprocess.Popen([sys.executable, "-c", _RENDER, str(tmp_path / seed)], cwd=REPO,
                                       env=dict(os.environ, PYTHONHASHSEED=seed), stderr=subprocess.PIPE, text=True)
                for seed in ("1", "4242")}
    for seed, child in children.items():
        _, stderr = child.communicate(timeout=300)
        assert child.returncode == 0, stderr
    first, second = _files(tmp_path / "1"), _files(tmp_path / "4242")
    assert len(first) >= 28
    assert first == second
    assert first == fresh_build.files()
