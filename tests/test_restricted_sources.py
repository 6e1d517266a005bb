"""Restricted sources (``allow_from: [...]``, issue 15 item 3), from blueprint to rules, README, reach and audit.

blueprints/partner-api.yaml is the example: an internet-facing balancer open to two partner CIDRs and a prefix list
given by a parameter, an internal balancer reached from a corporate range. What a reviewer checks: each source is one
described rule per listener port and one line of the flow matrix, nothing else is open, `reach` and `expect:` say
"restricted", and the audit still finds a wide or public range (it reads SourcePrefixListId rules too).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.audit import audit_document
from generator.compile import compile_blueprints, render
from generator.emit import templates
from generator.emit.security import _inline
from generator.errors import InputError
from generator.load import load_text
from generator.model import load_blueprint_text
from generator.plan import plan
from generator.plan.security_groups import CidrRule
from generator.reach import analyse, from_texts
from generator.reach.render import render_text

REPO = Path(__file__).resolve().parent.parent
PARTNER_API = (REPO / "blueprints" / "partner-api.yaml").read_text()
WEB_API = (REPO / "blueprints" / "web-api.yaml").read_text()
PARTNERS = ["{cidr: 203.0.113.0/24, reason: partner A egress proxies}",
            "{cidr: 198.51.100.16/28, reason: partner B data centre}",
            "{parameter: PartnerPrefixList, reason: partner C offices, max_entries: 10}"]


def _render(text: str):
    (bp,) = load_blueprint_text(text, "partner-api.yaml").values()
    return render(plan(bp), "partner-api.yaml")


def _template(environment, stack: str) -> dict:
    return yaml.load(environment.files[f"partner-api-default-{stack}.template.yaml"], Loader=yaml.BaseLoader)


def _ingress(template: dict, group: str) -> set[tuple]:
    rules = template["Resources"][group]["Properties"]["SecurityGroupIngress"]
    return {(r["FromPort"], r.get("CidrIp") or r.get("CidrIpv6") or str(r["SourcePrefixListId"]), r["Description"])
            for r in rules}


@pytest.fixture(scope="module")
def partner_api():
    return _render(PARTNER_API)


def test_each_source_is_one_described_rule_per_listener_port_and_nothing_else(partner_api):
    partners = _ingress(_template(partner_api, "lb-partners"), "PartnersLoadBalancerSecurityGroup")
    assert partners == {
        ("443", "203.0.113.0/24", "HTTPS from partner A egress proxies (203.0.113.0/24)"),
        ("80", "203.0.113.0/24", "HTTP from partner A egress proxies (203.0.113.0/24), redirected to HTTPS"),
        ("443", "198.51.100.16/28", "HTTPS from partner B data centre (198.51.100.16/28)"),
        ("80", "198.51.100.16/28", "HTTP from partner B data centre (198.51.100.16/28), redirected to HTTPS"),
        ("443", "PartnerPrefixList", "HTTPS from partner C offices (prefix list from parameter PartnerPrefixList)"),
        ("80", "PartnerPrefixList",
         "HTTP from partner C offices (prefix list from parameter PartnerPrefixList), redirected to HTTPS")}
    assert partner_api.files["partner-api-default-lb-partners.template.yaml"].decode().count(
        "SourcePrefixListId: !Ref 'PartnerPrefixList'") == 2
    corporate = _ingress(_template(partner_api, "lb-corporate"), "CorporateLoadBalancerSecurityGroup")
    assert corporate == {("443", "10.200.0.0/16", "HTTPS from corporate network over Direct Connect (10.200.0.0/16)")}


def test_the_waf_stays_on_the_partner_balancer(partner_api):
    types = {r["Type"] for r in _template(partner_api, "lb-partners")["Resources"].values()}
    assert "AWS::WAFv2::WebACLAssociation" in types
    assert "AWS::WAFv2::WebACLAssociation" not in {
        r["Type"] for r in _template(partner_api, "lb-corporate")["Resources"].values()}


def test_a_prefix_list_parameter_is_supplied_by_the_pipeline_and_its_placeholder_is_rejected(partner_api):
    import json
    import re

    parameter = _template(partner_api, "lb-partners")["Parameters"]["PartnerPrefixList"]
    config = json.loads(partner_api.files["partner-api-default-lb-partners.config.json"])["Parameters"]
    assert config["PartnerPrefixList"] == "REPLACE_WITH_PREFIX_LIST_ID"
    assert not re.fullmatch(parameter["AllowedPattern"], config["PartnerPrefixList"])
    assert re.fullmatch(parameter["AllowedPattern"], "pl-0123456789abcdef0")
    readme = partner_api.files["README.md"].decode()
    assert "| `partner-api-default-lb-partners` | `PartnerPrefixList` |" in readme


def test_the_readme_flow_matrix_has_one_line_per_source_and_port(partner_api):
    readme = partner_api.files["README.md"].decode()
    matrix = readme.split("## Flow matrix")[1].split("\n## ")[0]
    rows = [line for line in matrix.splitlines() if line.startswith("| ") and "From" not in line]
    assert sorted(rows) == sorted([
        "| corporate network over Direct Connect (`10.200.0.0/16`) | `CorporateLoadBalancerSecurityGroup` "
        "(corporate) | tcp/443 |",
        "| partner A egress proxies (`203.0.113.0/24`) | `PartnersLoadBalancerSecurityGroup` (partners) | tcp/80 |",
        "| partner A egress proxies (`203.0.113.0/24`) | `PartnersLoadBalancerSecurityGroup` (partners) | tcp/443 |",
        "| partner B data centre (`198.51.100.16/28`) | `PartnersLoadBalancerSecurityGroup` (partners) | tcp/80 |",
        "| partner B data centre (`198.51.100.16/28`) | `PartnersLoadBalancerSecurityGroup` (partners) | tcp/443 |",
        "| partner C offices (prefix list from parameter `PartnerPrefixList`) | `PartnersLoadBalancerSecurityGroup` "
        "(partners) | tcp/80 |",
        "| partner C offices (prefix list from parameter `PartnerPrefixList`) | `PartnersLoadBalancerSecurityGroup` "
        "(partners) | tcp/443 |",
        "| `CorporateLoadBalancerSecurityGroup` (corporate) | `AdminTaskSecurityGroup` (admin) | tcp/8443 |",
        "| `PartnersLoadBalancerSecurityGroup` (partners) | `ApiTaskSecurityGroup` (api) | tcp/8443 |"])


def test_a_literal_prefix_list_is_named_by_id_and_needs_no_parameter():
    text = PARTNER_API.replace(PARTNERS[2], "pl-0123456789abcdef0")
    environment = _render(text)
    template = _template(environment, "lb-partners")
    assert "PartnerPrefixList" not in template["Parameters"]
    ingress = _ingress(template, "PartnersLoadBalancerSecurityGroup")
    assert ("443", "pl-0123456789abcdef0", "HTTPS from prefix list pl-0123456789abcdef0") in ingress


def test_too_many_sources_for_the_group_quota_are_refused_at_allow_from():
    many = "\n".join(f"      - 203.0.{i}.0/24" for i in range(31))
    text = PARTNER_API.replace(f"      - {PARTNERS[0]}\n", many + "\n")
    with pytest.raises(InputError) as caught:
        plan(next(iter(load_blueprint_text(text, "partner-api.yaml").values())))
    assert str(caught.value) == (
        "partner-api.yaml:17:7: load_balancers.partners.allow_from: these sources need 84 inbound rules on the "
        "partners load balancer's security group (one per source and listener port, 80/443; PartnerPrefixList "
        "counts 10 (its max_entries)), more than the 60 AWS allows per group (list fewer sources, or merge "
        "neighbouring ranges)")


def test_reach_reads_a_partner_only_balancer_as_restricted_and_names_the_corporate_range(partner_api):
    texts = {n: d.decode() for n, d in partner_api.files.items() if n.endswith(".template.yaml")}
    reach = analyse(from_texts(texts))
    verdicts = {v.name: v for v in reach.verdicts}
    assert verdicts["api"].restricted
    assert verdicts["api"].internet_only_from == [
        "198.51.100.16/28", "203.0.113.0/24", "prefix list from parameter PartnerPrefixList"]
    assert not verdicts["admin"].restricted and verdicts["admin"].internet == "no"
    assert verdicts["admin"].caller_names() == []  # the corporate range is no service of the VPC
    text = render_text(reach)
    assert ("internet: restricted (only from 198.51.100.16/28, 203.0.113.0/24, prefix list from parameter "
            "PartnerPrefixList)") in text
    assert "10.200.0.0/16 tcp/8443 via CorporateLoadBalancer:443 (outside the VPC)" in text


def test_a_world_open_balancer_is_not_restricted_and_expect_restricted_says_so(tmp_path):
    text = WEB_API.replace("web: {internet: reachable,", "web: {internet: restricted,")
    path = tmp_path / "web-api.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        compile_blueprints([str(path)], only_env="prod", gates=[])
    assert ("expect.web.internet: expected restricted, but the rendered templates open a path to the whole "
            "internet: internet → InternetGateway → PublicSubnet1 → PublicLoadBalancer:443 → web/TargetGroup → web "
            "tcp/8080 (list the sources under the balancer's allow_from)") in str(caught.value)


def test_a_partner_only_service_is_not_unreachable(tmp_path):
    path = tmp_path / "partner-api.yaml"
    path.write_text(PARTNER_API.replace("api: {internet: restricted,", "api: {internet: unreachable,"))
    with pytest.raises(InputError) as caught:
        compile_blueprints([str(path)], gates=[])
    assert "expect.api.internet: expected unreachable, but the rendered templates give a path from the internet" \
        in str(caught.value)
    assert "(only from 198.51.100.16/28, 203.0.113.0/24, prefix list from parameter PartnerPrefixList)" \
        in str(caught.value)


# --- the audit still finds what it should -------------------------------------------------------------------------

def _findings(text: str, stack: str) -> list:
    """Audit the emitted template of ``stack`` before the blueprint's stated exceptions are written into it."""
    (bp,) = load_blueprint_text(text, "partner-api.yaml").values()
    layout = plan(bp)
    emitted = templates(layout)[f"partner-api-default-{stack}"]
    return audit_document(load_text(emitted.to_yaml(), stack, cfn=True))


def test_the_example_is_audit_clean(partner_api):
    for name, data in sorted(partner_api.files.items()):
        if name.endswith(".template.yaml"):
            assert audit_document(load_text(data.decode(), name, cfn=True)) == [], name


def test_a_wide_partner_range_is_still_flagged_by_the_audit_when_the_blueprint_accepts_it():
    text = PARTNER_API.replace("203.0.113.0/24", "203.0.0.0/8") + (
        "audit:\n  ignore: [{rule: SG004, reason: partner A announces its whole /8 and rotates addresses}]\n")
    found = [(f.rule, f.resource) for f in _findings(text, "lb-partners")]
    assert found == [("SG004", "PartnersLoadBalancerSecurityGroup")] * 2  # one per listener port
    environment = _render(text)  # the stated exception is written next to the rule, with its reason
    assert "partner A announces its whole /8" in environment.files[
        "partner-api-default-lb-partners.template.yaml"].decode()


def test_a_public_range_on_an_internal_balancer_is_still_flagged_when_accepted():
    text = PARTNER_API.replace("{cidr: 10.200.0.0/16, reason: corporate network over Direct Connect}",
                               "{cidr: 192.0.2.0/24, reason: corporate public range over Direct Connect}") + (
        "audit:\n  ignore: [{rule: ELB007, reason: our corporate network uses its own public range}]\n")
    found = [(f.rule, f.resource) for f in _findings(text, "lb-corporate")]
    assert found == [("ELB007", "CorporateLoadBalancerSecurityGroup")]


def test_the_audit_reads_prefix_list_rules_and_names_them(partner_api):
    template = partner_api.files["partner-api-default-lb-partners.template.yaml"].decode()
    stripped = template.replace(
        "        - Description: HTTPS from partner C offices (prefix list from parameter PartnerPrefixList)\n"
        "          FromPort: 443\n", "        - FromPort: 443\n")
    assert stripped != template
    found = [(f.rule, f.message) for f in audit_document(load_text(stripped, "lb", cfn=True))]
    assert found == [("SG009", "ingress rule tcp 443 (prefix list from parameter PartnerPrefixList) has no "
                               "Description")]


def test_an_ipv6_source_becomes_a_cidr_ipv6_rule():
    rule = _inline(CidrRule("tcp", 443, "2001:db8::/48", "HTTPS from partner D (2001:db8::/48)")).to_dict()
    assert rule["CidrIpv6"] == "2001:db8::/48" and "CidrIp" not in rule


def test_ipv6_sources_follow_the_dual_stack_network():
    """Judged on a stand-in blueprint with ``network.ipv6`` (the dual-stack feature): an IPv6 partner range is fine
    on an internet-facing balancer, refused on an internal one (those stay IPv4); ::/0 reads as the internet and a
    unique-local range never arrives from it."""
    import ipaddress
    from types import SimpleNamespace

    from generator.model.source_checks import _cidr_problem

    dual = SimpleNamespace(network=SimpleNamespace(ipv6=True, cidr=ipaddress.ip_network("10.20.0.0/16")),
                           audit=SimpleNamespace(ignore=[]))
    public, internal = SimpleNamespace(scheme="internet-facing"), SimpleNamespace(scheme="internal")
    assert _cidr_problem(dual, public, ipaddress.ip_network("2001:db8::/48")) is None
    assert "an internal balancer keeps IPv4 addresses only" in _cidr_problem(
        dual, internal, ipaddress.ip_network("fd00:10::/48"))
    assert _cidr_problem(dual, public, ipaddress.ip_network("::/0")) == (
        "::/0 is the whole internet (write allow_from: internet instead of a list)")
    assert "never reaches an internet-facing balancer" in _cidr_problem(
        dual, public, ipaddress.ip_network("fd00:10::/48"))
    assert "wider than /48" in _cidr_problem(dual, public, ipaddress.ip_network("2001:db8::/32"))


def test_a_cloudfront_only_origin_reads_as_restricted_to_the_cloudfront_prefix_list():
    """The same reading for the one prefix list stackprint chose before listed sources existed: the origin is reached
    only from CloudFront's servers (expect: reachable still holds; restricted holds too)."""
    text = (REPO / "tests" / "blueprints" / "cloudfront-origin.yaml").read_text()
    (bp,) = load_blueprint_text(text, "origin.yaml").values()
    environment = render(plan(bp), "origin.yaml")
    reach = analyse(from_texts({n: d.decode() for n, d in environment.files.items() if n.endswith(".template.yaml")}))
    (web,) = [v for v in reach.verdicts if v.name == "web"]
    assert web.restricted
    assert web.internet_only_from == ["prefix list from parameter CloudFrontOriginFacingPrefixListId"]
