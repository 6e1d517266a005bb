"""One drift run: read what is deployed, compare it with the templates, merge CloudFormation's drift detection and
CloudTrail's attribution, and return the :class:`~generator.drift.findings.Report`."""
from __future__ import annotations

from dataclasses import dataclass

from generator.deploy.aws import AwsError, Clients
from generator.drift import aws, compare, stackdrift, trail, unmanaged
from generator.drift.expected import read_layout
from generator.drift.findings import Finding, Report

#: Resource types whose CloudFormation drift the security-group comparison already explains.
_GROUP_TYPES = ("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress")


@dataclass(frozen=True)
class Options:
    stack_drift: bool = True          # run CloudFormation drift detection and merge it
    stack_drift_timeout: float = 300  # seconds to wait for it, at most
    poll_interval: float = 5.0
    cloudtrail: bool = True           # attribute added rules from CloudTrail's event history


def _rules_only(drift) -> bool:
    """A group's drift that lies only in its inline rule lists (the comparison is the judge of those)."""
    return (drift.resource_type == "AWS::EC2::SecurityGroup" and drift.status == "MODIFIED" and drift.differences
            and all(path.startswith(("/SecurityGroupIngress", "/SecurityGroupEgress"))
                    for path, *_ in drift.differences))


def merge_stack_drift(findings: list[Finding], drifts, layout, notes: list[str]) -> list[Finding]:
    """CloudFormation's resource drifts: confirmations on the findings about the same resource (the group or the
    rule resource), and findings of their own for everything else.

    CloudFormation judges a group's inline rule lists alone, so rules the templates add through standalone
    ``SecurityGroupIngress``/``Egress`` resources can make it report the group MODIFIED. When the comparison (which
    counts every resource of every stack) finds nothing on that group, such a report is a note, not drift."""
    by_resource: dict[tuple, list[Finding]] = {}
    for finding in findings:
        by_resource.setdefault((finding.stack, finding.resource), []).append(finding)
        group = layout.groups.get(finding.details.get("group_id", ""))
        if group is not None:
            by_resource.setdefault((group.place.stack, group.place.logical_id), []).append(finding)
    extra = []
    for drift in drifts:
        related = by_resource.get((drift.stack, drift.logical_id), [])
        if related and drift.resource_type in _GROUP_TYPES:
            for finding in related:
                finding.details.setdefault("cloudformation", [])
                if drift.as_details() | {"resource": drift.logical_id} not in finding.details["cloudformation"]:
                    finding.details["cloudformation"].append(drift.as_details() | {"resource": drift.logical_id})
            continue
        if _rules_only(drift):
            notes.append(f"{drift.stack}/{drift.logical_id}: CloudFormation drift detection reports its inline rules "
                         "MODIFIED, but the group's rules are exactly those the templates declare (standalone rule "
                         "resources count as drift to CloudFormation): not drift")
            continue
        place = layout.place(drift.stack, drift.logical_id)
        extra.append(Finding("DRIFT006", drift.stack, drift.logical_id,
                             f"{drift.stack}/{drift.logical_id} ({drift.resource_type}) {drift.status}",
                             place.file if place else "", place.line if place else 0, drift.as_details()))
    return extra


def detect(environment, clients: Clients, options: Options = Options(), progress=lambda message: None) -> Report:
    """The drift report of ``environment`` (:func:`generator.deploy.environment.load_environment`).

    AWS errors (access denied on a required call, an unreachable endpoint) are raised as one-line errors with exit
    code 2: exit 1 means drift, and nothing else."""
    try:
        return _detect(environment, clients, options, progress)
    except AwsError as exc:
        exc.exit_code = 2
        raise


def _detect(environment, clients: Clients, options: Options, progress) -> Report:
    ec2 = aws.client(clients, "ec2")
    progress(f"reading {len(environment.stacks)} stack(s)…")
    deployment = aws.read_deployment(environment, clients, ec2)
    layout = read_layout(environment, deployment)
    report = Report(environment.path, [s.name for s in environment.stacks], notes=list(layout.notes))

    progress(f"reading {len(layout.groups)} security group(s) and their rules…")
    existing = aws.security_groups(ec2, list(layout.groups))
    vpc_ids = sorted(set(layout.vpcs) | {g["VpcId"] for g in existing.values() if g.get("VpcId")})
    defaults = aws.default_groups(ec2, vpc_ids) if vpc_ids else {}
    read = sorted(set(existing) | {g["GroupId"] for vpc, g in defaults.items() if vpc in layout.closed_default_groups})
    rules = aws.group_rules(ec2, read) if read else {}
    findings, notes = compare.compare_groups(layout, existing, rules)
    findings += compare.compare_default_groups(layout, defaults, rules)
    for vpc_id in vpc_ids:
        if vpc_id not in layout.closed_default_groups and vpc_id in layout.vpcs:
            report.notes.append(f"{vpc_id}: the templates do not keep its default security group closed: "
                                "its rules are not checked")
    report.notes += unmanaged.notes(ec2, [v for v in vpc_ids if v not in layout.vpcs], defaults)
    interfaces = aws.network_interfaces(ec2, vpc_ids) if vpc_ids else []
    names = {g["GroupId"]: g.get("GroupName", "") for g in defaults.values()}
    findings += compare.compare_interfaces(layout, interfaces, names)
    report.notes += notes

    checked_stacks = 0
    if options.stack_drift:
        drifts, more, checked_stacks = stackdrift.detect(
            clients.cloudformation, report.stacks, options.stack_drift_timeout, options.poll_interval, progress)
        report.notes += more
        findings += merge_stack_drift(findings, drifts, layout, report.notes)
    if options.cloudtrail and any("rule_id" in f.details for f in findings):
        progress("looking up who added the rules in CloudTrail…")
        report.notes += trail.attribute(aws.client(clients, "cloudtrail"), findings)

    report.findings = findings
    report.checked = {"security_groups": len(existing), "rules": sum(len(r) for r in rules.values()),
                      "network_interfaces": len(interfaces), "vpcs": len(vpc_ids),
                      "stacks_drift_detected": checked_stacks}
    return report.sorted()
