"""The diff as data: environments, their stacks, resource and property changes; counts and the exit code.

Rendering lives in :mod:`generator.diff.render`; everything here is plain dataclasses built by
:mod:`generator.diff.changes`, so text, markdown and JSON all say the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.diff.values import MISSING, Item, plain


@dataclass
class PropertyChange:
    """One value that differs: its key path inside the resource (or parameter/output), old and new."""

    path: tuple
    old: Any
    new: Any
    replaces: bool = False
    cause: str = ""  # why it changes when the template text does not: "ApiSubnet1 is replaced"

    @property
    def where(self) -> str:
        text = ""
        for part in self.path:
            if isinstance(part, (int, Item)):
                text += f"[{part}]"
            else:
                text += ("." if text else "") + str(part)
        return text

    @property
    def kind(self) -> str:
        return "add" if self.old is MISSING else "remove" if self.new is MISSING else "modify"

    def to_json(self) -> dict:
        data = {"path": self.where, "old": plain(self.old), "new": plain(self.new), "replaces": self.replaces}
        if self.cause:
            data["cause"] = self.cause
        return data


@dataclass
class ResourceChange:
    """A resource added, removed, modified in place or replaced; ``danger`` when state is lost with it."""

    logical_id: str
    type: str
    action: str  # "add" | "remove" | "modify" | "replace"
    properties: list[PropertyChange] = field(default_factory=list)
    danger: bool = False
    retained: str = ""  # "DeletionPolicy: Retain" when the old physical resource survives

    def to_json(self) -> dict:
        return {"logical_id": self.logical_id, "type": self.type, "action": self.action, "danger": self.danger,
                "retained": self.retained or None, "changes": [p.to_json() for p in self.properties]}


@dataclass
class ItemChange:
    """A parameter or output added, removed or modified."""

    name: str
    action: str
    properties: list[PropertyChange] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"name": self.name, "action": self.action, "changes": [p.to_json() for p in self.properties]}


@dataclass
class StackDiff:
    """One template matched by path: ``added`` / ``removed`` whole, or ``modified``."""

    path: str
    stack: str
    status: str
    resources: list[ResourceChange] = field(default_factory=list)
    parameters: list[ItemChange] = field(default_factory=list)
    outputs: list[ItemChange] = field(default_factory=list)
    sections: list[PropertyChange] = field(default_factory=list)  # Conditions, Mappings, Transform, …

    @property
    def danger(self) -> list[ResourceChange]:
        return [r for r in self.resources if r.danger]

    def counts(self) -> dict[str, int]:
        counts = {"add": 0, "modify": 0, "replace": 0, "remove": 0}
        for resource in self.resources:
            counts[resource.action] += 1
        return counts

    def to_json(self) -> dict:
        return {"path": self.path, "stack": self.stack, "status": self.status, "counts": self.counts(),
                "resources": [r.to_json() for r in self.resources],
                "parameters": [p.to_json() for p in self.parameters],
                "outputs": [o.to_json() for o in self.outputs],
                "sections": [s.to_json() for s in self.sections]}


@dataclass
class EnvironmentDiff:
    """One directory of templates: its firewall and exposure changes, broken exports, and its stacks."""

    directory: str
    stacks: list[StackDiff] = field(default_factory=list)
    internet_added: list[str] = field(default_factory=list)
    internet_removed: list[str] = field(default_factory=list)
    flows_added: list[str] = field(default_factory=list)
    flows_removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # deploy-order advice; never changes the exit code

    @property
    def changed(self) -> bool:
        return bool(self.stacks or self.flows_added or self.flows_removed or self.errors
                    or self.internet_added or self.internet_removed)

    def to_json(self) -> dict:
        return {"directory": self.directory,
                "internet_reachable": {"added": self.internet_added, "removed": self.internet_removed},
                "flows": {"added": self.flows_added, "removed": self.flows_removed},
                "errors": self.errors, "notes": self.notes, "stacks": [s.to_json() for s in self.stacks]}


@dataclass
class Report:
    """Every environment that changed between the two trees."""

    old: str
    new: str
    environments: list[EnvironmentDiff] = field(default_factory=list)

    @property
    def stacks(self) -> list[StackDiff]:
        return [s for e in self.environments for s in e.stacks]

    @property
    def errors(self) -> list[str]:
        return [err for e in self.environments for err in e.errors]

    @property
    def danger(self) -> list[tuple[StackDiff, ResourceChange]]:
        return [(s, r) for s in self.stacks for r in s.danger]

    def counts(self) -> dict[str, int]:
        total = {"add": 0, "modify": 0, "replace": 0, "remove": 0}
        for stack in self.stacks:
            for key, value in stack.counts().items():
                total[key] += value
        total["danger"] = len(self.danger)
        total["errors"] = len(self.errors)
        return total

    def exit_code(self, allow_replace: bool = False) -> int:
        """1 when an export another stack imports breaks, or state is lost (unless allowed); else 0."""
        if self.errors or (self.danger and not allow_replace):
            return 1
        return 0

    def to_json(self) -> dict:
        return {"old": self.old, "new": self.new, "counts": self.counts(),
                "environments": [e.to_json() for e in self.environments]}
