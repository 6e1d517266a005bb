"""Atomic file output: a reader (or a failed run) never sees a half-written file."""
from __future__ import annotations

import os
import tempfile


def atomic_write(path: str, data: bytes | str) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory and an atomic rename."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".stackprint-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_tree(root: str, units: dict[str, dict[str, bytes]]) -> None:
    """Replace whole directories under ``root`` with new contents, each by one rename.

    ``units`` maps a directory relative to ``root`` (``shop`` or ``shop/dev``) to its complete new contents
    (relative file path -> bytes). Everything is staged in a hidden directory inside ``root`` first, so a failure
    while writing leaves ``root`` untouched; then each unit swaps in with ``os.replace``. Files of a unit that are
    no longer produced disappear with the old directory (no stale templates).
    """
    import shutil

    os.makedirs(root, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".stackprint-staging-", dir=root)
    try:
        for unit, files in sorted(units.items()):
            for relative, data in sorted(files.items()):
                target = os.path.join(staging, "new", unit, relative)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as handle:
                    handle.write(data)
                os.chmod(target, 0o644)
        old = os.path.join(staging, "old")
        for unit in sorted(units):
            final = os.path.join(root, unit)
            os.makedirs(os.path.dirname(final), exist_ok=True)
            if os.path.exists(final):
                os.makedirs(os.path.dirname(os.path.join(old, unit)), exist_ok=True)
                os.replace(final, os.path.join(old, unit))
            os.replace(os.path.join(staging, "new", unit), final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
