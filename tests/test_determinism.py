"""Byte-identical output across processes and hash seeds (set and dict order must never leak into files)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build_into(out: Path, seed: str) -> dict[str, bytes]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    result = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--out", str(out)], cwd=REPO, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_two_builds_with_different_hash_seeds_are_byte_identical(tmp_path):
    first = build_into(tmp_path / "a", "1")
    second = build_into(tmp_path / "b", "4242")
    assert len(first) >= 28
    assert first == second
