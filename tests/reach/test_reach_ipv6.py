"""Reachability over IPv6 (network.ipv6): a ::/0 route to an egress-only internet gateway is a way out for IPv6
egress rules only, a NAT route for IPv4 ones only, and the isolated tier has neither. Run on the committed
dual-stack example (out/dual-stack/default) and on copies of it with one thing taken away, as a reviewer would probe.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from generator.reach import analyse, from_paths

EXAMPLE = Path(__file__).resolve().parents[2] / "out" / "dual-stack" / "default"


def _reach(tmp_path: Path, *edits: tuple[str, str]):
    """The verdicts of the example with every (old, new) text edit applied to whichever template holds ``old``."""
    for source in EXAMPLE.glob("*.template.yaml"):
        shutil.copy(source, tmp_path / source.name)
    for old, new in edits:
        holders = [p for p in tmp_path.glob("*.template.yaml") if old in p.read_text()]
        assert holders, f"no template holds {old!r}"
        for path in holders:
            path.write_text(path.read_text().replace(old, new))
    return {v.name: v for v in analyse(from_paths([str(tmp_path)])).verdicts}


def _paths(verdict) -> list[str]:
    return [p.text for p in verdict.outbound_paths]


def test_the_example_goes_out_through_nat_and_the_egress_only_gateway(tmp_path):
    notifier = _reach(tmp_path)["notifier"]
    assert notifier.outbound == "internet" and notifier.internet == "no"
    assert _paths(notifier) == [
        "PrivateSubnet1 → EgressOnlyInternetGateway (egress-only) → internet (tcp/443)",
        "PrivateSubnet1 → NatGateway1 (NAT) → internet (tcp/443)",
        "PrivateSubnet2 → EgressOnlyInternetGateway (egress-only) → internet (tcp/443)",
        "PrivateSubnet2 → NatGateway1 (NAT) → internet (tcp/443)"]


def test_an_ipv6_rule_opens_nothing_through_nat(tmp_path):
    """Without its IPv4 rule notifier keeps only the IPv6 one: NAT carries IPv4, so only the egress-only gateway
    is a way out."""
    notifier = _reach(tmp_path, ("        - CidrIp: '0.0.0.0/0'\n          Description: HTTPS to ECR, CloudWatch Logs "
                                 "and Secrets Manager via NAT\n          FromPort: 443",
                                 "        - CidrIp: '10.50.0.0/16'\n          Description: HTTPS to ECR, CloudWatch "
                                 "Logs and Secrets Manager via NAT\n          FromPort: 443"))["notifier"]
    assert notifier.outbound == "internet"
    assert all("EgressOnlyInternetGateway" in text for text in _paths(notifier)), _paths(notifier)


def test_without_the_private_nat_routes_ipv6_is_still_a_way_out(tmp_path):
    no_nat = [(f"      DestinationCidrBlock: '0.0.0.0/0'\n      NatGatewayId: !Ref 'NatGateway1'\n"
               f"      RouteTableId: !Ref 'PrivateRouteTable{zone}'",
               f"      DestinationCidrBlock: '10.99.{zone}.0/24'\n      NatGatewayId: !Ref 'NatGateway1'\n"
               f"      RouteTableId: !Ref 'PrivateRouteTable{zone}'") for zone in (1, 2)]
    notifier = _reach(tmp_path, *no_nat)["notifier"]
    assert notifier.outbound == "internet"
    assert _paths(notifier) == [
        "PrivateSubnet1 → EgressOnlyInternetGateway (egress-only) → internet (tcp/443)",
        "PrivateSubnet2 → EgressOnlyInternetGateway (egress-only) → internet (tcp/443)"]


def test_without_ipv6_egress_rules_the_egress_only_gateway_opens_nothing(tmp_path):
    notifier = _reach(tmp_path, ("CidrIpv6: 2001:db8:4000::/48", "CidrIp: 10.50.0.0/16"),
                      ("CidrIpv6: ::/0", "CidrIp: 10.50.0.0/16"))["notifier"]
    assert _paths(notifier) == ["PrivateSubnet1 → NatGateway1 (NAT) → internet (tcp/443)",
                                "PrivateSubnet2 → NatGateway1 (NAT) → internet (tcp/443)"]


def test_the_ipv6_internet_reaches_only_the_balancer(tmp_path):
    verdicts = _reach(tmp_path)
    assert verdicts["web"].internet == "yes"
    assert [p.text for p in verdicts["web"].internet_paths] == [
        "internet → InternetGateway → PublicSubnet1 → PublicLoadBalancer:443 → TargetGroup → web tcp/8080"]
    assert verdicts["notifier"].internet == "no"
