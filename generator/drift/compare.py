"""The layout the templates declare against what EC2 reports, as findings.

Per group and direction, a deployed rule is accounted for when a certain template rule equals it, or when a rule
with fields known only at deploy time matches it on every field that is known; what is left on EC2's side was added
outside the templates, what is left on the templates' side (certain rules only) is missing.
"""
from __future__ import annotations

from generator.drift.expected import Group, Layout, Place
from generator.drift.findings import Finding
from generator.drift.rules import from_api


def _at(place: Place | None) -> dict:
    return {"stack": place.stack, "file": place.file, "line": place.line} if place else {"stack": ""}


def compare_group(group: Group, rules: list[dict], layout: Layout) -> tuple[list[Finding], list[str]]:
    """Findings (added, missing) and notes (unverifiable template rules) of one existing group."""
    findings, notes = [], []
    actual = [(from_api(rule), rule) for rule in rules
              if ("egress" if rule.get("IsEgress") else "ingress") not in group.unknown_directions]
    certain = {expected.shape for expected in group.rules if expected.shape.certain}
    leftover = [(shape, rule) for shape, rule in actual if shape not in certain]
    for expected in group.rules:
        if expected.shape.certain:
            continue
        matched = [item for item in leftover if expected.shape.matches(item[0])]
        if not matched:
            notes.append(f"{expected.place.name}: {expected.shape.text()} has values known only at deploy time "
                         "and matches no deployed rule: not verified")
        leftover = [item for item in leftover if item not in matched]
    for shape, rule in leftover:
        details = {"group_id": group.group_id, "rule_id": rule["SecurityGroupRuleId"], "rule": shape.as_dict()}
        if rule.get("Description"):
            details["description"] = rule["Description"]
        findings.append(Finding("DRIFT001", group.place.stack, group.place.logical_id,
                                f"{shape.text(layout.name_of)} on {layout.name_of(group.group_id)}",
                                group.place.file, group.place.line, details))
    deployed = {shape for shape, _ in actual}
    seen = set()
    for expected in group.rules:
        if (not expected.shape.certain or expected.optional or expected.shape in deployed
                or expected.shape in seen):
            continue
        seen.add(expected.shape)
        details = {"group_id": group.group_id, "rule": expected.shape.as_dict(), "declared_by": expected.place.name}
        findings.append(Finding("DRIFT002", expected.place.stack, expected.place.logical_id,
                                f"{expected.shape.text(layout.name_of)} on {layout.name_of(group.group_id)}",
                                expected.place.file, expected.place.line, details))
    return findings, notes


def compare_groups(layout: Layout, existing: dict[str, dict], rules: dict[str, list[dict]]):
    findings, notes = [], []
    for group_id, group in sorted(layout.groups.items()):
        if group_id not in existing:
            findings.append(Finding("DRIFT005", group.place.stack, group.place.logical_id,
                                    f"security group {layout.name_of(group_id)} no longer exists",
                                    group.place.file, group.place.line, {"group_id": group_id}))
            continue
        found, more = compare_group(group, rules.get(group_id, []), layout)
        findings += found
        notes += more
    return findings, notes


def compare_default_groups(layout: Layout, defaults: dict[str, dict], rules: dict[str, list[dict]]):
    """Every rule of a default group the templates keep closed."""
    findings = []
    for vpc_id, place in sorted(layout.closed_default_groups.items()):
        group = defaults.get(vpc_id)
        if group is None:
            continue
        for rule in rules.get(group["GroupId"], []):
            shape = from_api(rule)
            details = {"group_id": group["GroupId"], "vpc_id": vpc_id, "rule_id": rule["SecurityGroupRuleId"],
                       "rule": shape.as_dict()}
            findings.append(Finding("DRIFT003", place.stack, place.logical_id,
                                    f"{shape.text(layout.name_of)} on the default group {group['GroupId']} of "
                                    f"{vpc_id}", place.file, place.line, details))
    return findings


def compare_interfaces(layout: Layout, interfaces: list[dict], names: dict[str, str]):
    """Every (interface, group) pair whose group the layout does not declare. ``names``: group id -> GroupName.

    In a VPC the templates create, every interface is the environment's. In a VPC they only use (groups placed in
    a VPC made elsewhere), only interfaces that wear at least one group of the layout are: the rest belong to
    whoever else shares that VPC. A group an ECS service of the templates attaches from outside them (a blueprint's
    ``security_groups``) is declared, so wearing it is not drift."""
    findings = []
    for eni in interfaces:
        groups = {g["GroupId"] for g in eni.get("Groups") or []}
        if eni.get("VpcId", "") not in layout.vpcs and not groups & set(layout.groups):
            continue
        for attached in sorted(eni.get("Groups") or [], key=lambda g: g["GroupId"]):
            group_id = attached["GroupId"]
            if group_id in layout.groups or group_id in layout.attached:  # attached groups are declared too
                continue
            vpc = layout.vpcs.get(eni.get("VpcId", ""))
            name = attached.get("GroupName") or names.get(group_id, "")
            label = f"{group_id} ({name})" if name else group_id
            what = eni.get("Description") or eni.get("InterfaceType") or "interface"
            details = {"interface_id": eni["NetworkInterfaceId"], "group_id": group_id, "group_name": name,
                       "vpc_id": eni.get("VpcId", ""), "interface": what}
            at = _at(vpc)
            findings.append(Finding("DRIFT004", at["stack"], eni["NetworkInterfaceId"],
                                    f"{eni['NetworkInterfaceId']} ({what}) uses {label}",
                                    at.get("file", ""), at.get("line", 0), details))
    return findings
