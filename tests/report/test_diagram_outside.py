"""The diagram's sources outside the VPC: chosen sources (allow_from), a corporate range, PrivateLink consumers."""
from __future__ import annotations

from pathlib import Path

from generator.report import load_report, render_html, report_from_texts
from generator.report.mermaid import render_mermaid
from generator.report.svg import render_svg

REPO = Path(__file__).resolve().parents[2]


def _arrows_into(text: str, node: str) -> list[str]:
    return sorted(line.strip() for line in text.splitlines() if "-->" in line and line.endswith(f"| {node}"))


def test_a_partner_only_balancer_is_reached_from_its_sources_not_from_the_internet():
    text = render_mermaid(load_report(str(REPO / "out/partner-api/default")).diagram)
    partners = "n_partner_api_default_lb_partners_PartnersLoadBalancer"
    assert _arrows_into(text, partners) == [
        f'n_outside_198_51_100_16_28 -->|"tcp/443"| {partners}',
        f'n_outside_203_0_113_0_24 -->|"tcp/443"| {partners}',
        f'n_outside_prefix_list_from_parameter_PartnerPrefixList -->|"tcp/443"| {partners}',
    ]
    assert "n_internet -->" not in text  # nothing in this environment is open to the whole internet
    for source in ("203.0.113.0/24", "198.51.100.16/28", "prefix list from parameter PartnerPrefixList"):
        assert f'("{source}<br/>allowed source")' in text
    # sources sit outside the VPC: before the first tier subgraph, like the internet
    assert text.index("203.0.113.0/24") < text.index("subgraph tier_")
    # the partner balancer still reaches its service
    assert f'{partners} -->|"tcp/8443"| n_partner_api_default_api_Service' in text


def test_an_internal_balancer_shows_its_corporate_range_outside_the_vpc():
    text = render_mermaid(load_report(str(REPO / "out/partner-api/default")).diagram)
    corporate = "n_partner_api_default_lb_corporate_CorporateLoadBalancer"
    assert _arrows_into(text, corporate) == [f'n_outside_10_200_0_0_16 -->|"tcp/443"| {corporate}']
    assert '("10.200.0.0/16<br/>outside the VPC")' in text
    assert text.index("10.200.0.0/16") < text.index("subgraph tier_")
    assert f'{corporate} -->|"tcp/8443"| n_partner_api_default_admin_Service' in text


def test_privatelink_consumers_reach_the_balancer_through_the_endpoint_service():
    text = render_mermaid(load_report(str(REPO / "out/tcp-privatelink/prod")).diagram)
    balancer = "n_tcp_privatelink_prod_lb_ledger_LedgerLoadBalancer"
    service = "n_endpoint_service_tcp_privatelink_prod_lb_ledger_LedgerLoadBalancer_LedgerEndpointService"
    # from outside the VPC only through the endpoint service (statements is a caller inside the VPC)
    assert _arrows_into(text, balancer) == [f'{service} -->|"tcp/7443"| {balancer}',
                                            f'n_tcp_privatelink_prod_statements_Service -->|"tcp/7443"| {balancer}']
    assert _arrows_into(text, service) == sorted([
        f'n_outside_10_50_0_0_16 -->|"tcp/7443"| {service}',
        f'n_outside_10_60_0_0_16 -->|"tcp/7443"| {service}',
        f'n_outside_111122223333_root -->|"PrivateLink"| {service}',
        f'n_outside_444455556666_role_ledger_client -->|"PrivateLink"| {service}',
    ])
    assert '("111122223333:root<br/>allowed principal")' in text
    assert '("444455556666:role/ledger-client<br/>allowed principal")' in text
    assert '("10.50.0.0/16<br/>PrivateLink consumer")' in text
    # the endpoint service sits with its balancer in the private tier
    private = text.split('subgraph tier_private["private subnets"]')[1].split("\n  end\n")[0]
    assert "LedgerEndpointService" in private and "LedgerLoadBalancer" in private
    assert f'{balancer} -->|"tcp/7000"| n_tcp_privatelink_prod_ledger_Service' in text


def test_the_svg_draws_the_same_sources():
    report = load_report(str(REPO / "out/partner-api/default"))
    svg = render_svg(report.diagram, "t")
    assert svg.count('data-kind="source"') == 4
    assert ">203.0.113.0/24</text>" in svg and ">10.200.0.0/16</text>" in svg
    assert render_html(report) == render_html(load_report(str(REPO / "out/partner-api/default")))


def _tier(text: str, tier: str) -> str:
    return text.split(f'subgraph tier_{tier}[')[1].split("\n  end\n")[0]


def test_brownfield_boxes_sit_in_the_tier_of_the_subnet_parameter_they_take():
    text = render_mermaid(load_report(str(REPO / "out/brownfield/default")).diagram)
    public, private, isolated = (_tier(text, t) for t in ("public", "private", "isolated"))
    assert "PublicLoadBalancer<br/>" in public and '"PublicSubnetIds<br/>existing VPC subnets (parameter)"' in public
    for name in ("api<br/>", "worker<br/>", "LogsEndpoint<br/>", "SecretsmanagerEndpoint<br/>",
                 '"ExistingPrivateSubnetIds<br/>existing VPC subnets (parameter)"'):
        assert name in private, name
    for name in ("OrdersDatabase<br/>", '"IsolatedSubnet1<br/>existing VPC subnet (parameter)"',
                 '"IsolatedSubnet2<br/>existing VPC subnet (parameter)"'):
        assert name in isolated, name
    # the balancer's internet path depends on the parameters: drawn dashed, never dropped nor drawn as proven
    assert 'n_internet -.->|"? tcp/443"| n_brownfield_default_lb_public_PublicLoadBalancer' in text
    assert "n_internet -->" not in text
    # only the gateway endpoint (route tables, no subnet) is left without a subnet
    other = _tier(text, "other")
    assert "S3Endpoint" in other and "OrdersDatabase" not in other and "api<br/>" not in other


def test_a_subnet_parameter_without_a_tier_word_leaves_the_placement_unknown():
    texts = {p.name: p.read_text() for p in sorted((REPO / "out/brownfield/default").glob("*.template.yaml"))}
    network = "brownfield-default-network.template.yaml"
    texts[network] = texts[network].replace("PublicSubnetIds", "EdgeNets")  # a name that says no tier
    assert "EdgeNets" in texts[network]
    texts = {k: v.replace("brownfield-default-network-PublicSubnetIds", "brownfield-default-network-EdgeNets")
             for k, v in texts.items()}
    text = render_mermaid(report_from_texts("t", texts).diagram)
    assert "PublicLoadBalancer<br/>" in _tier(text, "other")  # not guessed
    assert "EdgeNets" not in text and "OrdersDatabase<br/>" in _tier(text, "isolated")
