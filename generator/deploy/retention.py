"""What CloudFormation keeps, or refuses to delete, when a stack is deleted — read from the template itself.

``DeletionPolicy: Retain``/``RetainExceptOnCreate`` resources stay behind, ``Snapshot`` resources leave a final
snapshot; a load balancer with ``deletion_protection.enabled`` and a database with ``DeletionProtection`` make the
delete fail until the protection is turned off. ``stackprint destroy`` and the environment README both list them,
so nobody is surprised by a bill or a DELETE_FAILED.
"""
from __future__ import annotations

from dataclasses import dataclass

_KEPT_POLICIES = {
    "Retain": "kept (DeletionPolicy: Retain)",
    "RetainExceptOnCreate": "kept (DeletionPolicy: RetainExceptOnCreate)",
    "Snapshot": "deleted after a final snapshot, which is kept (DeletionPolicy: Snapshot)",
}
_DATABASES = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")
_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"


@dataclass(frozen=True)
class Kept:
    """One resource a delete leaves behind or is blocked by, and why."""

    logical_id: str
    resource_type: str
    what: str
    blocks: bool  # the delete fails until this is changed


def _true(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def kept_on_delete(template: dict) -> list[Kept]:
    """Every Kept of one parsed template, in logical-id order."""
    found: list[Kept] = []
    resources = template.get("Resources") or {}
    for logical_id in sorted(resources):
        resource = resources[logical_id] or {}
        kind = resource.get("Type", "")
        properties = resource.get("Properties") or {}
        policy = resource.get("DeletionPolicy")
        if isinstance(policy, str) and policy in _KEPT_POLICIES:
            found.append(Kept(logical_id, kind, _KEPT_POLICIES[policy], False))
        if kind == _BALANCER:
            attributes = {a.get("Key"): a.get("Value") for a in properties.get("LoadBalancerAttributes") or []
                          if isinstance(a, dict)}
            if _true(attributes.get("deletion_protection.enabled")):
                found.append(Kept(logical_id, kind, "blocks the delete: deletion_protection.enabled is true (turn "
                                                    "it off on the balancer first)", True))
        if kind in _DATABASES and _true(properties.get("DeletionProtection")):
            found.append(Kept(logical_id, kind, "blocks the delete: DeletionProtection is true (turn it off on "
                                                "the database first)", True))
    return found
