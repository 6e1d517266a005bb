"""Resolving references between the resources of one template, and the UNKNOWN marker for the rest.

A rule never evaluates CloudFormation: it asks "which resource does this value point at?" or "what literal is this?".
``Ref``/``Fn::GetAtt`` to a resource of the template resolve to a :class:`ResourceRef`; parameters, imports,
``Fn::Sub``, ``Fn::If`` and every other intrinsic resolve to :data:`UNKNOWN`. A rule that meets UNKNOWN reports
nothing (like checkov's UNKNOWN result): a finding must be certain.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from generator.load import Document

# How deep a condition or Fn::If chain is followed before it is called unknown (templates nest a few levels).
_MAX_DEFAULT_DEPTH = 32


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

    @cached_property
    def defaults(self) -> Defaults:
        """The template as deployed with every parameter at its default (see :class:`Defaults`)."""
        return Defaults(self.doc.data)

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


class Defaults:
    """The template as deployed by default: every parameter at its ``Default``, every condition evaluated on
    those defaults.

    The certain-only rules never read this. It answers a second question — what does a plain ``aws cloudformation
    deploy`` without overrides create? — and every finding built on it names the parameters it assumed
    ("open to the world when deployed with the default value of parameter SSHLocation"). Pseudo parameters,
    SSM-typed parameters (their default is a parameter *name*), parameters without a default, imports and every
    other function stay UNKNOWN.
    """

    def __init__(self, data: dict):
        parameters = data.get("Parameters")
        conditions = data.get("Conditions")
        self.parameters: dict = {}
        if isinstance(parameters, dict):
            for name, spec in parameters.items():
                if not isinstance(spec, dict) or "Default" not in spec:
                    continue
                kind = spec.get("Type")
                if isinstance(kind, str) and kind.startswith("AWS::SSM::Parameter"):
                    continue
                default = spec["Default"]
                if isinstance(default, (str, int, float)) and not isinstance(default, bool):
                    self.parameters[name] = str(default)
        self.conditions: dict = conditions if isinstance(conditions, dict) else {}

    def value(self, value, depth: int = 0) -> tuple:
        """``(literal, parameters used)`` for ``value`` deployed by default, or ``(UNKNOWN, ())``."""
        if depth > _MAX_DEFAULT_DEPTH:
            return UNKNOWN, ()
        if isinstance(value, (str, int, float, bool)):
            return value, ()
        if not is_intrinsic(value):
            return UNKNOWN, ()
        (key, inner), = value.items()
        if key == "Ref":
            if isinstance(inner, str) and inner in self.parameters:
                return self.parameters[inner], (inner,)
            return UNKNOWN, ()
        if key == "Fn::If" and isinstance(inner, list) and len(inner) == 3 and isinstance(inner[0], str):
            chosen, used = self.condition(inner[0], depth + 1)
            if chosen is UNKNOWN:
                return UNKNOWN, ()
            branch, more = self.value(inner[1] if chosen else inner[2], depth + 1)
            return (branch, _merge(used, more)) if branch is not UNKNOWN else (UNKNOWN, ())
        return UNKNOWN, ()

    def condition(self, name: str, depth: int = 0) -> tuple:
        """``(True/False, parameters used)`` for a named condition at the defaults, or ``(UNKNOWN, ())``."""
        if depth > _MAX_DEFAULT_DEPTH or name not in self.conditions:
            return UNKNOWN, ()
        return self._truth(self.conditions[name], depth + 1)

    def _truth(self, expression, depth: int) -> tuple:
        if depth > _MAX_DEFAULT_DEPTH or not is_intrinsic(expression):
            return UNKNOWN, ()
        (key, inner), = expression.items()
        if key == "Condition" and isinstance(inner, str):
            return self.condition(inner, depth + 1)
        if not isinstance(inner, list):
            return UNKNOWN, ()
        if key == "Fn::Equals" and len(inner) == 2:
            (left, used_l), (right, used_r) = self.value(inner[0], depth + 1), self.value(inner[1], depth + 1)
            if left is UNKNOWN or right is UNKNOWN:
                return UNKNOWN, ()
            return _text(left) == _text(right), _merge(used_l, used_r)
        if key == "Fn::Not" and len(inner) == 1:
            truth, used = self._truth(inner[0], depth + 1)
            return (UNKNOWN, ()) if truth is UNKNOWN else (not truth, used)
        if key in ("Fn::And", "Fn::Or") and inner:
            used: tuple = ()
            for item in inner:
                truth, more = self._truth(item, depth + 1)
                if truth is UNKNOWN:
                    return UNKNOWN, ()
                used = _merge(used, more)
                if truth is (key == "Fn::Or"):
                    return truth, used
            return key == "Fn::And", used
        return UNKNOWN, ()


def _text(value) -> str:
    """How CloudFormation compares scalars in Fn::Equals: as strings (true/false in lower case)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _merge(first: tuple, second: tuple) -> tuple:
    return tuple(sorted(set(first) | set(second)))


def default_note(parameters, world: bool = False) -> str:
    """The words every finding built on parameter defaults ends with."""
    if not parameters:
        return ""
    names = ", ".join(parameters)
    noun = "parameters" if len(parameters) > 1 else "parameter"
    lead = "open to the world " if world else ""
    return f" ({lead}when deployed with the default value of {noun} {names})"


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
