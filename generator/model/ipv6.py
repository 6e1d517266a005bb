"""Dual-stack networking in the blueprint language: IPv6 destinations in a service's ``egress`` and the rules that
tie them to ``network.ipv6``.

``network.ipv6`` itself is a plain boolean on :class:`generator.model.network.Network`; what it builds is planned in
:mod:`generator.plan.ipv6`. An egress rule may name an IPv6 range (``2001:db8::/32``, ``::/0``) only in a dual-stack
VPC: in an IPv4-only one no task has an IPv6 address and no route would carry it, so the rule could never be used.
"""
from __future__ import annotations

import ipaddress
from typing import Annotated, Iterator

from pydantic import BeforeValidator, WithJsonSchema

from generator.model.network import parse_network, strict_network

#: IPv6 ranges that never leave the VPC or the link: an egress rule to them reaches nothing outside.
_NOT_OUTSIDE_V6 = tuple(ipaddress.ip_network(n) for n in ("fe80::/10", "::1/128", "ff00::/8"))


def parse_egress_network(value: object) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """An IPv4 CIDR as :func:`parse_network` reads it, or an IPv6 CIDR (any value with a ':')."""
    if isinstance(value, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
        return value
    if not isinstance(value, str) or ":" not in value:
        return parse_network(value)
    return strict_network(value, ipaddress.IPv6Network,
                          "an IPv4 or IPv6 CIDR (e.g. 203.0.113.0/24 or 2001:db8::/32)")


EgressCidr = Annotated[ipaddress.IPv4Network | ipaddress.IPv6Network, BeforeValidator(parse_egress_network),
                       WithJsonSchema({"type": "string", "anyOf": [{"format": "ipv4-cidr"}, {"format": "ipv6-cidr"}],
                                       "examples": ["203.0.113.0/24", "2001:db8::/32"]})]


def egress_issues(bp, service, where: tuple, issue) -> Iterator:
    """IPv6 egress rules of one service that cannot work: the VPC is IPv4-only, or the range is link-local,
    loopback or multicast (never outside the VPC). ``issue(keypath, message)`` builds the semantic Issue."""
    for index, rule in enumerate(service.egress):
        if rule.cidr.version != 6:
            continue
        at = where + ("egress", index, "cidr")
        if not bp.network.ipv6:
            yield issue(at, f"{rule.cidr} is an IPv6 range but network.ipv6 is off, so no task has an IPv6 address "
                            "to use it (set network.ipv6: true, or write an IPv4 CIDR)")
        elif any(rule.cidr.subnet_of(n) for n in _NOT_OUTSIDE_V6):
            yield issue(at, f"{rule.cidr} is link-local, loopback or multicast and never leaves the VPC (give an "
                            "IPv6 range on the internet, e.g. 2001:db8::/32 or ::/0)")
