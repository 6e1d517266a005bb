"""Checks for network load balancers (``type: network``) and PrivateLink, and the listener port each route gets.

A network balancer forwards TCP (or TLS it terminates) from one listener port to one target group: no paths, hosts
or priorities, no WAF (AWS WAF does not attach to network balancers), no HTTP desync or redirects. What stays as on
an application balancer: a security group (so flows stay exact), deletion protection, access logs, TLS 1.2+
policies, who may connect (``allow_from``: the internet, or a list of sources admitted on every listener port; not
``cloudfront``, whose origins are application balancers). An internet-facing network balancer must terminate TLS (``tls:``) unless the blueprint says why not
(``relax: {tls: <reason>}``, e.g. the service speaks TLS itself). PrivateLink needs an internal network balancer.
"""
from __future__ import annotations

import ipaddress
from typing import Callable, Iterator

from generator.model.privatelink import ANY_PRINCIPAL

Written = Callable[[tuple], bool]
#: Listeners per network load balancer (AWS default quota): one per routed service.
MAX_LISTENERS = 50
#: Where a PrivateLink consumer's clients may live: RFC 1918 and the shared address space (RFC 6598), which consumer
#: VPCs may use as secondary CIDRs.
CONSUMER_RANGES = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                                            "100.64.0.0/10"))
#: Application-balancer settings a network balancer has no use for, and why.
_APPLICATION_ONLY = {
    "https": "it terminates TLS with tls: {certificate: ...} on TLS listeners",
    "desync_mitigation": "it does not parse HTTP",
    "waf": "AWS WAF does not attach to network balancers",
    "end_to_end_tls": "it forwards TCP to its targets; a service that must receive TLS gets it through a plain TCP "
                      "listener, with relax: {tls: <reason>} when internet-facing",
}


def is_network(bp, balancer: str) -> bool:
    """Whether ``balancer`` is a network load balancer of ``bp`` (False for an unknown name)."""
    settings = bp.load_balancers.get(balancer)
    return settings is not None and settings.network


def listener_port(service) -> int | None:
    """The port a network balancer listens on for ``service``: ``route.listener``, else the container port."""
    return service.route.listener if service.route.listener is not None else service.port


def check(bp, written: Written, issue: Callable) -> Iterator:
    """Every issue of network balancers, PrivateLink and the routes to them."""
    for name, balancer in bp.load_balancers.items():
        where = ("load_balancers", name)
        if balancer.network:
            yield from _network_balancer(bp, name, balancer, where, written, issue)
        else:
            yield from _application_balancer(balancer, where, written, issue)
    yield from _routes(bp, written, issue)


def _application_balancer(balancer, where: tuple, written: Written, issue: Callable) -> Iterator:
    for key, what in (("tls", "tls"), ("privatelink", "privatelink")):
        if written(where + (key,)):
            yield issue(where + (key,), f"{what} applies to network load balancers only (add type: network, or "
                                        f"{'use https: {certificate: ...}' if key == 'tls' else 'remove it'})")
    for key in ("tls", "privatelink_any_principal", "privatelink_acceptance"):
        if key in balancer.relax:
            yield issue(where + ("relax", key), f"{key} applies to network load balancers only: nothing to relax "
                                                "here (remove it)")


def _network_balancer(bp, name: str, balancer, where: tuple, written: Written, issue: Callable) -> Iterator:
    for key, why in _APPLICATION_ONLY.items():
        if written(where + (key,)):
            yield issue(where + (key,), f"{key} is not for a network load balancer ({why}; remove it)")
    if balancer.allow_from == "cloudfront":
        yield issue(where + ("allow_from",), "cloudfront is not for a network load balancer (CloudFront origins are "
                                             "application balancers; use internet, or a list of sources such as "
                                             "[{cidr: 203.0.113.0/24, reason: partner A}])")
    for key in ("waf", "end_to_end_tls"):
        if key in balancer.relax:
            yield issue(where + ("relax", key), f"a network load balancer has no {key.replace('_', '-')} default to "
                                                "turn off (remove it)")
    plain = balancer.tls is None
    if balancer.scheme == "internet-facing" and plain and "tls" not in balancer.relax:
        yield issue(where + ("scheme",), "an internet-facing network load balancer with plain TCP listeners sends "
                                         "clients' data unencrypted unless the service speaks TLS itself (add tls: "
                                         "{certificate: {parameter: CertificateArn}}, or state why plain TCP is "
                                         "safe under relax: {tls: <reason>})")
    elif "tls" in balancer.relax and (not plain or balancer.scheme != "internet-facing"):
        yield issue(where + ("relax", "tls"), "TLS listeners are required only on an internet-facing network "
                                              "balancer without tls: nothing to relax here (remove it)")
    if balancer.privatelink is not None:
        yield from _privatelink(bp, balancer, where, issue)
    else:
        for key in ("privatelink_any_principal", "privatelink_acceptance"):
            if key in balancer.relax:
                yield issue(where + ("relax", key), "there is no privatelink here: nothing to relax (remove it)")


def _privatelink(bp, balancer, where: tuple, issue: Callable) -> Iterator:
    at = where + ("privatelink",)
    if balancer.scheme != "internal":
        yield issue(at, "a VPC endpoint service needs an internal network load balancer (use scheme: internal; "
                        "PrivateLink consumers reach it through their own interface endpoints)", True)
    principals = balancer.privatelink.allowed_principals
    if ANY_PRINCIPAL in principals and "privatelink_any_principal" not in balancer.relax:
        index = principals.index(ANY_PRINCIPAL)
        yield issue(at + ("allowed_principals", index),
                    "'*' lets every AWS account create an endpoint to this service (name the accounts, e.g. "
                    "arn:aws:iam::123456789012:root, or state why under relax: {privatelink_any_principal: "
                    "<reason>} with acceptance_required: true)")
    elif "privatelink_any_principal" in balancer.relax and ANY_PRINCIPAL not in principals:
        yield issue(where + ("relax", "privatelink_any_principal"), "allowed_principals has no '*': nothing to "
                                                                     "relax (remove it)")
    acceptance = "privatelink_acceptance" in balancer.relax
    if not balancer.privatelink.acceptance_required and not acceptance:
        yield issue(at + ("acceptance_required",), "without acceptance every endpoint an allowed principal creates "
                                                   "connects at once (keep true and accept each request, or state "
                                                   "why under relax: {privatelink_acceptance: <reason>})")
    elif balancer.privatelink.acceptance_required and acceptance:
        yield issue(where + ("relax", "privatelink_acceptance"), "acceptance_required is true: nothing to relax "
                                                                  "(remove it)")
    vpc = bp.network.cidr
    seen: set = set()
    for index, cidr in enumerate(balancer.privatelink.consumer_cidrs):
        place = at + ("consumer_cidrs", index)
        if cidr in seen:
            yield issue(place, f"{cidr} is listed twice")
        seen.add(cidr)
        if not any(cidr.subnet_of(r) for r in CONSUMER_RANGES):
            yield issue(place, f"{cidr} is not a private range (consumers' clients reach the service from their "
                               "VPCs: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)")
        elif vpc is not None and cidr.overlaps(vpc):  # an existing VPC's range is known only at deploy
            yield issue(place, f"{cidr} overlaps this VPC {vpc}, so tasks of this VPC would reach the balancer "
                               "directly, past the declared flows (name the consumers' ranges only)")


def _high_risk_ports() -> frozenset:
    """The ports the audit never lets the internet reach (SG001): databases, remote shells, admin consoles."""
    from generator.audit.policy import DEFAULT_HIGH_RISK_PORTS  # light, and only when a network route exists

    return frozenset(DEFAULT_HIGH_RISK_PORTS)


def _routes(bp, written: Written, issue: Callable) -> Iterator:
    ports: dict[tuple, str] = {}
    counts: dict[str, int] = {}
    for name, service in bp.services.items():
        route = service.route
        if route is None:
            continue
        where = ("services", name, "route")
        network = is_network(bp, route.load_balancer)
        if not network:
            if written(where + ("listener",)):
                yield issue(where + ("listener",), f"listener is for routes to a network load balancer; "
                                                   f"'{route.load_balancer}' is an application balancer (routes by "
                                                   "path and host; remove listener)")
            continue
        for key, why in (("path", "paths"), ("host", "host names"), ("priority", "rule priorities")):
            if written(where + (key,)):
                yield issue(where + (key,), f"a network load balancer forwards whole TCP connections and has no "
                                            f"{why} (remove {key}; each service gets its own listener port)")
        if service.port is None:
            continue
        counts[route.load_balancer] = counts.get(route.load_balancer, 0) + 1
        if counts[route.load_balancer] == MAX_LISTENERS + 1:
            yield issue(where + ("load_balancer",), f"network load balancer '{route.load_balancer}' would need more "
                                                    f"than {MAX_LISTENERS} listeners, one per service (AWS quota; "
                                                    "route this service through another network balancer)")
        port = listener_port(service)
        if bp.load_balancers[route.load_balancer].scheme == "internet-facing" and port in _high_risk_ports():
            at = where + ("listener",) if written(where + ("listener",)) else where
            yield issue(at, f"listener port {port} of internet-facing network load balancer '{route.load_balancer}' "
                            "is a high-risk port (databases, remote shells and admin consoles stay off the internet: "
                            "choose another listener port, e.g. listener: 8443, or an internal balancer)")
        other = ports.setdefault((route.load_balancer, port), name)
        if other != name:
            at = where + ("listener",) if written(where + ("listener",)) else where
            yield issue(at, f"listener port {port} of network load balancer '{route.load_balancer}' is also "
                            f"services.{other}'s (each service needs its own: set listener: <port>)")
