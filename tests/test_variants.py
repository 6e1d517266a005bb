"""Blueprint shapes beyond the examples still compile to templates cfn-lint accepts without a single match."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.compile import render
from generator.lint import gate
from generator.model import load_blueprint_text
from generator.plan import plan

pytestmark = pytest.mark.slow  # see tests/conftest.py: "Suite cost"

VARIANTS = {
    "network-only-no-nat": "name: bare\nnetwork: {cidr: 10.0.0.0/23, availability_zones: 2, nat: none}\n",
    "six-zones-per-az-nat": """\
name: wide
network: {cidr: 10.1.0.0/16, availability_zones: 6, nat: per-az}
load_balancers:
  edge: {scheme: internet-facing, https: {certificate: {arn: "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"}}}
services:
  web: {image: public.ecr.aws/nginx/nginx:1.27, port: 80, route: {load_balancer: edge, host: a.example.com},
        scaling: {min: 2, max: 4}}
""",
    "internal-https-and-udp-egress": """\
name: inner
network: {cidr: 172.16.0.0/20, availability_zones: 3, nat: single}
load_balancers:
  mesh: {scheme: internal, https: {certificate: {parameter: MeshCert}}}
services:
  api: {image: public.ecr.aws/nginx/nginx:1.27, port: 8443, route: {load_balancer: mesh}}
  client:
    image: public.ecr.aws/nginx/nginx:1.27
    flows: [api]
    egress: [{cidr: 192.0.2.10/32, port: 514, protocol: udp, reason: "syslog collector"}]
    read_only_root_filesystem: false
""",
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_lints_clean(name):
    (bp,) = load_blueprint_text(VARIANTS[name], f"{name}.yaml").values()
    environment = render(plan(bp), f"{name}.yaml")
    templates = {f"{name}/{file}": data.decode() for file, data in environment.files.items()
                 if file.endswith(".template.yaml")}
    assert len(templates) == 1 + len(bp.services)
    assert [str(f) for f in gate(templates)] == []


CLOUDFRONT_ORIGIN = (Path(__file__).resolve().parent / "blueprints" / "cloudfront-origin.yaml").read_text()


@pytest.fixture(scope="module")
def cloudfront_origin():
    """The CloudFront-only variant rendered once: file name -> text."""
    (bp,) = load_blueprint_text(CLOUDFRONT_ORIGIN, "origin.yaml").values()
    return {name: data.decode() for name, data in render(plan(bp), "origin.yaml").files.items()}


def _resources(files: dict[str, str], stack: str) -> dict:
    return yaml.load(files[f"origin-default-{stack}.template.yaml"], Loader=yaml.BaseLoader)["Resources"]


def test_a_cloudfront_only_origin_passes_every_gate(cloudfront_origin):
    from generator.compile import GATES

    templates = {f"origin/default/{name}": text for name, text in cloudfront_origin.items()
                 if name.endswith(".template.yaml")}
    assert [str(f) for gate_ in GATES for f in gate_(templates)] == []


def test_a_cloudfront_only_balancer_admits_exactly_the_prefix_list_on_443(cloudfront_origin):
    group = _resources(cloudfront_origin, "network")["EdgeLoadBalancerSecurityGroup"]["Properties"]
    assert group["SecurityGroupIngress"] == [{
        "Description": "HTTPS from CloudFront origin-facing servers only", "FromPort": "443", "IpProtocol": "tcp",
        "SourcePrefixListId": "CloudFrontOriginFacingPrefixListId", "ToPort": "443"}]  # BaseLoader drops the tag
    assert "SourcePrefixListId: !Ref 'CloudFrontOriginFacingPrefixListId'" in \
        cloudfront_origin["origin-default-network.template.yaml"]
    listeners = {logical: r["Properties"]["Port"] for logical, r in _resources(cloudfront_origin, "network").items()
                 if r["Type"] == "AWS::ElasticLoadBalancingV2::Listener"}
    assert listeners == {"EdgeHttpsListener": "443"}  # no HTTP:80 at all


def test_the_prefix_list_id_is_a_parameter_with_a_rejected_placeholder_and_the_lookup_command(cloudfront_origin):
    import json
    import re

    parameters = yaml.load(cloudfront_origin["origin-default-network.template.yaml"],
                           Loader=yaml.BaseLoader)["Parameters"]
    pattern = parameters["CloudFrontOriginFacingPrefixListId"]["AllowedPattern"]
    config = json.loads(cloudfront_origin["origin-default-network.config.json"])["Parameters"]
    placeholder = config["CloudFrontOriginFacingPrefixListId"]
    assert not re.fullmatch(pattern, placeholder) and re.fullmatch(pattern, "pl-3b927c52")
    readme = cloudfront_origin["README.md"]
    assert ("aws ec2 describe-managed-prefix-lists --filters "
            "Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing") in readme
    assert "| CloudFront (prefix list `com.amazonaws.global.cloudfront.origin-facing`) | " \
           "`EdgeLoadBalancerSecurityGroup` (edge) | tcp/443 |" in readme
    assert "0.0.0.0/0` (edge)" not in readme and "tcp/80 |" not in readme


def test_balancers_are_deletion_protected_unless_relaxed_with_a_reason(cloudfront_origin):
    def protection(resources):
        balancer = resources["EdgeLoadBalancer"]
        attributes = {a["Key"]: a["Value"] for a in balancer["Properties"]["LoadBalancerAttributes"]}
        return attributes["deletion_protection.enabled"], balancer.get("Metadata")

    assert protection(_resources(cloudfront_origin, "network")) == ("true", None)
    relaxed_text = CLOUDFRONT_ORIGIN.replace("    allow_from: cloudfront\n", "    allow_from: cloudfront\n"
                                             "    relax: {deletion_protection: \"dev: rebuilt at will\"}\n")
    (bp,) = load_blueprint_text(relaxed_text, "origin.yaml").values()
    files = {n: d.decode() for n, d in render(plan(bp), "origin.yaml").files.items()}
    reason = "dev: rebuilt at will"
    assert protection(_resources(files, "network")) == (
        "false", {"stackprint": {"ignore": [{"reason": reason, "rule": "ELB005"}]},
                  "cdk_nag": {"rules_to_suppress": [
                      {"id": "HIPAA.Security-ELBDeletionProtectionEnabled", "reason": reason},
                      {"id": "NIST.800.53.R5-ELBDeletionProtectionEnabled", "reason": reason}]}})


def test_exec_grants_exactly_the_four_session_channels_and_scratch_stays_off_the_host(cloudfront_origin):
    resources = _resources(cloudfront_origin, "web")
    assert resources["Service"]["Properties"]["EnableExecuteCommand"] == "true"
    (policy,) = resources["TaskRole"]["Properties"]["Policies"]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert (sorted(statement["Action"]), statement["Resource"]) == (
        ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
         "ssmmessages:OpenDataChannel"], "*")
    task = resources["TaskDefinition"]["Properties"]
    (container,) = task["ContainerDefinitions"]
    assert container["ReadonlyRootFilesystem"] == "true" and container["User"] == "101:101"
    assert container["LinuxParameters"] == {"InitProcessEnabled": "true"}
    assert task["Volumes"] == [{"Name": "scratch-tmp"}, {"Name": "scratch-var-cache-nginx"},
                               {"Name": "scratch-var-lib-amazon"}, {"Name": "scratch-var-log-amazon"}]
    assert {m["ContainerPath"]: m["ReadOnly"] for m in container["MountPoints"]} == {
        "/tmp": "false", "/var/cache/nginx": "false", "/var/lib/amazon": "false", "/var/log/amazon": "false"}


def test_a_cloudfront_only_origin_has_no_checkov_failure(cloudfront_origin, checkov, tmp_path):
    import json
    import subprocess

    for name, text in cloudfront_origin.items():
        if name.endswith(".template.yaml"):
            (tmp_path / name).write_text(text)
    result = subprocess.run([checkov, "-d", str(tmp_path), "--framework", "cloudformation", "--skip-download",
                             "-o", "json"], capture_output=True, text=True, timeout=600)
    report = json.loads(result.stdout)
    summary = (report if isinstance(report, list) else [report])[0]["summary"]
    assert (summary["failed"], summary["passed"] > 50) == (0, True)
