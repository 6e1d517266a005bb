"""The checks an existing network leaves to its owners (``network.existing``: the environment README's "Not
managed here"), run by ``stackprint drift`` on every VPC the environment's groups sit in but its templates do not
create.

Two of them can be read with the same read-only EC2 access drift already has: the VPC's default security group
has no rule (Security Hub EC2.2) and an active flow log records all its traffic (EC2.6). Neither is drift from the
templates (they never declared it), so each failure is a note, never a finding: the exit code stays about the
templates. A denied ``DescribeFlowLogs`` is a note too.
"""
from __future__ import annotations

from generator.deploy.aws import error_code

NOT_MANAGED = "not managed here (the environment deploys into this existing VPC)"


def default_group_note(vpc_id: str, group: dict | None) -> str | None:
    """A note when the VPC's default group keeps any rule (``group``: its DescribeSecurityGroups entry)."""
    if group is None:
        return None
    count = sum(len(p.get("IpRanges", [])) + len(p.get("Ipv6Ranges", [])) + len(p.get("UserIdGroupPairs", []))
                + len(p.get("PrefixListIds", [])) or 1
                for key in ("IpPermissions", "IpPermissionsEgress") for p in group.get(key) or [])
    if not count:
        return None
    return (f"{vpc_id}: {NOT_MANAGED}: its default security group {group['GroupId']} has {count} rule(s); Security "
            "Hub EC2.2 expects none (anything launched without a group lands in it)")


def flow_log_note(ec2, vpc_id: str) -> str | None:
    """A note when no active flow log records ALL the VPC's traffic, or when flow logs cannot be read."""
    try:
        logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
    except Exception as exc:  # noqa: BLE001 - any AWS refusal only makes the check a note of its own
        if not error_code(exc):
            raise
        return f"{vpc_id}: {NOT_MANAGED}: its flow logs could not be read ({error_code(exc)}: ec2:DescribeFlowLogs)"
    if any(log.get("TrafficType") == "ALL" and log.get("FlowLogStatus", "ACTIVE") == "ACTIVE" for log in logs):
        return None
    return (f"{vpc_id}: {NOT_MANAGED}: no active flow log records ALL its traffic (Security Hub EC2.6; audit rule "
            "NET001 for a VPC stackprint creates)")


def notes(ec2, vpc_ids: list[str], defaults: dict[str, dict]) -> list[str]:
    """The notes for each existing VPC, in VPC order (``defaults``: vpc id -> its default group)."""
    found = []
    for vpc_id in sorted(vpc_ids):
        found += [note for note in (default_group_note(vpc_id, defaults.get(vpc_id)), flow_log_note(ec2, vpc_id))
                  if note]
    return found
