"""Template against template: resources, parameters, outputs and other sections, with property paths old -> new.

Lists of mappings that carry a ``Name`` or ``Key`` (environment variables, secrets, tags) are matched by it, so
adding one environment variable is one line, not a rewritten list. Intrinsic functions are compared as whole
values. A resource is replaced when a changed path is create-only in its provider schema, when its type changes,
or (second pass) when a create-only property refers to a resource that is itself replaced: its physical id changes
even though the template text does not.
"""
from __future__ import annotations

import difflib
import json

from generator.diff import exports, firewall
from generator.diff.replacement import create_only, is_stateful, replaces
from generator.diff.report import EnvironmentDiff, ItemChange, PropertyChange, Report, ResourceChange, StackDiff
from generator.diff.sources import Tree
from generator.diff.values import MISSING, Item, is_intrinsic, references

#: Resource keys besides Properties whose change is shown (never a replacement on its own).
ATTRIBUTES = ("Condition", "CreationPolicy", "DeletionPolicy", "DependsOn", "Metadata", "UpdatePolicy",
              "UpdateReplacePolicy")
#: Template sections compared as a whole (besides Resources, Parameters and Outputs).
SECTIONS = ("AWSTemplateFormatVersion", "Conditions", "Description", "Mappings", "Metadata", "Rules", "Transform")
_LIST_KEYS = ("Name", "Key")


def _keyed(items: list) -> str | None:
    """The key field that identifies every element of ``items`` uniquely, if there is one."""
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in _LIST_KEYS:
        values = [i.get(key) for i in items]
        if all(isinstance(v, str) for v in values) and len(set(values)) == len(values):
            return key
    return None


def _pair_value(item: dict, key: str):
    """``{"Name": "PORT", "Value": "80"}`` is shown as ``80`` under ``[Name=PORT]``; other elements whole."""
    return item["Value"] if set(item) == {key, "Value"} else item


def value_changes(old, new, path: tuple = ()) -> list[tuple[tuple, object, object]]:
    """Every (path, old, new) where two values differ; MISSING for an absent key."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict) and not is_intrinsic(old) and not is_intrinsic(new):
        found = []
        for key in sorted(set(old) | set(new), key=str):
            found += value_changes(old.get(key, MISSING), new.get(key, MISSING), path + (key,))
        return found
    if old is MISSING and _keyed(new) or new is MISSING and _keyed(old):
        # A whole Environment/Tags list appearing or going: one line per element, like any other edit of it.
        old, new = ([] if old is MISSING else old), ([] if new is MISSING else new)
    if isinstance(old, list) and isinstance(new, list):
        key = (_keyed(old) or _keyed(new)) if not old or not new or _keyed(old) == _keyed(new) else None
        if key:
            before = {i[key]: _pair_value(i, key) for i in old}
            after = {i[key]: _pair_value(i, key) for i in new}
            found = []
            for name in sorted(set(before) | set(after)):
                found += value_changes(before.get(name, MISSING), after.get(name, MISSING),
                                       path + (Item(f"{key}={name}"),))
            return found
        if len(old) == len(new):
            found = []
            for index, (a, b) in enumerate(zip(old, new)):
                found += value_changes(a, b, path + (index,))
            return found
        return _list_changes(old, new, path)
    return [(path, old, new)]


def _list_changes(old: list, new: list, path: tuple) -> list[tuple[tuple, object, object]]:
    """Elements inserted or deleted in a list of different length (aligned with difflib): one line per element,
    indexed in the list it is in (old index for a removal, new index for an addition). Lists with nothing in
    common are one change."""
    key = lambda item: json.dumps(item, sort_keys=True, default=str)  # noqa: E731
    matcher = difflib.SequenceMatcher(a=[key(i) for i in old], b=[key(i) for i in new], autojunk=False)
    opcodes = matcher.get_opcodes()
    if not any(tag == "equal" for tag, *_ in opcodes):
        return [(path, old, new)]  # nothing in common: the whole list is the change
    found = []
    for tag, a1, a2, b1, b2 in opcodes:
        if tag == "equal":
            continue
        if tag == "replace" and a2 - a1 == b2 - b1:
            for offset in range(a2 - a1):
                found += value_changes(old[a1 + offset], new[b1 + offset], path + (b1 + offset,))
            continue
        found += [(path + (index,), old[index], MISSING) for index in range(a1, a2)]
        found += [(path + (index,), MISSING, new[index]) for index in range(b1, b2)]
    return found


def _as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _retained(resource: dict, action: str) -> str:
    policy = resource.get("DeletionPolicy" if action == "remove" else "UpdateReplacePolicy")
    return f"{'DeletionPolicy' if action == 'remove' else 'UpdateReplacePolicy'}: {policy}" \
        if policy in ("Retain", "Snapshot", "RetainExceptOnCreate") else ""


def resource_change(logical_id: str, old: dict | None, new: dict | None) -> ResourceChange | None:
    """How one logical id changed, or None when it did not."""
    if old is None:
        return ResourceChange(logical_id, str(_as_dict(new).get("Type")), "add")
    if new is None:
        kind = str(_as_dict(old).get("Type"))
        change = ResourceChange(logical_id, kind, "remove", danger=is_stateful(kind))
        change.retained = _retained(old, "remove")
        return change
    old, new = _as_dict(old), _as_dict(new)
    kind = str(new.get("Type"))
    properties = []
    if old.get("Type") != new.get("Type"):
        properties.append(PropertyChange(("Type",), old.get("Type", MISSING), new.get("Type", MISSING), True))
    for path, before, after in value_changes(old.get("Properties", {}), new.get("Properties", {})):
        properties.append(PropertyChange(("Properties",) + path, before, after, replaces(kind, path)))
    for attribute in ATTRIBUTES:
        for path, before, after in value_changes(old.get(attribute, MISSING), new.get(attribute, MISSING)):
            properties.append(PropertyChange((attribute,) + path, before, after))
    if not properties:
        return None
    replaced = any(p.replaces for p in properties)
    change = ResourceChange(logical_id, kind, "replace" if replaced else "modify", properties,
                            danger=replaced and (is_stateful(kind) or is_stateful(str(old.get("Type")))))
    if replaced:
        change.retained = _retained(new, "replace")
    return change


def propagate_replacements(stack: StackDiff, new_resources: dict) -> None:
    """Mark resources replaced because a create-only property refers to a replaced resource (to a fixed point)."""
    by_id = {r.logical_id: r for r in stack.resources}
    changed = any(r.action == "replace" for r in stack.resources)
    while changed:
        changed = False
        replaced = {r.logical_id for r in stack.resources if r.action == "replace"}
        for logical_id in sorted(new_resources):
            current = by_id.get(logical_id)
            if current is not None and current.action in ("add", "remove", "replace"):
                continue
            resource = _as_dict(new_resources[logical_id])
            kind = str(resource.get("Type"))
            properties = _as_dict(resource.get("Properties"))
            for pattern in create_only(kind):
                if "*" in pattern or pattern[0] not in properties:
                    continue
                value = properties[pattern[0]]
                for key in pattern[1:]:
                    value = value.get(key) if isinstance(value, dict) else None
                causes = sorted(references(value) & replaced)
                if not causes:
                    continue
                if current is None:
                    current = ResourceChange(logical_id, kind, "modify")
                    stack.resources.append(current)
                    by_id[logical_id] = current
                current.action = "replace"
                current.danger = is_stateful(kind)
                current.retained = _retained(resource, "replace")
                current.properties.append(PropertyChange(("Properties",) + pattern, value, value, True,
                                                         cause=", ".join(causes) + " replaced"))
                changed = True
                break
    stack.resources.sort(key=lambda r: r.logical_id)


def _items(old: dict, new: dict) -> list[ItemChange]:
    found = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            found.append(ItemChange(name, "add"))
        elif name not in new:
            found.append(ItemChange(name, "remove"))
        else:
            paths = value_changes(old[name], new[name])
            if paths:
                found.append(ItemChange(name, "modify", [PropertyChange(p, a, b) for p, a, b in paths]))
    return found


def stack_diff(path: str, stack: str, old: dict | None, new: dict | None) -> StackDiff | None:
    """How one template changed (``old``/``new`` None when the file is absent on that side)."""
    status = "added" if old is None else "removed" if new is None else "modified"
    old, new = old or {}, new or {}
    diff = StackDiff(path, stack, status)
    old_resources, new_resources = _as_dict(old.get("Resources")), _as_dict(new.get("Resources"))
    for logical_id in sorted(set(old_resources) | set(new_resources)):
        change = resource_change(logical_id, old_resources.get(logical_id), new_resources.get(logical_id))
        if change is not None:
            diff.resources.append(change)
    propagate_replacements(diff, new_resources)
    diff.parameters = _items(_as_dict(old.get("Parameters")), _as_dict(new.get("Parameters")))
    diff.outputs = _items(_as_dict(old.get("Outputs")), _as_dict(new.get("Outputs")))
    for section in SECTIONS if status == "modified" else ():  # a whole stack's description is not news
        for key, before, after in value_changes(old.get(section, MISSING), new.get(section, MISSING), (section,)):
            diff.sections.append(PropertyChange(key, before, after))
    if status == "modified" and not (diff.resources or diff.parameters or diff.outputs or diff.sections):
        return None
    return diff


def diff_trees(old: Tree, new: Tree) -> Report:
    """Every changed environment (directory) of ``new`` against ``old``, stacks matched by path."""
    report = Report(old.label, new.label)
    old_envs, new_envs = old.environments(), new.environments()
    for directory in sorted(set(old_envs) | set(new_envs)):
        paths = sorted(set(old_envs.get(directory, [])) | set(new_envs.get(directory, [])))
        environment = EnvironmentDiff(directory)
        for path in paths:
            stack = new.stacks.get(path) or old.stacks.get(path, path)
            diff = stack_diff(path, stack, old.templates.get(path), new.templates.get(path))
            if diff is not None:
                environment.stacks.append(diff)
        replaced = {(s.path, r.logical_id) for s in environment.stacks for r in s.resources
                    if r.action in ("replace", "remove")}
        old_view = exports.Environment(old, old_envs.get(directory, []))
        new_view = exports.Environment(new, new_envs.get(directory, []))
        environment.errors = exports.broken(old_view, new_view, replaced)
        environment.notes = exports.order_notes(old_view, new_view)
        before, after = firewall.Firewall(old_view), firewall.Firewall(new_view)
        environment.flows_added = sorted(after.flows() - before.flows())
        environment.flows_removed = sorted(before.flows() - after.flows())
        environment.internet_added = sorted(after.internet() - before.internet())
        environment.internet_removed = sorted(before.internet() - after.internet())
        if environment.changed:
            report.environments.append(environment)
    return report
