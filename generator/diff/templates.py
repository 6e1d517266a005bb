"""Template files to plain data: YAML (CloudFormation short-form tags turned into long forms) or JSON.

A tree holds every file of an ``out/`` directory; only documents with a ``Resources`` mapping are templates, so
``stacks.json`` and ``*.config.json`` are skipped without a list of names to keep up to date.
"""
from __future__ import annotations

import json
import posixpath

from generator.load import load_json, load_text

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")


def parse(text: str, path: str):
    """The document at ``path`` as Python data; a syntax error is an InputError naming the file."""
    if path.endswith(".json"):
        return load_json(text, path)  # within the loader's limits (depth, numbers, duplicates), errors located
    return load_text(text, path, cfn=True).data


def is_template(data) -> bool:
    """A CloudFormation template: a mapping whose ``Resources`` is a mapping."""
    return isinstance(data, dict) and isinstance(data.get("Resources"), dict)


def stack_names(files: dict[str, str]) -> dict[str, str]:
    """Template path -> stack name, read from each directory's ``stacks.json`` when stackprint wrote one.

    Other templates are named after their file (``vpc.template.yaml`` -> ``vpc``), which is what
    ``${AWS::StackName}`` in an export name resolves to when the file is deployed under its own name.
    """
    names: dict[str, str] = {}
    for path, text in sorted(files.items()):
        if posixpath.basename(path) != "stacks.json":
            continue
        try:
            stacks = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or beyond what json can read: not stackprint's
            continue
        directory = posixpath.dirname(path)
        for stack in stacks if isinstance(stacks, list) else []:
            if isinstance(stack, dict) and isinstance(stack.get("template"), str) and stack.get("stack_name"):
                names[posixpath.join(directory, stack["template"])] = str(stack["stack_name"])
    return names


def default_stack_name(path: str) -> str:
    """``dir/shop-dev-web.template.yaml`` -> ``shop-dev-web``."""
    name = posixpath.basename(path)
    for suffix in (".yaml", ".yml", ".json", ".template"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name[: -len(".template")] if name.endswith(".template") else name
