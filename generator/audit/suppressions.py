"""Per-resource suppressions: ``Metadata: {stackprint: {ignore: [{rule: SG006, reason: "..."}]}}``.

A suppression names a rule id (or a prefix such as ``SG``) and must carry a non-empty reason. Entries that do not
(no reason, no rule, an unknown rule, a malformed list) suppress nothing and are reported by SUP001.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.audit.resolve import Template, is_intrinsic


@dataclass(frozen=True)
class Suppression:
    rule: str | None
    reason: str | None
    keypath: tuple
    problem: str | None  # why this entry is not a valid suppression, or None

    def covers(self, rule_id: str) -> bool:
        return self.problem is None and rule_id.startswith(self.rule)


def _known_prefix(rule: str) -> bool:
    from generator.audit.rules.base import REGISTRY  # filled once the rules package is imported

    return any(rule_id.startswith(rule) for rule_id in REGISTRY)


def suppressions(template: Template, logical_id: str) -> list[Suppression]:
    """The suppression entries of one resource, valid or not, in file order."""
    metadata = template.resources[logical_id].get("Metadata")
    if not isinstance(metadata, dict) or "stackprint" not in metadata:
        return []
    base = ("Resources", logical_id, "Metadata", "stackprint")
    section = metadata["stackprint"]
    if is_intrinsic(section):
        return []  # built by a condition: unknown, neither applied nor reported
    if isinstance(section, dict) and "ignore" not in section:
        return []  # other stackprint metadata (e.g. written by build): no suppressions
    if not isinstance(section, dict) or not isinstance(section["ignore"], list):
        return [Suppression(None, None, base, "Metadata.stackprint.ignore must be a list of {rule: ID, reason: TEXT}")]
    out = []
    for index, entry in enumerate(section["ignore"]):
        keypath = base + ("ignore", index)
        if not isinstance(entry, dict):
            out.append(Suppression(None, None, keypath, "suppression must be a mapping {rule: ID, reason: TEXT}"))
            continue
        rule, reason = entry.get("rule"), entry.get("reason")
        problem = None
        if not isinstance(rule, str) or not rule.strip():
            problem = "suppression names no rule (add rule: <ID>)"
        elif not _known_prefix(rule.strip().upper()):
            problem = f"suppression names unknown rule '{rule}'"
        elif not isinstance(reason, str) or not reason.strip():
            problem = f"suppression of {rule.strip().upper()} has no reason, so it is not applied (add reason: ...)"
        out.append(Suppression(rule.strip().upper() if isinstance(rule, str) else None,
                               reason if isinstance(reason, str) else None, keypath, problem))
    return out
