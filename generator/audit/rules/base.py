"""The base class of every audit rule and the registry subclasses fill by being defined."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterable

from generator.audit.findings import SEVERITIES
from generator.audit.resolve import is_intrinsic

REGISTRY: dict = {}


@dataclass(frozen=True)
class Hit:
    """What a rule found: the resource to blame, the key path of the offending rule/property, and why."""

    resource: str
    keypath: tuple
    message: str


class Rule:
    """An audit rule. Subclasses set the class attributes and implement :meth:`check`.

    ``title`` is the one-line summary (SARIF shortDescription, README table), ``rationale`` why it matters,
    ``fix`` what to change. Defining a subclass with an ``id`` registers one instance of it.
    """

    id: ClassVar[str] = ""
    severity: ClassVar[str] = ""
    title: ClassVar[str] = ""
    rationale: ClassVar[str] = ""
    fix: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.id:
            return  # an intermediate helper class
        if cls.severity not in SEVERITIES:
            raise TypeError(f"{cls.__name__}: severity must be one of {SEVERITIES}")
        if cls.id in REGISTRY:
            raise TypeError(f"duplicate rule id {cls.id}")
        for attribute in ("title", "rationale", "fix"):
            if not getattr(cls, attribute):
                raise TypeError(f"{cls.__name__}: {attribute} is required")
        REGISTRY[cls.id] = cls()

    def check(self, ctx) -> Iterable[Hit]:
        """Yield a :class:`Hit` per problem in the template of ``ctx`` (an AuditContext)."""
        raise NotImplementedError


class SgRuleCheck(Rule):
    """A rule judging each normalised security-group rule on its own (most SG rules are this)."""

    # Whether the verdict depends on the rule's peer: then a peer read at parameter defaults is named in the message.
    judges_peer: ClassVar[bool] = True

    def check(self, ctx):
        for rule in ctx.groups.rules:
            message = self.judge(rule, ctx.policy)
            if message:
                note = rule.default_note() if self.judges_peer else ""
                yield Hit(rule.resource, rule.keypath, message + note)

    def judge(self, rule, policy) -> str | None:
        """A message if ``rule`` breaks this check, else None (UNKNOWN parts must yield None)."""
        raise NotImplementedError


class PropertyCheck(Rule):
    """A rule over one resource type: :meth:`judge` returns the (keypath suffix, message) of each problem."""

    resource_types: ClassVar[tuple] = ()

    def check(self, ctx):
        for logical_id, props in ctx.template.of_type(*self.resource_types):
            for suffix, message in self.judge(props, ctx, logical_id):
                yield Hit(logical_id, ("Resources", logical_id) + tuple(suffix), message)

    def judge(self, props: dict, ctx, logical_id: str):
        raise NotImplementedError


def containers(ctx):
    """``(logical id, key path, container, name)`` of every literal container definition of every task definition."""
    for logical_id, props in ctx.template.of_type("AWS::ECS::TaskDefinition"):
        definitions = props.get("ContainerDefinitions")
        if not isinstance(definitions, list):
            continue
        for index, container in enumerate(definitions):
            if not isinstance(container, dict) or is_intrinsic(container):
                continue  # a container chosen by a condition: unknown
            base = ("Resources", logical_id, "Properties", "ContainerDefinitions", index)
            name = container.get("Name") if isinstance(container.get("Name"), str) else f"#{index}"
            yield logical_id, base, container, name


class ContainerCheck(Rule):
    """A rule over each container definition of each ECS task definition."""

    def check(self, ctx):
        for logical_id, base, container, name in containers(ctx):
            for suffix, message in self.judge(container, name):
                yield Hit(logical_id, base + tuple(suffix), message)

    def judge(self, container: dict, name: str):
        raise NotImplementedError
