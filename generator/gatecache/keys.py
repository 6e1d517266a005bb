"""What a cached verdict depends on, reduced to sha256 keys.

A gate's verdict on a template is a function of the template's bytes, the gate's configuration, cfn-lint (its
version) and stackprint itself. stackprint's version string does not change while it is developed from a checkout
(an editable install), so the key holds a digest of every file of the installed ``generator`` package instead:
about 1.3 MB read once per run (a few milliseconds), so that any edit to a rule or an emitter is a miss.
"""
from __future__ import annotations

import hashlib
import json
import sys
from functools import lru_cache
from importlib import metadata, resources

from generator import __version__


def _walk(node, prefix: str, out: list) -> None:
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.name == "__pycache__" or child.name.startswith("."):
            continue
        name = f"{prefix}{child.name}"
        if child.is_dir():
            _walk(child, name + "/", out)
        elif not name.endswith((".pyc", ".pyo")):
            out.append((name, child.read_bytes()))


def package_files() -> list[tuple[str, bytes]]:
    """Every file the installed code reads: the ``generator`` package and its jinja2 templates. The templates are
    walked on their own because an editable install maps ``generator.templates`` to the checkout's top-level
    ``templates/`` folder, outside ``generator/`` (in the wheel they sit inside it and are simply read twice)."""
    files: list = []
    _walk(resources.files("generator"), "", files)
    _walk(resources.files("generator.templates"), "generator.templates:", files)
    return files


@lru_cache(maxsize=None)
def stackprint_digest() -> str:
    """sha256 over the names and bytes of every file of the installed code (:func:`package_files`), and its
    version, so that an edited emitter, rule or README template is a cache miss."""
    files = package_files()
    digest = hashlib.sha256(f"stackprint {__version__}\n".encode())
    for name, data in files:
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@lru_cache(maxsize=None)
def cfn_lint_version() -> str:
    """The installed cfn-lint's version, read from its metadata (importing cfn-lint itself costs ~0.5 s)."""
    try:
        return metadata.version("cfn-lint")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency of stackprint
        return "absent"


def environment_key() -> dict:
    """The code that judges: stackprint's digest, cfn-lint's version and Python's."""
    return {"stackprint": __version__, "stackprint_digest": stackprint_digest(),
            "cfn_lint": cfn_lint_version(), "python": "%d.%d" % sys.version_info[:2]}


def key_of(value) -> str:
    """sha256 of a JSON-serialisable value, written canonically (sorted keys)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def text_digest(text: str | bytes) -> str:
    """sha256 of a template's (or any file's) bytes."""
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def gate_key(gate_name: str, gate_config: dict, path: str, text: str) -> str:
    """The key of one gate's verdict on one template (its path is included: findings name it)."""
    return key_of({"gate": gate_name, "config": gate_config, "path": path, "template": text_digest(text),
                   "code": environment_key()})
