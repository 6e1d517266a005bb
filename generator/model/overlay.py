"""``environments:`` overlays: deep-merge each over the base and remember where every merged value came from.

Merge rules: mappings merge key by key, lists and scalars replace, ``null`` removes the key from the base (so an
overlay can swap ``count`` for ``scaling``). Every value in the merged data keeps the key path it was written at, so
an error in a value the ``dev`` overlay set points at the overlay's line and reads
``environments.dev.services.web.count``, while an error in an inherited value points at the base.
"""
from __future__ import annotations

import copy
from typing import Any

from generator.errors import InputError
from generator.load import Document

KeyPath = tuple


class Locator:
    """Maps an effective key path (in the merged data) to the source key path and its position in the file."""

    def __init__(self, doc: Document, origin: dict[KeyPath, KeyPath]):
        self.doc = doc
        self.origin = origin

    def has(self, keypath: KeyPath) -> bool:
        """Whether the blueprint (base or overlay) wrote ``keypath`` (rather than it being a default)."""
        return tuple(keypath) in self.origin

    def source(self, keypath: KeyPath) -> tuple[KeyPath, bool]:
        """The source key path for ``keypath`` and whether it exists there.

        For a key that does not exist (a missing or defaulted value), the nearest written ancestor's source path
        with the rest appended.
        """
        keypath = tuple(keypath)
        for cut in range(len(keypath), -1, -1):
            prefix = keypath[:cut]
            if prefix in self.origin:
                return self.origin[prefix] + keypath[cut:], cut == len(keypath)
        return keypath, False

    def error(self, keypath: KeyPath, message: str, *, key: bool = False) -> InputError:
        """An InputError at ``keypath``: the value's position, or the key's if ``key``; for a path that was not
        written, the key of its nearest written ancestor."""
        source, exists = self.source(keypath)
        if exists:
            position = self.doc.position(source, key=key)
        else:
            anchor, _ = self.source(self._written_ancestor(tuple(keypath)))
            position = self.doc.position(anchor, key=True)
        return InputError(message, path=self.doc.path, position=position, keypath=source)

    def _written_ancestor(self, keypath: KeyPath) -> KeyPath:
        while keypath and keypath not in self.origin:
            keypath = keypath[:-1]
        return keypath


def _record(origin: dict, data: Any, effective: KeyPath, source: KeyPath) -> None:
    """Record that ``data`` (and everything under it) at ``effective`` was written at ``source``."""
    origin[effective] = source
    if isinstance(data, dict):
        for key, value in data.items():
            _record(origin, value, effective + (key,), source + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _record(origin, value, effective + (index,), source + (index,))


def _forget(origin: dict, effective: KeyPath) -> None:
    """Drop the origins of a value that is being replaced or removed."""
    for keypath in [k for k in origin if k[:len(effective)] == effective]:
        del origin[keypath]


def _merge_into(target: dict, overlay: dict, origin: dict, effective: KeyPath, source: KeyPath) -> None:
    for key, value in overlay.items():
        here = effective + (key,)
        if value is None:
            target.pop(key, None)
            _forget(origin, here)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_into(target[key], value, origin, here, source + (key,))
        else:
            target[key] = copy.deepcopy(value)
            _forget(origin, here)
            _record(origin, value, here, source + (key,))


def merge(base: dict, overlay: dict, overlay_source: KeyPath) -> tuple[dict, dict[KeyPath, KeyPath]]:
    """``base`` with ``overlay`` (written at ``overlay_source``) merged over it, and the origin of every value."""
    merged = copy.deepcopy(base)
    origin: dict[KeyPath, KeyPath] = {}
    _record(origin, base, (), ())
    _merge_into(merged, overlay, origin, (), overlay_source)
    return merged, origin
