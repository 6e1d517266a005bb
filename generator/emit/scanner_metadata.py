"""Documented exceptions for scanners, written next to the resource they concern.

Two sources, one format:

- design decisions of the compiler itself (port 80 only redirects, the log bucket does not log into itself...):
  checkov skips with the argument in the template, so a reviewer running checkov reads it instead of a failure;
- secure defaults a blueprint turns off under ``relax:`` with its reason (:mod:`generator.model.relax`):
  :data:`RELAXATIONS` says which checkov checks and which stackprint audit rules each switch-off trips, and
  :func:`relax` writes both suppressions with the blueprint's own words.

Nothing of stackprint's own audit is suppressed without a reason from the blueprint.

The same reason also goes to the scanners teams run on their own: ``cdk_nag: {rules_to_suppress: [{id, reason}]}``
(what cdk-nag reads when the template is loaded into a CDK app with ``CfnInclude``), with the AwsSolutions, NIST
800-53 R5, HIPAA Security and PCI DSS 3.2.1 rule ids of :data:`CDK_NAG`, and ``cfn-lint: {config: {ignore_checks}}``
where a cfn-lint rule judges the setting (:data:`CFN_LINT`).
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
    # checkov has no CloudFormation check for a WAF on an ALB (nor for WAF logging); ELB008 is stackprint's
    "load_balancer.waf": ((), ("ELB008",)),
    # the internal balancer keeps a port 80 (redirect) listener and forwards plain HTTP to its targets
    "load_balancer.end_to_end_tls": ((), ("ELB009",)),
    # checkov has no CloudFormation check for "RDS in a backup plan"
    "database.backup_plan": ((), ("DATA008",)),
    # an internet-facing network balancer's plain TCP listeners (the service speaks TLS itself, or no TLS exists)
    "load_balancer.tls": ((), ("ELB011",)),
    # a VPC endpoint service every AWS account may request an endpoint to (acceptance then decides)
    "load_balancer.privatelink_any_principal": ((), ("NET005",)),
    # endpoint connections accepted without the provider's review (checkov: manual acceptance)
    "load_balancer.privatelink_acceptance": (("CKV_AWS_123",), ()),
}

#: ``"<kind>.<setting>"`` -> the cdk-nag rule ids (``<pack>-<rule>``) the switch-off trips, from cdk-nag's packs
#: (src/packs/aws-solutions.ts, nist-800-53-r5.ts, hipaa-security.ts, pci-dss-321.ts). Every relax key is here
#: (tests/test_relax.py), possibly with none.
CDK_NAG: dict[str, tuple[str, ...]] = {
    "database.backup_plan": ("HIPAA.Security-RDSInBackupPlan", "NIST.800.53.R5-RDSInBackupPlan"),
    "database.backup_retention": (),  # cdk-nag's RDS13/RDSInstanceBackupEnabled only ask for a retention above 0
    "database.deletion_protection": ("AwsSolutions-RDS10", "HIPAA.Security-RDSInstanceDeletionProtectionEnabled",
                                     "NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled"),
    "database.enhanced_monitoring": ("HIPAA.Security-RDSEnhancedMonitoringEnabled",
                                     "NIST.800.53.R5-RDSEnhancedMonitoringEnabled"),
    "database.iam_authentication": ("AwsSolutions-RDS6",),
    "database.multi_az": ("AwsSolutions-RDS3", "HIPAA.Security-RDSMultiAZSupport", "NIST.800.53.R5-RDSMultiAZSupport"),
    "load_balancer.deletion_protection": ("HIPAA.Security-ELBDeletionProtectionEnabled",
                                          "NIST.800.53.R5-ELBDeletionProtectionEnabled"),
    "load_balancer.end_to_end_tls": (),  # cdk-nag judges the client side only (the port 80 listener redirects)
    "load_balancer.privatelink_acceptance": (),  # cdk-nag has no endpoint-service acceptance rule
    "load_balancer.privatelink_any_principal": (),  # cdk-nag has no endpoint-service permissions rule
    "load_balancer.tls": (),  # cdk-nag's ELB listener rules judge HTTP(S) listeners only
    "load_balancer.waf": ("NIST.800.53.R5-ALBWAFEnabled", "PCI.DSS.321-ALBWAFEnabled"),
    "network.restrict_default_security_group": ("HIPAA.Security-VPCDefaultSecurityGroupClosed",
                                                "NIST.800.53.R5-VPCDefaultSecurityGroupClosed",
                                                "PCI.DSS.321-VPCDefaultSecurityGroupClosed"),
}

#: ``"<kind>.<setting>"`` -> cfn-lint rule ids the switch-off trips. cfn-lint judges validity, not posture: none of
#: today's relaxations trips one of its rules (informational ones included), so no entry names a rule yet; a new
#: relaxation that does adds its ids here and :func:`relax` writes ``Metadata.cfn-lint.config.ignore_checks``.
CFN_LINT: dict[str, tuple[str, ...]] = {key: () for key in RELAXATIONS}


def checkov_metadata(*skips: tuple[str, str]) -> dict:
    """``Metadata`` for a resource: ``{"checkov": {"skip": [{"id", "comment"}]}}``, sorted by id."""
    return {"checkov": {"skip": [{"id": rule, "comment": comment} for rule, comment in sorted(skips)]}}


def add_suppressions(resource, checkov: tuple[tuple[str, str], ...] = (),
                     stackprint: tuple[tuple[str, str], ...] = (), cdk_nag: tuple[tuple[str, str], ...] = (),
                     cfn_lint: tuple[str, ...] = ()) -> None:
    """Merge checkov skips ``(id, comment)``, stackprint ignores ``(rule, reason)``, cdk-nag suppressions
    ``(id, reason)`` and cfn-lint ignored rule ids into a troposphere resource's ``Metadata``, once each, sorted,
    keeping any metadata already there."""
    metadata = dict(resource.resource.get("Metadata") or {})
    _merge(metadata, "checkov", "skip", [{"comment": comment, "id": rule} for rule, comment in checkov], "id",
           "comment")
    _merge(metadata, "stackprint", "ignore", [{"reason": reason, "rule": rule} for rule, reason in stackprint],
           "rule", "reason")
    _merge(metadata, "cdk_nag", "rules_to_suppress", [{"id": rule, "reason": reason} for rule, reason in cdk_nag],
           "id", "reason")
    if cfn_lint:
        lint = dict(metadata.get("cfn-lint") or {})
        config = dict(lint.get("config") or {})
        config["ignore_checks"] = sorted(set(config.get("ignore_checks") or ()) | set(cfn_lint))
        lint["config"] = config
        metadata["cfn-lint"] = lint
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
        add_suppressions(resource, **suppressions(f"{kind}.{setting}", reason))


def suppressions(key: str, reason: str, checkov_ids=None, rules=None) -> dict:
    """The :func:`add_suppressions` arguments for relax ``key`` with the blueprint's ``reason``, in every scanner's
    format; ``checkov_ids``/``rules`` narrow checkov and stackprint to the checks that judge one resource."""
    all_checkov, all_rules = RELAXATIONS[key]
    return dict(checkov=tuple((c, reason) for c in (all_checkov if checkov_ids is None else checkov_ids)),
                stackprint=tuple((r, reason) for r in (all_rules if rules is None else rules)),
                cdk_nag=tuple((rule, reason) for rule in CDK_NAG[key]), cfn_lint=CFN_LINT[key])
