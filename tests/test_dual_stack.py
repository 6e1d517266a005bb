"""network.ipv6: what the plan decides and the templates say, read from the rendered templates (as a reviewer reads
them): the slot-stable /64 of every subnet, the IPv6 routes per tier and NAT mode, the balancers' address type, ::/0
as the internet in flows, rules and egress, and an IPv4-only network left exactly as it was."""
from __future__ import annotations

import json

import pytest

from generator.emit import templates
from generator.model import load_blueprint_text
from generator.plan import plan

BLUEPRINT = """\
name: shop
network: {cidr: 10.20.0.0/16, availability_zones: ZONES, nat: NAT, ipv6: IPV6}
load_balancers:
  public:
    scheme: internet-facing
    https: {certificate: {parameter: CertificateArn}}
  edge:
    scheme: internet-facing
    allow_from: cloudfront
    https: {certificate: {parameter: EdgeCertificateArn}}
  inside:
    scheme: internal
    https: {certificate: {parameter: InsideCertificateArn}}
services:
  web:
    image: IMAGE
    port: 8080
    route: {load_balancer: public}
    flows: [api]
    egress:
      - {cidr: 0.0.0.0/0, port: 587, reason: mail relay}
      - {cidr: 203.0.113.0/24, port: 8443, reason: partner on IPv4 only}
  cdn:
    image: IMAGE
    port: 8080
    route: {load_balancer: edge}
  api:
    image: IMAGE
    port: 9000
    route: {load_balancer: inside}
"""
PRIVATE_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0"


def layout(ipv6=True, zones=2, nat="single"):
    text = (BLUEPRINT.replace("ZONES", str(zones)).replace("NAT", nat).replace("IPV6", str(ipv6).lower())
            .replace("IMAGE", PRIVATE_IMAGE if nat == "none" else "public.ecr.aws/nginx/nginx:1.27"))
    if nat == "none":
        text = text.replace("ipv6: true}", "ipv6: true, endpoints: [ecr.api, ecr.dkr, logs, s3]}")
        text = text.replace("    egress:\n      - {cidr: 0.0.0.0/0, port: 587, reason: mail relay}\n"
                            "      - {cidr: 203.0.113.0/24, port: 8443, reason: partner on IPv4 only}\n", "")
    (bp,) = load_blueprint_text(text, "shop.yaml").values()
    return plan(bp)


def rendered(result) -> dict[str, dict]:
    """stack name -> the template as CloudFormation reads it (JSON, intrinsics as written)."""
    return {name: json.loads(template.to_json()) for name, template in templates(result).items()}


def network_resources(result) -> dict:
    return rendered(result)[result.stack_of("network").name]["Resources"]


def test_every_subnet_gets_the_64_of_its_fixed_slot_so_adding_zones_moves_none():
    two, six = network_resources(layout(zones=2)), network_resources(layout(zones=6))
    for tier_index, tier in enumerate(("Public", "Private", "Isolated")):
        for zone in range(6):
            subnet = six[f"{tier}Subnet{zone + 1}"]
            block = subnet["Properties"]["Ipv6CidrBlock"]["Fn::Select"]
            assert block[0] == tier_index * 6 + zone
            assert block[1] == {"Fn::Cidr": [{"Fn::Select": [0, {"Fn::GetAtt": ["Vpc", "Ipv6CidrBlocks"]}]}, 18, 64]}
            assert subnet["DependsOn"] == ["VpcIpv6CidrBlock"]  # the attribute is empty until then
            assert subnet["Properties"]["AssignIpv6AddressOnCreation"] is (tier == "Private")
            if zone < 2:  # the subnets of a 2-zone network are unchanged in the 6-zone one
                assert two[f"{tier}Subnet{zone + 1}"] == subnet
    assert six["VpcIpv6CidrBlock"] == {"Type": "AWS::EC2::VPCCidrBlock", "Properties": {
        "VpcId": {"Ref": "Vpc"}, "AmazonProvidedIpv6CidrBlock": True}}


def _ipv6_routes(resources: dict) -> dict[str, dict]:
    return {logical: r["Properties"] for logical, r in resources.items()
            if r["Type"] == "AWS::EC2::Route" and "DestinationIpv6CidrBlock" in r["Properties"]}


@pytest.mark.parametrize("nat", ["per-az", "single"])
def test_private_tables_send_ipv6_to_the_egress_only_gateway_and_isolated_ones_nowhere(nat):
    resources = network_resources(layout(zones=3, nat=nat))
    routes = _ipv6_routes(resources)
    assert resources["EgressOnlyInternetGateway"]["Type"] == "AWS::EC2::EgressOnlyInternetGateway"
    tables = {r["RouteTableId"]["Ref"]: r for r in routes.values()}
    assert sorted(tables) == ["PrivateRouteTable1", "PrivateRouteTable2", "PrivateRouteTable3", "PublicRouteTable"]
    assert tables["PublicRouteTable"]["GatewayId"] == {"Ref": "InternetGateway"}
    for zone in (1, 2, 3):
        assert tables[f"PrivateRouteTable{zone}"]["EgressOnlyInternetGatewayId"] == {"Ref": "EgressOnlyInternetGateway"}
    assert all(r["DestinationIpv6CidrBlock"] == "::/0" for r in routes.values())
    assert "IsolatedRouteTable" not in tables


def test_with_nat_none_there_is_no_egress_only_gateway_and_no_ipv6_egress():
    result = layout(nat="none")
    resources = network_resources(result)
    assert "EgressOnlyInternetGateway" not in resources
    assert [r["RouteTableId"]["Ref"] for r in _ipv6_routes(resources).values()] == ["PublicRouteTable"]
    for group in result.groups:
        assert not any(":" in rule.cidr for rule in group.egress), group.logical_id


def test_only_balancers_open_to_the_internet_are_dualstack():
    types = {b.name: b.ip_address_type for b in layout().balancers}
    assert types == {"public": "dualstack", "edge": "ipv4", "inside": "ipv4"}
    stacks = rendered(layout())
    found = {}
    for template in stacks.values():
        for logical, resource in template["Resources"].items():
            if resource["Type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer":
                found[logical] = resource["Properties"]["IpAddressType"]
    assert found == {"PublicLoadBalancer": "dualstack", "EdgeLoadBalancer": "ipv4", "InsideLoadBalancer": "ipv4"}


def test_ipv6_internet_is_a_flow_and_a_rule_like_the_ipv4_internet():
    result = layout()
    internet = sorted((f.source, f.target, f.port) for f in result.flows if f.source_kind == "internet")
    assert internet == [("0.0.0.0/0", "public", 80), ("0.0.0.0/0", "public", 443),
                        ("::/0", "public", 80), ("::/0", "public", 443)]  # never the CloudFront-only edge
    groups = {g.logical_id: g for g in result.groups}
    assert sorted((r.cidr, r.port) for r in groups["PublicLoadBalancerSecurityGroup"].ingress) == sorted(
        (source, port) for source, _, port in internet)
    assert groups["EdgeLoadBalancerSecurityGroup"].ingress == ()  # the prefix list only
    # web: platform HTTPS and the declared 0.0.0.0/0 get their ::/0 twins; a narrower IPv4 range does not
    egress = sorted((r.cidr, r.port) for r in groups["WebTaskSecurityGroup"].egress)
    assert egress == [("0.0.0.0/0", 443), ("0.0.0.0/0", 587), ("203.0.113.0/24", 8443), ("::/0", 443), ("::/0", 587)]
    twin = next(r for r in groups["WebTaskSecurityGroup"].egress if (r.cidr, r.port) == ("::/0", 443))
    assert "egress-only internet gateway" in twin.description


def test_ipv6_rules_are_written_as_cidr_ipv6():
    stacks = rendered(layout())
    rules = [rule for template in stacks.values() for resource in template["Resources"].values()
             if resource["Type"] == "AWS::EC2::SecurityGroup"
             for rule in resource["Properties"].get("SecurityGroupIngress", [])
             + resource["Properties"]["SecurityGroupEgress"]]
    assert any(rule.get("CidrIpv6") == "::/0" for rule in rules)
    assert not any(":" in rule.get("CidrIp", "") for rule in rules)


def test_an_ipv4_network_has_nothing_of_ipv6():
    result = layout(ipv6=False)
    text = json.dumps(rendered(result))
    for word in ("Ipv6", "::/0", "EgressOnly", "dualstack", "VPCCidrBlock"):
        assert word not in text, word
    assert not any(f.source == "::/0" for f in result.flows)


def test_the_network_stack_grows_by_a_bounded_number_of_resources():
    """The IPv6 block, the egress-only gateway, one public and one route per private table: at most 9 resources,
    whatever the number of services (the network stack stays about the same size)."""
    for zones in (2, 6):
        added = len(network_resources(layout(zones=zones))) - len(network_resources(layout(ipv6=False, zones=zones)))
        assert added == 3 + zones


@pytest.mark.parametrize("nat,says", [("single", "to an egress-only internet gateway (outbound only"),
                                      ("none", "nowhere from the private subnets (nat none")])
def test_the_environment_readme_says_where_ipv6_goes_and_lists_the_slots(nat, says):
    from generator.compile import render

    readme = render(layout(nat=nat), "shop.yaml").files["README.md"].decode()
    assert says in readme.replace("\n", " ")
    assert "dualStackIPv6" in readme
    assert "| `PrivateSubnet2` | private | 2 | `10.20.16.0/20` | /64 number 7 of the VPC's /56 |" in readme
    assert "| internet (::/0) | `PublicLoadBalancerSecurityGroup` (public) | tcp/443 |" in readme
    assert "internet (::/0) | `EdgeLoadBalancerSecurityGroup`" not in readme


def test_a_balancer_restricted_to_listed_sources_is_dualstack_and_admits_exactly_them():
    """allow_from as a list (restricted sources) in a dual-stack VPC: the balancer answers on IPv6 so its listed IPv6
    ranges can reach it, and its group admits exactly the listed ranges, never ::/0."""
    text = BLUEPRINT.replace("ZONES", "2").replace("NAT", "single").replace("IPV6", "true").replace(
        "IMAGE", "public.ecr.aws/nginx/nginx:1.27").replace(
        "  public:\n    scheme: internet-facing\n",
        "  public:\n    scheme: internet-facing\n"
        "    allow_from: [{cidr: \"2001:db8:1000::/48\", reason: partner v6}, 203.0.113.0/24]\n")
    (bp,) = load_blueprint_text(text, "shop.yaml").values()
    result = plan(bp)
    assert {b.name: b.ip_address_type for b in result.balancers}["public"] == "dualstack"
    group = next(g for g in result.groups if g.logical_id == "PublicLoadBalancerSecurityGroup")
    assert sorted({r.cidr for r in group.ingress}) == ["2001:db8:1000::/48", "203.0.113.0/24"]
    rendered_rules = [rule for template in rendered(result).values()
                      for rule in template["Resources"].get("PublicLoadBalancerSecurityGroup", {}).get(
                          "Properties", {}).get("SecurityGroupIngress", [])]
    assert sorted(r.get("CidrIpv6", "") for r in rendered_rules if "CidrIpv6" in r) == ["2001:db8:1000::/48"] * 2
