"""Security groups and their rules, derived from the flows.

One group per load balancer, per service and per database (a database's admits only the services that flow to it,
on the engine port, and sends nothing), plus one "targets" group per balancer that routes to services: every task
the balancer routes to carries it, and the balancer's egress names it once per container port in use, so a balancer
shared by hundreds of services needs one egress rule per distinct port, not per service (the 60-rules-per-group
quota). The flow matrix stays exact because each routed service's own group admits the balancer on the service's
port only: a connection needs both the balancer's egress and the target's ingress, so a service on 8080 behind a
balancer that also sends to 9090 is still reachable on 8080 alone. The targets group has no ingress and never
changes with the ports, so changing a service's port changes rules, never an exported group. Rules naming another group are standalone ingress/egress resources
(``SourceSecurityGroupId`` / ``DestinationSecurityGroupId``) so groups never reference each other and the template
has no cycle. CIDR rules are inline. Every group declares inline egress: without it AWS keeps its implicit
allow-all egress, so a group with no CIDR egress gets the well-known placeholder rule (CDK's approach), which matches
no packet.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.model.sources import sources_of
from generator.plan.flows import (CIDR_SOURCE, CLOUDFRONT, CLOUDFRONT_PREFIX_LIST_PARAMETER, DATABASE, INTERNET,
                                  LISTED_SOURCES, LOAD_BALANCER, PREFIX_LIST_SOURCE, PRIVATELINK, SERVICE, Flow,
                                  network_listener_ports, redirects_http)
from generator.plan.ipv6 import egress_twin, private_egress
from generator.plan.names import balancer_group, database_group, pascal, service_group, targets_group

RULE_QUOTA = 60  # AWS default: 60 inbound and 60 outbound rules per security group
TARGETS = "targets"  # owner_kind of a balancer's targets group
#: A rule naming a managed prefix list counts as the list's max entries against the quota: CloudFront's
#: origin-facing list weighs 55 (AWS: "Work with AWS-managed prefix lists").
PREFIX_LIST_WEIGHTS = {CLOUDFRONT_PREFIX_LIST_PARAMETER: 55}
PLATFORM_EGRESS_PORT = 443
PLATFORM_EGRESS_REASON = "HTTPS to ECR, CloudWatch Logs and Secrets Manager via NAT"
PLATFORM_EGRESS_REASON_IPV6 = "HTTPS to ECR, CloudWatch Logs and Secrets Manager via the egress-only internet gateway"
#: An existing network routes the private subnets as its team decided (NAT, endpoints, a firewall).
PLATFORM_EGRESS_REASON_EXISTING = ("HTTPS to ECR, CloudWatch Logs and Secrets Manager through the existing VPC's "
                                   "private routes")
PLATFORM_EGRESS_REASON_WITHOUT_NAT = ("HTTPS to S3 (ECR image layers) via the S3 gateway endpoint, the only route "
                                      "out of the private subnets (nat none)")


@dataclass(frozen=True)
class CidrRule:
    """An inline rule to or from a CIDR."""

    protocol: str
    port: int
    cidr: str
    description: str
    placeholder: bool = False


@dataclass(frozen=True)
class PrefixListRule:
    """An inline ingress rule from a managed prefix list: its id is the stack parameter ``parameter``, or the literal
    ``prefix_list`` a blueprint listed under ``allow_from`` (then ``parameter`` is None)."""

    protocol: str
    port: int
    parameter: str | None
    description: str
    prefix_list: str | None = None
    entries: int = 1  # a listed source's max_entries as the blueprint states it (1 when it does not)

    @property
    def weight(self) -> int:
        """How many rules this one counts as against the group's quota (the list's max entries)."""
        return PREFIX_LIST_WEIGHTS.get(self.parameter, self.entries)


PLACEHOLDER_EGRESS = CidrRule(protocol="icmp", port=252, cidr="255.255.255.255/32",
                              description="Disallow all traffic", placeholder=True)
#: The placeholder's ICMP type/code pair (FromPort 252, ToPort 86): no packet ever matches it.
PLACEHOLDER_TO_PORT = 86


@dataclass(frozen=True)
class GroupRule:
    """A standalone rule between two groups; ``group`` owns it, ``peer`` is the other side."""

    logical_id: str
    direction: str  # "ingress" | "egress"
    group: str
    peer: str
    protocol: str
    port: int
    description: str


@dataclass(frozen=True)
class SecurityGroup:
    """One group with its inline CIDR rules; group-to-group rules live in :class:`GroupRule`."""

    logical_id: str
    owner_kind: str  # "load_balancer" | "targets" | "service" | "database" | "endpoint" | "endpoint_client"
    owner: str
    description: str
    ingress: tuple[CidrRule, ...]
    egress: tuple[CidrRule, ...]
    prefix_ingress: tuple[PrefixListRule, ...] = ()
    #: The balancer's HTTP:80 listener only answers 301 redirects to HTTPS (:func:`redirects_http`): the one
    #: decision that lets the emitter tell scanners why port 80 is open to the world.
    redirects_http: bool = False
    #: An internet-facing network balancer's listener ports besides 80/443, open to the world because its routes
    #: declare them (the emitter tells the audit's SG005 so, with the services named).
    public_listeners: tuple[tuple[int, str], ...] = ()

    @property
    def inbound_weight(self) -> int:
        """Inline inbound rules as the quota counts them (a prefix-list rule weighs its list's size)."""
        return len(self.ingress) + sum(rule.weight for rule in self.prefix_ingress)


def _group_of(kind: str, name: str) -> str:
    if kind == DATABASE:
        return database_group(name)
    return balancer_group(name) if kind == LOAD_BALANCER else service_group(name)


def _rule_name(kind: str, name: str) -> str:
    """``orders`` database -> ``OrdersDatabase``: one side of a standalone rule's logical id."""
    return pascal(name) + {LOAD_BALANCER: "LoadBalancer", DATABASE: "Database"}.get(kind, "Task")


def platform_egress_reason(bp) -> str:
    """What the platform's tcp 443 to 0.0.0.0/0 rule reaches, stated truthfully for the NAT mode.

    With a NAT gateway it reaches ECR, CloudWatch Logs and Secrets Manager on the internet. With ``nat: none`` the
    private route tables hold only the local route and the S3 gateway endpoint's prefix-list route, so the same
    rule can reach nothing but S3 (interface endpoints are reached through the endpoint group's own rules). The
    rule is kept as 0.0.0.0/0 rather than narrowed to the S3 prefix list because CloudFormation exposes no
    attribute for that list's id (``AWS::EC2::PrefixList`` is for customer-managed lists; the gateway endpoint has
    no ``PrefixListId`` attribute): narrowing would need a per-region table of ids that goes stale, or a deploy-time
    lookup function. The route table is the control; the description says so.
    """
    if not bp.network.managed:
        return PLATFORM_EGRESS_REASON_EXISTING
    return PLATFORM_EGRESS_REASON_WITHOUT_NAT if bp.network.nat == "none" else PLATFORM_EGRESS_REASON


def _service_cidr_egress(bp, name: str, service) -> tuple[CidrRule, ...]:
    """The platform's HTTPS egress plus the declared egress, one rule per (protocol, port, cidr)."""
    rules: dict[tuple, CidrRule] = {
        ("tcp", PLATFORM_EGRESS_PORT, "0.0.0.0/0"): CidrRule("tcp", PLATFORM_EGRESS_PORT, "0.0.0.0/0",
                                                             platform_egress_reason(bp))}
    for egress in service.egress:  # reasons were checked against the rule-description alphabet by the model
        _add_egress(rules, egress.protocol, egress.port, str(egress.cidr), egress.reason)
    if private_egress(bp):  # dual stack with a route out: the internet is ::/0 too (generator/plan/ipv6.py)
        for key in sorted(rules):
            twin = egress_twin(key[2])
            if twin is not None:
                reason = rules[key].description.replace(PLATFORM_EGRESS_REASON, PLATFORM_EGRESS_REASON_IPV6)
                _add_egress(rules, key[0], key[1], twin, reason)
    return tuple(rules[key] for key in sorted(rules))


def _add_egress(rules: dict, protocol: str, port: int, cidr: str, reason: str) -> None:
    """One rule per (protocol, port, cidr): AWS rejects duplicate rules, so a second one adds its reason."""
    key = (protocol, port, cidr)
    if key in rules:
        old = rules[key]
        if reason not in old.description.split("; "):
            rules[key] = CidrRule(old.protocol, old.port, old.cidr, f"{old.description}; {reason}"[:255])
    else:
        rules[key] = CidrRule(protocol, port, cidr, reason)


def _balancer_cidr_ingress(flows: tuple[Flow, ...], name: str, network: bool = False) -> tuple[CidrRule, ...]:
    """The internet's rules (and, on a network balancer, the PrivateLink consumers'), one per flow."""
    if network:
        return tuple(CidrRule("tcp", f.port, f.source, _network_ingress_description(f))
                     for f in flows if f.source_kind in (INTERNET, PRIVATELINK) and f.target == name)
    return tuple(CidrRule("tcp", f.port, f.source, f"{'HTTPS' if f.port == 443 else 'HTTP'} from the internet"
                                                   + (" over IPv6" if ":" in f.source else ""))
                 for f in flows if f.source_kind == INTERNET and f.target == name)


def _network_ingress_description(flow: Flow) -> str:
    """``TLS to ledger from the internet`` / ``TCP to ledger from PrivateLink consumers (2 principals)``: what the
    flow's description says in parentheses, and who."""
    why = flow.description.rsplit("(", 1)[-1].rstrip(")")
    if flow.source_kind == INTERNET:
        return f"{why} from the internet" + (" over IPv6" if ":" in flow.source else "")
    count = len(flow.consumers)
    return f"{why} from PrivateLink consumers ({count} allowed principal{'s' if count != 1 else ''})"


def _balancer_prefix_ingress(flows: tuple[Flow, ...], name: str) -> tuple[PrefixListRule, ...]:
    return tuple(PrefixListRule("tcp", f.port, CLOUDFRONT_PREFIX_LIST_PARAMETER, "HTTPS from CloudFront origin-facing "
                                                                                "servers only")
                 for f in flows if f.source_kind == CLOUDFRONT and f.target == name)


def _balancer_source_ingress(bp, flows: tuple[Flow, ...], name: str) -> tuple[tuple[CidrRule, ...],
                                                                             tuple[PrefixListRule, ...]]:
    """The rules of the balancer's listed sources (``allow_from: [...]``): one per source and listener port, each
    described with the source's reason; a prefix list weighs its stated max entries."""
    weights = {source.value: source.weight for source in sources_of(bp.load_balancers[name])}
    mine = [f for f in flows if f.source_kind in LISTED_SOURCES and f.target == name]
    cidrs = tuple(CidrRule("tcp", f.port, f.source, f.description) for f in mine if f.source_kind == CIDR_SOURCE)
    lists = tuple(PrefixListRule("tcp", f.port, None if f.source_kind == PREFIX_LIST_SOURCE else f.source,
                                 f.description, f.source if f.source_kind == PREFIX_LIST_SOURCE else None,
                                 weights[f.source])
                  for f in mine if f.source_kind != CIDR_SOURCE)
    return cidrs, lists


def _routed_rules(flow: Flow) -> tuple[GroupRule, GroupRule]:
    """Balancer -> a service it routes to: the service's group admits the balancer on the service's port; the
    balancer's egress names its targets group on that port (one egress rule per port, shared by the services)."""
    balancer, service = _rule_name(LOAD_BALANCER, flow.source), _rule_name(SERVICE, flow.target)
    return (GroupRule(f"{service}IngressFrom{balancer}", "ingress", service_group(flow.target),
                      balancer_group(flow.source), flow.protocol, flow.port, f"from {flow.description}"),
            GroupRule(f"{balancer}EgressToTargets{flow.port}", "egress", balancer_group(flow.source),
                      targets_group(flow.source), flow.protocol, flow.port,
                      f"to the tasks the {flow.source} load balancer routes to on {flow.port}"))


def targets_groups(bp, flows: tuple[Flow, ...]) -> tuple[SecurityGroup, ...]:
    """One group per balancer that routes to some service."""
    balancers = sorted({f.source for f in flows if f.source_kind == LOAD_BALANCER and f.target_kind == SERVICE})
    return tuple(SecurityGroup(targets_group(balancer), TARGETS, balancer,
                               f"{bp.name} {bp.env}: tasks behind the {balancer} load balancer",
                               (), (PLACEHOLDER_EGRESS,)) for balancer in balancers)


def group_rules(flows: tuple[Flow, ...]) -> tuple[GroupRule, ...]:
    """An ingress rule on the target and an egress rule on the source for every group-to-group flow; a balancer's
    egress to the services it routes to names its targets group, once per port."""
    rules: list[GroupRule] = []
    shared: set[str] = set()  # the balancers' egress rules to their targets groups, one per (balancer, port)
    for flow in flows:
        if flow.source_kind in (INTERNET, CLOUDFRONT, PRIVATELINK) + LISTED_SOURCES:
            continue
        if flow.source_kind == LOAD_BALANCER and flow.target_kind == SERVICE:
            ingress, egress = _routed_rules(flow)
            rules.append(ingress)
            if egress.logical_id not in shared:
                shared.add(egress.logical_id)
                rules.append(egress)
            continue
        source, target = _group_of(flow.source_kind, flow.source), _group_of(flow.target_kind, flow.target)
        source_name, target_name = _rule_name(flow.source_kind, flow.source), _rule_name(flow.target_kind, flow.target)
        rules.append(GroupRule(f"{target_name}IngressFrom{source_name}", "ingress", target, source,
                               flow.protocol, flow.port, f"from {flow.description}"))
        rules.append(GroupRule(f"{source_name}EgressTo{target_name}", "egress", source, target,
                               flow.protocol, flow.port, f"to {flow.description}"))
    return tuple(sorted(rules, key=lambda rule: rule.logical_id))


def security_groups(bp, flows: tuple[Flow, ...], rules: tuple[GroupRule, ...],
                    extra: tuple[SecurityGroup, ...] = ()) -> tuple[SecurityGroup, ...]:
    """Every group of the environment (``extra``: groups planned elsewhere, e.g. the VPC endpoints' group), sorted
    by logical id, with the rule quota enforced."""
    groups = []
    for name, balancer in bp.load_balancers.items():
        ingress = _balancer_cidr_ingress(flows, name, balancer.network)
        listed_cidrs, listed_lists = _balancer_source_ingress(bp, flows, name)
        kind = f"network, {balancer.scheme}" if balancer.network else balancer.scheme
        public = tuple((port, service) for port, service in network_listener_ports(bp, name)
                       if port not in (80, 443)) if balancer.network and balancer.scheme == "internet-facing" \
            and not sources_of(balancer) else ()  # listed sources are not the whole internet (SG005)
        groups.append(SecurityGroup(balancer_group(name), LOAD_BALANCER, name,
                                    f"{bp.name} {bp.env}: {name} load balancer ({kind})",
                                    ingress + listed_cidrs, (PLACEHOLDER_EGRESS,),
                                    _balancer_prefix_ingress(flows, name) + listed_lists,
                                    redirects_http=redirects_http(balancer), public_listeners=public))
    for name, service in bp.services.items():
        groups.append(SecurityGroup(service_group(name), SERVICE, name, f"{bp.name} {bp.env}: {name} tasks",
                                    (), _service_cidr_egress(bp, name, service)))
    for name, database in bp.databases.items():
        groups.append(SecurityGroup(database_group(name), DATABASE, name,
                                    f"{bp.name} {bp.env}: {name} database ({database.engine})",
                                    (), (PLACEHOLDER_EGRESS,)))
    groups.extend(targets_groups(bp, flows))
    groups.extend(extra)
    for group in groups:
        inbound = group.inbound_weight + sum(1 for r in rules if r.group == group.logical_id and r.direction == "ingress")
        outbound = len([r for r in group.egress if not r.placeholder]) + sum(
            1 for r in rules if r.group == group.logical_id and r.direction == "egress")
        where = {LOAD_BALANCER: ("load_balancers", group.owner), TARGETS: ("load_balancers", group.owner),
                 SERVICE: ("services", group.owner),
                 DATABASE: ("databases", group.owner)}.get(group.owner_kind, ("network", group.owner))
        if group.owner_kind == LOAD_BALANCER and sources_of(bp.load_balancers[group.owner]) and inbound > RULE_QUOTA:
            raise bp.error_at(("load_balancers", group.owner, "allow_from"), _sources_quota(group, inbound))
        for direction, count in (("inbound", inbound), ("outbound", outbound)):
            if count > RULE_QUOTA:
                raise bp.error_at(where,
                                  f"the security group of {group.owner} needs {count} {direction} rules "
                                  f"(at most {RULE_QUOTA} per group{_weight_note(group)}: reduce flows or egress)")
    return tuple(sorted(groups, key=lambda group: group.logical_id))


def _weight_note(group: SecurityGroup) -> str:
    if not group.prefix_ingress:
        return ""
    weights = ", ".join(f"{rule.weight} for the CloudFront prefix list" for rule in group.prefix_ingress)
    return f"; counted with {weights}"


def _sources_quota(group: SecurityGroup, inbound: int) -> str:
    """Too many listed sources: say how the count arises (sources x listener ports, prefix lists by their size)."""
    ports = sorted({rule.port for rule in group.ingress} | {rule.port for rule in group.prefix_ingress})
    weighted = [f"{rule.prefix_list or rule.parameter} counts {rule.weight}" for rule in group.prefix_ingress
                if rule.weight > 1 and rule.port == ports[0]]
    note = f"; {', '.join(weighted)} (its max_entries)" if weighted else ""
    return (f"these sources need {inbound} inbound rules on the {group.owner} load balancer's security group (one "
            f"per source and listener port, {'/'.join(map(str, ports))}{note}), more than the {RULE_QUOTA} AWS "
            "allows per group (list fewer sources, or merge neighbouring ranges)")
