"""Checks on a balancer's listed sources (``allow_from: [...]``) that need the rest of the blueprint.

Every refusal here is a value that would either never match a packet, silently widen the flow matrix, or fail the
build's audit gate later with a less helpful message:

- ``0.0.0.0/0`` or ``::/0`` in a list is ``allow_from: internet`` spelled differently (and would hide it);
- an internet-facing balancer has public addresses: a private, shared (100.64/10), loopback or link-local source
  never reaches it, so listing one is a mistake (corporate ranges reach *internal* balancers);
- on an internal balancer a source that overlaps the VPC would admit every task of the VPC, bypassing ``flows``; a
  public source fails the audit's ELB007 unless the blueprint accepts it under ``audit.ignore``;
- a CIDR wider than the audit's /16 (IPv4) or /48 (IPv6) fails SG004 unless accepted under ``audit.ignore``;
- an IPv6 source reaches only a dual-stack network (``network.ipv6``), and only an internet-facing application
  balancer there (application or network; internal balancers stay IPv4);
- a source listed twice, or inside (or around) another one, is a duplicate rule.

The rule quota (60 inbound rules per group, each source counting once per listener port, a prefix list as its
``max_entries``) is checked by the plan, which knows the listener ports.
"""
from __future__ import annotations

import ipaddress
from typing import Callable, Iterator

from generator.model.sources import sources_of

#: Ranges that never arrive at a public address from the internet (RFC 1918, RFC 6598 shared, loopback, link-local,
#: IPv6 unique local and link-local), the same list the reachability model uses.
NOT_ON_THE_INTERNET = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "fc00::/7", "fe80::/10", "::1/128"))
#: The private ranges of the audit (ELB007, SG001): an internal balancer's sources should lie inside them.
PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))
#: The audit's default widest CIDRs (SG004; generator.audit.policy).
WIDEST = {4: 16, 6: 48}


def _inside(network, ranges) -> bool:
    return any(network.version == r.version and network.subnet_of(r) for r in ranges)


def _accepted(bp, rule: str) -> bool:
    """Whether the blueprint accepts the audit rule's findings under its top-level ``audit.ignore``."""
    return any(exception.rule == rule for exception in bp.audit.ignore)


def _stack_parameters(balancer) -> dict[str, str]:
    """The other parameters of the balancer's stack, which a prefix-list parameter must not reuse."""
    found = {"CloudFrontOriginFacingPrefixListId": "CloudFront prefix-list id"}
    for tls in (balancer.https, balancer.tls):  # an application balancer's https, a network balancer's tls
        if tls is not None and tls.certificate.parameter:
            found[tls.certificate.parameter] = "certificate ARN"
    return found


def check(bp, issue: Callable) -> Iterator:
    """Yield ``issue(keypath, message)`` for every listed source that cannot be what the blueprint means."""
    for name, balancer in bp.load_balancers.items():
        where = ("load_balancers", name, "allow_from")
        seen: dict[str, int] = {}
        networks: list[tuple[int, object]] = []
        for index, source in enumerate(sources_of(balancer)):
            at = where + (index,)
            if source.value in seen:
                yield issue(at, f"{source.value} is listed twice (also item {seen[source.value]}; list each source "
                                "once)")
                continue
            seen[source.value] = index
            if source.parameter is not None and source.parameter in _stack_parameters(balancer):
                yield issue(at, f"parameter {source.parameter} already holds the balancer's "
                                f"{_stack_parameters(balancer)[source.parameter]} (name the prefix-list parameter "
                                "differently, e.g. PartnerPrefixList)")
                continue
            if source.cidr is None:
                continue
            network = source.cidr
            problem = _cidr_problem(bp, balancer, network)
            if problem:
                yield issue(at, problem)
                continue
            other = next((i for i, n in networks if n.version == network.version and n.overlaps(network)), None)
            if other is not None:
                yield issue(at, f"{network} overlaps item {other} ({sources_of(balancer)[other].value}): one range "
                                "would be admitted twice (keep the wider one, or split them so they do not overlap)")
                continue
            networks.append((index, network))


def _cidr_problem(bp, balancer, network) -> str | None:
    if network.prefixlen == 0:
        return f"{network} is the whole internet (write allow_from: internet instead of a list)"
    if network.version == 6 and not getattr(bp.network, "ipv6", False):  # network.ipv6: the dual-stack feature
        return (f"{network} is an IPv6 range, which reaches only a dual-stack network (set network.ipv6: true, or "
                "list IPv4 ranges)")
    if network.version == 6 and balancer.scheme == "internal":
        return (f"{network} is an IPv6 range, but an internal balancer keeps IPv4 addresses only (only "
                "internet-facing balancers become dualstack; list the corporate network's IPv4 ranges)")
    if balancer.scheme == "internet-facing" and _inside(network, NOT_ON_THE_INTERNET):
        return (f"{network} is not an internet range, so it never reaches an internet-facing balancer (its "
                "addresses are public); corporate ranges over VPN or Direct Connect reach an internal balancer "
                "(scheme: internal)")
    if (balancer.scheme == "internal" and network.version == 4 and bp.network.cidr is not None  # existing: unknown
            and network.overlaps(bp.network.cidr)):
        return (f"{network} overlaps the VPC {bp.network.cidr}: every task of the VPC could reach the balancer, "
                "bypassing flows (list only ranges outside the VPC; services reach it with flows: [name])")
    if balancer.scheme == "internal" and not _inside(network, PRIVATE) and not _accepted(bp, "ELB007"):
        return (f"{network} is a public range: an internal balancer admits private ranges only (RFC 1918 or "
                "fc00::/7, e.g. a corporate network over VPN or Direct Connect; audit rule ELB007); use an "
                "internet-facing balancer for partners, or accept it with audit: {ignore: [{rule: ELB007, reason: "
                "...}]}")
    widest = WIDEST[network.version]
    if network.prefixlen < widest and not _accepted(bp, "SG004"):
        return (f"{network} is wider than /{widest}, which the build's audit refuses (SG004); list narrower "
                f"ranges, or accept it with audit: {{ignore: [{{rule: SG004, reason: ...}}]}}")
    return None
