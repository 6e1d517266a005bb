"""Network load balancers and PrivateLink end to end, short of AWS: the plan's rules are exactly the declared flows,
the rendered templates prove the same reach (``stackprint reach``), and the audit judges what it should."""
from __future__ import annotations

import re

import pytest

from generator.audit import audit_document, load_template
from generator.compile import compile_blueprints, render
from generator.errors import InputError
from generator.model import load_blueprint_text
from generator.plan import plan
from generator.reach import analyse, from_texts

#: One internal network balancer shared by two services (each on its own listener), a caller of one of them, and
#: an internet-facing TLS balancer in front of a third.
SHARED = """\
name: tcp
network: {cidr: 10.20.0.0/16, availability_zones: 2, nat: single}
load_balancers:
  inner:
    type: network
    scheme: internal
    privatelink: {allowed_principals: ["arn:aws:iam::111122223333:root"], consumer_cidrs: [10.50.0.0/16]}
  edge:
    type: network
    scheme: internet-facing
    tls: {certificate: {parameter: EdgeCertificateArn}}
services:
  ledger: {image: "public.ecr.aws/nginx/nginx:1.27", port: 7000, route: {load_balancer: inner, listener: 7443}}
  cache: {image: "public.ecr.aws/nginx/nginx:1.27", port: 6379, route: {load_balancer: inner}}
  broker: {image: "public.ecr.aws/nginx/nginx:1.27", port: 1883, route: {load_balancer: edge, listener: 8883,
           health_check: /healthz}}
  reports: {image: "public.ecr.aws/nginx/nginx:1.27", flows: [ledger]}
"""


def _layout(text: str = SHARED):
    (bp,) = load_blueprint_text(text, "tcp.yaml").values()
    return plan(bp)


def _group(layout, logical_id):
    return next(g for g in layout.groups if g.logical_id == logical_id)


def test_a_caller_is_admitted_on_its_targets_listener_only():
    layout = _layout()
    inbound = sorted((r.peer, r.port) for r in layout.rules
                     if r.group == "InnerLoadBalancerSecurityGroup" and r.direction == "ingress")
    assert inbound == [("ReportsTaskSecurityGroup", 7443)]  # not 6379: reports has no flow to cache
    endpoint = next(e for e in layout.endpoints if e.caller == "reports")
    assert (endpoint.balancer, endpoint.port) == ("inner", 7443)


def test_privatelink_consumers_get_the_listener_ports_from_their_ranges_and_the_internet_only_the_edge():
    layout = _layout()
    inner = _group(layout, "InnerLoadBalancerSecurityGroup")
    assert sorted((r.cidr, r.port) for r in inner.ingress) == [("10.50.0.0/16", 6379), ("10.50.0.0/16", 7443)]
    assert all("PrivateLink consumers" in r.description for r in inner.ingress)
    edge = _group(layout, "EdgeLoadBalancerSecurityGroup")
    assert [(r.cidr, r.port, r.description) for r in edge.ingress] == [("0.0.0.0/0", 8883,
                                                                        "TLS to broker from the internet")]
    sources = {(f.source_kind, f.source, f.target, f.port) for f in layout.flows if f.target_kind == "load_balancer"}
    assert sources == {("privatelink", "10.50.0.0/16", "inner", 6379), ("privatelink", "10.50.0.0/16", "inner", 7443),
                       ("internet", "0.0.0.0/0", "edge", 8883), ("service", "reports", "inner", 7443)}


def _rendered(text: str = SHARED):
    environment = render(_layout(text), "tcp.yaml")
    return {name: data.decode() for name, data in environment.files.items()}


def test_the_templates_prove_the_declared_reach():
    files = _rendered()
    reach = analyse(from_texts({n: t for n, t in files.items() if n.endswith(".template.yaml")}))
    verdicts = {v.name: v for v in reach.verdicts}
    assert verdicts["ledger"].caller_names() == ["reports"]
    assert verdicts["cache"].caller_names() == []  # shares the balancer, but reports reaches listener 7443 only
    assert verdicts["ledger"].internet == "no" and verdicts["cache"].internet == "no"
    assert verdicts["broker"].internet == "yes"
    assert [p.text for p in verdicts["broker"].internet_paths] == [
        "internet → InternetGateway → PublicSubnet1 → EdgeLoadBalancer:8883 → BrokerTargetGroup → broker tcp/1883"]
    assert [(c.source, c.ports, c.via) for c in verdicts["ledger"].callers] == [
        ("10.50.0.0/16", "tcp/7000", "InnerLoadBalancer:7443"),  # the consumers' range, outside the VPC
        ("reports", "tcp/7000", "InnerLoadBalancer:7443")]


def test_the_balancer_stack_holds_listeners_target_groups_and_the_endpoint_service():
    files = _rendered()
    inner = files["tcp-default-lb-inner.template.yaml"]
    for text in ("Type: network", "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'on'",
                 "Key: load_balancing.cross_zone.enabled", "Type: AWS::EC2::VPCEndpointService",
                 "AcceptanceRequired: true", "- arn:aws:iam::111122223333:root", "LedgerListener:", "CacheListener:",
                 "Port: 7443", "Port: 6379", "Protocol: TCP", "HealthCheckProtocol: TCP"):
        assert text in inner, text
    assert "WAFv2" not in inner and "WAFv2" not in files["tcp-default-lb-edge.template.yaml"]
    edge = files["tcp-default-lb-edge.template.yaml"]
    assert ("reason: 'the listener ports of internet-facing network load balancer edge, declared by its routes: 8883 "
            "(broker)'") in edge and "rule: SG005" in edge  # the port the blueprint publishes, said so to the audit
    for text in ("Protocol: TLS", "SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06", "HealthCheckProtocol: HTTP",
                 "HealthCheckPath: /healthz", "Scheme: internet-facing"):
        assert text in edge, text
    service = files["tcp-default-ledger.template.yaml"]
    assert "tcp-default-lb-inner-LedgerTargetGroupArn" in service and "ListenerRule" not in service
    network = files["tcp-default-network.template.yaml"]
    assert "delivery.logs.amazonaws.com" in network  # network balancers' access logs (TLS listeners)


def test_the_readme_flow_matrix_names_the_privatelink_consumers():
    readme = _rendered()["README.md"]
    assert ("| PrivateLink consumers: `arn:aws:iam::111122223333:root` (from 10.50.0.0/16) | "
            "`InnerLoadBalancerSecurityGroup` (inner) | tcp/7443 |") in readme


def _findings(files: dict, rule: str, folder) -> list[str]:
    found = []
    for name, text in sorted(files.items()):
        if name.endswith(".template.yaml"):
            path = str(folder / name)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            found += [f"{f.rule} {f.resource}" for f in audit_document(load_template(path)) if f.rule == rule]
    return found


def test_the_audit_passes_the_output_and_finds_a_relaxed_plain_tcp_listener_only_as_suppressed(tmp_path):
    files = _rendered()
    assert [f for rule in ("ELB008", "ELB010", "ELB011", "NET005") for f in _findings(files, rule, tmp_path)] == []
    plain = SHARED.replace("    tls: {certificate: {parameter: EdgeCertificateArn}}\n",
                           "    relax: {tls: \"the broker terminates TLS itself (MQTT over TLS)\"}\n")
    files = _rendered(plain)
    edge = files["tcp-default-lb-edge.template.yaml"]
    assert "rule: ELB011" in edge and "the broker terminates TLS itself" in edge
    assert _findings(files, "ELB011", tmp_path) == []  # suppressed with the blueprint's reason
    unsuppressed = {n: t.replace("rule: ELB011", "rule: ELB999") for n, t in files.items()}
    assert _findings(unsuppressed, "ELB011", tmp_path) == ["ELB011 BrokerListener"]


def test_reach_shows_who_reaches_a_published_service_through_privatelink():
    files = _rendered()
    reach = analyse(from_texts({n: t for n, t in files.items() if n.endswith(".template.yaml")}))
    verdicts = {v.name: v for v in reach.verdicts}
    assert [p.text for p in verdicts["ledger"].privatelink_paths] == [
        "PrivateLink (arn:aws:iam::111122223333:root) from 10.50.0.0/16 → InnerEndpointService → "
        "InnerLoadBalancer:7443 → LedgerTargetGroup → ledger tcp/7000"]
    assert [p.text for p in verdicts["cache"].privatelink_paths] == [
        "PrivateLink (arn:aws:iam::111122223333:root) from 10.50.0.0/16 → InnerEndpointService → "
        "InnerLoadBalancer:6379 → CacheTargetGroup → cache tcp/6379"]
    assert verdicts["broker"].privatelink_paths == [] and verdicts["reports"].privatelink_paths == []
    # without the consumers' rule on the ledger's listener port, PrivateLink reaches only the cache
    closed = {n: re.sub(r"(CidrIp: 10\.50\.0\.0/16\n(?:.*\n){1})( *)FromPort: 7443\n(.*\n)( *)ToPort: 7443",
                        r"\1\2FromPort: 9\n\3\4ToPort: 9", t)
              for n, t in files.items() if n.endswith(".template.yaml")}
    assert closed != {n: t for n, t in files.items() if n.endswith(".template.yaml")}
    verdicts = {v.name: v for v in analyse(from_texts(closed)).verdicts}
    assert verdicts["ledger"].privatelink_paths == [] and len(verdicts["cache"].privatelink_paths) == 1


#: Partner-only MQTT over TLS on an internet-facing network balancer (two listener ports), and an internal one
#: that only the corporate network reaches (over VPN or Direct Connect): ``allow_from: [...]`` as on an ALB.
PARTNERS = """\
name: tcp
network: {cidr: 10.20.0.0/16, availability_zones: 2, nat: single}
load_balancers:
  mqtt:
    type: network
    scheme: internet-facing
    tls: {certificate: {parameter: MqttCertificateArn}}
    allow_from:
      - {cidr: 203.0.113.0/24, reason: partner A}
      - {parameter: PartnerPrefixList, reason: partner B, max_entries: 5}
  corp:
    type: network
    scheme: internal
    allow_from: [{cidr: 10.200.0.0/16, reason: head office}]
services:
  broker: {image: "public.ecr.aws/nginx/nginx:1.27", port: 1883, route: {load_balancer: mqtt, listener: 8883}}
  telemetry: {image: "public.ecr.aws/nginx/nginx:1.27", port: 4000, route: {load_balancer: mqtt, listener: 8884}}
  ledger: {image: "public.ecr.aws/nginx/nginx:1.27", port: 7000, route: {load_balancer: corp, listener: 7443}}
expect:
  broker: {internet: restricted, reachable_from: []}
  ledger: {internet: unreachable, reachable_from: []}
"""


def test_listed_sources_get_one_described_rule_per_listener_port_and_the_internet_none():
    layout = _layout(PARTNERS)
    mqtt = _group(layout, "MqttLoadBalancerSecurityGroup")
    assert sorted((r.cidr, r.port, r.description) for r in mqtt.ingress) == [
        ("203.0.113.0/24", 8883, "TLS to broker from partner A (203.0.113.0/24)"),
        ("203.0.113.0/24", 8884, "TLS to telemetry from partner A (203.0.113.0/24)")]
    assert sorted((r.parameter, r.port, r.description, r.weight) for r in mqtt.prefix_ingress) == [
        ("PartnerPrefixList", 8883, "TLS to broker from partner B (prefix list from parameter PartnerPrefixList)", 5),
        ("PartnerPrefixList", 8884, "TLS to telemetry from partner B (prefix list from parameter PartnerPrefixList)",
         5)]
    assert mqtt.public_listeners == ()  # no whole-internet port to declare (SG005)
    corp = _group(layout, "CorpLoadBalancerSecurityGroup")
    assert [(r.cidr, r.port, r.description) for r in corp.ingress] == [
        ("10.200.0.0/16", 7443, "TCP to ledger from head office (10.200.0.0/16)")]
    outside = {(f.source_kind, f.source, f.target, f.port) for f in layout.flows if f.target_kind == "load_balancer"}
    assert outside == {("cidr", "203.0.113.0/24", "mqtt", 8883), ("cidr", "203.0.113.0/24", "mqtt", 8884),
                       ("prefix_list_parameter", "PartnerPrefixList", "mqtt", 8883),
                       ("prefix_list_parameter", "PartnerPrefixList", "mqtt", 8884),
                       ("cidr", "10.200.0.0/16", "corp", 7443)}
    assert next(b for b in layout.balancers if b.name == "mqtt").source_parameters == ("PartnerPrefixList",)


def test_the_partner_balancer_stack_takes_the_prefix_list_and_the_readme_lists_each_source_and_port():
    files = _rendered(PARTNERS)
    stack = files["tcp-default-lb-mqtt.template.yaml"]
    assert "  PartnerPrefixList:\n" in stack and "SourcePrefixListId: !Ref 'PartnerPrefixList'" in stack
    assert "0.0.0.0/0" not in stack and "SG005" not in stack
    readme = files["README.md"]
    for line in ("| partner A (`203.0.113.0/24`) | `MqttLoadBalancerSecurityGroup` (mqtt) | tcp/8883 |",
                 "| partner A (`203.0.113.0/24`) | `MqttLoadBalancerSecurityGroup` (mqtt) | tcp/8884 |",
                 "| partner B (prefix list from parameter `PartnerPrefixList`) | `MqttLoadBalancerSecurityGroup` (mqtt) "
                 "| tcp/8883 |",
                 "| head office (`10.200.0.0/16`) | `CorpLoadBalancerSecurityGroup` (corp) | tcp/7443 |"):
        assert line in readme


def test_reach_reads_a_partner_only_network_balancer_as_restricted(tmp_path):
    files = _rendered(PARTNERS)
    reach = analyse(from_texts({n: t for n, t in files.items() if n.endswith(".template.yaml")}))
    verdicts = {v.name: v for v in reach.verdicts}
    assert verdicts["broker"].restricted and verdicts["telemetry"].restricted
    assert verdicts["broker"].internet_only_from == ["203.0.113.0/24", "prefix list from parameter PartnerPrefixList"]
    assert [p.text for p in verdicts["broker"].internet_paths] == [
        "internet → InternetGateway → PublicSubnet1 → MqttLoadBalancer:8883 → BrokerTargetGroup → broker tcp/1883"]
    assert verdicts["ledger"].internet == "no"
    assert [(c.source, c.via) for c in verdicts["ledger"].callers] == [("10.200.0.0/16", "CorpLoadBalancer:7443")]
    # the blueprint's expect: (broker restricted) holds when built, with every gate
    path = tmp_path / "tcp.yaml"
    path.write_text(PARTNERS)
    compile_blueprints([str(path)])
    path.write_text(PARTNERS.replace("broker: {internet: restricted", "broker: {internet: unreachable"))
    with pytest.raises(InputError) as caught:
        compile_blueprints([str(path)], gates=[])
    assert "expect.broker.internet" in str(caught.value)


def test_the_partner_only_output_is_audit_clean(tmp_path):
    files = _rendered(PARTNERS)
    found = []
    for name, text in sorted(files.items()):
        if name.endswith(".template.yaml"):
            (tmp_path / name).write_text(text)
            found += [f"{f.rule} {f.resource}" for f in audit_document(load_template(str(tmp_path / name)))
                      if not f.suppressed]
    assert found == []


def test_a_dual_stack_vpc_makes_internet_facing_network_balancers_dualstack_and_internal_ones_ipv4():
    text = SHARED.replace("nat: single}", "nat: single, ipv6: true}")
    layout = _layout(text)
    types = {b.name: b.ip_address_type for b in layout.balancers}
    assert types == {"edge": "dualstack", "inner": "ipv4"}
    edge = _group(layout, "EdgeLoadBalancerSecurityGroup")
    assert [(r.cidr, r.port, r.description) for r in edge.ingress] == [
        ("0.0.0.0/0", 8883, "TLS to broker from the internet"),
        ("::/0", 8883, "TLS to broker from the internet over IPv6")]
    inner = _group(layout, "InnerLoadBalancerSecurityGroup")
    assert all(":" not in r.cidr for r in inner.ingress)  # PrivateLink consumers stay IPv4
    files = _rendered(text)
    assert "IpAddressType: dualstack" in files["tcp-default-lb-edge.template.yaml"]
    assert "IpAddressType: ipv4" in files["tcp-default-lb-inner.template.yaml"]
    assert "CidrIpv6: ::/0" in files["tcp-default-lb-edge.template.yaml"]
    assert "| internet (::/0) | `EdgeLoadBalancerSecurityGroup` (edge) | tcp/8883 |" in files["README.md"]
    assert "IpAddressType: ipv4" in _rendered()["tcp-default-lb-edge.template.yaml"]  # IPv4-only VPC: unchanged


def test_a_dual_stack_partner_network_balancer_admits_exactly_its_ipv6_partners(tmp_path):
    text = PARTNERS.replace("nat: single}", "nat: single, ipv6: true}").replace(
        "      - {cidr: 203.0.113.0/24, reason: partner A}\n",
        "      - {cidr: 203.0.113.0/24, reason: partner A}\n      - {cidr: \"2001:db8:1::/48\", reason: partner C}\n")
    layout = _layout(text)
    assert {b.name: b.ip_address_type for b in layout.balancers} == {"corp": "ipv4", "mqtt": "dualstack"}
    mqtt = _group(layout, "MqttLoadBalancerSecurityGroup")
    assert sorted(r.cidr for r in mqtt.ingress) == ["2001:db8:1::/48", "2001:db8:1::/48", "203.0.113.0/24",
                                                    "203.0.113.0/24"]  # no ::/0, no 0.0.0.0/0
    files = _rendered(text)
    reach = analyse(from_texts({n: t for n, t in files.items() if n.endswith(".template.yaml")}))
    broker = next(v for v in reach.verdicts if v.name == "broker")
    assert broker.restricted and "2001:db8:1::/48" in broker.internet_only_from
    path = tmp_path / "tcp.yaml"
    path.write_text(text)
    compile_blueprints([str(path)])  # every gate: cfn-lint, the audit, expect: broker restricted
