"""``type: network`` balancers, their routes and ``privatelink:``: every wrong use is refused at its position with
what would be valid, by ``validate`` as by ``build``; a valid one validates."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

#: An internal network balancer published through PrivateLink, one service on listener 7443 (15 lines).
NLB = """\
name: shop
network:
  cidr: 10.20.0.0/16
load_balancers:
  tcp:
    type: network
    scheme: internal
    privatelink:
      allowed_principals: [arn:aws:iam::111122223333:root]
      consumer_cidrs: [10.50.0.0/16]
services:
  ledger:
    image: public.ecr.aws/nginx/nginx:1.27
    port: 7000
    route: {load_balancer: tcp, listener: 7443}
"""
LINK = ("    privatelink:\n      allowed_principals: [arn:aws:iam::111122223333:root]\n"
        "      consumer_cidrs: [10.50.0.0/16]\n")


def _validate(write_blueprint, text: str):
    path = write_blueprint(text)
    return path, CliRunner().invoke(main, ["validate", path])


def test_the_base_blueprint_is_valid(write_blueprint):
    _, result = _validate(write_blueprint, NLB)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("text, expected", [
    (NLB.replace("    scheme: internal\n" + LINK, "    scheme: internet-facing\n"),
     "7:13: load_balancers.tcp.scheme: an internet-facing network load balancer with plain TCP listeners sends "
     "clients' data unencrypted unless the service speaks TLS itself (add tls: {certificate: {parameter: "
     "CertificateArn}}, or state why plain TCP is safe under relax: {tls: <reason>})"),
    (NLB.replace("    scheme: internal\n", "    scheme: internal\n    relax: {tls: \"speaks TLS itself\"}\n"),
     "8:18: load_balancers.tcp.relax.tls: TLS listeners are required only on an internet-facing network balancer "
     "without tls: nothing to relax here (remove it)"),
    (NLB.replace("    scheme: internal\n", "    scheme: internal\n    https: {certificate: {parameter: Cert}}\n"),
     "8:12: load_balancers.tcp.https: https is not for a network load balancer (it terminates TLS with tls: "
     "{certificate: ...} on TLS listeners; remove it)"),
    (NLB.replace("    scheme: internal\n", "    scheme: internal\n    waf: {rate_limit: 100}\n"),
     "8:10: load_balancers.tcp.waf: waf is not for a network load balancer (AWS WAF does not attach to network "
     "balancers; remove it)"),
    (NLB.replace("    scheme: internal\n", "    scheme: internal\n    relax: {waf: \"not applicable\"}\n"),
     "8:18: load_balancers.tcp.relax.waf: a network load balancer has no waf default to turn off (remove it)"),
    (NLB.replace("    scheme: internal\n", "    scheme: internet-facing\n    tls: {certificate: {parameter: Cert}}\n"),
     "9:5: load_balancers.tcp.privatelink: a VPC endpoint service needs an internal network load balancer (use "
     "scheme: internal; PrivateLink consumers reach it through their own interface endpoints)"),
    (NLB.replace("    type: network\n", ""),
     "8:7: load_balancers.tcp.privatelink: privatelink applies to network load balancers only (add type: network, "
     "or remove it)\nblueprints/shop.yaml:14:43: services.ledger.route.listener: listener is for routes to a network "
     "load balancer; 'tcp' is an application balancer (routes by path and host; remove listener)"),
    (NLB.replace("[arn:aws:iam::111122223333:root]", "[arn:aws:iam::111122223333:root, '*']"),
     "9:60: load_balancers.tcp.privatelink.allowed_principals[1]: '*' lets every AWS account create an endpoint to "
     "this service (name the accounts, e.g. arn:aws:iam::123456789012:root, or state why under relax: "
     "{privatelink_any_principal: <reason>} with acceptance_required: true)"),
    (NLB.replace("[arn:aws:iam::111122223333:root]", "[arn:aws:iam::1111:root]"),
     "9:28: load_balancers.tcp.privatelink.allowed_principals[0]: 'arn:aws:iam::1111:root' is not an IAM principal "
     "ARN (arn:aws:iam::<account>:root for a whole account, or arn:aws:iam::<account>:role/<name> or "
     ":user/<name>)"),
    (NLB.replace("[10.50.0.0/16]", "[10.50.0.0/16, 8.8.8.0/24]"),
     "10:38: load_balancers.tcp.privatelink.consumer_cidrs[1]: 8.8.8.0/24 is not a private range (consumers' "
     "clients reach the service from their VPCs: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)"),
    (NLB.replace("[10.50.0.0/16]", "[10.0.0.0/8]"),
     "10:24: load_balancers.tcp.privatelink.consumer_cidrs[0]: 10.0.0.0/8 overlaps this VPC 10.20.0.0/16, so tasks "
     "of this VPC would reach the balancer directly, past the declared flows (name the consumers' ranges only)"),
    (NLB.replace("      consumer_cidrs", "      acceptance_required: false\n      consumer_cidrs"),
     "10:28: load_balancers.tcp.privatelink.acceptance_required: without acceptance every endpoint an allowed "
     "principal creates connects at once (keep true and accept each request, or state why under relax: "
     "{privatelink_acceptance: <reason>})"),
    (NLB.replace("      consumer_cidrs: [10.50.0.0/16]\n", ""),
     "8:5: load_balancers.tcp.privatelink: missing required key 'consumer_cidrs'"),
    (NLB + "  other:\n    image: public.ecr.aws/nginx/nginx:1.27\n    port: 7001\n"
           "    route: {load_balancer: tcp, path: /api/*, host: a.example.com, priority: 5}\n",
     "19:39: services.other.route.path: a network load balancer forwards whole TCP connections and has no paths "
     "(remove path; each service gets its own listener port)\n"
     "blueprints/shop.yaml:19:53: services.other.route.host: a network load balancer forwards whole TCP connections "
     "and has no host names (remove host; each service gets its own listener port)\n"
     "blueprints/shop.yaml:19:78: services.other.route.priority: a network load balancer forwards whole TCP "
     "connections and has no rule priorities (remove priority; each service gets its own listener port)"),
    (NLB + "  other:\n    image: public.ecr.aws/nginx/nginx:1.27\n    port: 7443\n"
           "    route: {load_balancer: tcp, protocol: udp}\n",
     "19:43: services.other.route.protocol: 'udp' is not supported: security groups, the flow matrix and the audit "
     "model TCP connections only (use tcp, or tls on the balancer)"),
    (NLB + "  other:\n    image: public.ecr.aws/nginx/nginx:1.27\n    port: 7001\n"
           "    route: {load_balancer: tcp, listener: 7443}\n",
     "19:43: services.other.route.listener: listener port 7443 of network load balancer 'tcp' is also "
     "services.ledger's (each service needs its own: set listener: <port>)"),
    (NLB.replace("  tcp:\n    type: network\n    scheme: internal\n" + LINK,
                 "  tcp:\n    scheme: internal\n    tls: {certificate: {parameter: Cert}}\n")
     + "  caller:\n    image: public.ecr.aws/nginx/nginx:1.27\n    flows: [ledger]\n",
     "7:10: load_balancers.tcp.tls: tls applies to network load balancers only (add type: network, or use https: "
     "{certificate: ...})\nblueprints/shop.yaml:12:43: services.ledger.route.listener: listener is for routes to a "
     "network load balancer; 'tcp' is an application balancer (routes by path and host; remove listener)"),
    (NLB.replace("    scheme: internal\n" + LINK, "    scheme: internet-facing\n    tls: {certificate: {parameter: Cert}}\n")
     .replace("listener: 7443", "listener: 5432"),
     "13:43: services.ledger.route.listener: listener port 5432 of internet-facing network load balancer 'tcp' is a "
     "high-risk port (databases, remote shells and admin consoles stay off the internet: choose another listener "
     "port, e.g. listener: 8443, or an internal balancer)"),
], ids=["internet-plain-tcp", "relax-tls-internal", "https", "waf", "relax-waf", "privatelink-internet-facing",
        "privatelink-alb", "any-principal", "malformed-arn", "public-consumer-range", "consumer-range-overlaps-vpc",
        "no-acceptance", "no-consumer-ranges", "path-host-priority", "udp", "listener-clash", "tls-on-alb",
        "high-risk-public-listener"])
def test_a_wrong_network_balancer_is_refused_at_its_position(write_blueprint, text, expected):
    path, result = _validate(write_blueprint, text)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == f"{path}:{expected}".splitlines()


RELAXED = {
    "any-principal": (NLB.replace("[arn:aws:iam::111122223333:root]", "['*']").replace(
        "    scheme: internal\n", "    scheme: internal\n    relax: {privatelink_any_principal: \"public feed, each "
                                "request accepted by hand\"}\n"), "NET005"),
    "acceptance": (NLB.replace("      consumer_cidrs", "      acceptance_required: false\n      consumer_cidrs").replace(
        "    scheme: internal\n", "    scheme: internal\n    relax: {privatelink_acceptance: \"partner automation "
                                "creates endpoints on demand\"}\n"), "CKV_AWS_123"),
}


@pytest.mark.parametrize("case", sorted(RELAXED))
def test_a_relaxed_privatelink_default_builds_with_its_reason_as_the_suppression(write_blueprint, case):
    text, suppressed = RELAXED[case]
    path, result = _validate(write_blueprint, text)
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["build", path])
    assert result.exit_code == 0, result.output
    template = (Path("out/shop/default/shop-default-lb-tcp.template.yaml")).read_text(encoding="utf-8")
    assert suppressed in template and ("each request accepted by hand" in template or "on demand" in template)


def test_a_network_balancer_takes_at_most_50_services(write_blueprint):
    services = "".join(f"  s{i:02d}:\n    image: public.ecr.aws/nginx/nginx:1.27\n    port: {8000 + i}\n"
                       f"    route: {{load_balancer: tcp}}\n" for i in range(50))
    path, result = _validate(write_blueprint, NLB + services)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"{path}:{16 + 4 * 49 + 3}:28: services.s49.route.load_balancer: network load balancer 'tcp' would need more "
        "than 50 listeners, one per service (AWS quota; route this service through another network balancer)"]


#: A partner-only internet-facing network balancer: MQTT over TLS on 8883 for one partner's range (15 lines).
PARTNER = """\
name: shop
network:
  cidr: 10.20.0.0/16
load_balancers:
  mqtt:
    type: network
    scheme: internet-facing
    tls: {certificate: {parameter: MqttCertificateArn}}
    allow_from: [{cidr: 203.0.113.0/24, reason: partner A}]
services:
  broker:
    image: public.ecr.aws/nginx/nginx:1.27
    port: 1883
    route: {load_balancer: mqtt, listener: 8883}
"""
PARTNER_SOURCE = "[{cidr: 203.0.113.0/24, reason: partner A}]"


@pytest.mark.parametrize("text", [
    PARTNER,
    PARTNER.replace("  cidr: 10.20.0.0/16\n", "  cidr: 10.20.0.0/16\n  ipv6: true\n")
    .replace(PARTNER_SOURCE, "[203.0.113.0/24, 2001:db8::/48]"),  # dual stack: IPv6 partners reach it too
], ids=["ipv4", "dual-stack"])
def test_a_partner_only_network_balancer_is_valid(write_blueprint, text):
    _, result = _validate(write_blueprint, text)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("text, expected", [
    (PARTNER.replace(PARTNER_SOURCE, "cloudfront"),
     "9:17: load_balancers.mqtt.allow_from: cloudfront is not for a network load balancer (CloudFront origins are "
     "application balancers; use internet, or a list of sources such as [{cidr: 203.0.113.0/24, reason: partner "
     "A}])"),
    (PARTNER.replace(PARTNER_SOURCE, "[10.1.0.0/16]"),
     "9:18: load_balancers.mqtt.allow_from[0]: 10.1.0.0/16 is not an internet range, so it never reaches an "
     "internet-facing balancer (its addresses are public); corporate ranges over VPN or Direct Connect reach an "
     "internal balancer (scheme: internal)"),
    (PARTNER.replace("  cidr: 10.20.0.0/16\n", "  cidr: 10.20.0.0/16\n  ipv6: true\n")
     .replace("scheme: internet-facing", "scheme: internal").replace(PARTNER_SOURCE, "[2001:db8::/48]"),
     "10:18: load_balancers.mqtt.allow_from[0]: 2001:db8::/48 is an IPv6 range, but an internal balancer keeps IPv4 "
     "addresses only (only internet-facing balancers become dualstack; list the corporate network's IPv4 ranges)"),
    (PARTNER.replace(PARTNER_SOURCE, "[2001:db8::/48]"),
     "9:18: load_balancers.mqtt.allow_from[0]: 2001:db8::/48 is an IPv6 range, which reaches only a dual-stack "
     "network (set network.ipv6: true, or list IPv4 ranges)"),
    (PARTNER.replace(PARTNER_SOURCE, "[{parameter: MqttCertificateArn}]"),
     "9:18: load_balancers.mqtt.allow_from[0]: parameter MqttCertificateArn already holds the balancer's "
     "certificate ARN (name the prefix-list parameter differently, e.g. PartnerPrefixList)"),
    (PARTNER.replace(PARTNER_SOURCE, "[203.0.113.0/24, 203.0.113.0/24]"),
     "9:34: load_balancers.mqtt.allow_from[1]: 203.0.113.0/24 is listed twice (also item 0; list each source "
     "once)"),
    (PARTNER.replace(PARTNER_SOURCE, "[{prefix_list: pl-0123456789abcdef0, max_entries: 30}, 198.51.100.0/24]")
     + "  telemetry:\n    image: public.ecr.aws/nginx/nginx:1.27\n    port: 4000\n"
       "    route: {load_balancer: mqtt, listener: 8884}\n",
     "9:17: load_balancers.mqtt.allow_from: these sources need 62 inbound rules on the mqtt load balancer's "
     "security group (one per source and listener port, 8883/8884; pl-0123456789abcdef0 counts 30 (its "
     "max_entries)), more than the 60 AWS allows per group (list fewer sources, or merge neighbouring ranges)"),
], ids=["cloudfront", "private-range", "ipv6-internal", "ipv6-without-dual-stack", "parameter-clash", "twice", "quota"])
def test_wrong_sources_on_a_network_balancer_are_refused_at_their_position(write_blueprint, text, expected):
    path, result = _validate(write_blueprint, text)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == f"{path}:{expected}".splitlines()
