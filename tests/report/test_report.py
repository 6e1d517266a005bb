"""The environment report (issue 10, part 3): diagram drawn from the reachability model, cost from the price table.

Numbers are recomputed here from the shipped price table (read as plain JSON) and the counts a reader sees in the
committed templates, so a wrong multiplication, a wrong count or a price read from the wrong row fails.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.reach import analyse, from_paths
from generator.report import load_report, readme_sections, render_html, render_markdown, report_from_texts
from generator.report.cost import money
from generator.report.mermaid import render_mermaid

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
PRICES = json.loads((REPO / "generator" / "report" / "prices-us-east-1.json").read_text())["prices"]
HOURS = 730
ENVIRONMENTS = sorted(str(p.relative_to(REPO)) for p in (REPO / "out").glob("*/*") if (p / "stacks.json").is_file())


def _line(report, item: str):
    return next(line for line in report.estimate.lines if line.item == item)


def _texts(directory: str) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((REPO / directory).glob("*.template.yaml"))}


@pytest.mark.parametrize("directory", ENVIRONMENTS)
def test_diagram_is_byte_stable_and_names_every_service_database_and_balancer(directory):
    first = render_mermaid(load_report(str(REPO / directory)).diagram)
    again = render_mermaid(report_from_texts("in memory", _texts(directory)).diagram)
    assert first == again  # from files or from memory (the build), same bytes
    assert first.startswith("flowchart LR\n")
    placements = analyse(from_paths([str(REPO / directory)])).placements
    names = {p.label for p in placements if p.kind in ("service", "database", "balancer", "nat", "endpoint")}
    assert names, directory
    for name in names:
        assert f'"{name}<br/>' in first, f"{name} missing from the diagram of {directory}"


def test_web_api_prod_diagram_matches_its_golden_file(update_golden):
    text = render_mermaid(load_report(str(REPO / "out/web-api/prod")).diagram)
    golden = GOLDEN / "web-api-prod.mmd"
    if update_golden:
        golden.write_text(text)
    assert text == golden.read_text(), "diagram changed: pytest --update-golden and review tests/report/golden/"


def test_diagram_edges_are_the_proven_paths_labelled_by_port():
    text = render_mermaid(load_report(str(REPO / "out/web-api/prod")).diagram)
    lb, internal = "n_web_api_prod_lb_public_PublicLoadBalancer", "n_web_api_prod_lb_internal_InternalLoadBalancer"
    web, api = "n_web_api_prod_web_Service", "n_web_api_prod_api_Service"
    assert f'n_internet -->|"tcp/443"| {lb}' in text
    assert f'{lb} -->|"tcp/8080"| {web}' in text
    assert f'{web} -->|"tcp/80"| {internal}' in text and f'{internal} -->|"tcp/9000"| {api}' in text
    assert f"n_internet -->|" not in text.replace(f'n_internet -->|"tcp/443"| {lb}', "")  # nothing else is public
    for zone in (1, 2, 3):  # outbound through each zone's NAT, drawn to the internet node on the right
        assert f'n_web_api_prod_network_NatGateway{zone} -->|"0.0.0.0/0"| n_internet_outbound' in text
    for zone in (1, 2, 3):  # NAT gateways sit in their zone of the public tier
        assert f'subgraph public_zone_{zone}["zone {zone}"]\n      n_web_api_prod_network_NatGateway{zone}' in text


def test_database_sits_in_the_isolated_tier_and_only_the_app_reaches_it():
    text = render_mermaid(load_report(str(REPO / "out/hardened-two-tier/prod")).diagram)
    isolated = text.split('subgraph tier_isolated["isolated subnets"]')[1].split("\n  end\n")[0]
    assert "AppdbDatabase" in isolated
    arrows = [line for line in text.splitlines() if line.endswith("n_hardened_two_tier_prod_data_AppdbDatabase")]
    assert arrows == ['  n_hardened_two_tier_prod_app_Service -->|"tcp/5432"| n_hardened_two_tier_prod_data_AppdbDatabase']


def test_unknown_edges_are_dashed_never_drawn_as_proven():
    texts = _texts("out/two-tier/default")
    balancer = next(name for name in texts if name.endswith("-lb-public.template.yaml"))
    # the public balancer's scheme becomes a deploy-time parameter: its internet edge is unknown, not safe
    section = "Parameters:\n" if "Parameters:\n" in texts[balancer] else "Resources:\n"
    texts[balancer] = texts[balancer].replace(
        section, "Parameters:\n  LbScheme:\n    Type: String\n" + ("" if section == "Parameters:\n" else section), 1) \
        .replace("Scheme: internet-facing", "Scheme: !Ref 'LbScheme'")
    assert "LbScheme" in texts[balancer] and "!Ref 'LbScheme'" in texts[balancer]
    text = render_mermaid(report_from_texts("t", texts).diagram)
    assert re.search(r'n_internet -\.->\|"\? tcp/443"\| n_\w+PublicLoadBalancer', text), text


def test_cost_lines_follow_from_the_price_table_and_the_templates():
    report = load_report(str(REPO / "out/web-api/prod"))
    nat, ipv4 = PRICES["nat_gateway_hour"]["usd"], PRICES["public_ipv4_hour"]["usd"]
    assert _line(report, "NAT gateways").monthly == pytest.approx(3 * nat * HOURS)  # per-az over 3 zones
    # 3 NAT Elastic IPs + the internet-facing ALB's 3 zones
    assert _line(report, "Public IPv4 addresses").monthly == pytest.approx(6 * ipv4 * HOURS)
    alb = PRICES["alb_hour"]["usd"] * HOURS
    assert _line(report, "Load balancer: PublicLoadBalancer").monthly == pytest.approx(alb)
    assert _line(report, "Load balancer: InternalLoadBalancer").monthly == pytest.approx(alb)
    x86 = PRICES["fargate"]["x86_64"]
    per_task = {"api": (1 * x86["vcpu_hour"] + 2 * x86["gb_hour"]) * HOURS,  # cpu 1024, memory 2048
                "web": (0.25 * x86["vcpu_hour"] + 0.5 * x86["gb_hour"]) * HOURS,
                "worker": (0.5 * x86["vcpu_hour"] + 1 * x86["gb_hour"]) * HOURS}
    assert _line(report, "Fargate: api").monthly == pytest.approx(3 * per_task["api"])  # DesiredCount 3
    assert _line(report, "Fargate: web").monthly == pytest.approx(3 * per_task["web"])
    assert _line(report, "Fargate: worker").monthly == pytest.approx(1 * per_task["worker"])
    assert f"autoscaling 3..9 tasks: {money(3 * per_task['api'])}..{money(9 * per_task['api'])}" \
        in _line(report, "Fargate: api").detail
    assert _line(report, "KMS keys").monthly == pytest.approx(PRICES["kms_key_month"]["usd"])
    assert report.estimate.total == pytest.approx(sum(line.monthly for line in report.estimate.lines))
    at_max = report.estimate.total + 6 * per_task["api"] + 9 * per_task["web"]  # api 3->9, web 3->12
    assert report.estimate.total_max == pytest.approx(at_max)


def test_nat_comparison_prices_per_az_single_and_none_for_the_environment():
    nat, ipv4 = PRICES["nat_gateway_hour"]["usd"], PRICES["public_ipv4_hour"]["usd"]
    each = (nat + ipv4) * HOURS
    for directory, zones, current in (("out/web-api/prod", 3, "per-az"), ("out/web-api/dev", 2, "single"),
                                      ("out/private-endpoints/default", 2, "none")):
        options = {o.mode: o for o in load_report(str(REPO / directory)).estimate.nat_options}
        assert options["per-az"].monthly == pytest.approx(zones * each), directory
        assert options["single"].monthly == pytest.approx(each)
        assert options["none"].monthly == 0
        assert [m for m, o in options.items() if o.current] == [current], directory
    markdown = render_markdown(load_report(str(REPO / "out/web-api/prod")))
    line = next(text for text in markdown.splitlines() if text.startswith("NAT gateways for this environment"))
    assert f"`per-az` (3 gateways) {money(3 * each)} (this environment) · `single` (1 gateway) {money(each)} · " \
           "`none` (0 gateways) $0.00" in line


def test_rds_multi_az_and_storage_and_interface_endpoints():
    prod = load_report(str(REPO / "out/hardened-two-tier/prod"))
    rds = PRICES["rds_instance_hour"]["postgres"]["db.m7g.large"]["multi_az"] * HOURS \
        + 50 * PRICES["rds_storage_gb_month"]["gp3"]["multi_az"]
    assert _line(prod, "RDS: AppdbDatabase").monthly == pytest.approx(rds)
    assert "Multi-AZ" in _line(prod, "RDS: AppdbDatabase").detail
    assert _line(prod, "Secrets Manager secrets").monthly == pytest.approx(PRICES["secret_month"]["usd"])
    dev = load_report(str(REPO / "out/hardened-two-tier/dev"))
    rds = PRICES["rds_instance_hour"]["postgres"]["db.t4g.medium"]["single_az"] * HOURS \
        + 20 * PRICES["rds_storage_gb_month"]["gp3"]["single_az"]
    assert _line(dev, "RDS: AppdbDatabase").monthly == pytest.approx(rds)
    endpoints = load_report(str(REPO / "out/private-endpoints/default"))
    # five interface endpoints (s3 is a free gateway endpoint) in 2 zones each
    assert _line(endpoints, "Interface VPC endpoints").monthly == \
        pytest.approx(5 * 2 * PRICES["interface_endpoint_az_hour"]["usd"] * HOURS)
    assert "s3" not in _line(endpoints, "Interface VPC endpoints").detail.split(":")[0]


def test_a_class_without_a_price_is_said_not_invented():
    texts = _texts("out/hardened-two-tier/prod")
    data = next(name for name in texts if name.endswith("-data.template.yaml"))
    texts[data] = texts[data].replace("db.m7g.large", "db.x2iedn.large")
    report = report_from_texts("t", texts)
    line = _line(report, "RDS: AppdbDatabase")
    assert line.monthly is None and "no price in the table" in line.detail
    assert report.estimate.unpriced == ["RDS: AppdbDatabase"]
    assert report.estimate.total == pytest.approx(sum(x.monthly for x in report.estimate.lines if x.monthly))
    assert "Not priced (left out of the total): RDS: AppdbDatabase." in readme_sections(report)


def test_html_is_self_contained_deterministic_and_escaped():
    texts = _texts("out/web-api/prod")
    page = render_html(report_from_texts('<script>alert("x")</script>', texts))
    assert page == render_html(report_from_texts('<script>alert("x")</script>', texts))
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)" in page
    assert not re.search(r'(src|href)="(?!https://aws\.amazon\.com/)', page)  # nothing to fetch; links are sources
    assert "<svg" in page and page.count("</svg>") == 1
    for name in ("api", "web", "worker"):
        assert f'font-size="13">{name}</text>' in page


def _run(*args: str):
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120)


def test_command_writes_html_and_markdown(tmp_path):
    target = tmp_path / "report.html"
    result = _run("report", "out/web-api/prod", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_text().startswith("<!DOCTYPE html>")
    markdown = _run("report", "out/web-api/prod", "--format", "markdown")
    assert markdown.returncode == 0 and markdown.stdout.startswith("# web-api / prod: environment report")
    assert "```mermaid\nflowchart LR" in markdown.stdout and "## Estimated monthly cost" in markdown.stdout


def test_command_bad_input_is_one_line_and_exit_2(tmp_path):
    missing = _run("report", str(tmp_path / "nope"))
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    (tmp_path / "stacks.json").write_text('{"not": "a list"}')
    broken = _run("report", str(tmp_path))
    assert broken.returncode == 2 and "stacks.json" in broken.stderr and "Traceback" not in broken.stderr
    assert not (tmp_path / "out.html").exists()


def test_every_environment_readme_has_the_diagram_and_the_cost_table():
    from generator.compile import blueprint_paths, compile_blueprints

    build = compile_blueprints(blueprint_paths((), str(REPO / "blueprints")), gates=[])
    for environment in build.environments:
        readme = environment.files["README.md"].decode()
        assert "## Diagram\n" in readme and "```mermaid\nflowchart LR\n" in readme, environment.directory
        assert "## Estimated monthly cost (fixed part)" in readme and "| **Total (estimate)** |" in readme
        for name in (s.name for s in environment.layout.services):
            assert f'"{name}<br/>' in readme, (environment.directory, name)


def test_reach_describes_every_subnet_and_where_things_are_placed():
    """The public addition to generator.reach the report draws from: subnets with zone and route, placements."""
    reach = analyse(from_paths([str(REPO / "out/private-endpoints/default")]))
    subnets = {s.label: s for s in reach.subnets}
    assert sorted(subnets) == ["IsolatedSubnet1", "IsolatedSubnet2", "PrivateSubnet1", "PrivateSubnet2",
                               "PublicSubnet1", "PublicSubnet2"]
    assert (subnets["PublicSubnet2"].zone, subnets["PublicSubnet2"].route) == ("2", "igw")
    assert (subnets["PrivateSubnet1"].zone, subnets["PrivateSubnet1"].route) == ("1", "none")  # nat: none
    placed = {p.label: p for p in reach.placements}
    private = tuple(sorted(subnets[n].id for n in ("PrivateSubnet1", "PrivateSubnet2")))
    assert placed["orders"].subnets == private and placed["orders"].kind == "service"
    assert placed["LogsEndpoint"].subnets == private and placed["LogsEndpoint"].detail == "logs (interface)"
    assert placed["S3Endpoint"].detail == "s3 (gateway)"  # placed with the subnets whose route tables hold it
    assert set(placed["S3Endpoint"].subnets) <= set(private) and placed["S3Endpoint"].subnets
    assert placed["PublicLoadBalancer"].detail == "internet-facing"
    nats = [p for p in analyse(from_paths([str(REPO / "out/web-api/prod")])).placements if p.kind == "nat"]
    assert [(p.label, p.subnets) for p in nats] == [(f"NatGateway{i}", (f"web-api-prod-network/PublicSubnet{i}",))
                                                   for i in (1, 2, 3)]


AURORA = """\
name: shop
network: {cidr: 10.20.0.0/16, nat: single}
services:
  worker: {image: public.ecr.aws/nginx/nginx:1.27, cpu: 1 vCPU, memory: 2 GB, flows: [events, big]}
databases:
  events: {engine: aurora-postgresql}
  big: {engine: aurora-mysql, instance_class: db.r6g.large}
"""


def test_aurora_instances_are_priced_one_by_one_and_a_missing_class_is_named():
    from generator.compile import render
    from generator.model import load_blueprint_text
    from generator.plan import plan

    (blueprint,) = load_blueprint_text(AURORA, "shop.yaml").values()
    environment = render(plan(blueprint), "shop.yaml")
    texts = {n: d.decode() for n, d in environment.files.items() if n.endswith(".template.yaml")}
    report = report_from_texts("shop", texts)
    aurora = PRICES["rds_instance_hour"]["aurora-postgresql"]["db.t4g.medium"]["single_az"] * HOURS
    for member in ("EventsWriter", "EventsReader"):  # Multi-AZ Aurora: a reader in another zone, billed itself
        line = _line(report, f"RDS: {member}")
        assert line.monthly == pytest.approx(aurora) and "storage and I/O are usage-based" in line.detail
    assert report.estimate.unpriced == ["RDS: BigReader", "RDS: BigWriter"]  # no db.r6g.large Aurora price
    assert _line(report, "Secrets Manager secrets").monthly == pytest.approx(2 * PRICES["secret_month"]["usd"])
    assert _line(report, "NAT gateways").monthly == pytest.approx(PRICES["nat_gateway_hour"]["usd"] * HOURS)
