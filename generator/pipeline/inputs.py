"""What the pipeline deploys, read from the files of ``out/<blueprint>/<env>/`` exactly as they are committed.

The pipeline is derived from ``stacks.json`` (order and dependencies), each stack's ``config.json`` (which
parameters are placeholders a pipeline must fill) and each stack template's ``Parameters`` (the type and pattern
the pipeline's own parameter copies), never from the blueprint model: whatever is in ``out/`` is what it ships.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from generator.load import load_text

#: config.json values that are not real values yet: the stack cannot deploy until something supplies them.
PLACEHOLDER_PREFIX = "REPLACE_WITH_"


@dataclass(frozen=True)
class Placeholder:
    """A stack parameter left as a placeholder in config.json, with its definition from the stack template."""

    name: str
    placeholder: str
    definition: dict  # the stack template's Parameters entry (Type, AllowedPattern, Description...)


@dataclass(frozen=True)
class Stack:
    """One stack of an environment as stacks.json lists it."""

    name: str
    short: str  # the stack name without "<blueprint>-<env>-": network, data, web...
    template: str
    config: str
    depends_on: tuple[str, ...]
    placeholders: tuple[Placeholder, ...]
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Environment:
    """One environment: its stacks in stacks.json order, and whether its change sets wait for an approval."""

    name: str
    stacks: tuple[Stack, ...]
    protected: bool

    def levels(self) -> list[list[Stack]]:
        """The stacks grouped into deployment steps: a stack's step is one after the last step it depends on.

        Stacks of one step have no dependency between them, so the pipeline runs them in parallel (one RunOrder).
        """
        step: dict[str, int] = {}
        for stack in self.stacks:  # stacks.json lists every stack after the stacks it depends on
            inside = [step[name] for name in stack.depends_on if name in step]
            step[stack.name] = 1 + max(inside) if inside else 0
        levels: list[list[Stack]] = [[] for _ in range(1 + max(step.values(), default=-1))]
        for stack in self.stacks:
            levels[step[stack.name]].append(stack)
        return levels


def read_environment(blueprint: str, env: str, files: dict[str, bytes], protected: bool) -> Environment:
    """The :class:`Environment` described by the files of ``out/<blueprint>/<env>/`` (name -> bytes)."""
    stacks = []
    prefix = f"{blueprint}-{env}-"
    for entry in json.loads(files["stacks.json"]):
        config = json.loads(files[entry["config"]])
        template = load_text(files[entry["template"]].decode("utf-8"), f"{blueprint}/{env}/{entry['template']}",
                             cfn=True).data
        definitions = template.get("Parameters") or {}
        placeholders = tuple(Placeholder(name, value, dict(definitions.get(name) or {}))
                             for name, value in sorted(config.get("Parameters", {}).items())
                             if isinstance(value, str) and value.startswith(PLACEHOLDER_PREFIX))
        name = entry["stack_name"]
        stacks.append(Stack(name, name[len(prefix):] if name.startswith(prefix) else name, entry["template"],
                            entry["config"], tuple(entry["depends_on"]), placeholders,
                            dict(config.get("Tags") or {})))
    return Environment(env, tuple(stacks), protected)
