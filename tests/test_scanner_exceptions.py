"""Scanner exceptions come from plan decisions, never from the shape of the output.

The checkov skip "port 80 only answers 301 redirects" is true only of a balancer the plan gave a redirect-only
HTTP listener (``redirects_http``). A planted change that opens an internal balancer to 0.0.0.0/0 on port 80 must
not be silenced by that skip, and the audit must name it (ELB007).
"""
from __future__ import annotations

import dataclasses

from generator.compile import audit_gate
from generator.emit import templates
from generator.model import load_blueprint_text
from generator.plan import plan
from generator.plan.security_groups import CidrRule

BLUEPRINT = """\
name: shop
network: {cidr: 10.20.0.0/16, availability_zones: 2, nat: single}
load_balancers:
  public: {scheme: internet-facing, https: {certificate: {parameter: CertificateArn}}}
  internal: {scheme: internal}
services:
  web: {image: public.ecr.aws/nginx/nginx:1.27, port: 8080, route: {load_balancer: public}, flows: [api]}
  api: {image: public.ecr.aws/nginx/nginx:1.27, port: 9000, route: {load_balancer: internal}}
"""


def _layout():
    (bp,) = load_blueprint_text(BLUEPRINT, "shop.yaml").values()
    return plan(bp)


def _network(layout) -> dict:
    """The resources of the balancer stacks (each balancer's group lives with its balancer)."""
    rendered = templates(layout)
    return {**rendered["shop-default-lb-public"].to_dict()["Resources"],
            **rendered["shop-default-lb-internal"].to_dict()["Resources"]}


def _skips(resource: dict) -> list[str]:
    return [skip["id"] for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])]


def test_the_redirect_skip_sits_only_on_the_balancer_that_redirects():
    layout = _layout()
    assert [g.owner for g in layout.groups if g.redirects_http] == ["public"]
    resources = _network(layout)
    assert _skips(resources["PublicLoadBalancerSecurityGroup"]) == ["CKV_AWS_260"]
    assert _skips(resources["InternalLoadBalancerSecurityGroup"]) == []


def _opened_to_the_world(layout):
    """The planted bug: the internal balancer's group admits 0.0.0.0/0 on port 80."""
    groups = tuple(dataclasses.replace(g, ingress=g.ingress + (CidrRule("tcp", 80, "0.0.0.0/0", "HTTP from the internet"),))
                   if g.owner == "internal" and g.owner_kind == "load_balancer" else g for g in layout.groups)
    return dataclasses.replace(layout, groups=groups)


def test_an_internal_balancer_opened_to_the_world_gets_no_skip_and_fails_the_audit():
    layout = _opened_to_the_world(_layout())
    resources = _network(layout)
    assert _skips(resources["InternalLoadBalancerSecurityGroup"]) == []
    text = templates(layout)["shop-default-lb-internal"].to_yaml()
    findings = audit_gate({"shop/default/shop-default-lb-internal.template.yaml": text})
    assert [(f.rule, f.message.split(":")[1].strip()) for f in findings] == [
        ("ELB007", "InternalLoadBalancerSecurityGroup")]
