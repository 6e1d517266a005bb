"""Gates that run fast: per-template gates in parallel processes, their results cached by content, and a record of
finished builds so that an up-to-date ``out/`` is confirmed without compiling.

- :mod:`.gates`: :class:`TemplateGate`, a gate that judges one template at a time (cfn-lint, the audit).
- :mod:`.store`: the cache directory and its entries (atomic, a bad entry is a miss, an unwritable dir a warning).
- :mod:`.keys`: what a result depends on (template bytes, cfn-lint and stackprint versions, gate configuration).
- :mod:`.runner`: :class:`GateSession`, worker processes started before rendering and fed every uncached template.
- :mod:`.progress`: the per-environment progress line.
- :mod:`.outputs`: the fingerprint of a build's inputs and the digests of the files it wrote.
"""
from __future__ import annotations

from generator.gatecache.gates import TemplateGate
from generator.gatecache.progress import Progress
from generator.gatecache.runner import GateSession
from generator.gatecache.store import Store, cache_dir

__all__ = ["GateSession", "Progress", "Store", "TemplateGate", "cache_dir"]
