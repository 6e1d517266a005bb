"""Blueprint shapes beyond the examples still compile to templates cfn-lint accepts without a single match."""
from __future__ import annotations

import pytest

from generator.compile import render
from generator.lint import gate
from generator.model import load_blueprint_text
from generator.plan import plan

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
