"""The plan on its own: subnet slots, flows and rules, quotas, logical ids."""
from __future__ import annotations

import ipaddress

import pytest

from generator.errors import InputError
from generator.model import load_blueprint_text
from generator.plan import plan

BASE = """\
name: shop
network: {cidr: 10.20.0.0/16, availability_zones: 2, nat: per-az}
load_balancers:
  public: {scheme: internet-facing, https: {certificate: {parameter: CertificateArn}}}
  internal: {scheme: internal}
services:
  web: {image: public.ecr.aws/nginx/nginx:1.27, port: 8080, route: {load_balancer: public}, flows: [api, cache]}
  api: {image: public.ecr.aws/nginx/nginx:1.27, port: 9000, route: {load_balancer: internal, path: /api/*}}
  cache: {image: public.ecr.aws/nginx/nginx:1.27, port: 6379}
  worker: {image: public.ecr.aws/nginx/nginx:1.27}
"""


def layout_of(text: str):
    (bp,) = load_blueprint_text(text, "shop.yaml").values()
    return plan(bp)


def test_adding_a_zone_never_moves_an_existing_subnet():
    two = {(s.tier, s.zone): s.cidr for s in layout_of(BASE).subnets}
    three = {(s.tier, s.zone): s.cidr for s in layout_of(BASE.replace("availability_zones: 2",
                                                                       "availability_zones: 3")).subnets}
    assert len(three) == len(two) + 3
    assert all(three[key] == cidr for key, cidr in two.items())


def test_subnets_are_disjoint_and_inside_the_vpc():
    subnets = [ipaddress.ip_network(s.cidr) for s in layout_of(BASE.replace("availability_zones: 2",
                                                                             "availability_zones: 6")).subnets]
    assert len(subnets) == 18
    assert all(s.subnet_of(ipaddress.ip_network("10.20.0.0/16")) for s in subnets)
    assert not any(a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1:])


def test_flows_through_an_internal_balancer_never_reach_the_service_directly():
    flows = {(f.source, f.target, f.port) for f in layout_of(BASE).flows}
    assert flows == {
        ("0.0.0.0/0", "public", 80), ("0.0.0.0/0", "public", 443),
        ("public", "web", 8080), ("internal", "api", 9000),
        ("web", "internal", 80),      # web -> api goes through the internal balancer
        ("web", "cache", 6379),       # cache has no route: direct, on its port
    }


def test_each_caller_learns_how_to_reach_each_flow_target():
    layout = layout_of(BASE)
    found = {(e.caller, e.target): (e.host_variable, e.port_variable, e.port, e.balancer, e.host)
             for e in layout.endpoints}
    assert found == {
        ("web", "api"): ("API_HOST", "API_PORT", 80, "internal", None),  # the balancer's exported DNS name
        ("web", "cache"): ("CACHE_HOST", "CACHE_PORT", 6379, None, "cache.default.shop.internal"),
    }
    assert layout.registered == ("cache",)  # only services called directly register in Cloud Map
    assert layout.namespace == "default.shop.internal"


def test_no_direct_flow_means_no_namespace():
    layout = layout_of(BASE.replace(", flows: [api, cache]", ", flows: [api]"))
    assert layout.registered == () and layout.namespace is None


def test_every_group_declares_egress_and_idle_groups_get_the_placeholder():
    groups = {g.logical_id: g for g in layout_of(BASE).groups}
    assert [r.placeholder for r in groups["PublicLoadBalancerSecurityGroup"].egress] == [True]
    worker = groups["WorkerTaskSecurityGroup"]
    assert worker.ingress == () and [(r.port, r.cidr) for r in worker.egress] == [(443, "0.0.0.0/0")]


def test_group_rules_come_in_ingress_egress_pairs_with_descriptions():
    rules = layout_of(BASE).rules
    assert {r.logical_id for r in rules} >= {"WebTaskEgressToCacheTask", "CacheTaskIngressFromWebTask"}
    assert all(r.description for r in rules)
    assert len([r for r in rules if r.direction == "ingress"]) == len([r for r in rules if r.direction == "egress"])


def test_declared_egress_duplicating_the_platform_rule_is_merged_not_duplicated():
    text = BASE.replace("worker: {image: public.ecr.aws/nginx/nginx:1.27}",
                        "worker: {image: public.ecr.aws/nginx/nginx:1.27, egress: "
                        "[{cidr: 0.0.0.0/0, port: 443, reason: webhooks}]}")
    worker = {g.logical_id: g for g in layout_of(text).groups}["WorkerTaskSecurityGroup"]
    assert len(worker.egress) == 1 and worker.egress[0].description.endswith("; webhooks")


def test_more_than_sixty_inbound_rules_is_a_positioned_error():
    callers = "".join(f"  c{i}: {{image: public.ecr.aws/nginx/nginx:1.27, flows: [cache]}}\n" for i in range(60))  # + web = 61
    with pytest.raises(InputError) as raised:
        layout_of(BASE + callers)
    assert str(raised.value).startswith("shop.yaml:9:10: ")
    assert "services.cache: the security group of cache needs 61 inbound rules (at most 60 per group" \
        in str(raised.value)


def test_stacks_deploy_in_layers_each_after_the_stacks_it_imports_from():
    """network -> firewall shards -> balancers -> services (by name); a stack depends on the homes of the groups
    its rules join and of what it attaches, never on a stack of its own layer or a later one."""
    from generator.plan.stacks import shard
    layout = layout_of(BASE)
    stacks = {s.name: s for s in layout.stacks}
    fw = {name: f"shop-default-firewall-{shard(f'{name}TaskSecurityGroup')}" for name in ("Web", "Api", "Cache",
                                                                                            "Worker")}
    assert [s.kind for s in layout.stacks] == ["network"] + ["firewall"] * len(set(fw.values())) + \
        ["balancer"] * 2 + ["service"] * 4
    assert [s.name for s in layout.stacks if s.kind == "firewall"] == sorted(set(fw.values()))
    assert [s.name for s in layout.stacks[-6:]] == ["shop-default-lb-internal", "shop-default-lb-public",
                                                   "shop-default-api", "shop-default-cache", "shop-default-web",
                                                   "shop-default-worker"]
    # the internal balancer admits web (its caller): web's group must exist first
    assert set(stacks["shop-default-lb-internal"].depends_on) == {"shop-default-network", fw["Web"]}
    assert stacks["shop-default-lb-public"].depends_on == ("shop-default-network",)
    # cache holds the rule admitting web; web attaches the public balancer's targets group, calls the internal one
    assert set(stacks["shop-default-cache"].depends_on) == {"shop-default-network", fw["Cache"], fw["Web"]}
    assert set(stacks["shop-default-web"].depends_on) == {"shop-default-network", fw["Web"],
                                                          "shop-default-lb-internal", "shop-default-lb-public"}
    order = [s.name for s in layout.stacks]
    for stack in layout.stacks:
        assert all(order.index(d) < order.index(stack.name) for d in stack.depends_on), stack.name


def test_every_rule_lives_with_what_it_protects():
    layout = layout_of(BASE)
    place = layout.placement.rules
    assert place["CacheTaskIngressFromWebTask"] == place["WebTaskEgressToCacheTask"] == "shop-default-cache"
    assert place["ApiTaskIngressFromInternalLoadBalancer"] == "shop-default-api"
    assert place["InternalLoadBalancerEgressToTargets9000"] == "shop-default-lb-internal"
    assert place["InternalLoadBalancerIngressFromWebTask"] == "shop-default-lb-internal"
    assert layout.placement.interfaces["web"] == ("WebTaskSecurityGroup", "PublicLoadBalancerTargetsSecurityGroup")
    assert layout.placement.interfaces["worker"] == ("WorkerTaskSecurityGroup",)


def test_a_service_named_like_a_balancer_or_a_firewall_stack_is_rejected():
    for name in ("lb-public", "firewall-3"):
        text = BASE.replace("  worker: {", f"  {name}: {{")
        with pytest.raises(InputError) as raised:
            layout_of(text)
        assert f"{name!r} is reserved" in str(raised.value) and str(raised.value).startswith("shop.yaml:10:")


def test_a_service_named_network_is_rejected_at_its_position():
    text = "name: s\nnetwork: {cidr: 10.0.0.0/16, availability_zones: 2, nat: single}\nservices:\n" \
           "  network: {image: public.ecr.aws/nginx/nginx:1.27}\n"
    with pytest.raises(InputError) as raised:
        layout_of(text)
    assert str(raised.value).startswith("shop.yaml:4:12: ")
    assert "services.network: 'network' is reserved: the environment's network stack is s-default-network" \
        in str(raised.value)


CLOUDFRONT = """\
name: shop
network: {cidr: 10.20.0.0/16, availability_zones: 2, nat: single}
load_balancers:
  origin: {scheme: internet-facing, allow_from: cloudfront, https: {certificate: {parameter: CertificateArn}}}
services:
  web: {image: public.ecr.aws/nginx/nginx:1.27, port: 8080, route: {load_balancer: origin}}
"""


def test_a_cloudfront_only_balancer_is_reached_by_cloudfront_on_443_only():
    layout = layout_of(CLOUDFRONT)
    inbound = [(f.source_kind, f.source, f.port) for f in layout.flows if f.target == "origin"]
    assert inbound == [("cloudfront", "com.amazonaws.global.cloudfront.origin-facing", 443)]
    group = next(g for g in layout.groups if g.owner == "origin")
    assert group.ingress == ()  # no CIDR at all: neither 0.0.0.0/0 nor port 80
    assert [(r.protocol, r.port, r.parameter) for r in group.prefix_ingress] == [
        ("tcp", 443, "CloudFrontOriginFacingPrefixListId")]
    assert group.inbound_weight == 55


def test_the_prefix_list_weighs_55_against_the_rule_quota():
    """55 for the CloudFront list + 6 group rules = 61 > 60, although only 7 rules are written."""
    from generator.plan.flows import SERVICE, Flow
    from generator.plan.security_groups import group_rules, security_groups

    (bp,) = load_blueprint_text(CLOUDFRONT, "shop.yaml").values()
    layout = plan(bp)
    extra = tuple(Flow(SERVICE, "web", "load_balancer", "origin", 1000 + i, "tcp", f"web to origin on {1000 + i}")
                  for i in range(6))
    flows = layout.flows + extra
    with pytest.raises(InputError) as raised:
        security_groups(bp, flows, group_rules(flows))
    assert ("load_balancers.origin: the security group of origin needs 61 inbound rules (at most 60 per group; "
            "counted with 55 for the CloudFront prefix list") in str(raised.value)
    security_groups(bp, flows[:-1], group_rules(flows[:-1]))  # 60 fits


def test_an_internet_balancer_keeps_443_and_the_redirect_port_from_anywhere():
    layout = layout_of(BASE)
    group = next(g for g in layout.groups if g.owner == "public")
    assert sorted((r.port, r.cidr) for r in group.ingress) == [(80, "0.0.0.0/0"), (443, "0.0.0.0/0")]
    assert group.prefix_ingress == ()


def test_exec_adds_the_session_manager_directories_to_scratch_only_with_a_read_only_root():
    text = BASE.replace("worker: {image: public.ecr.aws/nginx/nginx:1.27}",
                        "worker: {image: public.ecr.aws/nginx/nginx:1.27, scratch: [/tmp], exec: true}")
    worker = layout_of(text).service("worker")
    assert list(worker.scratch) == [("scratch-tmp", "/tmp"), ("scratch-var-lib-amazon", "/var/lib/amazon"),
                                       ("scratch-var-log-amazon", "/var/log/amazon")]
    writable = layout_of(text.replace("exec: true", "exec: true, read_only_root_filesystem: false"))
    assert list(writable.service("worker").scratch) == [("scratch-tmp", "/tmp")]


ECR_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0"
PRIVATE = f"""\
name: shop
network: {{cidr: 10.20.0.0/16, nat: none, endpoints: [s3, ecr.api, ecr.dkr, logs]}}
load_balancers:
  public: {{scheme: internet-facing, https: {{certificate: {{parameter: CertificateArn}}}}}}
services:
  web: {{image: {ECR_IMAGE}, port: 8080, route: {{load_balancer: public}}}}
  worker: {{image: {ECR_IMAGE}}}
"""


def test_the_endpoint_group_admits_https_from_each_service_and_nothing_else():
    """Through the endpoint clients' group every service's tasks carry: two rules whatever the number of services."""
    layout = layout_of(PRIVATE)
    endpoint_rules = [r for r in layout.rules if "EndpointSecurityGroup" in (r.group, r.peer)]
    assert {(r.direction, r.group, r.peer, r.protocol, r.port) for r in endpoint_rules} == {
        ("ingress", "EndpointSecurityGroup", "EndpointClientSecurityGroup", "tcp", 443),
        ("egress", "EndpointClientSecurityGroup", "EndpointSecurityGroup", "tcp", 443),
    }
    assert {name: groups[-1] for name, groups in layout.placement.interfaces.items()} == {
        "web": "EndpointClientSecurityGroup", "worker": "EndpointClientSecurityGroup"}
    (group,) = [g for g in layout.groups if g.logical_id == "EndpointSecurityGroup"]
    assert group.ingress == ()  # services come in only through the standalone rules above
    assert [r.placeholder for r in group.egress] == [True]
    assert [(e.name, e.logical_id, e.kind) for e in layout.vpc_endpoints] == [
        ("ecr.api", "EcrApiEndpoint", "Interface"), ("ecr.dkr", "EcrDkrEndpoint", "Interface"),
        ("logs", "LogsEndpoint", "Interface"), ("s3", "S3Endpoint", "Gateway")]


def test_without_nat_the_platform_egress_says_it_reaches_only_s3():
    egress = {g.logical_id: g.egress for g in layout_of(PRIVATE).groups}["WebTaskSecurityGroup"]
    assert [(r.protocol, r.port, r.cidr) for r in egress] == [("tcp", 443, "0.0.0.0/0")]
    assert "S3 gateway endpoint" in egress[0].description and "via NAT" not in egress[0].description
    with_nat = {g.logical_id: g.egress for g in layout_of(BASE).groups}["WebTaskSecurityGroup"]
    assert "via NAT" in with_nat[0].description


def test_only_a_gateway_endpoint_needs_no_endpoint_group():
    layout = layout_of(BASE.replace("nat: per-az", "nat: per-az, endpoints: [s3]"))
    assert [e.kind for e in layout.vpc_endpoints] == ["Gateway"]
    assert not [g for g in layout.groups if g.logical_id == "EndpointSecurityGroup"]
    assert not [r for r in layout.rules if "Endpoint" in r.logical_id]
