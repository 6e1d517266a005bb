"""One environment directory of ``out/`` as the deploy commands need it: the stacks in ``stacks.json`` order, each
with its template bytes, parameters and tags from its ``config.json``. Nothing here talks to AWS."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

from generator.errors import InputError

#: The largest template body CloudFormation accepts inline; bigger ones must be uploaded to S3 (TemplateURL).
INLINE_TEMPLATE_LIMIT = 51_200


@dataclass(frozen=True)
class Stack:
    """One stack of the environment, as written by ``stackprint build``."""

    name: str
    template_path: str
    config_path: str
    body: bytes
    parameters: dict[str, str]
    tags: dict[str, str]
    depends_on: tuple[str, ...]

    @property
    def too_big_to_inline(self) -> bool:
        return len(self.body) > INLINE_TEMPLATE_LIMIT


@dataclass(frozen=True)
class Environment:
    """The directory and its stacks in deploy order."""

    path: str
    stacks: tuple[Stack, ...]


def _read_json(path: str, what: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise InputError(f"no {what} here (run `stackprint build` first)", path=path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{exc.msg} (expected the JSON `stackprint build` writes)", path=path) from None


def _strings(value, path: str, key: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InputError(f"{key} must be a mapping of names to strings (as `stackprint build` writes it)", path=path)
    return dict(value)


def load_environment(path: str) -> Environment:
    """Read ``path/stacks.json`` and every file it names; raise InputError for anything missing or malformed."""
    if not os.path.isdir(path):
        raise InputError("not a directory (expected an environment of out/, such as out/web-api/dev)", path=path)
    index_path = os.path.join(path, "stacks.json")
    if not os.path.exists(index_path):
        raise InputError("no stacks.json here (expected an environment of out/, such as out/web-api/dev)",
                         path=path)
    entries = _read_json(index_path, "stacks.json")
    if not isinstance(entries, list) or not entries:
        raise InputError("expected a non-empty list of stacks", path=index_path)
    stacks = []
    for entry in entries:
        if not isinstance(entry, dict) or not {"stack_name", "template", "config"} <= set(entry):
            raise InputError("every entry needs stack_name, template and config", path=index_path)
        template_path = os.path.join(path, entry["template"])
        config_path = os.path.join(path, entry["config"])
        try:
            with open(template_path, "rb") as handle:
                body = handle.read()
        except FileNotFoundError:
            raise InputError(f"template of stack {entry['stack_name']} is missing (run `stackprint build`)",
                             path=template_path) from None
        config = _read_json(config_path, "config.json")
        if not isinstance(config, dict):
            raise InputError("expected a mapping with Parameters and Tags", path=config_path)
        stacks.append(Stack(entry["stack_name"], template_path, config_path, body,
                            _strings(config.get("Parameters", {}), config_path, "Parameters"),
                            _strings(config.get("Tags", {}), config_path, "Tags"),
                            tuple(entry.get("depends_on", ()))))
    return Environment(path, tuple(stacks))
