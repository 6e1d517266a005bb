"""Every security-group rule of a template, inline and standalone, in one normalised shape.

AWS lets a rule live inside ``AWS::EC2::SecurityGroup`` (``SecurityGroupIngress``/``SecurityGroupEgress``) or in its
own ``AWS::EC2::SecurityGroupIngress``/``Egress`` resource pointing at a group by ``GroupId``. Every SG rule of the
audit reads :func:`collect` so that both forms are judged alike, and each :class:`SgRule` carries the key path of the
rule itself so a finding points at the rule's line.

Normalisation: protocols ``tcp``/``6``, ``udp``/``17``, ``icmp``/``1``, ``icmpv6``/``58``, ``-1`` (all). Only TCP and
UDP have ports (ICMP's FromPort/ToPort are type and code); ``-1`` means all ports, and so does ``FromPort: -1`` on
TCP/UDP. A peer is a CIDR (``ipaddress`` network), a prefix list, a security group, or UNKNOWN.
"""
from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from functools import cached_property

from generator.audit.resolve import UNKNOWN, Template, default_note, is_intrinsic, literal, literal_int

ALL_PORTS = (0, 65535)
_PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}
PORTED = ("tcp", "udp")
_PRIVATE_V4 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_PRIVATE_V6 = ipaddress.ip_network("fc00::/7")


@dataclass(frozen=True)
class SgRule:
    """One ingress or egress rule, wherever it was written."""

    direction: str            # "ingress" | "egress"
    group: object             # logical id of the template's group, or UNKNOWN
    protocol: object          # "tcp" | "udp" | "icmp" | "icmpv6" | "-1" | other string | UNKNOWN
    ports: object             # (from, to) for tcp/udp/-1, None for protocols without ports, UNKNOWN
    peer_kind: str            # "cidr" | "prefix-list" | "group" | "unknown" | "none"
    network: object           # ipaddress network for "cidr", else None (UNKNOWN when the CIDR is unknown)
    peer_group: object        # logical id / literal id of the peer group for "group", else None
    description: object       # str, None (absent) or UNKNOWN
    resource: str             # logical id where the rule is written (the group, or the standalone resource)
    keypath: tuple            # key path of the rule (list item or standalone resource)
    raw: dict                 # the rule's properties as written
    assumed: tuple = ()       # parameters whose defaults gave ``network`` (the deployed-by-default case)

    @property
    def is_all_protocols(self) -> bool:
        return self.protocol == "-1"

    @property
    def internet(self) -> bool:
        """Open to the whole internet: 0.0.0.0/0 or ::/0."""
        return self.peer_kind == "cidr" and self.network is not UNKNOWN and self.network.prefixlen == 0

    @property
    def public_source(self) -> bool:
        """A CIDR that is not entirely private (RFC 1918 for IPv4, fc00::/7 unique local for IPv6)."""
        if self.peer_kind != "cidr" or self.network is UNKNOWN:
            return False
        if self.network.version == 4:
            return not any(self.network.subnet_of(private) for private in _PRIVATE_V4)
        return not self.network.subnet_of(_PRIVATE_V6)

    def default_note(self) -> str:
        """Empty for a certain rule; for one judged at parameter defaults, the words that say so."""
        return default_note(self.assumed, world=self.internet)

    def port_set_overlap(self, ports) -> list[int]:
        """The members of ``ports`` this rule opens, sorted (empty when its ports are unknown or it has none)."""
        if self.ports is UNKNOWN or self.ports is None:
            return []
        low, high = self.ports
        if high - low + 1 < len(ports):
            return [p for p in range(low, high + 1) if p in ports]
        return sorted(p for p in ports if low <= p <= high)

    def ports_outside(self, allowed) -> bool:
        """Whether the rule opens any port not in ``allowed`` (False when unknown or portless)."""
        if self.ports is UNKNOWN or self.ports is None:
            return False
        low, high = self.ports
        return (high - low + 1) > len([p for p in allowed if low <= p <= high])

    def describe_ports(self) -> str:
        if self.is_all_protocols:
            return "all protocols and ports"
        if self.ports is UNKNOWN or self.ports is None:
            return f"protocol {self.protocol}"
        low, high = self.ports
        if (low, high) == ALL_PORTS:
            return f"{self.protocol} all ports"
        return f"{self.protocol} {low}" if low == high else f"{self.protocol} {low}-{high}"

    def describe_peer(self) -> str:
        if self.peer_kind == "cidr" and self.network is not UNKNOWN:
            return str(self.network)
        if self.peer_kind == "group":
            # A group named by a parameter, import or other function has no name to show.
            return "a group given by a function" if self.peer_group is UNKNOWN else f"group {self.peer_group}"
        if self.peer_kind == "prefix-list":
            return _describe_prefix_list(self.raw_peer()[1])
        return self.peer_kind

    def signature(self, self_id: str) -> tuple:
        """What the rule allows, independent of where it is written and of its description (for SG008).

        Known values are compared normalised; unknown ones by their expression, so two rules compare equal only
        when they certainly allow the same thing.
        """
        def raw(value):
            return json.dumps(value, sort_keys=True, default=str)

        protocol = raw(self.raw.get("IpProtocol")) if self.protocol is UNKNOWN else self.protocol
        ports = (raw(self.raw.get("FromPort")), raw(self.raw.get("ToPort"))) if self.ports is UNKNOWN else self.ports
        if self.peer_kind == "cidr" and self.network is not UNKNOWN:
            peer = ("cidr", str(self.network))
        elif self.peer_kind == "group" and self.peer_group == self_id:
            peer = ("self",)
        else:
            peer = (self.peer_kind, raw(self.raw_peer()))
        return (self.direction, protocol, str(ports), peer)

    def raw_peer(self):
        for key in _PEER_KEYS[self.direction]:
            if key in self.raw:
                return [key, self.raw[key]]
        return None


def _describe_prefix_list(value) -> str:
    """``prefix list pl-…``, ``prefix list from parameter Name`` (a ``Ref``), or one given by another function."""
    if isinstance(value, str):
        return f"prefix list {value}"
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        return f"prefix list from parameter {value['Ref']}"
    return "a prefix list given by a function"


_PEER_KEYS = {
    "ingress": ("CidrIp", "CidrIpv6", "SourcePrefixListId", "SourceSecurityGroupId", "SourceSecurityGroupName"),
    "egress": ("CidrIp", "CidrIpv6", "DestinationPrefixListId", "DestinationSecurityGroupId"),
}


def _protocol(value):
    value = literal(value)
    if value is UNKNOWN:
        return UNKNOWN
    text = str(value).strip().lower()
    return _PROTOCOL_NAMES.get(text, text)


def _ports(protocol, raw: dict):
    if protocol is UNKNOWN:
        return UNKNOWN
    if protocol == "-1":
        return ALL_PORTS
    if protocol not in PORTED:
        return None
    low, high = literal_int(raw.get("FromPort")), literal_int(raw.get("ToPort"))
    if low is UNKNOWN or high is UNKNOWN:
        return UNKNOWN
    if low == -1 or high == -1:
        return ALL_PORTS
    if not (0 <= low <= high <= 65535):
        return UNKNOWN  # invalid ranges are cfn-lint's to report; never guess
    return (low, high)


def _peer(template: Template, direction: str, raw: dict):
    """(kind, network, group, assumed) of the rule's source (ingress) or destination (egress); a CIDR given by a
    parameter (or a condition) is read at the parameters' defaults, and ``assumed`` names them."""
    for key in ("CidrIp", "CidrIpv6"):
        if key in raw:
            value, assumed = literal(raw[key]), ()
            if value is UNKNOWN:
                value, assumed = template.defaults.value(raw[key])
            if value is UNKNOWN or not isinstance(value, str):
                return "cidr", UNKNOWN, None, ()
            try:
                return "cidr", ipaddress.ip_network(value.strip(), strict=False), None, assumed
            except ValueError:
                return "cidr", UNKNOWN, None, ()
    prefix_key = "SourcePrefixListId" if direction == "ingress" else "DestinationPrefixListId"
    if prefix_key in raw:
        return "prefix-list", None, None, ()
    group_key = "SourceSecurityGroupId" if direction == "ingress" else "DestinationSecurityGroupId"
    for key in (group_key, "SourceSecurityGroupName"):
        if key in raw:
            target = template.security_group(raw[key])
            if target is UNKNOWN:
                target = literal(raw[key])
            return "group", None, target, ()
    return "none", None, None, ()


def _rule(template: Template, direction: str, group, raw: dict, resource: str, keypath: tuple) -> SgRule:
    protocol = _protocol(raw.get("IpProtocol"))
    kind, network, peer_group, assumed = _peer(template, direction, raw)
    description = raw.get("Description")
    if description is not None and not isinstance(description, str):
        description = UNKNOWN
    return SgRule(direction=direction, group=group, protocol=protocol, ports=_ports(protocol, raw),
                  peer_kind=kind, network=network, peer_group=peer_group, description=description,
                  resource=resource, keypath=keypath, raw=raw, assumed=assumed)


_INLINE = (("SecurityGroupIngress", "ingress"), ("SecurityGroupEgress", "egress"))
_STANDALONE = (("AWS::EC2::SecurityGroupIngress", "ingress"), ("AWS::EC2::SecurityGroupEgress", "egress"))


class SecurityGroups:
    """All groups and rules of a template, computed once and shared by the SG rules."""

    def __init__(self, template: Template):
        self.template = template

    @cached_property
    def rules(self) -> list[SgRule]:
        """Every rule whose shape is known (an inline list that is itself a function is skipped as unknown)."""
        template = self.template
        out: list[SgRule] = []
        for group_id, props in template.of_type("AWS::EC2::SecurityGroup"):
            for key, direction in _INLINE:
                entries = props.get(key)
                if not isinstance(entries, list):
                    continue
                for index, raw in enumerate(entries):
                    if isinstance(raw, dict) and not is_intrinsic(raw):
                        out.append(_rule(template, direction, group_id, raw, group_id,
                                         ("Resources", group_id, "Properties", key, index)))
        for kind, direction in _STANDALONE:
            for logical_id, props in template.of_type(kind):
                group = template.security_group(props.get("GroupId")) if "GroupId" in props else UNKNOWN
                out.append(_rule(template, direction, group, props, logical_id, ("Resources", logical_id)))
        return out

    @cached_property
    def by_group(self) -> dict:
        """Rules of each template group (standalone rules with an unknown group are left out)."""
        table: dict = {group_id: [] for group_id in self.template.by_type.get("AWS::EC2::SecurityGroup", ())}
        for rule in self.rules:
            if rule.group is not UNKNOWN and rule.group in table:
                table[rule.group].append(rule)
        return table

    @cached_property
    def has_unknown_standalone(self) -> bool:
        """Whether some standalone rule targets a group we cannot name (so group-level verdicts are unsafe)."""
        return any(rule.group is UNKNOWN for rule in self.rules if rule.keypath == ("Resources", rule.resource))

    def inline_egress(self, group_id: str):
        """The group's ``SecurityGroupEgress`` as written: None if absent, UNKNOWN if a function."""
        value = self.template.properties(group_id).get("SecurityGroupEgress")
        if value is None:
            return None
        if not isinstance(value, list):
            return UNKNOWN
        return value
