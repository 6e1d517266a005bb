"""Loading CloudFormation templates and deciding what is not one.

The audit reads templates it did not write, so it must say clearly when a file is something else (a JSON array, a
Compose file, a mapping whose ``Resources`` is a list) instead of crashing or reporting nothing. Files named on the
command line must be templates; files met while walking a folder are skipped when they plainly are not
CloudFormation (no ``Resources`` and no ``AWSTemplateFormatVersion``), so a repository can be audited as a whole.
"""
from __future__ import annotations

import gc
import os
from contextlib import contextmanager

from generator.errors import InputError
from generator.load import Document, load_file

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
_SKIPPED_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox"}


def is_foreach(logical_id) -> bool:
    """Whether a ``Resources`` key is an ``Fn::ForEach`` loop of the language extensions, not a resource."""
    return isinstance(logical_id, str) and logical_id.startswith("Fn::ForEach::")


def _kind(value) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__} scalar"


def check_template(doc: Document) -> Document:
    """Raise :class:`InputError` (with position) unless ``doc`` has the shape of a CloudFormation template.

    An empty ``Resources`` mapping is a valid template with nothing to audit; ``Resources: null`` (or an empty
    section) is not: CloudFormation refuses it, so the audit says so instead of reporting "no findings".
    ``Fn::ForEach::…`` entries (the ``AWS::LanguageExtensions`` transform) expand at deploy time: they are accepted
    and left out of the audit, like every other value the template cannot know before deployment.
    """
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), f"not a CloudFormation template: the document is {_kind(data)} "
                            "(expected a mapping with a Resources section)")
    if "Resources" not in data:
        raise doc.error((), "not a CloudFormation template: no Resources section "
                            "(expected a mapping of logical ids to resources)")
    resources = data["Resources"]
    if resources is None:
        raise doc.error(("Resources",), "Resources is empty (null): CloudFormation refuses a template without "
                                        "resources (expected a mapping of logical ids to resources)", key=True)
    if not isinstance(resources, dict):
        raise doc.error(("Resources",), f"Resources is {_kind(resources)} (expected a mapping of logical ids to "
                                        "resources)")
    for logical_id, resource in resources.items():
        where = ("Resources", logical_id)
        if is_foreach(logical_id):
            continue
        if not isinstance(resource, dict):
            raise doc.error(where, f"resource is {_kind(resource)} (expected a mapping with a Type)")
        kind = resource.get("Type")
        if not isinstance(kind, str) or not kind:
            raise doc.error(where + (("Type",) if "Type" in resource else ()),
                            "resource has no string Type (expected e.g. AWS::EC2::SecurityGroup)",
                            key="Type" not in resource)
        for section in ("Properties", "Metadata"):
            if section in resource and resource[section] is not None and not isinstance(resource[section], dict):
                raise doc.error(where + (section,), f"{section} is {_kind(resource[section])} (expected a mapping)")
    return doc


@contextmanager
def _collection_paused():
    """Pause CPython's cyclic garbage collector while a document is parsed.

    A large template allocates hundreds of thousands of small, acyclic objects (nodes, dicts, positions); the
    collector would rescan them again and again as they pile up, which doubles the load time of a 5,000-resource
    template. Nothing cyclic is created, so nothing is left for it to find afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_document(path: str) -> Document:
    """Parse ``path`` (YAML with short-form tags, or JSON) without judging whether it is a template."""
    with _collection_paused():
        return load_file(path, cfn=True)


def load_template(path: str) -> Document:
    """Load ``path`` (YAML with short-form tags, or JSON) and check it is a CloudFormation template."""
    return check_template(read_document(path))


def looks_like_template(doc: Document) -> bool:
    """Whether a file found in a folder is meant to be CloudFormation (and so must be valid)."""
    return isinstance(doc.data, dict) and ("Resources" in doc.data or "AWSTemplateFormatVersion" in doc.data)


def discover(paths) -> list[tuple[str, bool]]:
    """Expand command-line paths into ``(file, explicit)`` pairs, folders searched recursively in sorted order.

    ``explicit`` is true for files named directly: those must be templates; the others may be skipped.
    """
    found: list[tuple[str, bool]] = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if name.lower().endswith(TEMPLATE_SUFFIXES):
                        found.append((os.path.join(root, name), False))
        elif os.path.exists(path):
            found.append((path, True))
        else:
            raise InputError("no such file or folder", path=path)
    seen: set[str] = set()
    unique = []
    for path, explicit in found:
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            unique.append((path, explicit))
    return unique
