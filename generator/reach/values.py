"""Evaluating CloudFormation values across the stacks of one environment, conservatively.

Reachability needs to know which resource a property points at, even when the pointer crosses stacks
(``!ImportValue`` of another stack's ``Outputs.*.Export.Name``, itself often a ``!Sub '${AWS::StackName}-X'``) or
is wrapped in ``!Split [',', !ImportValue SubnetIds]`` over a ``!Join`` of subnet refs. Everything that cannot be
known before deployment (parameters without a default, ``Fn::If``, ``Fn::GetAZs``, unknown imports) evaluates to an
:class:`Unknown` carrying the reason, so the analysis can say "unknown" instead of guessing "safe".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.load import Document

_NO_VALUE = "AWS::NoValue"


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known from the templates; ``reason`` says why (shown to the user)."""

    reason: str

    def __bool__(self) -> bool:
        return False


@dataclass(frozen=True)
class Res:
    """A resource of the environment (``Ref`` or ``Fn::GetAtt``), wherever the value was read."""

    stack: str
    logical_id: str
    attribute: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.stack, self.logical_id)


@dataclass(frozen=True)
class Joined:
    """``Fn::Join`` of items that are not all text (resource refs): kept so a later ``Fn::Split`` undoes it."""

    separator: str
    items: tuple


@dataclass
class Stack:
    """One template of the environment under its stack name (the file name without ``.template.yaml``)."""

    name: str
    doc: Document

    def section(self, name: str) -> dict:
        found = self.doc.data.get(name) if isinstance(self.doc.data, dict) else None
        return found if isinstance(found, dict) else {}

    @property
    def resources(self) -> dict:
        return self.section("Resources")

    @property
    def parameters(self) -> dict:
        return self.section("Parameters")


class Evaluator:
    """Evaluates values of any stack of the environment; exports are indexed once by their evaluated name."""

    def __init__(self, stacks: list[Stack]):
        self.stacks = {stack.name: stack for stack in stacks}
        self.exports: dict[str, tuple[str, object]] = {}
        for stack in stacks:
            for output in stack.section("Outputs").values():
                if not isinstance(output, dict) or not isinstance(output.get("Export"), dict):
                    continue
                name = self.eval(stack.name, output["Export"].get("Name"))
                if isinstance(name, str):
                    self.exports[name] = (stack.name, output.get("Value"))

    def resource(self, key: tuple[str, str]) -> dict:
        stack, logical_id = key
        resource = self.stacks[stack].resources.get(logical_id) if stack in self.stacks else None
        return resource if isinstance(resource, dict) else {}

    def type_of(self, key: tuple[str, str]) -> str | None:
        return self.resource(key).get("Type")

    def properties(self, key: tuple[str, str]) -> dict:
        props = self.resource(key).get("Properties")
        return props if isinstance(props, dict) else {}

    def of_type(self, *types: str) -> list[tuple[str, str]]:
        """Keys ``(stack, logical_id)`` of every resource of the given types, sorted."""
        return sorted((name, logical_id) for name, stack in self.stacks.items()
                      for logical_id, resource in stack.resources.items()
                      if isinstance(resource, dict) and resource.get("Type") in types)

    def prop(self, key: tuple[str, str], *path):
        """The evaluated property at ``path`` of resource ``key`` (None when absent)."""
        value = self.properties(key)
        for part in path:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        return self.eval(key[0], value)

    def eval(self, stack: str, value, depth: int = 0):
        """The value of ``value`` read in ``stack``: text, number, bool, list, :class:`Res`, :class:`Joined`,
        ``None`` (absent / ``AWS::NoValue``) or :class:`Unknown`."""
        if depth > 20:
            return Unknown("references nest too deeply")
        if isinstance(value, list):
            items = [self.eval(stack, item, depth + 1) for item in value]
            return [item for item in items if item is not None]
        if not isinstance(value, dict) or len(value) != 1:
            return value  # a scalar, or a plain mapping read field by field by the caller
        (function, argument), = value.items()
        handler = _FUNCTIONS.get(function)
        if handler is None:
            if str(function).startswith("Fn::") or function == "Condition":
                return Unknown(f"{function} is evaluated at deploy time")
            return value
        return handler(self, stack, argument, depth + 1)

    def _ref(self, stack: str, name, depth: int):
        template = self.stacks[stack]
        if not isinstance(name, str):
            return Unknown("Ref to a non-name")
        if name == _NO_VALUE:
            return None
        if name == "AWS::StackName":
            return stack
        if name in template.resources:
            return Res(stack, name)
        if name in template.parameters:
            param = template.parameters[name]
            kind = str(param.get("Type", "")) if isinstance(param, dict) else ""
            if kind.startswith("AWS::SSM::Parameter::"):  # the default names the SSM parameter, not the value
                return Unknown(f"parameter {name} of {stack} is read from SSM parameter {param.get('Default')} at "
                               "deploy time")
            if isinstance(param, dict) and "Default" in param:
                value = self.eval(stack, param["Default"], depth)
                if (kind.startswith("List<") or kind == "CommaDelimitedList") and isinstance(value, str):
                    return [item.strip() for item in value.split(",")]
                return value
            return Unknown(f"parameter {name} of {stack} has no default")
        return Unknown(f"{name} is known only at deploy time")

    def _getatt(self, stack: str, argument, depth: int):
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        if (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)
                and argument[0] in self.stacks[stack].resources and isinstance(argument[1], str)):
            return Res(stack, argument[0], argument[1])
        return Unknown("Fn::GetAtt of something not in the templates")

    def _import(self, stack: str, argument, depth: int):
        name = self.eval(stack, argument, depth)
        if not isinstance(name, str):
            return Unknown("an import whose name is known only at deploy time")
        if name not in self.exports:
            return Unknown(f"import {name} is exported by no template given")
        owner, expression = self.exports[name]
        return self.eval(owner, expression, depth)

    def _sub(self, stack: str, argument, depth: int):
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            text, names = argument
        else:
            text, names = argument, {}
        if not isinstance(text, str):
            return Unknown("Fn::Sub of a non-text")
        parts, last = [], 0
        for match in re.finditer(r"\$\{([^}!][^}]*)\}", text):
            name = match.group(1).strip()
            if name in names:
                found = self.eval(stack, names[name], depth)
            elif "." in name:
                found = Unknown(f"${{{name}}} is known only at deploy time")
            else:
                found = self._ref(stack, name, depth)
            if isinstance(found, (int, float)) and not isinstance(found, bool):
                found = str(found)
            if not isinstance(found, str):
                return found if isinstance(found, Unknown) else Unknown(f"${{{name}}} is not text")
            parts.append(text[last:match.start()])
            parts.append(found)
            last = match.end()
        parts.append(text[last:])
        return "".join(parts).replace("${!", "${")

    def _join(self, stack: str, argument, depth: int):
        if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)):
            return Unknown("malformed Fn::Join")
        items = self.eval(stack, argument[1], depth)
        if not isinstance(items, list):
            return items if isinstance(items, Unknown) else Unknown("Fn::Join of a non-list")
        if all(isinstance(item, str) for item in items):
            return argument[0].join(items)
        return Joined(argument[0], tuple(items))

    def _split(self, stack: str, argument, depth: int):
        if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)):
            return Unknown("malformed Fn::Split")
        source = self.eval(stack, argument[1], depth)
        if isinstance(source, Joined) and source.separator == argument[0]:
            return list(source.items)
        if isinstance(source, str):
            return source.split(argument[0])
        return source if isinstance(source, Unknown) else Unknown("Fn::Split of a value known only at deploy time")

    def _select(self, stack: str, argument, depth: int):
        if not (isinstance(argument, list) and len(argument) == 2):
            return Unknown("malformed Fn::Select")
        index, items = self.eval(stack, argument[0], depth), self.eval(stack, argument[1], depth)
        try:
            index = int(index)
        except (TypeError, ValueError):
            return Unknown("Fn::Select with an index known only at deploy time")
        if isinstance(items, list) and 0 <= index < len(items):
            return items[index]
        return items if isinstance(items, Unknown) else Unknown("Fn::Select from a list known only at deploy time")

    def _find_in_map(self, stack: str, argument, depth: int):
        if not (isinstance(argument, list) and len(argument) == 3):
            return Unknown("malformed Fn::FindInMap")
        keys = [self.eval(stack, item, depth) for item in argument]
        if all(isinstance(key, str) for key in keys):
            found = self.stacks[stack].section("Mappings").get(keys[0], {})
            found = found.get(keys[1], {}) if isinstance(found, dict) else {}
            if isinstance(found, dict) and keys[2] in found:
                return self.eval(stack, found[keys[2]], depth)
        return Unknown("Fn::FindInMap known only at deploy time")

    def _if(self, stack: str, argument, depth: int):
        condition = argument[0] if isinstance(argument, list) and argument else "?"
        return Unknown(f"depends on condition {condition}")


_FUNCTIONS = {
    "Ref": Evaluator._ref,
    "Fn::GetAtt": Evaluator._getatt,
    "Fn::ImportValue": Evaluator._import,
    "Fn::Sub": Evaluator._sub,
    "Fn::Join": Evaluator._join,
    "Fn::Split": Evaluator._split,
    "Fn::Select": Evaluator._select,
    "Fn::FindInMap": Evaluator._find_in_map,
    "Fn::If": Evaluator._if,
}
