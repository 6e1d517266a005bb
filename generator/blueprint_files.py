"""Which blueprint files a command works on: the ones named, or every ``blueprints/*.yaml``.

Kept apart from :mod:`generator.compile` so that a command can name its inputs (and fingerprint them,
:mod:`generator.gatecache.outputs`) without importing the whole compiler.
"""
from __future__ import annotations

import glob
import os

from generator.errors import InputError


def blueprint_paths(paths: tuple[str, ...] | list[str], directory: str = "blueprints") -> list[str]:
    """The given blueprint files, or every ``blueprints/*.yaml`` (sorted) when none are given."""
    if paths:
        return list(paths)
    found = sorted(glob.glob(os.path.join(directory, "*.yaml")) + glob.glob(os.path.join(directory, "*.yml")))
    if not found:
        raise InputError(f"no blueprints found in {directory}/ (write one with: stackprint init NAME)")
    return found
