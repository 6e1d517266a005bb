"""The templates of one environment, from files and folders or from text in memory, named by stack.

A stack's name is its file name without ``.template.yaml`` (or ``.yaml``/``.yml``/``.json``/``.template``): that is
how stackprint names them and how imports are matched when an export's name is built from ``${AWS::StackName}``.
Files found in a folder that are not CloudFormation (``stacks.json``, ``*.config.json``) are skipped; a file named
on the command line must be a template.
"""
from __future__ import annotations

import os

from generator.errors import InputError
from generator.load import Document, load_file, load_text
from generator.reach.values import Stack

_SUFFIXES = (".template.yaml", ".template.yml", ".template.json", ".template", ".yaml", ".yml", ".json")


def stack_name(path: str) -> str:
    base = os.path.basename(path)
    for suffix in _SUFFIXES:
        if base.endswith(suffix):
            return base[: -len(suffix)]
    return base


def _is_template(doc: Document) -> bool:
    return isinstance(doc.data, dict) and isinstance(doc.data.get("Resources"), dict)


def from_paths(paths) -> list[Stack]:
    """Every template under ``paths`` (files or folders, not recursive into subfolders), sorted by stack name."""
    stacks: dict[str, Stack] = {}
    for path in paths:
        if os.path.isdir(path):
            names = sorted(n for n in os.listdir(path) if n.endswith(_SUFFIXES[-3:]))
            found = [(os.path.join(path, n), False) for n in names]
        elif os.path.exists(path):
            found = [(path, True)]
        else:
            raise InputError("no such file or folder", path=path)
        for file, explicit in found:
            doc = load_file(file, cfn=True)
            if not _is_template(doc):
                if explicit:
                    raise doc.error((), "not a CloudFormation template (expected a mapping with Resources)")
                continue
            _add(stacks, Stack(stack_name(file), doc))
    if not stacks:
        raise InputError(f"no CloudFormation templates found in {', '.join(paths)}")
    return [stacks[name] for name in sorted(stacks)]


def from_texts(texts: dict[str, str]) -> list[Stack]:
    """Templates held in memory (file name -> YAML/JSON text), e.g. the freshly rendered files of a build."""
    stacks: dict[str, Stack] = {}
    for name in sorted(texts):
        doc = load_text(texts[name], name, cfn=True)
        if _is_template(doc):
            _add(stacks, Stack(stack_name(name), doc))
    return [stacks[name] for name in sorted(stacks)]


def _add(stacks: dict[str, Stack], stack: Stack) -> None:
    if stack.name in stacks:
        raise InputError(f"two templates would be stack {stack.name!r} ({stacks[stack.name].doc.path} and this one)",
                         path=stack.doc.path)
    stacks[stack.name] = stack
