"""One security-group rule in the shape both sides can be compared in: the template's (read through the reach
evaluator) and EC2's (one ``DescribeSecurityGroupRules`` entry).

EC2 stores one peer per rule and names protocols ``tcp``/``udp``/``icmp``/``icmpv6``/``-1`` or by number, with
``-1``/``-1`` ports for "all"; a template may write ``6`` or ``all`` and leave ports out for ``-1``. Both sides are
normalised alike here, so equal rules compare equal. Descriptions are kept for display but never compared: a changed
description opens nothing, and the emulator does not keep every description.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}

#: The marker of a field the templates cannot know before deployment (a parameter without value, a condition).
UNKNOWN = "?"


def protocol_name(value) -> str:
    """``tcp``/``udp``/``icmp``/``icmpv6``/``-1`` or the protocol number as text."""
    text = str(value).strip().lower()
    return _PROTOCOLS.get(text, text)


def cidr(text: str) -> str:
    """The network a CIDR denotes, written as EC2 writes it (host bits cleared)."""
    return str(ipaddress.ip_network(text.strip(), strict=False))


@dataclass(frozen=True, order=True)
class RuleShape:
    """What a rule allows: direction, protocol, port range (ICMP: type and code) and the peer.

    ``peer`` is ``(kind, value)`` with kind ``cidr``, ``group`` (a group id), ``prefix-list`` (an id); any field may
    be :data:`UNKNOWN` on the template side, and then matches any value.
    """

    direction: str        # ingress | egress
    protocol: str
    from_port: object     # int or UNKNOWN
    to_port: object
    peer_kind: str
    peer: str

    def matches(self, actual: "RuleShape") -> bool:
        """Whether the deployed rule ``actual`` is this (template) rule, unknown fields matching anything."""
        pairs = ((self.direction, actual.direction), (self.protocol, actual.protocol),
                 (self.from_port, actual.from_port), (self.to_port, actual.to_port),
                 (self.peer_kind, actual.peer_kind), (self.peer, actual.peer))
        return all(mine == UNKNOWN or mine == theirs for mine, theirs in pairs)

    @property
    def certain(self) -> bool:
        return UNKNOWN not in (self.protocol, self.from_port, self.to_port, self.peer_kind, self.peer)

    def ports_text(self) -> str:
        if self.protocol == "-1":
            return "all traffic"
        if self.protocol in ("icmp", "icmpv6"):
            if self.from_port in (-1, UNKNOWN):
                return f"{self.protocol}/{'all' if self.from_port == -1 else '?'}"
            return f"{self.protocol} type {self.from_port} code {self.to_port}"
        if self.from_port == self.to_port:
            return f"{self.protocol}/{self.from_port}"
        if (self.from_port, self.to_port) in ((0, 65535), (-1, -1)):
            return f"{self.protocol}/all ports"
        return f"{self.protocol}/{self.from_port}-{self.to_port}"

    def text(self, name_of=lambda group_id: group_id) -> str:
        """``ingress tcp/22 from 0.0.0.0/0`` (group peers named by ``name_of``)."""
        word = "from" if self.direction == "ingress" else "to"
        if self.peer_kind == "group":
            peer = name_of(self.peer)
        elif self.peer_kind == "prefix-list":
            peer = f"prefix list {self.peer}"
        else:
            peer = self.peer
        return f"{self.direction} {self.ports_text()} {word} {peer}"

    def as_dict(self) -> dict:
        return {"direction": self.direction, "protocol": self.protocol, "from_port": self.from_port,
                "to_port": self.to_port, "peer_kind": self.peer_kind, "peer": self.peer}


def from_api(rule: dict) -> RuleShape:
    """A ``DescribeSecurityGroupRules`` entry."""
    direction = "egress" if rule.get("IsEgress") else "ingress"
    protocol = protocol_name(rule.get("IpProtocol", "-1"))
    low, high = rule.get("FromPort", -1), rule.get("ToPort", -1)
    if protocol == "-1":
        low = high = -1
    if rule.get("CidrIpv4"):
        kind, peer = "cidr", cidr(rule["CidrIpv4"])
    elif rule.get("CidrIpv6"):
        kind, peer = "cidr", cidr(rule["CidrIpv6"])
    elif rule.get("PrefixListId"):
        kind, peer = "prefix-list", rule["PrefixListId"]
    elif rule.get("ReferencedGroupInfo", {}).get("GroupId"):
        kind, peer = "group", rule["ReferencedGroupInfo"]["GroupId"]
    else:
        kind, peer = "none", ""
    return RuleShape(direction, protocol, int(low), int(high), kind, peer)
