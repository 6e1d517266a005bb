"""The hardening defaults as a security reviewer checks them in the templates: a web ACL on every internet-facing
balancer, an S3 gateway endpoint that admits only the buckets the services need, no plain HTTP on an internal
balancer that has a certificate, a backup plan per protected database; each turned off only under ``relax:`` with a
reason that reaches every scanner (checkov, stackprint audit, cdk-nag), and refused with its position where it makes
no sense.
"""
from __future__ import annotations

import textwrap

import pytest

from generator.audit import audit_document
from generator.emit import templates
from generator.errors import InputError
from generator.load import load_text
from generator.model import load_blueprint_text
from generator.plan import plan

ROOT = "name: shop\nnetwork: {cidr: 10.20.0.0/16}\n"
CERT = "{certificate: {parameter: CertificateArn}}"
REASON = "dev: reachable only through the office VPN proxy"


def _blueprint(body: str):
    (bp,) = load_blueprint_text(ROOT + textwrap.dedent(body), "shop.yaml").values()
    return bp


def _stacks(body: str) -> dict[str, dict]:
    """Stack suffix (network, data, <service>) -> the template as a dict."""
    layout = plan(_blueprint(body))
    return {name.removeprefix("shop-default-"): template.to_dict() for name, template in templates(layout).items()}


def _of_type(template: dict, kind: str) -> dict:
    return {logical: r for logical, r in template["Resources"].items() if r["Type"] == kind}


def _audit(template: dict, rule: str) -> list[str]:
    import json
    document = load_text(json.dumps(template), "t.json", cfn=True)
    return [f.resource for f in audit_document(document) if f.rule == rule]


def _error(body: str) -> str:
    with pytest.raises(InputError) as caught:
        _blueprint(body)
    return str(caught.value)


PUBLIC_AND_INTERNAL = f"""
load_balancers:
  public: {{scheme: internet-facing, https: {CERT}}}
  mesh: {{scheme: internal, https: {{certificate: {{parameter: MeshCertificateArn}}}}}}
  plain: {{scheme: internal}}
services:
  web: {{image: nginx:1.27, port: 8080, route: {{load_balancer: public, path: "/*"}}, flows: [api, legacy]}}
  api: {{image: nginx:1.27, port: 9000, route: {{load_balancer: mesh, path: "/*"}}}}
  legacy: {{image: nginx:1.27, port: 9100, route: {{load_balancer: plain, path: "/*"}}}}
"""


# --- WAF ------------------------------------------------------------------------------------------------------------

def test_every_internet_facing_balancer_has_its_own_web_acl_and_no_internal_one_has_any():
    network = _stacks(PUBLIC_AND_INTERNAL.replace("  mesh:", "  public2: {scheme: internet-facing, https: "
                                                  f"{CERT}}}\n  mesh:").replace(
        "  api: {", "  www: {image: nginx:1.27, port: 8081, route: {load_balancer: public2, path: \"/*\"}}\n"
                    "  api: {"))["network"]
    balancers = _of_type(network, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    facing = {lb for lb, r in balancers.items() if r["Properties"]["Scheme"] == "internet-facing"}
    associations = _of_type(network, "AWS::WAFv2::WebACLAssociation").values()
    associated = [a["Properties"]["ResourceArn"]["Ref"] for a in associations]
    assert sorted(associated) == sorted(facing) == ["Public2LoadBalancer", "PublicLoadBalancer"]
    acls = _of_type(network, "AWS::WAFv2::WebACL")
    assert {a["Properties"]["WebACLArn"]["Fn::GetAtt"][0] for a in associations} == set(acls)
    for acl in acls.values():
        rules = {r["Name"]: r for r in acl["Properties"]["Rules"]}
        assert acl["Properties"]["Scope"] == "REGIONAL" and acl["Properties"]["DefaultAction"] == {"Allow": {}}
        assert rules["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]["VendorName"] == "AWS"
        assert "AWSManagedRulesKnownBadInputsRuleSet" in rules
        assert rules["RateLimitPerClientIp"]["Action"] == {"Block": {}}
        assert rules["RateLimitPerClientIp"]["Statement"]["RateBasedStatement"]["Limit"] == 2000
    assert _audit(network, "ELB008") == []


def test_the_web_acl_logs_to_an_encrypted_aws_waf_logs_group_with_retention():
    network = _stacks(PUBLIC_AND_INTERNAL)["network"]
    (logging,) = _of_type(network, "AWS::WAFv2::LoggingConfiguration").values()
    group = network["Resources"]["PublicWebAclLogGroup"]["Properties"]
    assert group["LogGroupName"]["Fn::Sub"].startswith("aws-waf-logs-")
    assert group["KmsKeyId"] == {"Fn::GetAtt": ["LogsKey", "Arn"]} and group["RetentionInDays"] == 365
    assert "${PublicWebAclLogGroup}" in logging["Properties"]["LogDestinationConfigs"][0]["Fn::Sub"]


def test_the_rate_limit_is_the_blueprints_and_out_of_range_is_a_positioned_error():
    body = PUBLIC_AND_INTERNAL.replace(f"public: {{scheme: internet-facing, https: {CERT}}}",
                                       f"public: {{scheme: internet-facing, https: {CERT}, waf: {{rate_limit: 500}}}}")
    acl = _stacks(body)["network"]["Resources"]["PublicWebAcl"]["Properties"]
    assert [r["Statement"]["RateBasedStatement"]["Limit"] for r in acl["Rules"] if "RateBasedStatement" in
            r["Statement"]] == [500]
    error = _error(body.replace("rate_limit: 500", "rate_limit: 5"))
    assert "load_balancers.public.waf.rate_limit: 5 is out of range (valid: 10..2000000000)" in error
    assert error.startswith("shop.yaml:")


def test_relaxing_waf_removes_the_acl_and_writes_the_reason_for_every_scanner():
    body = PUBLIC_AND_INTERNAL.replace(f"public: {{scheme: internet-facing, https: {CERT}}}",
                                       f"public: {{scheme: internet-facing, https: {CERT}, relax: {{waf: '{REASON}'}}}}")
    network = _stacks(body)["network"]
    assert not _of_type(network, "AWS::WAFv2::WebACL") and not _of_type(network, "AWS::WAFv2::WebACLAssociation")
    metadata = network["Resources"]["PublicLoadBalancer"]["Metadata"]
    assert {"reason": REASON, "rule": "ELB008"} in metadata["stackprint"]["ignore"]
    assert metadata["cdk_nag"]["rules_to_suppress"] == [
        {"id": "NIST.800.53.R5-ALBWAFEnabled", "reason": REASON}, {"id": "PCI.DSS.321-ALBWAFEnabled", "reason": REASON}]
    assert _audit(network, "ELB008") == []  # suppressed with the reason
    del network["Resources"]["PublicLoadBalancer"]["Metadata"]
    assert _audit(network, "ELB008") == ["PublicLoadBalancer"]  # and the audit sees it without


def test_waf_settings_on_an_internal_balancer_are_refused_at_the_key():
    error = _error(PUBLIC_AND_INTERNAL.replace("plain: {scheme: internal}",
                                               "plain: {scheme: internal, waf: {rate_limit: 100}}"))
    assert "load_balancers.plain.waf: waf applies to internet-facing balancers only" in error


def test_relaxing_waf_on_an_internal_balancer_is_refused_at_the_key():
    error = _error(PUBLIC_AND_INTERNAL.replace("plain: {scheme: internal}",
                                               f"plain: {{scheme: internal, relax: {{waf: '{REASON}'}}}}"))
    assert "load_balancers.plain.relax.waf: an internal balancer has no web ACL to turn off" in error


# --- S3 gateway endpoint policy -------------------------------------------------------------------------------------

ENDPOINTS = """
network: {cidr: 10.20.0.0/16, nat: none, endpoints: [s3, ecr.api, ecr.dkr, logs]}
services:
  reports:
    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/reports:1
    task_permissions:
      - {actions: ["s3:GetObject", "sqs:ReceiveMessage"], resources: ["arn:aws:s3:::shop-reports/*",
                                                                      "arn:aws:sqs:us-east-1:123456789012:jobs"]}
      - {actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::shop-reports"]}
  worker:
    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:1
    task_permissions:
      - {actions: ["sqs:ReceiveMessage"], resources: ["arn:aws:sqs:us-east-1:123456789012:jobs"]}
"""


def _endpoint_policy(body: str) -> list[dict]:
    (bp,) = load_blueprint_text(f"name: shop\n{textwrap.dedent(body)}", "shop.yaml").values()
    network = next(t.to_dict() for name, t in templates(plan(bp)).items() if name.endswith("-network"))
    return network["Resources"]["S3Endpoint"]["Properties"]["PolicyDocument"]["Statement"]


def test_the_s3_endpoint_admits_only_ecr_layers_and_the_buckets_of_task_permissions():
    statements = _endpoint_policy(ENDPOINTS)
    layers, reports = statements
    assert layers["Action"] == "s3:GetObject"
    assert layers["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::prod-${AWS::Region}-starport-layer-bucket/*"}
    assert reports["Sid"] == "ReportsTaskPermissions"
    assert reports["Action"] == ["s3:GetObject", "s3:ListBucket"]
    assert reports["Resource"] == ["arn:aws:s3:::shop-reports", "arn:aws:s3:::shop-reports/*"]  # no sqs queue
    assert reports["Condition"] == {"StringEquals": {"aws:PrincipalAccount": {"Ref": "AWS::AccountId"}}}
    resources = [r for s in statements for r in (s["Resource"] if isinstance(s["Resource"], list) else
                                                 [s["Resource"]])]
    assert "*" not in resources and not any(str(r).endswith(":::*") for r in resources)


def test_without_s3_permissions_the_endpoint_admits_ecr_layers_only():
    body = ENDPOINTS.split("  reports:")[0] + "  worker:" + ENDPOINTS.split("  worker:")[1]
    (layers,) = _endpoint_policy(body)
    assert layers["Sid"] == "EcrImageLayers"


# --- end-to-end TLS -------------------------------------------------------------------------------------------------

def _listeners(network: dict, balancer: str) -> dict[str, dict]:
    return {r["Properties"]["Protocol"]: r for r in _of_type(network, "AWS::ElasticLoadBalancingV2::Listener").values()
            if r["Properties"]["LoadBalancerArn"] == {"Ref": f"{balancer}LoadBalancer"}}


def _target(stacks: dict, service: str) -> dict:
    return stacks[service]["Resources"]["TargetGroup"]["Properties"]


def test_an_internal_balancer_with_a_certificate_is_https_only_to_https_targets():
    stacks = _stacks(PUBLIC_AND_INTERNAL)
    network = stacks["network"]
    assert set(_listeners(network, "Mesh")) == {"HTTPS"}  # no HTTP listener at all
    assert (_target(stacks, "api")["Protocol"], _target(stacks, "api")["HealthCheckProtocol"]) == ("HTTPS", "HTTPS")
    # the callers are told 443 and their group may reach the balancer on 443 only
    ingress = [r["Properties"] for r in _of_type(network, "AWS::EC2::SecurityGroupIngress").values()
               if r["Properties"]["GroupId"] == {"Fn::GetAtt": ["MeshLoadBalancerSecurityGroup", "GroupId"]}]
    assert {(r["FromPort"], r["ToPort"]) for r in ingress} == {(443, 443)}
    assert _audit(network, "ELB009") == []
    # the internet-facing balancer keeps its redirect and plain HTTP to its targets (opt-in there)
    assert set(_listeners(network, "Public")) == {"HTTP", "HTTPS"} and _target(stacks, "web")["Protocol"] == "HTTP"
    # an internal balancer without a certificate still listens on HTTP (nothing to encrypt with)
    assert set(_listeners(network, "Plain")) == {"HTTP"} and _target(stacks, "legacy")["Protocol"] == "HTTP"


def test_relaxing_end_to_end_tls_keeps_http_with_the_reason_on_the_http_listener():
    reason = "legacy api image cannot serve TLS yet (ticket OPS-142)"
    body = PUBLIC_AND_INTERNAL.replace("{parameter: MeshCertificateArn}}}",
                                       f"{{parameter: MeshCertificateArn}}}}, relax: {{end_to_end_tls: '{reason}'}}}}")
    stacks = _stacks(body)
    listeners = _listeners(stacks["network"], "Mesh")
    assert set(listeners) == {"HTTP", "HTTPS"} and _target(stacks, "api")["Protocol"] == "HTTP"
    assert listeners["HTTP"]["Metadata"]["stackprint"]["ignore"] == [{"reason": reason, "rule": "ELB009"}]
    assert _audit(stacks["network"], "ELB009") == []
    del listeners["HTTP"]["Metadata"]
    assert len(_audit(stacks["network"], "ELB009")) == 1


def test_end_to_end_tls_is_opt_in_on_an_internet_facing_balancer():
    body = PUBLIC_AND_INTERNAL.replace(f"public: {{scheme: internet-facing, https: {CERT}}}",
                                       f"public: {{scheme: internet-facing, https: {CERT}, end_to_end_tls: true}}")
    assert _target(_stacks(body), "web")["Protocol"] == "HTTPS"


@pytest.mark.parametrize("change,expected", [
    (("plain: {scheme: internal}", "plain: {scheme: internal, end_to_end_tls: true}"),
     "load_balancers.plain.end_to_end_tls: end_to_end_tls needs https on the balancer"),
    (("{parameter: MeshCertificateArn}}}", "{parameter: MeshCertificateArn}}, end_to_end_tls: false}"),
     "load_balancers.mesh.end_to_end_tls: end_to_end_tls is on by default for an internal balancer with https; "
     "turning it off takes a reason"),
    (("plain: {scheme: internal}", f"plain: {{scheme: internal, relax: {{end_to_end_tls: '{REASON}'}}}}"),
     "load_balancers.plain.relax.end_to_end_tls: end_to_end_tls is on by default only for an internal balancer "
     "with https"),
    ((f"public: {{scheme: internet-facing, https: {CERT}}}",
      f"public: {{scheme: internet-facing, https: {CERT}, relax: {{end_to_end_tls: '{REASON}'}}}}"),
     "load_balancers.public.relax.end_to_end_tls: end_to_end_tls is on by default only"),
])
def test_end_to_end_tls_that_cannot_apply_is_a_positioned_error(change, expected):
    error = _error(PUBLIC_AND_INTERNAL.replace(*change))
    assert expected in error and error.startswith("shop.yaml:")


# --- backups --------------------------------------------------------------------------------------------------------

def _databases(relax: dict[str, str], kms: str = "") -> str:
    lines = ["services:", "  app: {image: nginx:1.27, port: 8080, flows: [orders, reports]}", "databases:"]
    for name in ("orders", "reports"):
        relaxed = relax.get(name, "")
        lines.append(f"  {name}: {{engine: postgres, backup_retention_days: 14{kms}"
                     + (f", relax: {{{relaxed}}}" if relaxed else "") + "}")
    return "\n".join(lines) + "\n"


def _selected(data: dict) -> dict[str, dict]:
    """Database logical id -> its plan's rule, through the selections."""
    found = {}
    for selection in _of_type(data, "AWS::Backup::BackupSelection").values():
        plan_id = selection["Properties"]["BackupPlanId"]["Ref"]
        (rule,) = data["Resources"][plan_id]["Properties"]["BackupPlan"]["BackupPlanRule"]
        for resource in selection["Properties"]["BackupSelection"]["Resources"]:
            found[resource["Fn::Sub"].rsplit("${", 1)[1].rstrip("}")] = rule
    return found


def test_every_protected_database_has_a_daily_backup_plan_into_an_encrypted_vault():
    data = _stacks(_databases({}))["data"]
    selected = _selected(data)
    assert set(selected) == {"OrdersDatabase", "ReportsDatabase"}
    for rule in selected.values():
        assert rule["ScheduleExpression"] == "cron(0 3 * * ? *)" and rule["Lifecycle"] == {"DeleteAfterDays": 14}
        assert rule["TargetBackupVault"] == {"Ref": "BackupVault"}
    vault = data["Resources"]["BackupVault"]["Properties"]
    assert vault["EncryptionKeyArn"] == {"Fn::GetAtt": ["BackupVaultKey", "Arn"]}
    assert data["Resources"]["BackupVaultKey"]["Properties"]["EnableKeyRotation"] is True
    assert _audit(data, "DATA008") == []


def test_the_vault_uses_the_databases_own_customer_key_when_they_share_one():
    data = _stacks(_databases({}, kms=", kms_key: {parameter: DataKeyArn}"))["data"]
    assert data["Resources"]["BackupVault"]["Properties"]["EncryptionKeyArn"] == {"Ref": "DataKeyArn"}
    assert "BackupVaultKey" not in data["Resources"]


def test_no_plan_without_deletion_protection_and_relaxing_the_plan_reaches_every_scanner():
    reason = "rebuilt nightly from the orders database, copies only"
    data = _stacks(_databases({"orders": "deletion_protection: 'dev: torn down nightly with the stack'",
                               "reports": f"backup_plan: '{reason}'"}))["data"]
    assert _selected(data) == {} and not _of_type(data, "AWS::Backup::BackupVault")
    metadata = data["Resources"]["ReportsDatabase"]["Metadata"]
    assert metadata["stackprint"]["ignore"] == [{"reason": reason, "rule": "DATA008"}]
    assert metadata["cdk_nag"]["rules_to_suppress"] == [{"id": "HIPAA.Security-RDSInBackupPlan", "reason": reason},
                                                        {"id": "NIST.800.53.R5-RDSInBackupPlan", "reason": reason}]
    assert _audit(data, "DATA008") == []
    del data["Resources"]["ReportsDatabase"]["Metadata"]
    assert _audit(data, "DATA008") == ["ReportsDatabase"]


def test_relaxing_a_plan_that_is_off_anyway_is_refused_at_the_key():
    error = _error(_databases({"orders": f"deletion_protection: '{REASON}', backup_plan: '{REASON}'"}))
    assert "databases.orders.relax.backup_plan: the AWS Backup plan is on by default only where deletion " \
           "protection is on" in error


# --- cdk-nag for the relaxations the examples use -------------------------------------------------------------------

def test_the_examples_relaxations_carry_the_same_reason_for_cdk_nag():
    from pathlib import Path

    import yaml

    out = Path(__file__).resolve().parent.parent / "out"
    balancer = yaml.load((out / "web-api/dev/web-api-dev-network.template.yaml").read_text(),
                         Loader=yaml.BaseLoader)["Resources"]["PublicLoadBalancer"]["Metadata"]
    (ignore,) = balancer["stackprint"]["ignore"]
    assert {e["id"] for e in balancer["cdk_nag"]["rules_to_suppress"]} == {
        "HIPAA.Security-ELBDeletionProtectionEnabled", "NIST.800.53.R5-ELBDeletionProtectionEnabled"}
    assert {e["reason"] for e in balancer["cdk_nag"]["rules_to_suppress"]} == {ignore["reason"]}
    database = yaml.load((out / "hardened-two-tier/dev/hardened-two-tier-dev-data.template.yaml").read_text(),
                         Loader=yaml.BaseLoader)["Resources"]["AppdbDatabase"]["Metadata"]
    nag = {e["id"]: e["reason"] for e in database["cdk_nag"]["rules_to_suppress"]}
    assert nag["AwsSolutions-RDS3"] == nag["NIST.800.53.R5-RDSMultiAZSupport"] == \
        next(c["comment"] for c in database["checkov"]["skip"] if c["id"] == "CKV_AWS_157")
    assert nag["AwsSolutions-RDS10"] == next(i["reason"] for i in database["stackprint"]["ignore"]
                                             if i["rule"] == "DATA005")
