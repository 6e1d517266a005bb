"""Reachability verdicts on hand-written templates, one fixture per kind of path (issue 10, part 2).

Each test writes the shared network stack (tests/reach/fixtures/network.yaml, exported with !Sub names) beside the
application template of the case, runs the model over the folder and checks what a reviewer would check: the
internet verdict and the path that proves it, who may call whom on which port, and where traffic may go out.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.reach import analyse, from_paths

FIXTURES = Path(__file__).parent / "fixtures"


def _env(tmp_path: Path, app: str | None = None, *fixtures: str):
    shutil.copy(FIXTURES / "network.yaml", tmp_path / "network.yaml")
    for name in fixtures:
        shutil.copy(FIXTURES / name, tmp_path / name)
    if app is not None:
        (tmp_path / "app.yaml").write_text(app)
    return analyse(from_paths([str(tmp_path)]))


def _by_name(reach):
    return {v.name: v for v in reach.verdicts}


def test_balancer_path_is_proven_hop_by_hop(tmp_path):
    web = _by_name(_env(tmp_path, None, "shop.yaml"))["web"]
    assert web.internet == "yes"
    assert [p.text for p in web.internet_paths] == [
        "internet → Igw → PublicSubnet1 → PublicLb:443 → WebTargets → web tcp/8080"]
    assert web.outbound == "internet"
    assert [p.text for p in web.outbound_paths] == ["PrivateSubnet1 → Nat (NAT) → internet (tcp/443)"]


def test_internal_balancer_is_not_internet_reachable_and_shows_its_callers(tmp_path):
    verdicts = _by_name(_env(tmp_path, None, "shop.yaml"))
    api = verdicts["api"]
    assert api.internet == "no" and api.internet_paths == []
    assert [(c.source, c.ports, c.via) for c in api.callers] == [("web", "tcp/9000", "InternalLb:80")]


def test_shared_internal_balancer_gives_every_caller_every_service_behind_it(tmp_path):
    """web's group is admitted by the internal balancer for api; the balancer also forwards to billing, so web
    reaches billing although nothing in the templates says web -> billing."""
    billing = _by_name(_env(tmp_path, None, "shop.yaml"))["billing"]
    assert [(c.source, c.ports, c.via, c.verdict) for c in billing.callers] == [
        ("web", "tcp/9100", "InternalLb:80", "yes")]


def test_peering_of_groups_admits_only_the_named_group(tmp_path):
    verdicts = _by_name(_env(tmp_path, None, "shop.yaml"))
    database = verdicts["OrdersDb"]
    assert database.kind == "database"
    assert database.internet == "no"
    assert [(c.source, c.ports, c.via) for c in database.callers] == [("api", "tcp/5432", "")]
    assert database.outbound == "none"
    assert verdicts["api"].outbound == "none"  # api's only egress is to the database group
    assert verdicts["worker"].callers == []


def test_direct_public_ip_bypasses_the_balancer(tmp_path):
    """The gateway-bypass risk: a 'private' service with a public IP in a public subnet, whose group admits the
    container port from anywhere (so the balancer can reach it), is reachable without the balancer."""
    app = (FIXTURES / "shop.yaml").read_text()
    app = app.replace("""          AssignPublicIp: DISABLED
          SecurityGroups: [!Ref WebGroup]
          Subnets: !Split [',', !ImportValue network-PrivateSubnets]""", """          AssignPublicIp: ENABLED
          SecurityGroups: [!Ref WebGroup]
          Subnets: [!ImportValue network-PublicSubnet]""")
    app = app.replace("""SourceSecurityGroupId: !Ref PublicLbGroup}""", """CidrIp: 0.0.0.0/0}""")
    web = _by_name(_env(tmp_path, app))["web"]
    assert web.internet == "yes"
    texts = [p.text for p in web.internet_paths]
    assert "internet → Igw → PublicSubnet1 → web tcp/8080 (public IP, bypasses any load balancer)" in texts
    assert "internet → Igw → PublicSubnet1 → PublicLb:443 → WebTargets → web tcp/8080" in texts
    assert [p.text for p in web.outbound_paths] == ["PublicSubnet1 → Igw (public IP) → internet (tcp/443)"]


def test_public_ip_in_a_private_subnet_is_no_direct_path(tmp_path):
    app = (FIXTURES / "shop.yaml").read_text().replace("AssignPublicIp: DISABLED", "AssignPublicIp: ENABLED")
    app = app.replace("""SourceSecurityGroupId: !Ref PublicLbGroup}""", """CidrIp: 0.0.0.0/0}""")
    web = _by_name(_env(tmp_path, app))["web"]
    assert [p.text for p in web.internet_paths] == [
        "internet → Igw → PublicSubnet1 → PublicLb:443 → WebTargets → web tcp/8080"]


def test_prefix_list_source_counts_as_internet(tmp_path):
    """A balancer open only to a managed prefix list (CloudFront's) is still reached from the internet."""
    app = (FIXTURES / "shop.yaml").read_text().replace(
        "{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}\n      SecurityGroupEgress:\n"
        "        - {IpProtocol: tcp, FromPort: 8080",
        "{IpProtocol: tcp, FromPort: 443, ToPort: 443, SourcePrefixListId: pl-3b927c52}\n"
        "      SecurityGroupEgress:\n        - {IpProtocol: tcp, FromPort: 8080")
    assert "pl-3b927c52" in app
    assert _by_name(_env(tmp_path, app))["web"].internet == "yes"


def test_private_cidr_source_is_not_internet(tmp_path):
    app = (FIXTURES / "shop.yaml").read_text().replace(
        "{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}\n      SecurityGroupEgress:\n"
        "        - {IpProtocol: tcp, FromPort: 8080",
        "{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.99.0.0/16}\n"
        "      SecurityGroupEgress:\n        - {IpProtocol: tcp, FromPort: 8080")
    assert _by_name(_env(tmp_path, app))["web"].internet == "no"


def test_nat_less_subnet_has_no_outbound_and_endpoints_only_when_declared(tmp_path):
    app = """
Resources:
  JobGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: job
      VpcId: !ImportValue network-VpcId
  Job:
    Type: AWS::ECS::Service
    Properties:
      ServiceName: job
      NetworkConfiguration:
        AwsvpcConfiguration:
          SecurityGroups: [!Ref JobGroup]
          Subnets: [!ImportValue network-IsolatedSubnet]
"""
    job = _by_name(_env(tmp_path, app))["job"]
    assert job.all_outbound  # no inline egress: EC2's default allow-all rule stays
    assert job.outbound == "none"
    endpoints = app + """
  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      VpcEndpointType: Gateway
      VpcId: !ImportValue network-VpcId
      RouteTableIds: [!ImportValue network-IsolatedRoutes]
"""
    job = _by_name(_env(tmp_path, endpoints))["job"]
    assert job.outbound == "endpoints"
    assert [p.text for p in job.outbound_paths] == ["endpoint s3 (gateway) tcp/443"]


def test_unknown_values_are_reported_unknown_never_safe(tmp_path):
    app = (FIXTURES / "shop.yaml").read_text()
    app = app.replace("AssignPublicIp: DISABLED", "AssignPublicIp: !If [Debug, ENABLED, DISABLED]")
    app = app.replace("Subnets: !Split [',', !ImportValue network-PrivateSubnets]\n  InternalLbGroup",
                      "Subnets: [!ImportValue network-PublicSubnet]\n  InternalLbGroup")
    app = app.replace("""SourceSecurityGroupId: !Ref PublicLbGroup}""", """CidrIp: !Ref AdminCidr}""")
    app = "Conditions: {Debug: !Equals [a, b]}\nParameters: {AdminCidr: {Type: String}}\n" + app
    web = _by_name(_env(tmp_path, app))["web"]
    assert web.internet == "unknown"
    reasons = " ".join(p.reason for p in web.internet_paths)
    assert "condition Debug" in reasons or "AdminCidr" in reasons


def test_cdk_alb_fargate_service_is_reached_only_through_its_balancer(tmp_path):
    reach = analyse(from_paths([str(FIXTURES / "cdk-alb-fargate.template.json")]))
    (service,) = reach.verdicts
    assert service.name == "ServiceD69D759B"
    assert service.internet == "yes"
    assert [p.text for p in service.internet_paths] == [
        "internet → VpcIGWD7BA715C → VpcPublicSubnet1Subnet5C2D37C4 → ServiceLB9B2B0A62:80 → "
        "ServiceLBPublicListenerECSGroup0CC8688C → ServiceD69D759B tcp/80"]
    assert service.all_outbound and service.outbound == "internet"
    assert [p.text for p in service.outbound_paths] == [
        "VpcPrivateSubnet1Subnet536B997A → VpcPublicSubnet1NATGateway4D7517AA (NAT) → internet (all traffic)"]


def test_graph_has_labelled_edges_for_a_report(tmp_path):
    reach = _env(tmp_path, None, "shop.yaml")
    edges = {(e.source, e.target, e.label) for e in reach.edges}
    assert ("shop/PublicLb", "shop/WebTargets", "listener 443") in edges
    assert ("shop/Web", "shop/InternalLb", "tcp/80") in edges
    assert ("shop/InternalLb", "shop/BillingTargets", "listener 80") in edges
    assert {n.kind for n in reach.nodes} >= {"internet", "gateway", "subnet", "balancer", "target-group", "service",
                                              "database", "nat"}


def test_command_prints_text_and_json(tmp_path):
    shutil.copy(FIXTURES / "network.yaml", tmp_path / "network.yaml")
    shutil.copy(FIXTURES / "shop.yaml", tmp_path / "shop.yaml")
    result = CliRunner().invoke(main, ["reach", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "service billing" in result.output
    assert "    web tcp/9100 via InternalLb:80" in result.output
    result = CliRunner().invoke(main, ["reach", str(tmp_path), "--format", "json"])
    data = json.loads(result.output)
    assert {w["name"]: w["internet"] for w in data["workloads"]}["web"] == "yes"
    again = CliRunner().invoke(main, ["reach", str(tmp_path), "--format", "json"])
    assert again.output == result.output


def test_command_rejects_a_missing_path(tmp_path):
    result = CliRunner().invoke(main, ["reach", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


def test_a_second_group_with_the_placeholder_egress_adds_no_outbound_path():
    """web wears its own group and its balancer's targets group, whose only inline egress is the "Disallow all
    traffic" placeholder (ICMP 252/86 to 255.255.255.255/32): no packet matches it, so web's outbound stays HTTPS."""
    reach = analyse(from_paths([str(Path(__file__).parents[2] / "out" / "web-api" / "dev")]))
    web = _by_name(reach)["web"]
    assert [p.text for p in web.outbound_paths] == [f"PrivateSubnet{zone} → NatGateway1 (NAT) → internet (tcp/443)"
                                                    for zone in (1, 2)]
