"""The cache directory: small JSON entries addressed by a sha256 key, written atomically.

Where: ``$STACKPRINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/stackprint``, else ``~/.cache/stackprint``. Deleting the
directory clears the cache; nothing else refers to it. An entry that cannot be read or parsed, or that was stored
under another key, is a miss (the work is simply done again); a directory that cannot be written is reported once
and the build goes on without storing anything.
"""
from __future__ import annotations

import json
import os
from typing import Callable

from generator.write import atomic_write

FORMAT = 1  # bump when the meaning of an entry changes: older entries become misses


def cache_dir() -> str:
    """The user's stackprint cache directory (it need not exist yet)."""
    explicit = os.environ.get("STACKPRINT_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "stackprint")


class Store:
    """Entries under ``root/<kind>/<key[:2]>/<key>.json``; ``warn`` is told once if writing fails."""

    def __init__(self, root: str | None = None, warn: Callable[[str], None] | None = None):
        self.root = root if root is not None else cache_dir()
        self._warn = warn
        self._write_failed = False

    def _path(self, kind: str, key: str) -> str:
        return os.path.join(self.root, kind, key[:2], f"{key}.json")

    def has_entries(self, kind: str) -> bool:
        """Whether any entry of ``kind`` was ever stored here (a hint, not a promise)."""
        try:
            with os.scandir(os.path.join(self.root, kind)) as entries:
                return any(True for _ in entries)
        except OSError:
            return False

    def get(self, kind: str, key: str):
        """The value stored for ``key``, or None when there is none or it is unusable (a miss, never an error)."""
        try:
            with open(self._path(kind, key), "rb") as handle:
                entry = json.loads(handle.read())
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
            return None
        return entry.get("value")

    def put(self, kind: str, key: str, value) -> None:
        """Store ``value`` (JSON-serialisable) for ``key``; after a first failure, stop trying for this run."""
        if self._write_failed:
            return
        data = json.dumps({"format": FORMAT, "key": key, "value": value}, sort_keys=True, separators=(",", ":"))
        try:
            atomic_write(self._path(kind, key), data)
        except OSError as exc:
            self._write_failed = True
            if self._warn is not None:
                reason = exc.strerror or str(exc)
                self._warn(f"{self.root}: cannot write the build cache ({reason}); building without it "
                           f"(set STACKPRINT_CACHE_DIR, or pass --no-cache)")
