"""write_tree: whole directories replaced at once; a failure while writing leaves the root untouched."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.write import write_tree


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_units_replace_whole_directories_and_leave_others(tmp_path):
    write_tree(str(tmp_path), {"a/dev": {"x.yaml": b"1", "y.yaml": b"2"}, "b": {"dev/z.yaml": b"3"}})
    write_tree(str(tmp_path), {"a/dev": {"x.yaml": b"new"}})
    assert snapshot(tmp_path) == {"a/dev/x.yaml": b"new", "b/dev/z.yaml": b"3"}


def test_a_failure_while_staging_leaves_the_root_exactly_as_it_was(tmp_path):
    write_tree(str(tmp_path), {"a/dev": {"x.yaml": b"1"}})
    before = snapshot(tmp_path)
    with pytest.raises(OSError):  # "x.yaml" cannot be both a file and a directory
        write_tree(str(tmp_path), {"a/dev": {"x.yaml": b"2", "x.yaml/inner": b"3"}})
    assert snapshot(tmp_path) == before
    assert [p.name for p in tmp_path.iterdir()] == ["a"]  # no staging directory left behind
