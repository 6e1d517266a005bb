"""The reachability verdicts of one environment, and the graph of labelled edges they were proven on.

Three questions per workload (ECS service, database, instance):

* internet: can a packet from the internet arrive? Through a balancer (internet gateway -> public subnet ->
  internet-facing balancer listener -> target group -> workload) or directly (a public IP in a public subnet). Every
  hop is checked: routes, scheme, the balancer's ingress, the balancer's egress, the workload's ingress.
* callers: which other workloads can open a connection, on which ports, directly (the caller's egress AND the
  target's ingress) or through an internal balancer (caller -> balancer on a listener port -> any target group of
  that balancer: a balancer's group cannot tell listener rules apart, so one flow through it reaches all behind it).
* outbound: internet through a NAT gateway (or an internet gateway with a public IP), only VPC endpoints, or none.

Every verdict is yes, no or unknown; unknown carries the reason (a parameter, a condition, a group outside the
templates) and is never counted as safe.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from generator.reach.firewall import (INTERNET_DESTINATION, INTERNET_DESTINATION_V4, INTERNET_DESTINATION_V6,
                                      INTERNET_SIDE, NO, UNKNOWN, YES, Cidr, Firewall, Ports, PrefixList, Side,
                                      only_from, read_firewall, strongest, weakest)
from generator.reach.inventory import (Balancer, Workload, nat_is_public, read_balancers, read_endpoints,
                                       read_subnets, read_workloads)
from generator.reach.values import Evaluator, Res, Stack, Unknown
from generator.reach import privatelink

HTTPS = 443


@dataclass(frozen=True, order=True)
class Node:
    id: str
    kind: str  # internet | gateway | nat | subnet | balancer | target-group | service | database | instance | endpoint
    label: str


@dataclass(frozen=True, order=True)
class Edge:
    source: str
    target: str
    label: str
    verdict: str  # yes | unknown


@dataclass(frozen=True, order=True)
class Path:
    verdict: str
    text: str  # "internet → IGW → PublicSubnet1 → PublicLoadBalancer:443 → WebTargetGroup → web tcp/8080"
    reason: str = ""  # for unknown paths: why it cannot be decided
    #: The only internet sources the balancer admits on this path (CIDRs, prefix lists); empty: the whole internet.
    only_from: tuple[str, ...] = ()


@dataclass(frozen=True, order=True)
class Caller:
    source: str
    ports: str
    via: str  # "" for a direct connection, else "Balancer:port"
    verdict: str
    reason: str = ""
    source_stack: str = ""
    source_id: str = ""
    #: An address range or prefix list outside the VPC (a corporate network over VPN or Direct Connect) that an
    #: internal balancer admits, rather than a workload of the templates.
    external: bool = False

    def __str__(self) -> str:
        return f"{self.source} {self.ports}" + (f" via {self.via}" if self.via else "")


@dataclass
class Verdict:
    """What one workload can be reached from and reach."""

    name: str
    kind: str
    stack: str
    logical_id: str
    internet: str = NO
    internet_paths: list[Path] = field(default_factory=list)
    callers: list[Caller] = field(default_factory=list)
    outbound: str = "none"  # internet | endpoints | none | unknown
    outbound_paths: list[Path] = field(default_factory=list)
    all_outbound: bool = False
    #: Paths from outside the VPC through a VPC endpoint service (generator.reach.privatelink).
    privatelink_paths: list[Path] = field(default_factory=list)
    #: When every path from the internet is limited to chosen sources: those sources (internet is then "restricted").
    internet_only_from: list[str] = field(default_factory=list)

    @property
    def restricted(self) -> bool:
        """Reachable from the internet, but only from the listed sources (partners), never from everyone."""
        return self.internet == YES and bool(self.internet_only_from)

    @property
    def key(self) -> tuple[str, str]:
        return (self.stack, self.logical_id)

    def caller_names(self, verdict: str = YES) -> list[str]:
        """The workloads that can call this one (ranges outside the VPC, ``external``, are not workloads)."""
        return sorted({c.source for c in self.callers if c.verdict == verdict and not c.external})


@dataclass(frozen=True, order=True)
class SubnetView:
    """One subnet of the templates, for reports and diagrams: where it is and where its default route goes."""

    id: str  # node id, as in Node.id and Edge.source/target ("stack/LogicalId")
    label: str
    cidr: str  # "" when known only at deploy time
    zone: str  # "1", "2", ... for ``!Select [i, !GetAZs '']``, the zone's name when literal, "" when unknown
    route: str  # where 0.0.0.0/0 goes: igw | nat | none | other | unknown


@dataclass(frozen=True, order=True)
class Placement:
    """Where a workload, balancer, NAT gateway or VPC endpoint sits: the subnets it is placed in (node ids)."""

    id: str
    kind: str  # service | database | instance | balancer | nat | endpoint
    label: str
    subnets: tuple[str, ...]  # gateway endpoints: the subnets whose route tables hold it; () when not known
    detail: str = ""  # balancer: its scheme; endpoint: "<service> (interface|gateway)"


@dataclass
class Reach:
    """The verdicts of every workload, the graph behind them, and caveats that apply to the whole environment.

    ``subnets`` and ``placements`` describe the whole network (also what no path uses), for reports and diagrams.
    """

    verdicts: list[Verdict]
    nodes: list[Node]
    edges: list[Edge]
    caveats: list[str]
    subnets: list[SubnetView] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)

    def find(self, stack: str, logical_id: str) -> Verdict | None:
        return next((v for v in self.verdicts if v.key == (stack, logical_id)), None)


def _reason(*values) -> str:
    return "; ".join(sorted({v.reason for v in values if isinstance(v, Unknown)}))


def _outside(firewall, *group_sets) -> str:
    """Why a verdict is unknown when every value is known: a group the workloads wear is outside the templates (an
    attached, centrally managed group), so its rules may admit the traffic."""
    outside = sorted({key[1] for groups in group_sets if isinstance(groups, frozenset)
                      for key in groups if key not in firewall.groups})
    if not outside:
        return ""
    if len(outside) == 1:
        return f"security group {outside[0]} is outside the templates: its rules are managed elsewhere"
    return (f"security groups {', '.join(outside[:-1])} and {outside[-1]} are outside the templates: their rules "
            "are managed elsewhere")


class _Analysis:
    def __init__(self, stacks: list[Stack]):
        self.evaluator = Evaluator(stacks)
        self.firewall: Firewall = read_firewall(self.evaluator)
        self.subnets = read_subnets(self.evaluator)
        self.balancers = read_balancers(self.evaluator)
        self.workloads, self.targets = read_workloads(self.evaluator)
        self.endpoints = read_endpoints(self.evaluator)
        self.endpoint_services = privatelink.read_endpoint_services(self.evaluator)
        self.labels = _labels(self.evaluator, self.workloads)
        self.nodes: dict[str, Node] = {"internet": Node("internet", "internet", "internet")}
        self.edges: set[Edge] = set()

    # --- naming and graph ------------------------------------------------------------------------------------------

    def label(self, key: tuple) -> str:
        return self.labels.get(key) or (key[1] if key[0] == "" else self.labels.setdefault(key, key[1]))

    def node(self, key: tuple, kind: str) -> str:
        node_id = "/".join(key) if key[0] else key[1]
        self.nodes.setdefault(node_id, Node(node_id, kind, self.label(key)))
        return node_id

    def edge(self, source: str, target: str, label: str, verdict: str) -> None:
        if verdict != NO:
            self.edges.add(Edge(source, target, label, verdict))

    # --- sides -----------------------------------------------------------------------------------------------------

    def cidrs(self, subnets):
        if isinstance(subnets, Unknown):
            return subnets
        found = [self.subnets[s].cidr for s in subnets if s in self.subnets]
        unknown = [c for c in found if isinstance(c, Unknown)]
        return unknown[0] if unknown else tuple(found)

    def side(self, groups, subnets) -> Side:
        return Side(groups=groups if groups is not None else frozenset(), cidrs=self.cidrs(subnets))

    def public_subnets(self, subnets) -> tuple[str, list]:
        """Verdict that some subnet is public, and the public (or maybe-public) ones."""
        if isinstance(subnets, Unknown):
            return UNKNOWN, []
        found = [(s, self.subnets[s].public) for s in subnets if s in self.subnets]
        yes = [s for s, public in found if public is True]
        maybe = [s for s, public in found if isinstance(public, Unknown)]
        if yes:
            return YES, yes
        return (UNKNOWN, maybe) if maybe else (NO, [])

    # --- hops ------------------------------------------------------------------------------------------------------

    def balancer_to(self, balancer: Balancer, workload: Workload, port) -> str:
        """The balancer's egress and the workload's ingress on ``port``."""
        if isinstance(port, Unknown):
            return UNKNOWN
        out, _ = self.firewall.passes(balancer.groups, "egress", self.side(workload.groups, workload.subnets),
                                      "tcp", port)
        source = self.side(balancer.groups, balancer.subnets)
        into, _ = self.firewall.passes(workload.groups, "ingress", source, "tcp", port)
        if balancer.groups is None:  # no security group (NLB): targets may see the client's own address
            into = strongest([into, self.firewall.passes(workload.groups, "ingress", INTERNET_SIDE, "tcp", port)[0]])
        return weakest(out, into)

    def behind(self, balancer: Balancer):
        """``(listener, target group key, workload key, port)`` for everything a balancer forwards to."""
        for listener in balancer.listeners:
            for group in listener.target_groups:
                if isinstance(group, Unknown):
                    continue
                for workload, port in self.targets.get(group, []):
                    yield listener, group, workload, port

    # --- internet --------------------------------------------------------------------------------------------------

    def internet_paths(self, workload: Workload) -> list[Path]:
        paths = []
        for balancer in sorted(self.balancers.values(), key=lambda b: b.key):
            for listener, group, target, port in self.behind(balancer):
                if target == workload.key:
                    paths.append(self.via_balancer(balancer, listener, group, workload, port))
        paths.extend(self.direct(workload))
        return [p for p in paths if p.verdict != NO]

    def via_balancer(self, balancer, listener, group, workload, port) -> Path:
        scheme = balancer.scheme
        scheme_v = UNKNOWN if isinstance(scheme, Unknown) else (YES if scheme == "internet-facing" else NO)
        subnet_v, public = self.public_subnets(balancer.subnets)
        listen_v, admitted = self.firewall.passes(balancer.groups, "ingress", INTERNET_SIDE,
                                                  "udp" if "UDP" in listener.protocol else "tcp", listener.port)
        target_v = self.balancer_to(balancer, workload, port)
        verdict = weakest(scheme_v, subnet_v, listen_v, target_v)
        subnet = public[0] if public else None
        gateway = self.subnets[subnet].gateway if subnet else None
        lb_label = f"{self.label(balancer.key)}:{listener.port if isinstance(listener.port, int) else '?'}"
        port_text = f"tcp/{port}" if isinstance(port, int) else "tcp/?"
        text = " → ".join(["internet", self.label(gateway) if gateway else "IGW",
                           self.label(subnet) if subnet else "public subnet", lb_label, self.label(group),
                           f"{self.label(workload.key)} {port_text}"])
        if verdict != NO:
            lb, tg = self.node(balancer.key, "balancer"), self.node(group, "target-group")
            previous = "internet"
            if gateway:
                previous = self.node(gateway, "gateway")
                self.edge("internet", previous, "0.0.0.0/0", verdict)
            for s in public:
                self.edge(previous, self.node(s, "subnet"), "route 0.0.0.0/0", verdict)
                self.edge(self.node(s, "subnet"), lb, "placement", verdict)
            self.edge(lb, tg, f"listener {lb_label.rsplit(':', 1)[1]}", verdict)
            self.edge(tg, self.node(workload.key, workload.kind), port_text, verdict)
        return Path(verdict, text, _reason(scheme, balancer.subnets, balancer.groups, listener.port)
                    if verdict == UNKNOWN else "", only_from(admitted) if verdict == YES else ())

    def direct(self, workload: Workload) -> list[Path]:
        """A public IP in a public subnet with ingress open to the internet: the path that bypasses balancers."""
        public_ip = workload.public_ip
        ip_v = UNKNOWN if isinstance(public_ip, Unknown) else (YES if public_ip else NO)
        if ip_v == NO:
            return []
        subnet_v, public = self.public_subnets(workload.subnets)
        open_ranges = self.firewall.ranges(workload.groups, "ingress", INTERNET_SIDE)
        ingress_v = strongest(v for _, v in open_ranges)
        verdict = weakest(ip_v, subnet_v, ingress_v)
        if verdict == NO:
            return []
        ports = ", ".join(sorted({str(p) for p, v in open_ranges if v == YES})) or "ports unknown"
        subnet = public[0] if public else None
        gateway = self.subnets[subnet].gateway if subnet else None
        text = " → ".join(["internet", self.label(gateway) if gateway else "IGW",
                           self.label(subnet) if subnet else "public subnet",
                           f"{self.label(workload.key)} {ports} (public IP, bypasses any load balancer)"])
        target = self.node(workload.key, workload.kind)
        previous = self.node(gateway, "gateway") if gateway else "internet"
        if gateway:
            self.edge("internet", previous, "0.0.0.0/0", verdict)
        for s in public:
            self.edge(previous, self.node(s, "subnet"), "route 0.0.0.0/0", verdict)
            self.edge(self.node(s, "subnet"), target, f"public IP {ports}", verdict)
        return [Path(verdict, text, _reason(public_ip, workload.subnets, workload.groups)
                     if verdict == UNKNOWN else "")]

    # --- callers ---------------------------------------------------------------------------------------------------

    def callers(self, target: Workload) -> list[Caller]:
        found = []
        target_side = self.side(target.groups, target.subnets)
        for source in sorted(self.workloads.values(), key=lambda w: w.key):
            if source.key == target.key or source.kind == "database":
                continue
            source_side = self.side(source.groups, source.subnets)
            allowed = []
            for into, into_v in self.firewall.ranges(target.groups, "ingress", source_side):
                for out, out_v in self.firewall.ranges(source.groups, "egress", target_side):
                    both = into.intersect(out)
                    if both is not None and both.protocol in ("tcp", "udp", "all"):
                        allowed.append((both, weakest(into_v, out_v)))
            for verdict in (YES, UNKNOWN):
                ports = sorted({str(p) for p, v in allowed if v == verdict})
                if ports and (verdict == YES or not any(v == YES for _, v in allowed)):
                    found.append(Caller(self.label(source.key), ", ".join(ports), "", verdict,
                                        (_reason(source.groups, target.groups, source_side.cidrs, target_side.cidrs)
                                         or _outside(self.firewall, source.groups, target.groups))
                                        if verdict == UNKNOWN else "", *source.key))
                    self.edge(self.node(source.key, source.kind), self.node(target.key, target.kind),
                              ", ".join(ports), verdict)
            found.extend(self.through_balancers(source, source_side, target))
        found.extend(self.external_sources(target))
        return sorted(set(found))

    def inside_vpc(self, peer) -> bool:
        """Whether a CIDR peer overlaps a subnet of the templates (its callers are then workloads, found above)."""
        cidrs = [s.cidr for s in self.subnets.values() if not isinstance(s.cidr, Unknown)]
        return any(peer.network.version == c.version and peer.network.overlaps(c) for c in cidrs)

    def external_sources(self, target: Workload) -> list[Caller]:
        """Address ranges and prefix lists outside the VPC that an internal balancer in front of ``target`` admits
        on a listener port (corporate networks over VPN or Direct Connect): callers that are not workloads."""
        found = []
        for balancer in sorted(self.balancers.values(), key=lambda b: b.key):
            if balancer.scheme == "internet-facing" or balancer.groups is None or isinstance(balancer.groups, Unknown):
                continue
            for listener, group, workload, port in self.behind(balancer):
                if workload != target.key or isinstance(listener.port, Unknown):
                    continue
                onward = self.balancer_to(balancer, target, port)
                for key in sorted(balancer.groups):
                    for rule in self.firewall.of(key, "ingress"):
                        outside = isinstance(rule.peer, PrefixList) or (
                            isinstance(rule.peer, Cidr) and not self.inside_vpc(rule.peer))
                        if not outside or not isinstance(rule.ports, Ports) or \
                                not rule.ports.covers("tcp", listener.port):
                            continue
                        verdict = weakest(YES, onward)
                        if verdict != NO:
                            found.append(Caller(str(rule.peer), f"tcp/{port}" if isinstance(port, int) else "tcp/?",
                                                f"{self.label(balancer.key)}:{listener.port}", verdict,
                                                external=True))
        return found

    def through_balancers(self, source: Workload, source_side: Side, target: Workload) -> list[Caller]:
        """Callers of a target through a balancer that is not internet-facing (internet-facing ones are counted
        as internet reach): reaching the listener is enough, whichever rule would pick the target."""
        found = []
        for balancer in sorted(self.balancers.values(), key=lambda b: b.key):
            if balancer.scheme == "internet-facing":
                continue
            for listener, group, workload, port in self.behind(balancer):
                if workload != target.key or isinstance(listener.port, Unknown):
                    continue
                balancer_side = self.side(balancer.groups, balancer.subnets)
                out, _ = self.firewall.passes(source.groups, "egress", balancer_side, "tcp", listener.port)
                into, _ = self.firewall.passes(balancer.groups, "ingress", source_side, "tcp", listener.port)
                verdict = weakest(out, into, self.balancer_to(balancer, target, port))
                if verdict == NO:
                    continue
                via = f"{self.label(balancer.key)}:{listener.port}"
                found.append(Caller(self.label(source.key), f"tcp/{port}" if isinstance(port, int) else "tcp/?",
                                    via, verdict, _reason(balancer.scheme, balancer.groups, source.groups)
                                    if verdict == UNKNOWN else "", *source.key))
                lb = self.node(balancer.key, "balancer")
                self.edge(self.node(source.key, source.kind), lb, f"tcp/{listener.port}", verdict)
                self.edge(lb, self.node(group, "target-group"), f"listener {listener.port}", verdict)
                self.edge(self.node(group, "target-group"), self.node(target.key, target.kind),
                          f"tcp/{port}" if isinstance(port, int) else "tcp/?", verdict)
        return found

    # --- outbound --------------------------------------------------------------------------------------------------

    def outbound(self, workload: Workload, verdict: Verdict) -> None:
        verdict.all_outbound = any(p.protocol == "all" and v == YES
                                   for p, v in self.firewall.ranges(workload.groups, "egress", INTERNET_DESTINATION))
        egress = self.firewall.ranges(workload.groups, "egress", INTERNET_DESTINATION_V4)  # NAT and IGW routes
        egress_v = strongest(v for _, v in egress)
        ports = ", ".join(sorted({str(p) for p, v in egress if v == YES})) or "no ports"
        routes = []
        if isinstance(workload.subnets, Unknown):
            routes.append(Path(UNKNOWN, "internet", workload.subnets.reason))
        else:
            for key in workload.subnets:
                subnet = self.subnets.get(key)
                if subnet is None:
                    continue
                if isinstance(subnet.route, Unknown):
                    routes.append(Path(UNKNOWN, f"{self.label(key)} → ?", subnet.route.reason))
                elif subnet.route == "nat":
                    nat_v = nat_is_public(self.evaluator, self.subnets, subnet.gateway)
                    nat_v = UNKNOWN if isinstance(nat_v, Unknown) else (YES if nat_v else NO)
                    routes.append(Path(nat_v, f"{self.label(key)} → {self.label(subnet.gateway)} (NAT) → internet"))
                    if nat_v != NO:
                        nat = self.node(subnet.gateway, "nat")
                        self.edge(self.node(workload.key, workload.kind), nat, ports, weakest(nat_v, egress_v))
                        self.edge(nat, "internet", "0.0.0.0/0", weakest(nat_v, egress_v))
                elif subnet.route == "igw":
                    ip = workload.public_ip
                    ip_v = UNKNOWN if isinstance(ip, Unknown) else (YES if ip else NO)
                    routes.append(Path(ip_v, f"{self.label(key)} → {self.label(subnet.gateway)} (public IP) → "
                                             "internet", _reason(ip)))
                    if ip_v != NO:
                        self.edge(self.node(workload.key, workload.kind), "internet", ports, weakest(ip_v, egress_v))
                elif subnet.route == "other":
                    routes.append(Path(UNKNOWN, f"{self.label(key)} → ?", "default route to a gateway that is "
                                                                           "not an internet or NAT gateway"))
        internet_v = weakest(egress_v, strongest(r.verdict for r in routes))
        internet_paths = sorted({Path(weakest(r.verdict, egress_v), f"{r.text} ({ports})", r.reason)
                                 for r in routes if r.verdict != NO}) if internet_v != NO else []
        internet6_v, internet6_paths = self.outbound_ipv6(workload)
        internet_v = strongest([internet_v, internet6_v])
        internet_paths = sorted(set(internet_paths) | set(internet6_paths))
        endpoint_paths = self.endpoint_paths(workload)
        verdict.outbound_paths = internet_paths + endpoint_paths
        endpoint_v = strongest(p.verdict for p in endpoint_paths)
        if internet_v == YES:
            verdict.outbound = "internet"
        elif internet_v == UNKNOWN:
            verdict.outbound = UNKNOWN
        elif endpoint_v == YES:
            verdict.outbound = "endpoints"
        else:
            verdict.outbound = UNKNOWN if endpoint_v == UNKNOWN else "none"

    def outbound_ipv6(self, workload: Workload) -> tuple[str, list[Path]]:
        """The IPv6 way out: an egress rule to a public IPv6 range and a subnet whose ``::/0`` route goes to an
        egress-only internet gateway (outbound only) or to an internet gateway (where the workload has an IPv6
        address, which is globally routable). IPv6 needs no NAT and no public IPv4."""
        if isinstance(workload.subnets, Unknown):
            return NO, []
        egress = self.firewall.ranges(workload.groups, "egress", INTERNET_DESTINATION_V6)
        egress_v = strongest(v for _, v in egress)
        if egress_v == NO:
            return NO, []
        ports = ", ".join(sorted({str(p) for p, v in egress if v == YES})) or "no ports"
        routes = []
        for key in workload.subnets:
            subnet = self.subnets.get(key)
            if subnet is None or subnet.route6 in ("none", "other"):
                continue
            if isinstance(subnet.route6, Unknown):
                routes.append(Path(UNKNOWN, f"{self.label(key)} → ? (IPv6)", subnet.route6.reason))
                continue
            kind = "egress-only" if subnet.route6 == "eigw" else "IPv6"
            routes.append(Path(YES, f"{self.label(key)} → {self.label(subnet.gateway6)} ({kind}) → internet"))
            self.edge(self.node(workload.key, workload.kind), self.node(subnet.gateway6, "gateway"), ports, egress_v)
            self.edge(self.node(subnet.gateway6, "gateway"), "internet", "::/0", egress_v)
        paths = [Path(weakest(r.verdict, egress_v), f"{r.text} ({ports})", r.reason) for r in routes]
        return strongest(p.verdict for p in paths), paths

    def endpoint_paths(self, workload: Workload) -> list[Path]:
        paths = []
        tables = set() if isinstance(workload.subnets, Unknown) else \
            {self.subnets[s].route_table for s in workload.subnets if s in self.subnets}
        own = self.side(workload.groups, workload.subnets)
        for endpoint in sorted(self.endpoints.values(), key=lambda e: e.key):
            if endpoint.kind == "Gateway":
                routed = UNKNOWN if isinstance(endpoint.route_tables, Unknown) else \
                    (YES if tables & set(endpoint.route_tables) else NO)
                out, _ = self.firewall.passes(workload.groups, "egress", Side(internet=True, prefix_lists=YES),
                                              "tcp", HTTPS)
                verdict = weakest(routed, out)
            else:
                out, _ = self.firewall.passes(workload.groups, "egress", self.side(endpoint.groups, endpoint.subnets),
                                              "tcp", HTTPS)
                into, _ = self.firewall.passes(endpoint.groups, "ingress", own, "tcp", HTTPS)
                verdict = weakest(out, into)
            if verdict != NO:
                paths.append(Path(verdict, f"endpoint {endpoint.service} ({endpoint.kind.lower()}) tcp/{HTTPS}",
                                  _reason(endpoint.groups, endpoint.route_tables) if verdict == UNKNOWN else ""))
                self.edge(self.node(workload.key, workload.kind), self.node(endpoint.key, "endpoint"),
                          f"tcp/{HTTPS}", verdict)
        return paths

    # --- whole -----------------------------------------------------------------------------------------------------

    def run(self) -> Reach:
        verdicts = []
        for key in sorted(self.workloads):
            workload = self.workloads[key]
            verdict = Verdict(self.label(key), workload.kind, key[0], key[1])
            self.node(key, workload.kind)
            verdict.internet_paths = sorted(self.internet_paths(workload))
            verdict.internet = strongest(p.verdict for p in verdict.internet_paths)
            reaching = [p for p in verdict.internet_paths if p.verdict == YES]
            if reaching and all(p.only_from for p in reaching):
                verdict.internet_only_from = sorted({s for p in reaching for s in p.only_from})
            verdict.callers = self.callers(workload)
            verdict.privatelink_paths = [Path(*found) for found in privatelink.paths(self, workload)]
            self.outbound(workload, verdict)
            verdicts.append(verdict)
        verdicts.sort(key=lambda v: ({"service": 0, "instance": 1, "database": 2}[v.kind], v.name, v.key))
        return Reach(verdicts, sorted(self.nodes.values()), sorted(self.edges), sorted(self.firewall.unresolved),
                     self.subnet_views(), self.placements())

    # --- network view (reports, diagrams) ---------------------------------------------------------------------------

    def node_id(self, key: tuple) -> str:
        return "/".join(key) if key[0] else key[1]

    def subnet_ids(self, subnets) -> tuple[str, ...]:
        return () if isinstance(subnets, Unknown) or not subnets else \
            tuple(sorted(self.node_id(s) for s in subnets if s in self.subnets))

    def subnet_views(self) -> list[SubnetView]:
        views = []
        for key, subnet in self.subnets.items():
            cidr = "" if isinstance(subnet.cidr, Unknown) else str(subnet.cidr)
            route = "unknown" if isinstance(subnet.route, Unknown) else str(subnet.route)
            views.append(SubnetView(self.node_id(key), self.label(key), cidr,
                                    _zone(self.evaluator.properties(key).get("AvailabilityZone")), route))
        return sorted(views)

    def placements(self) -> list[Placement]:
        found = [Placement(self.node_id(k), w.kind, self.label(k), self.subnet_ids(w.subnets))
                 for k, w in self.workloads.items()]
        for key, balancer in self.balancers.items():
            scheme = balancer.scheme if isinstance(balancer.scheme, str) else "scheme unknown"
            found.append(Placement(self.node_id(key), "balancer", self.label(key), self.subnet_ids(balancer.subnets),
                                   scheme))
        for key in self.evaluator.of_type("AWS::EC2::NatGateway"):
            subnet = self.evaluator.prop(key, "SubnetId")
            subnets = [subnet.key] if isinstance(subnet, Res) else []
            found.append(Placement(self.node_id(key), "nat", self.label(key), self.subnet_ids(subnets)))
        for key, endpoint in self.endpoints.items():
            subnets = endpoint.subnets
            if endpoint.kind == "Gateway":  # in route tables, not subnets: placed with the subnets it serves
                tables = set() if isinstance(endpoint.route_tables, Unknown) else set(endpoint.route_tables)
                subnets = [s for s, subnet in self.subnets.items() if subnet.route_table in tables]
            found.append(Placement(self.node_id(key), "endpoint", self.label(key), self.subnet_ids(subnets),
                                   f"{endpoint.service} ({endpoint.kind.lower()})"))
        return sorted(found)


def _zone(value) -> str:
    """A subnet's zone as written: ``!Select [i, !GetAZs '']`` is zone ``i+1``, a literal name is itself."""
    if isinstance(value, str):
        return value
    select = value.get("Fn::Select") if isinstance(value, dict) and len(value) == 1 else None
    if isinstance(select, list) and len(select) == 2 and isinstance(select[1], dict) and "Fn::GetAZs" in select[1]:
        try:
            return str(int(select[0]) + 1)
        except (TypeError, ValueError):
            return ""
    return ""


def _labels(evaluator: Evaluator, workloads: dict) -> dict[tuple, str]:
    """Readable, unique names: an ECS service's ServiceName, else its stack's own part of the name when each stack
    holds one service (``web-api-prod-web`` -> ``web``), else its logical id; ``stack/id`` when ids collide."""
    stacks = sorted(evaluator.stacks)
    prefix = _common_prefix(stacks) if len(stacks) > 1 else ""
    per_stack: dict[str, int] = {}
    for key, workload in workloads.items():
        if workload.kind == "service":
            per_stack[key[0]] = per_stack.get(key[0], 0) + 1
    names: dict[tuple, str] = {}
    for key in evaluator.of_type(*sorted({r.get("Type") for s in evaluator.stacks.values()
                                          for r in s.resources.values() if isinstance(r, dict)
                                          and isinstance(r.get("Type"), str)})):
        name = key[1]
        if key in workloads and workloads[key].kind == "service":
            declared = evaluator.prop(key, "ServiceName")
            if isinstance(declared, str):
                name = declared
            elif per_stack.get(key[0]) == 1 and prefix and key[0].startswith(prefix) and key[0] != prefix:
                name = key[0][len(prefix):]
        names[key] = name
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    short = {stack: stack[len(prefix):] if prefix and stack.startswith(prefix) and stack != prefix else stack
             for stack in stacks}
    return {key: (name if counts[name] == 1 else f"{short[key[0]]}/{key[1]}") for key, name in names.items()}


def _common_prefix(names: list[str]) -> str:
    """The common prefix of the stack names, cut after its last '-' (``web-api-prod-``)."""
    first, last = names[0], names[-1]
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    cut = first[:size].rfind("-")
    return first[:cut + 1] if cut >= 0 else ""


def analyse(stacks: list[Stack]) -> Reach:
    """The reachability verdicts of the environment made of ``stacks``."""
    return _Analysis(stacks).run()
