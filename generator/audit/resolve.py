"""Resolving references between the resources of one template, and the UNKNOWN marker for the rest.

A rule never evaluates CloudFormation: it asks "which resource does this value point at?" or "what literal is this?".
``Ref``/``Fn::GetAtt`` to a resource of the template resolve to a :class:`ResourceRef`; parameters, imports,
``Fn::Sub``, ``Fn::If`` and every other intrinsic resolve to :data:`UNKNOWN`. A rule that meets UNKNOWN reports
nothing (like checkov's UNKNOWN result): a finding must be certain.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.load import Document


class _Unknown:
    """A value the audit cannot know before deployment (a parameter, an import, a condition…)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class ResourceRef:
    """A value that points at resource ``logical_id`` of the same template (``Ref`` or ``Fn::GetAtt``)."""

    logical_id: str
    attribute: str | None = None


def is_intrinsic(value) -> bool:
    """A one-key mapping whose key is ``Ref``, ``Condition`` or ``Fn::…``: a function, not a literal."""
    if not (isinstance(value, dict) and len(value) == 1):
        return False
    key = next(iter(value))
    return key in ("Ref", "Condition") or str(key).startswith("Fn::")


class Template:
    """One loaded template with its resources indexed once (by id and by type) for every rule to share."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.path = doc.path
        resources = doc.data.get("Resources") or {}
        # Fn::ForEach loops (language extensions) expand at deploy time: their resources are unknown here.
        resources = {k: v for k, v in resources.items() if not str(k).startswith("Fn::ForEach::")}
        self.resources: dict[str, dict] = resources
        self.by_type: dict[str, list[str]] = {}
        for logical_id, resource in resources.items():
            self.by_type.setdefault(resource["Type"], []).append(logical_id)

    def of_type(self, *types: str):
        """``(logical_id, properties)`` of every resource of the given types, in file order."""
        for kind in types:
            for logical_id in self.by_type.get(kind, ()):
                yield logical_id, self.properties(logical_id)

    def properties(self, logical_id: str) -> dict:
        props = self.resources[logical_id].get("Properties")
        return props if isinstance(props, dict) else {}

    def type_of(self, logical_id: str) -> str | None:
        resource = self.resources.get(logical_id)
        return resource["Type"] if resource else None

    def reference(self, value):
        """The :class:`ResourceRef` that ``value`` is, or UNKNOWN (a parameter, pseudo parameter, other function)."""
        if isinstance(value, dict) and len(value) == 1:
            if "Ref" in value:
                target = value["Ref"]
                if isinstance(target, str) and target in self.resources:
                    return ResourceRef(target)
            elif "Fn::GetAtt" in value:
                target = value["Fn::GetAtt"]
                if isinstance(target, str):
                    target = target.split(".", 1)
                if (isinstance(target, list) and len(target) == 2 and isinstance(target[0], str)
                        and target[0] in self.resources and isinstance(target[1], str)):
                    return ResourceRef(target[0], target[1])
        return UNKNOWN

    def security_group(self, value):
        """The logical id of the template's security group that ``value`` names (``!Ref SG``, ``!GetAtt
        SG.GroupId``); UNKNOWN when it names something else or cannot be known."""
        ref = self.reference(value)
        if ref is UNKNOWN or self.type_of(ref.logical_id) != "AWS::EC2::SecurityGroup":
            return UNKNOWN
        if ref.attribute not in (None, "GroupId"):
            return UNKNOWN
        return ref.logical_id


def literal(value):
    """``value`` if it is a plain scalar, else UNKNOWN (any intrinsic function)."""
    if isinstance(value, (str, int, float, bool)):
        return value
    return UNKNOWN


def literal_bool(value):
    """CloudFormation booleans: ``true``/``"true"``/``"True"`` → True; intrinsics → UNKNOWN; absent → None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return UNKNOWN


def literal_int(value):
    """An integer from ``22`` or ``"22"``; UNKNOWN for intrinsics or anything else."""
    if isinstance(value, bool):
        return UNKNOWN
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return UNKNOWN
    return UNKNOWN


def references_in(value, found: set | None = None) -> set:
    """Every logical id that ``value`` mentions through ``Ref``, ``Fn::GetAtt`` or ``${Name}`` in ``Fn::Sub``.

    Used where *any* mention matters (is a group used anywhere?), so it looks inside every function.
    """
    if found is None:
        found = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if key == "Ref" and isinstance(inner, str):
                    found.add(inner)
                elif key == "Fn::GetAtt":
                    if isinstance(inner, str):
                        found.add(inner.split(".", 1)[0])
                    elif isinstance(inner, list) and inner and isinstance(inner[0], str):
                        found.add(inner[0])
                    else:
                        stack.append(inner)
                elif key == "Fn::Sub":
                    text = inner[0] if isinstance(inner, list) and inner else inner
                    if isinstance(text, str):
                        found.update(_sub_names(text))
                    stack.append(inner)
                else:
                    stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _sub_names(text: str) -> set:
    names = set()
    start = text.find("${")
    while start != -1:
        end = text.find("}", start)
        if end == -1:
            break
        name = text[start + 2:end]
        if not name.startswith("!"):
            names.add(name.split(".", 1)[0])
        start = text.find("${", end)
    return names
