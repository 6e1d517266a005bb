"""Documented exceptions for scanners, written next to the resource they concern.

Two sources, one format:

- design decisions of the compiler itself (port 80 only redirects, the log bucket does not log into itself...):
  checkov skips with the argument in the template, so a reviewer running checkov reads it instead of a failure;
- secure defaults a blueprint turns off under ``relax:`` with its reason (:mod:`generator.model.relax`):
  :data:`RELAXATIONS` says which checkov checks and which stackprint audit rules each switch-off trips, and
  :func:`relax` writes both suppressions with the blueprint's own words.

Nothing of stackprint's own audit is suppressed without a reason from the blueprint.
"""
from __future__ import annotations

PORT_80_REDIRECT = ("CKV_AWS_260", "port 80 only answers 301 redirects to HTTPS (no listener forwards on 80)")
LOG_BUCKET_SELF_LOGGING = ("CKV_AWS_18", "this is the access-log bucket; logging it into itself would loop")
INTERNAL_HTTP = [
    ("CKV_AWS_2", "internal balancer without https in the blueprint: private subnets only, reachable only from "
                  "the security groups of the flow matrix"),
    ("CKV_AWS_103", "plain HTTP listener on an internal balancer (see CKV_AWS_2); set https in the blueprint to "
                    "encrypt"),
]
#: The function that removes the default security group's rules (generator/emit/default_group.py).
DEFAULT_GROUP_FUNCTION = [
    ("CKV_AWS_116", "CloudFormation custom-resource handler: CloudFormation waits for its answer and fails the "
                    "stack operation if none comes, so a dead-letter queue would hold events nobody reads"),
    ("CKV_AWS_117", "calls only the EC2 API; inside the VPC it would need a NAT gateway or an ec2 interface "
                    "endpoint, and it handles no data of the VPC"),
]

#: ``"<kind>.<setting>"`` of a ``relax:`` key -> (checkov check ids, stackprint audit rule ids) it trips.
#: Every key a model accepts under ``relax`` must be here (tests/test_relax.py checks both directions).
RELAXATIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # checkov's CKV_AWS_133 asks only for a retention above 0, which the language always has
    "database.backup_retention": ((), ("DATA006",)),
    "database.deletion_protection": ((), ("DATA005",)),
    "database.enhanced_monitoring": (("CKV_AWS_118",), ()),
    "database.iam_authentication": (("CKV_AWS_161", "CKV_AWS_162"), ()),
    "database.multi_az": (("CKV_AWS_157",), ("DATA004",)),
    # checkov has no CloudFormation check for ALB deletion protection (CKV_AWS_150 is Terraform-only)
    "load_balancer.deletion_protection": ((), ("ELB005",)),
    "network.restrict_default_security_group": ((), ("NET004",)),
}


def checkov_metadata(*skips: tuple[str, str]) -> dict:
    """``Metadata`` for a resource: ``{"checkov": {"skip": [{"id", "comment"}]}}``, sorted by id."""
    return {"checkov": {"skip": [{"id": rule, "comment": comment} for rule, comment in sorted(skips)]}}


def add_suppressions(resource, checkov: tuple[tuple[str, str], ...] = (),
                     stackprint: tuple[tuple[str, str], ...] = ()) -> None:
    """Merge checkov skips ``(id, comment)`` and stackprint ignores ``(rule, reason)`` into a troposphere resource's
    ``Metadata``, once each, sorted, keeping any metadata already there."""
    metadata = dict(resource.resource.get("Metadata") or {})
    _merge(metadata, "checkov", "skip", [{"comment": comment, "id": rule} for rule, comment in checkov], "id",
           "comment")
    _merge(metadata, "stackprint", "ignore", [{"reason": reason, "rule": rule} for rule, reason in stackprint],
           "rule", "reason")
    resource.Metadata = metadata


def _merge(metadata: dict, tool: str, key: str, entries: list[dict], *order: str) -> None:
    """Add ``entries`` to ``metadata[tool][key]`` without duplicates, sorted by the ``order`` fields."""
    if not entries:
        return
    section = dict(metadata.get(tool) or {})
    merged = list(section.get(key) or [])
    for entry in entries:
        if entry not in merged:
            merged.append(entry)
    section[key] = sorted(merged, key=lambda entry: tuple(entry[field] for field in order))
    metadata[tool] = section


#: Where a task definition lists the environment variables the compiler wrote itself (from ``flows:``), per
#: container: ``Metadata.stackprint.generated_environment: [{container: web, names: [API_HOST, API_PORT]}]``.
#: The audit's ECS002 does not judge these names as secrets: they hold host names, ports and database names the
#: plan derived, and a target named ``password-api`` must not make its callers' ``PASSWORD_API_PORT`` a "secret".
GENERATED_ENVIRONMENT = "generated_environment"


def mark_generated_environment(resource, container: str, names) -> None:
    """Record on a task definition that ``names`` in ``container``'s Environment were written by the compiler."""
    if not names:
        return
    metadata = dict(resource.resource.get("Metadata") or {})
    section = dict(metadata.get("stackprint") or {})
    entries = [e for e in section.get(GENERATED_ENVIRONMENT, []) if e["container"] != container]
    entries.append({"container": container, "names": sorted(names)})
    section[GENERATED_ENVIRONMENT] = sorted(entries, key=lambda entry: entry["container"])
    metadata["stackprint"] = section
    resource.Metadata = metadata


def relax(resource, kind: str, relaxed: dict[str, str], *settings: str) -> None:
    """Write the suppressions for each of ``settings`` the blueprint relaxed (a key of ``relaxed``) on ``resource``.

    ``kind`` is the object family (``database``, ``load_balancer``...); ``relaxed`` is the object's ``relax``
    mapping; ``settings`` are the switch-offs that concern this particular resource.
    """
    for setting in settings:
        reason = relaxed.get(setting)
        if reason is None:
            continue
        checkov_ids, rules = RELAXATIONS[f"{kind}.{setting}"]
        add_suppressions(resource, checkov=tuple((rule, reason) for rule in checkov_ids),
                         stackprint=tuple((rule, reason) for rule in rules))
