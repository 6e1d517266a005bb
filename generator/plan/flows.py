"""The flow matrix: who may open connections to whom, on which port.

Flows are the single source of truth for the firewall: every security-group rule is derived from one flow, so the
README's matrix, the audit and the emitted rules cannot disagree.

- the internet reaches an internet-facing balancer on 443 (and on 80, which only redirects to HTTPS); a balancer
  with ``allow_from: cloudfront`` is reached only by CloudFront's origin-facing servers, on 443, never on 80;
- a balancer reaches each service routed to it on the service's container port;
- ``A.flows: [B]`` lets A reach B on B's port, or, when B is routed through an *internal* balancer, lets A reach that
  balancer on its listener port instead (the "password service" pattern: B is never reachable directly);
- ``A.flows: [D]`` where D is a database lets A reach D on the engine port (nothing else reaches a database);
- a network balancer is reached on each routed service's own listener port (the internet on every one of them when
  it is internet-facing, a caller only on its target's), and a PrivateLink-published one also by the consumers'
  ranges on every listener port (``PRIVATELINK`` flows, labelled with the allowed principals).
- a balancer with ``allow_from: [...]`` is reached by exactly the listed sources (a CIDR, a managed prefix list, or
  a stack parameter holding one), each on every listener port of the balancer (:func:`source_flows`; on a network
  balancer every routed service's listener port, :func:`network_source_flows`), and never by the whole internet.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.model.sources import sources_of
from generator.plan.ipv6 import internet_sources

INTERNET = "internet"
LOAD_BALANCER = "load_balancer"
SERVICE = "service"
CLOUDFRONT = "cloudfront"
PRIVATELINK = "privatelink"

#: The AWS-managed prefix list of CloudFront's origin-facing servers; its id differs per region, so the network
#: stack takes it as this parameter.
CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"
CLOUDFRONT_PREFIX_LIST_PARAMETER = "CloudFrontOriginFacingPrefixListId"
DATABASE = "database"
#: Listed sources (``allow_from: [...]``): a CIDR, a literal prefix-list id, a prefix-list id from a stack parameter.
CIDR_SOURCE, PREFIX_LIST_SOURCE, PREFIX_LIST_PARAMETER_SOURCE = "cidr", "prefix_list", "prefix_list_parameter"
LISTED_SOURCES = (CIDR_SOURCE, PREFIX_LIST_SOURCE, PREFIX_LIST_PARAMETER_SOURCE)
#: The balancer's listener ports: HTTPS, and HTTP (which only redirects, or serves internal plain HTTP).
HTTPS_PORT, HTTP_PORT = 443, 80


@dataclass(frozen=True)
class Flow:
    """One allowed connection: ``source`` may open TCP connections to ``target`` on ``port``."""

    source_kind: str
    source: str
    target_kind: str
    target: str
    port: int
    protocol: str
    description: str
    source_label: str = ""  # how the README (Markdown) names a listed source: its reason and value; "" for others
    #: PrivateLink flows: the principals allowed to create endpoints (the README labels the source with them).
    consumers: tuple[str, ...] = ()


def listener_port(balancer) -> int:
    """The port clients use on a balancer: 443 with HTTPS, else 80."""
    return HTTPS_PORT if balancer.https is not None else HTTP_PORT


def redirects_http(balancer) -> bool:
    """Whether the balancer gets an HTTP:80 listener that only redirects to HTTPS: with HTTPS, unless only CloudFront
    may connect (CloudFront talks HTTPS to the origin, so port 80 would serve no one) or the balancer is internal
    with end-to-end TLS (HTTPS only: its callers are services that are told the HTTPS port)."""
    if balancer.https is None or balancer.allow_from == "cloudfront":
        return False
    return not (balancer.scheme == "internal" and balancer.tls_to_targets)


def service_listener_port(bp, service: str) -> int:
    """The port callers of ``service`` use on its balancer: its own listener on a network balancer, else the
    application balancer's (443 or 80)."""
    settings = bp.services[service]
    balancer = bp.load_balancers[settings.route.load_balancer]
    if balancer.network:
        return settings.route.listener if settings.route.listener is not None else settings.port
    return listener_port(balancer)


def network_listener_ports(bp, balancer: str) -> tuple[tuple[int, str], ...]:
    """``(listener port, service)`` of every route on a network balancer, by port."""
    return tuple(sorted((service_listener_port(bp, name), name) for name, s in bp.services.items()
                        if s.route is not None and s.route.load_balancer == balancer and s.port is not None))
def listener_ports(balancer) -> tuple[int, ...]:
    """Every port the balancer listens on: 443 with HTTPS, and 80 when it redirects (or serves plain HTTP)."""
    if balancer.https is None:
        return (HTTP_PORT,)
    return (HTTP_PORT, HTTPS_PORT) if redirects_http(balancer) else (HTTPS_PORT,)


_SOURCE_KINDS = {"cidr": CIDR_SOURCE, "prefix_list": PREFIX_LIST_SOURCE, "parameter": PREFIX_LIST_PARAMETER_SOURCE}


def _source_labels(source) -> tuple[str, str]:
    """How a listed source is named in a rule description and in the README (Markdown): its reason and value."""
    what = {"cidr": "{}", "prefix_list": "prefix list {}", "parameter": "prefix list from parameter {}"}
    shown, markdown = what[source.kind].format(source.value), what[source.kind].format(f"`{source.value}`")
    if source.reason:
        return f"{source.reason} ({shown})", f"{source.reason} ({markdown})"
    return shown, markdown


def source_flows(name: str, balancer) -> list[Flow]:
    """One flow per listed source and listener port: the source reaches the balancer there, nothing else."""
    found = []
    for source in sources_of(balancer):
        label, readme = _source_labels(source)
        for port in listener_ports(balancer):
            redirect = ", redirected to HTTPS" if port == HTTP_PORT and balancer.https else ""
            found.append(Flow(_SOURCE_KINDS[source.kind], source.value, LOAD_BALANCER, name, port, "tcp",
                              f"{'HTTPS' if port == HTTPS_PORT else 'HTTP'} from {label}{redirect}", readme))
    return found


def network_source_flows(bp, name: str, balancer) -> list[Flow]:
    """A network balancer's listed sources: one flow per source and listener port (every routed service's), each
    described with the protocol, the service behind the port and the source (``TLS to broker from partner A
    (203.0.113.0/24)``), as the rule on the balancer's group says."""
    protocol = "TLS" if balancer.tls is not None else "TCP"
    found = []
    for source in sources_of(balancer):
        label, readme = _source_labels(source)
        for port, service in network_listener_ports(bp, name):
            found.append(Flow(_SOURCE_KINDS[source.kind], source.value, LOAD_BALANCER, name, port, "tcp",
                              f"{protocol} to {service} from {label}", readme))
    return found


def internal_balancer_of(bp, service: str) -> str | None:
    """The internal balancer ``service`` is routed through, if any: callers then go through it, never direct."""
    route = bp.services[service].route
    if route is None or bp.load_balancers[route.load_balancer].scheme != "internal":
        return None
    return route.load_balancer


def _kind_label(kind: str, name: str) -> str:
    return {INTERNET: "internet", CLOUDFRONT: "CloudFront", PRIVATELINK: f"PrivateLink consumers in {name}",
            LOAD_BALANCER: f"{name} load balancer",
            SERVICE: f"{name} tasks", DATABASE: f"{name} database"}[kind]


def _flow(source_kind, source, target_kind, target, port, why) -> Flow:
    description = f"{_kind_label(source_kind, source)} to {_kind_label(target_kind, target)} on {port} ({why})"
    return Flow(source_kind, source, target_kind, target, port, "tcp", description)


def flows(bp) -> tuple[Flow, ...]:
    """Every flow of the environment, deduplicated and sorted so output never depends on dict order."""
    found: dict[tuple, Flow] = {}

    def add(flow: Flow) -> None:
        found.setdefault((flow.source_kind, flow.source, flow.target_kind, flow.target, flow.port), flow)

    for name, balancer in bp.load_balancers.items():
        if balancer.network:
            for flow in _network_balancer_flows(bp, name, balancer):
                add(flow)
        elif sources_of(balancer):
            for flow in source_flows(name, balancer):
                add(flow)
        elif balancer.scheme == "internet-facing" and balancer.allow_from == "cloudfront":
            add(_flow(CLOUDFRONT, CLOUDFRONT_PREFIX_LIST, LOAD_BALANCER, name, HTTPS_PORT, "HTTPS, CloudFront only"))
        elif balancer.scheme == "internet-facing":
            for source in internet_sources(bp):  # 0.0.0.0/0, and ::/0 in a dual-stack VPC
                if balancer.https is not None:
                    add(_flow(INTERNET, source, LOAD_BALANCER, name, HTTPS_PORT, "HTTPS"))
                add(_flow(INTERNET, source, LOAD_BALANCER, name, HTTP_PORT,
                          "redirect to HTTPS" if balancer.https is not None else "HTTP"))
    for name, service in bp.services.items():
        if service.route is not None:
            add(_flow(LOAD_BALANCER, service.route.load_balancer, SERVICE, name, service.port, "routed requests"))
    for name, service in bp.services.items():
        for target_name in service.flows:
            if target_name in bp.databases:
                add(_flow(SERVICE, name, DATABASE, target_name, bp.databases[target_name].port, "declared flow"))
                continue
            balancer = internal_balancer_of(bp, target_name)
            if balancer is not None:
                add(_flow(SERVICE, name, LOAD_BALANCER, balancer, service_listener_port(bp, target_name),
                          f"to reach {target_name}"))
            else:
                add(_flow(SERVICE, name, SERVICE, target_name, bp.services[target_name].port, "declared flow"))
    return tuple(found[key] for key in sorted(found))


def _network_balancer_flows(bp, name: str, balancer) -> list[Flow]:
    """Who reaches a network balancer from outside the services: its listed sources (``allow_from: [...]``) on every
    listener port, else the internet (IPv4, and IPv6 in a dual-stack VPC) on every listener port when it is
    internet-facing; the PrivateLink consumers'
    ranges on every listener port when it is published."""
    listed = network_source_flows(bp, name, balancer)
    found = list(listed)
    protocol = "TLS" if balancer.tls is not None else "TCP"
    for port, service in network_listener_ports(bp, name):
        if balancer.scheme == "internet-facing" and not listed:
            for source in internet_sources(bp):  # 0.0.0.0/0, and ::/0 in a dual-stack VPC
                found.append(_flow(INTERNET, source, LOAD_BALANCER, name, port, f"{protocol} to {service}"))
        if balancer.privatelink is not None:
            principals = tuple(balancer.privatelink.allowed_principals)
            for cidr in balancer.privatelink.consumer_cidrs:
                flow = _flow(PRIVATELINK, str(cidr), LOAD_BALANCER, name, port, f"{protocol} to {service}")
                found.append(Flow(flow.source_kind, flow.source, flow.target_kind, flow.target, flow.port,
                                  flow.protocol, flow.description, consumers=principals))
    return found
