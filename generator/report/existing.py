"""Where things sit in an existing VPC (brownfield): subnets given by parameter, placed by the tier in their name.

The reachability model places a workload only in subnets the templates create; in an existing VPC its subnets are
stack parameters (``PublicSubnetIds``, ``ExistingPrivateSubnetIds``, ``IsolatedSubnet1``), so every placement there
is "unknown". The templates still say which parameter each balancer, service, database and interface endpoint takes
its subnets from, and the generator names those parameters by tier: that is enough to draw them in their tier, next
to a box per subnet parameter (named as the parameter, so a reader knows what the pipeline supplies). A parameter
whose name says no tier leaves the placement unknown: never a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.reach import Evaluator, Placement, Res, Stack, Unknown

TIER_WORDS = ("public", "private", "isolated")
_PARAMETER = re.compile(r"^parameter (?P<name>[A-Za-z0-9]+) of (?P<stack>\S+)")


@dataclass(frozen=True, order=True)
class ExistingSubnets:
    """One subnet parameter of an existing VPC, in the tier its name says."""

    tier: str
    stack: str
    parameter: str
    many: bool  # a list of subnets (``List<AWS::EC2::Subnet::Id>``) rather than one

    @property
    def id(self) -> str:
        return f"parameter:{self.stack}/{self.parameter}"


def _tier(name: str) -> str:
    lowered = name.lower()
    return next((tier for tier in TIER_WORDS if tier in lowered), "")


def _subnets(evaluator: Evaluator, placement: Placement):
    """The evaluated subnets property of a placement (an Unknown naming the parameter in an existing VPC)."""
    key = tuple(placement.id.split("/", 1))
    if placement.kind == "balancer":
        return evaluator.prop(key, "Subnets")
    if placement.kind == "service":
        return evaluator.prop(key, "NetworkConfiguration", "AwsvpcConfiguration", "Subnets")
    if placement.kind == "endpoint":
        return evaluator.prop(key, "SubnetIds")
    if placement.kind == "database":
        group = evaluator.prop(key, "DBSubnetGroupName")
        if group is None and evaluator.prop(key, "DBClusterIdentifier") is not None:
            group = evaluator.prop(evaluator.prop(key, "DBClusterIdentifier").key, "DBSubnetGroupName") \
                if isinstance(evaluator.prop(key, "DBClusterIdentifier"), Res) else None
        return evaluator.prop(group.key, "SubnetIds") if isinstance(group, Res) else None
    return None


def _subnet_parameters(stack: Stack) -> list[tuple[str, bool]]:
    """``(name, is a list)`` of the stack's parameters that hold subnet ids."""
    found = []
    for name, spec in sorted(stack.parameters.items()):
        kind = str(spec.get("Type", "")) if isinstance(spec, dict) else ""
        if "AWS::EC2::Subnet::Id" in kind:
            found.append((name, "List<" in kind))
    return found


def existing_tiers(stacks: list[Stack], placements: list[Placement]) -> tuple[dict[str, str], list[ExistingSubnets]]:
    """The tier of each placement without known subnets whose subnets come from a tier-named parameter, and the
    subnet parameters of those tiers (every one of the stack, so ``IsolatedSubnet1`` and ``IsolatedSubnet2``)."""
    if not stacks or all(p.subnets for p in placements):
        return {}, []
    evaluator = Evaluator(stacks)
    by_name = {s.name: s for s in stacks}
    tiers: dict[str, str] = {}
    used: set[tuple[str, str]] = set()
    for placement in sorted(placements):
        if placement.subnets:
            continue
        value = _subnets(evaluator, placement)
        items = value if isinstance(value, list) else [value]  # a split list of parameters: one per zone
        matches = [_PARAMETER.match(v.reason) if isinstance(v, Unknown) else None for v in items]
        if not matches or not all(m and m["stack"] in by_name for m in matches):
            continue
        found = {(m["stack"], _tier(m["name"])) for m in matches}
        if len(found) == 1 and next(iter(found))[1]:
            tiers[placement.id] = next(iter(found))[1]
            used |= found
    boxes = [ExistingSubnets(_tier(name), stack, name, many)
             for stack, tier in sorted(used) for name, many in _subnet_parameters(by_name[stack])
             if _tier(name) == tier]
    return tiers, sorted(boxes)
