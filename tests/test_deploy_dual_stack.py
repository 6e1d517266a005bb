"""Dual stack (network.ipv6: true) deployed into moto and read back the way a user checks it: the VPC has an IPv6
block, every subnet a /64 of it at its fixed slot, private route tables send ::/0 to the egress-only gateway, the
isolated ones have no route out, the public one sends ::/0 to the internet gateway, internet-facing balancers are
dualstack; and with nat none the private tier has no IPv6 way out either. The moto gaps met on the way are in
tests/emulator.py (MOTO_GAPS, "Dual stack").
"""
from __future__ import annotations

import ipaddress

import boto3
import pytest

from emulator import MOTO_GAPS
from test_deploy import OUT, REGION, REPO, assert_firewall_is_the_flows, aws, deploy  # noqa: F401 (fixture)
from generator.model import load_blueprint

pytestmark = pytest.mark.slow

TIERS = ("public", "private", "isolated")


def _routes(ec2, table_ids: list[str]) -> dict[str, dict[str, str]]:
    """route table id -> {destination: target} for its IPv4 and IPv6 routes."""
    found = {}
    for table in ec2.describe_route_tables(RouteTableIds=table_ids)["RouteTables"]:
        found[table["RouteTableId"]] = {
            r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") or r.get("DestinationPrefixListId"):
            r.get("EgressOnlyInternetGatewayId") or r.get("GatewayId") or r.get("NatGatewayId") or "?"
            for r in table["Routes"]}
    return found


def _subnets(network: dict) -> dict[str, str]:
    return {logical: physical for logical, physical in network.items()
            if logical and logical[:-1].endswith("Subnet") and logical[-1].isdigit()}


def test_the_dual_stack_example_deploys_with_ipv6_where_the_blueprint_says(aws, caplog):
    env_dir = OUT / "dual-stack" / "default"
    bp = load_blueprint(str(REPO / "blueprints" / "dual-stack.yaml"))["default"]
    network = deploy(env_dir)
    skipped = {r.getMessage().rsplit(" ", 1)[-1] for r in caplog.records
               if r.getMessage().startswith("No Moto CloudFormation support for ")}
    assert skipped <= set(MOTO_GAPS), f"undocumented moto gap: {sorted(skipped - set(MOTO_GAPS))}"
    ec2 = boto3.client("ec2", region_name=REGION)

    (vpc,) = ec2.describe_vpcs(VpcIds=[network["Vpc"]])["Vpcs"]
    (association,) = vpc["Ipv6CidrBlockAssociationSet"]
    block = ipaddress.ip_network(association["Ipv6CidrBlock"])
    assert block.prefixlen == 56 and association["Ipv6Pool"] == "Amazon"

    # every subnet a /64 of the VPC's block, at its fixed slot: tier x 6 reserved zones + zone
    slots = list(block.subnets(new_prefix=64))
    subnets = {s["SubnetId"]: s for s in ec2.describe_subnets(SubnetIds=list(_subnets(network).values()))["Subnets"]}
    assert len(subnets) == 3 * bp.network.availability_zones
    for logical, physical in _subnets(network).items():
        tier = logical[:-len("SubnetN")].lower()
        zone = int(logical[-1]) - 1
        subnet = subnets[physical]
        (ipv6,) = subnet["Ipv6CidrBlockAssociationSet"]
        assert ipaddress.ip_network(ipv6["Ipv6CidrBlock"]) == slots[TIERS.index(tier) * 6 + zone], logical
        assert subnet["AssignIpv6AddressOnCreation"] is (tier == "private"), logical
        assert subnet["MapPublicIpOnLaunch"] is False

    # routes: public ::/0 -> internet gateway; private ::/0 -> the egress-only gateway; isolated: nothing out
    (gateway,) = ec2.describe_egress_only_internet_gateways()["EgressOnlyInternetGateways"]
    assert [a["VpcId"] for a in gateway["Attachments"]] == [network["Vpc"]]
    routes = _routes(ec2, [network["PublicRouteTable"], network["IsolatedRouteTable"]]
                     + [network[f"PrivateRouteTable{z + 1}"] for z in range(bp.network.availability_zones)])
    assert routes[network["PublicRouteTable"]]["::/0"] == network["InternetGateway"]
    for zone in range(bp.network.availability_zones):
        private = routes[network[f"PrivateRouteTable{zone + 1}"]]
        assert private["::/0"] == gateway["EgressOnlyInternetGatewayId"]
        assert private["0.0.0.0/0"].startswith("nat-")
    isolated = routes[network["IsolatedRouteTable"]]
    assert "::/0" not in isolated and "0.0.0.0/0" not in isolated

    # the internet-facing balancer answers on both families; its group admits ::/0 as it admits 0.0.0.0/0
    elbv2 = boto3.client("elbv2", region_name=REGION)
    (balancer,) = elbv2.describe_load_balancers(LoadBalancerArns=[network["PublicLoadBalancer"]])["LoadBalancers"]
    assert balancer["IpAddressType"] == "dualstack"
    assert_firewall_is_the_flows(bp, network, env_dir)


def test_with_nat_none_the_private_tier_has_no_ipv6_way_out_either(aws, tmp_path):
    """The egress-only gateway is internet egress: like NAT, none with nat none (the endpoints stay the only way
    out), while the public tier keeps ::/0 for its dualstack balancer."""
    from generator.compile import render
    from generator.model import load_blueprint_text
    from generator.plan import plan

    text = (REPO / "blueprints" / "private-endpoints.yaml").read_text().replace(
        "  nat: none\n", "  nat: none\n  ipv6: true\n")
    (bp,) = load_blueprint_text(text, "private-endpoints.yaml").values()
    environment = render(plan(bp), "private-endpoints.yaml")
    for name, data in environment.files.items():
        (tmp_path / name).write_bytes(data)
    network = deploy(tmp_path)
    ec2 = boto3.client("ec2", region_name=REGION)
    assert ec2.describe_egress_only_internet_gateways()["EgressOnlyInternetGateways"] == []
    private = [network[f"PrivateRouteTable{z + 1}"] for z in range(bp.network.availability_zones)]
    routes = _routes(ec2, private + [network["PublicRouteTable"]])
    for table in private:
        assert "::/0" not in routes[table] and "0.0.0.0/0" not in routes[table]
    assert routes[network["PublicRouteTable"]]["::/0"] == network["InternetGateway"]
    assert_firewall_is_the_flows(bp, network, tmp_path)
