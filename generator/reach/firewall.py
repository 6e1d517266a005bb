"""Security groups and their rules, read from every template of the environment, and the question "does this rule
let that side through?" answered yes, no or unknown.

Rules come from a group's inline ``SecurityGroupIngress``/``SecurityGroupEgress`` and from standalone
``AWS::EC2::SecurityGroupIngress``/``Egress`` resources in any stack (their ``GroupId`` is resolved across imports).
A group that declares no inline egress keeps the allow-all egress rule EC2 creates with every group, exactly as
CloudFormation leaves it, so templates that rely on it (CDK's ``allowAllOutbound``) are read as they deploy.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from generator.reach.values import Evaluator, Res, Unknown

YES, NO, UNKNOWN = "yes", "no", "unknown"
SECURITY_GROUP = "AWS::EC2::SecurityGroup"
#: Address ranges that are not reachable from the internet: a rule admitting only these is not an internet rule.
INTERNAL_RANGES = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "fc00::/7", "fe80::/10", "::1/128"))
_PROTOCOLS = {"-1": "all", "all": "all", "tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp", "icmp": "icmp",
              "1": "icmp", "icmpv6": "icmpv6", "58": "icmpv6"}


def weakest(*verdicts: str) -> str:
    """The verdict of a path that needs every step: no if any step is no, else unknown if any is unknown."""
    if NO in verdicts:
        return NO
    return UNKNOWN if UNKNOWN in verdicts else YES


def strongest(verdicts) -> str:
    """The verdict of alternatives: yes if any is yes, else unknown if any is unknown."""
    verdicts = list(verdicts)
    if YES in verdicts:
        return YES
    return UNKNOWN if UNKNOWN in verdicts else NO


@dataclass(frozen=True, order=True)
class Ports:
    """A protocol and an inclusive port range; ``all`` protocols cover every port."""

    protocol: str
    low: int
    high: int

    def covers(self, protocol: str, port: int) -> bool:
        return self.protocol in ("all", protocol) and self.low <= port <= self.high

    def intersect(self, other: "Ports") -> "Ports | None":
        if self.protocol == "all":
            protocol = other.protocol
        elif other.protocol in ("all", self.protocol):
            protocol = self.protocol
        else:
            return None
        low, high = max(self.low, other.low), min(self.high, other.high)
        return Ports(protocol, low, high) if low <= high else None

    def __str__(self) -> str:
        if self.protocol == "all":
            return "all traffic"
        if self.protocol in ("icmp", "icmpv6"):
            return self.protocol
        if (self.low, self.high) == (0, 65535):
            return f"{self.protocol}/all ports"
        return f"{self.protocol}/{self.low}" + (f"-{self.high}" if self.high != self.low else "")


@dataclass(frozen=True)
class Cidr:
    network: object  # ipaddress network

    def __str__(self) -> str:
        return str(self.network)


@dataclass(frozen=True)
class PrefixList:
    id: object  # text or Unknown
    parameter: str = ""  # the parameter that gives the id, when it is known only at deploy time

    def __str__(self) -> str:
        if isinstance(self.id, str):
            return f"prefix list {self.id}"
        return f"prefix list from parameter {self.parameter}" if self.parameter else "prefix list (parameter)"


def whole_internet(peer) -> bool:
    """Whether a rule's peer is every address (``0.0.0.0/0`` or ``::/0``), not a list of chosen sources."""
    return isinstance(peer, Cidr) and peer.network.prefixlen == 0


def only_from(rules) -> tuple[str, ...]:
    """The sources that rules admitting the internet are limited to: their CIDRs and prefix lists, sorted; empty
    when one of them admits the whole internet (or there are none)."""
    if not rules or any(whole_internet(rule.peer) for rule in rules):
        return ()
    return tuple(sorted({str(rule.peer) for rule in rules}))


@dataclass(frozen=True)
class GroupPeer:
    key: tuple  # (stack, logical_id), or ("", "sg-…") for a group outside the templates

    def __str__(self) -> str:
        return self.key[1]


@dataclass(frozen=True)
class Rule:
    """One rule of one group: ``direction`` is ingress or egress; ``origin`` is the resource that declares it."""

    group: tuple
    direction: str
    ports: object  # Ports or Unknown
    peer: object  # Cidr, PrefixList, GroupPeer or Unknown
    origin: tuple


@dataclass(frozen=True)
class Side:
    """The other end of a connection as a rule sees it: its groups and addresses (each may be Unknown).

    ``internet`` marks the internet itself: any public CIDR admits it, and ``prefix_lists`` says how a prefix-list
    rule is counted (managed prefix lists hold public ranges such as CloudFront's, so they admit the internet).
    """

    groups: object = frozenset()
    cidrs: object = ()
    internet: bool = False
    prefix_lists: str = UNKNOWN
    version: int = 0  # for the internet: only rules of this address family (4 or 6) match; 0 matches both


INTERNET_SIDE = Side(internet=True, prefix_lists=YES)
#: The internet as a destination: a prefix-list egress rule (e.g. to S3's) does not open the internet.
INTERNET_DESTINATION = Side(internet=True, prefix_lists=NO)
#: The internet over one address family, as a route reaches it: a NAT gateway carries IPv4 only, an egress-only
#: internet gateway IPv6 only, so an egress rule to ::/0 opens nothing through NAT (and 0.0.0.0/0 nothing through
#: the egress-only gateway).
INTERNET_DESTINATION_V4 = Side(internet=True, prefix_lists=NO, version=4)
INTERNET_DESTINATION_V6 = Side(internet=True, prefix_lists=NO, version=6)


def admits(peer, side: Side) -> str:
    """Whether a rule naming ``peer`` matches ``side``."""
    if isinstance(peer, Unknown):
        return UNKNOWN
    if isinstance(peer, PrefixList):
        return side.prefix_lists
    if isinstance(peer, GroupPeer):
        if side.internet:
            return NO
        if isinstance(side.groups, Unknown):
            return UNKNOWN
        return YES if peer.key in side.groups else NO
    network = peer.network
    if side.internet and side.version and network.version != side.version:
        return NO
    if side.internet:
        return NO if any(network.version == r.version and network.subnet_of(r) for r in INTERNAL_RANGES) else YES
    if network.prefixlen == 0:
        return YES
    if isinstance(side.cidrs, Unknown) or not side.cidrs:
        return UNKNOWN
    found = [network.version == c.version and network.overlaps(c) for c in side.cidrs]
    return YES if any(found) else NO


@dataclass
class Firewall:
    """Every security group of the environment with its rules."""

    groups: dict[tuple, str] = field(default_factory=dict)  # key -> description
    rules: dict[tuple, list[Rule]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)  # rules whose group cannot be known: reported as caveats

    def of(self, group: tuple, direction: str) -> list[Rule]:
        return [r for r in self.rules.get(group, []) if r.direction == direction]

    def passes(self, groups, direction: str, side: Side, protocol: str, port) -> tuple[str, list[Rule]]:
        """Whether traffic on ``protocol``/``port`` between ``groups`` and ``side`` passes ``direction`` rules;
        with the rules that let it through. ``groups`` None means "no security group" (an NLB): it passes."""
        if groups is None:
            return YES, []
        if isinstance(groups, Unknown) or isinstance(port, Unknown):
            return UNKNOWN, []
        verdicts, matched = [], []
        for group in sorted(groups):
            if group not in self.groups:
                verdicts.append(UNKNOWN)  # a group outside the templates: its rules are not known
                continue
            for rule in self.of(group, direction):
                if isinstance(rule.ports, Unknown):
                    verdict = weakest(UNKNOWN, admits(rule.peer, side))
                elif rule.ports.covers(protocol, port):
                    verdict = admits(rule.peer, side)
                else:
                    continue
                verdicts.append(verdict)
                if verdict == YES:
                    matched.append(rule)
        return strongest(verdicts), matched

    def ranges(self, groups, direction: str, side: Side) -> list[tuple[object, str]]:
        """``(Ports, verdict)`` of every rule of ``groups`` in ``direction`` that admits ``side`` (yes or unknown)."""
        if groups is None:
            return [(Ports("all", 0, 65535), YES)]
        if isinstance(groups, Unknown):
            return [(Ports("all", 0, 65535), UNKNOWN)]
        found = []
        for group in sorted(groups):
            if group not in self.groups:
                found.append((Ports("all", 0, 65535), UNKNOWN))
                continue
            for rule in self.of(group, direction):
                verdict = admits(rule.peer, side)
                if verdict == NO:
                    continue
                ports = rule.ports if isinstance(rule.ports, Ports) else Ports("all", 0, 65535)
                found.append((ports, verdict if isinstance(rule.ports, Ports) else UNKNOWN))
        return found


def group_key(evaluator: Evaluator, stack: str, value):
    """The security group a value names: a template's group key, ``("", "sg-…")`` for a literal id, or Unknown."""
    found = evaluator.eval(stack, value)
    if isinstance(found, Res):
        if evaluator.type_of(found.key) == SECURITY_GROUP and found.attribute in (None, "GroupId"):
            return found.key
        return Unknown(f"{found.logical_id} is not a security group of the templates")
    if isinstance(found, str) and found.startswith("sg-"):
        return ("", found)
    return found if isinstance(found, Unknown) else Unknown("a security group known only at deploy time")


#: Parameter types that can only hold the id of an existing security group: a group made outside the templates.
EXTERNAL_GROUP_TYPES = ("AWS::EC2::SecurityGroup::Id", "AWS::SSM::Parameter::Value<AWS::EC2::SecurityGroup::Id>")


def external_group(evaluator: Evaluator, stack: str, item):
    """``("", "<Parameter> (external)")`` when ``item`` is a ``Ref`` to a parameter typed as a security-group id,
    else None. Such a group is certainly a group (its id is checked by CloudFormation) but its rules are managed
    elsewhere: it is a member of the set like a literal ``sg-`` id, and every verdict that depends on its rules
    stays unknown, while the rules of the other groups still decide (security groups only add traffic)."""
    if not (isinstance(item, dict) and set(item) == {"Ref"} and isinstance(item["Ref"], str)):
        return None
    definition = evaluator.stacks[stack].parameters.get(item["Ref"]) if stack in evaluator.stacks else None
    if isinstance(definition, dict) and definition.get("Type") in EXTERNAL_GROUP_TYPES:
        return ("", f"{item['Ref']} (external)")
    return None


def group_set(evaluator: Evaluator, stack: str, value):
    """A frozenset of group keys for a list-valued property, or Unknown if any member is unknown (a parameter
    typed as a group id is a known member whose rules are not: :func:`external_group`)."""
    if isinstance(value, list) and any(external_group(evaluator, stack, item) for item in value):
        known = [item for item in value if external_group(evaluator, stack, item) is None]
        found = group_set(evaluator, stack, known)
        if isinstance(found, Unknown):
            return found
        return found | {external_group(evaluator, stack, item) for item in value} - {None}
    found = evaluator.eval(stack, value)
    if found is None:
        return frozenset()
    if not isinstance(found, list):
        return found if isinstance(found, Unknown) else Unknown("a group list known only at deploy time")
    keys = set()
    for item in found:
        key = group_key(evaluator, stack, item) if not isinstance(item, (Res, str)) else _key_of(evaluator, item)
        if isinstance(key, Unknown):
            return key
        keys.add(key)
    return frozenset(keys)


def _key_of(evaluator: Evaluator, item):
    if isinstance(item, Res):
        if evaluator.type_of(item.key) == SECURITY_GROUP and item.attribute in (None, "GroupId"):
            return item.key
        return Unknown(f"{item.logical_id} is not a security group of the templates")
    return ("", item) if item.startswith("sg-") else Unknown(f"security group {item!r} is not in the templates")


def _ports(evaluator: Evaluator, stack: str, rule: dict):
    protocol = evaluator.eval(stack, rule.get("IpProtocol"))
    if isinstance(protocol, int):
        protocol = str(protocol)
    if not isinstance(protocol, str):
        return Unknown("a rule protocol known only at deploy time")
    protocol = _PROTOCOLS.get(protocol.lower(), protocol.lower())
    if protocol == "all":
        return Ports("all", 0, 65535)
    if protocol in ("icmp", "icmpv6"):
        return Ports(protocol, 0, 65535)
    low, high = evaluator.eval(stack, rule.get("FromPort")), evaluator.eval(stack, rule.get("ToPort"))
    try:
        low, high = int(low), int(high)
    except (TypeError, ValueError):
        return Unknown("a rule port known only at deploy time")
    if low == -1 and high == -1:
        return Ports(protocol, 0, 65535)
    return Ports(protocol, low, high)


def _peer(evaluator: Evaluator, stack: str, rule: dict, direction: str):
    group_field = "SourceSecurityGroupId" if direction == "ingress" else "DestinationSecurityGroupId"
    list_field = "SourcePrefixListId" if direction == "ingress" else "DestinationPrefixListId"
    for name in ("CidrIp", "CidrIpv6"):
        if name in rule:
            value = evaluator.eval(stack, rule[name])
            try:
                return Cidr(ipaddress.ip_network(value, strict=False)) if isinstance(value, str) else \
                    (value if isinstance(value, Unknown) else Unknown(f"{name} is not an address range"))
            except ValueError:
                return Unknown(f"{name} {value!r} is not an address range")
    if group_field in rule:
        key = group_key(evaluator, stack, rule[group_field])
        return key if isinstance(key, Unknown) else GroupPeer(key)
    if "SourceSecurityGroupName" in rule:
        return Unknown("a group named by SourceSecurityGroupName (EC2-Classic / default VPC)")
    if list_field in rule:
        value = evaluator.eval(stack, rule[list_field])
        written = rule[list_field]
        parameter = written.get("Ref", "") if isinstance(written, dict) and isinstance(written.get("Ref"), str) else ""
        return PrefixList(value if isinstance(value, str) else Unknown("prefix list parameter"), parameter)
    return Unknown("a rule without a peer")


#: The well-known "no egress" placeholder (CDK's and stackprint's): ICMP type 252 code 86 to the broadcast address.
_PLACEHOLDER = {"IpProtocol": "icmp", "FromPort": 252, "ToPort": 86, "CidrIp": "255.255.255.255/32"}


def _matches_nothing(evaluator: Evaluator, stack: str, rule: dict) -> bool:
    """Whether an inline rule is the placeholder, which no packet matches (it only removes EC2's default egress):
    a task wearing a group with it besides its own reaches nothing more."""
    return all(evaluator.eval(stack, rule.get(k)) == v for k, v in _PLACEHOLDER.items())


def read_firewall(evaluator: Evaluator) -> Firewall:
    """Every group and rule of the environment, inline and standalone."""
    firewall = Firewall()
    for key in evaluator.of_type(SECURITY_GROUP):
        stack = key[0]
        props = evaluator.properties(key)
        firewall.groups[key] = str(props.get("GroupDescription", ""))
        rules = firewall.rules.setdefault(key, [])
        for direction, name in (("ingress", "SecurityGroupIngress"), ("egress", "SecurityGroupEgress")):
            inline = evaluator.eval(stack, props.get(name)) if name in props else None
            if isinstance(inline, Unknown):
                rules.append(Rule(key, direction, Unknown(inline.reason), inline, key))
                continue
            for index, rule in enumerate(inline or []):
                if isinstance(rule, dict) and _matches_nothing(evaluator, stack, rule):
                    continue
                if isinstance(rule, dict):
                    rules.append(Rule(key, direction, _ports(evaluator, stack, rule),
                                      _peer(evaluator, stack, rule, direction), key + (name, index)))
                else:
                    rules.append(Rule(key, direction, Unknown("a rule known only at deploy time"),
                                      Unknown("a rule known only at deploy time"), key + (name, index)))
        if "SecurityGroupEgress" not in props:  # EC2's default rule stays unless egress is declared inline
            rules.append(Rule(key, "egress", Ports("all", 0, 65535), Cidr(ipaddress.ip_network("0.0.0.0/0")),
                              key + ("default egress",)))
    for direction in ("ingress", "egress"):
        kind = f"AWS::EC2::SecurityGroup{direction.capitalize()}"
        for key in evaluator.of_type(kind):
            props = evaluator.properties(key)
            group = group_key(evaluator, key[0], props.get("GroupId"))
            if isinstance(group, Unknown):
                firewall.unresolved.append(f"{key[0]}/{key[1]}: {direction} rule on a group that cannot be known "
                                           f"({group.reason}): it may open any group")
                continue
            if group not in firewall.groups:
                continue  # a rule on a group outside the templates: that group's rules are unknown anyway
            firewall.rules[group].append(Rule(group, direction, _ports(evaluator, key[0], props),
                                              _peer(evaluator, key[0], props, direction), key))
    return firewall
