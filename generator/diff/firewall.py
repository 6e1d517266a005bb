"""Security-group rules of one environment as flow lines (``web → orders-db tcp/5432``), and what the internet reaches.

Rules are read in both forms AWS allows (inline in ``AWS::EC2::SecurityGroup`` and standalone
``SecurityGroupIngress``/``Egress`` resources); group references are followed through Ref, GetAtt and
Fn::ImportValue to the group's template, so a rule written in one stack about a group of another still names it.
A flow allowed by both an egress rule and the matching ingress rule is one line. Groups are named the way
stackprint names them where recognisable (``web`` tasks, ``orders-db`` database, ``public-lb`` balancer), by
logical id otherwise; peers that are addresses are shown as CIDRs, with ``0.0.0.0/0`` as ``internet``.

A "role" group that every task wears besides its own (the VPC endpoint clients' group) has no identity of its own: a
flow from it is shown once per group worn with it (``web → EndpointSecurityGroup tcp/443``). A balancer's targets
group is shown as ``<name>-lb-targets``: the balancer's egress names it per port, each service's own group admits
the balancer on its own port (the ``public-lb → web`` line).
"""
from __future__ import annotations

import re
from functools import cached_property

from generator.diff.exports import Environment
from generator.diff.values import show

RULE_KEYS = ("SecurityGroupIngress", "SecurityGroupEgress")
ATTACH_KEYS = frozenset({"SecurityGroupIds", "SecurityGroups", "VPCSecurityGroups", "VpcSecurityGroupIds",
                         "GroupSet", "Groups"})
_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "-1": "all", "all": "all"}
#: stackprint's group descriptions: ``'<blueprint> <env>: <name> tasks'`` (or ``database``, ``load balancer``).
_DESCRIPTION = re.compile(r"^\S+ \S+: (?P<name>[A-Za-z0-9][A-Za-z0-9_.-]*) (?P<kind>tasks|database|load balancer)\b")
#: stackprint's role group: the endpoint clients' group every service wears.
_ROLE = re.compile(r"^\S+ \S+: service tasks that call the VPC interface endpoints$")
#: A balancer's targets group: ``'<blueprint> <env>: tasks behind the <lb> load balancer'``.
_TARGETS = re.compile(r"^\S+ \S+: tasks behind the (?P<name>[A-Za-z0-9][A-Za-z0-9_.-]*) load balancer$")
_SUFFIXES = (("TaskSecurityGroup", ""), ("DatabaseSecurityGroup", ""), ("LoadBalancerSecurityGroup", "-lb"))
#: CDK's and stackprint's "no egress" placeholder: ICMP type 252 code 86 to a host that does not exist.
_PLACEHOLDER = {"CidrIp": "255.255.255.255/32", "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86}


def _kebab(pascal: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", pascal).lower()


def ports(rule: dict) -> str:
    """``tcp/5432``, ``tcp/8000-8100``, ``udp/53``, ``all``, ``icmp``."""
    protocol = str(rule.get("IpProtocol", "?")).lower()
    protocol = _PROTOCOLS.get(protocol, protocol)
    if protocol == "all":
        return "all traffic"
    low, high = rule.get("FromPort"), rule.get("ToPort")
    if protocol not in ("tcp", "udp"):
        return protocol
    if low in (None, -1) or (low == 0 and high == 65535):
        return f"{protocol}/all"
    return f"{protocol}/{show(low)}" if low == high or high is None else f"{protocol}/{show(low)}-{show(high)}"


class Firewall:
    """The rules of one environment, with groups resolved across its stacks."""

    def __init__(self, environment: Environment):
        self.env = environment

    def _group(self, value, path: str, depth: int = 0):
        """(template path, logical id) of the group ``value`` refers to, or a label when it is not in the tree."""
        template = self.env.templates[path]
        resources = template.get("Resources") or {}
        target = None
        if isinstance(value, dict) and len(value) == 1:
            (key, inner), = value.items()
            if key == "Ref" and isinstance(inner, str):
                target = inner
            elif key == "Fn::GetAtt":
                target = inner[0] if isinstance(inner, list) and inner else str(inner).split(".")[0]
            elif key == "Fn::ImportValue" and depth < 4:
                name = self.env.resolve(inner, path)
                exported = self.env.exports.get(name) if name else None
                if exported:
                    return self._group(exported[2], exported[0], depth + 1)
        if isinstance(target, str) and isinstance(resources.get(target), dict) \
                and resources[target].get("Type") == "AWS::EC2::SecurityGroup":
            return path, target
        return show(value)

    def label(self, group) -> str:
        """How a group is named in a flow line."""
        if isinstance(group, str):
            return group
        path, logical_id = group
        resource = (self.env.templates[path].get("Resources") or {}).get(logical_id) or {}
        description = (resource.get("Properties") or {}).get("GroupDescription")
        targets = _TARGETS.match(description) if isinstance(description, str) else None
        if targets:
            return targets["name"] + "-lb-targets"
        match = _DESCRIPTION.match(description) if isinstance(description, str) else None
        if match:
            return match["name"] + ("-lb" if match["kind"] == "load balancer" else "")
        for suffix, tail in _SUFFIXES:
            if logical_id.endswith(suffix) and logical_id != suffix:
                return _kebab(logical_id[: -len(suffix)]) + tail
        return logical_id

    def _peer(self, rule: dict, direction: str, path: str) -> str | None:
        side = "Source" if direction == "ingress" else "Destination"
        if rule.get("CidrIp") is not None:
            cidr = rule["CidrIp"]
            return "internet" if cidr == "0.0.0.0/0" else show(cidr)
        if rule.get("CidrIpv6") is not None:
            cidr = rule["CidrIpv6"]
            return "internet (IPv6)" if cidr in ("::/0", "0::/0") else show(cidr)
        if rule.get(f"{side}SecurityGroupId") is not None:
            return self.label(self._group(rule[f"{side}SecurityGroupId"], path))
        if rule.get(f"{side}PrefixListId") is not None:
            return f"prefix-list {show(rule[f'{side}PrefixListId'])}"
        if rule.get("SourceSecurityGroupName") is not None:
            return show(rule["SourceSecurityGroupName"])
        return None

    @cached_property
    def rules(self) -> list[tuple[str, object, str, str]]:
        """(direction, group, peer label, ports) for every rule of the environment."""
        found = []
        for path, template in self.env.templates.items():
            for logical_id, resource in sorted((template.get("Resources") or {}).items()):
                if not isinstance(resource, dict) or not isinstance(resource.get("Properties"), dict):
                    continue
                kind, props = resource.get("Type"), resource["Properties"]
                if kind == "AWS::EC2::SecurityGroup":
                    for key in RULE_KEYS:
                        direction = "ingress" if key.endswith("Ingress") else "egress"
                        for rule in props.get(key) or []:
                            if isinstance(rule, dict):
                                found.append((direction, (path, logical_id), rule, path))
                elif kind in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
                    direction = "ingress" if kind.endswith("Ingress") else "egress"
                    group = self._group(props.get("GroupId"), path) if props.get("GroupId") is not None \
                        else show(props.get("GroupName"))
                    found.append((direction, group, props, path))
        rules = []
        for direction, group, rule, path in found:
            if all(rule.get(k) == v for k, v in _PLACEHOLDER.items()):
                continue
            peer = self._peer(rule, direction, path)
            if peer is not None:
                rules.append((direction, group, peer, ports(rule)))
        return rules

    def _role(self, group) -> bool:
        if not isinstance(group, tuple):
            return False
        path, logical_id = group
        resource = (self.env.templates[path].get("Resources") or {}).get(logical_id) or {}
        description = (resource.get("Properties") or {}).get("GroupDescription")
        return isinstance(description, str) and bool(_ROLE.match(description))

    @cached_property
    def _worn_with(self) -> dict:
        """Role group -> labels of the other, non-role groups worn on the same interface (across stacks)."""
        found: dict = {}

        def walk(value, path: str) -> None:
            if isinstance(value, dict):
                for key, inner in value.items():
                    if key in ATTACH_KEYS and isinstance(inner, list):
                        groups = [self._group(item, path) for item in inner]
                        for group in groups:
                            if self._role(group):
                                found.setdefault(group, set()).update(
                                    self.label(other) for other in groups if other != group and not self._role(other))
                    else:
                        walk(inner, path)
            elif isinstance(value, list):
                for inner in value:
                    walk(inner, path)

        for path, template in self.env.templates.items():
            for resource in (template.get("Resources") or {}).values():
                if isinstance(resource, dict):
                    walk(resource.get("Properties"), path)
        return found

    def _names(self, group) -> list[str]:
        """How a group appears in flow lines: its label, or for a role group the labels of those worn with it."""
        if isinstance(group, tuple) and self._worn_with.get(group):
            return sorted(self._worn_with[group])
        return [self.label(group)]

    def flows(self) -> set[str]:
        """``source → target ports`` for every rule; an egress and its matching ingress give one line."""
        lines = set()
        by_label = {}
        for direction, group, peer, spec in self.rules:
            for name in self._names(group):
                for other in self._peers(group, peer, by_label):
                    lines.add(f"{other} → {name} {spec}" if direction == "ingress" else f"{name} → {other} {spec}")
        return lines

    def _peers(self, group, peer: str, by_label: dict) -> list[str]:
        """A rule's peer label, expanded when it names a role group (found by label among the rules' groups)."""
        if not by_label:
            for _, known, _, _ in self.rules:
                if isinstance(known, tuple):
                    by_label.setdefault(self.label(known), known)
        known = by_label.get(peer)
        return self._names(known) if known is not None else [peer]

    @cached_property
    def attachments(self) -> dict:
        """Group -> sorted logical ids of the resources that put it on a network interface (across stacks)."""
        attached: dict = {}

        def walk(value, path: str, owner: str) -> None:
            if isinstance(value, dict):
                for key, inner in value.items():
                    if key in ATTACH_KEYS:
                        for item in inner if isinstance(inner, list) else [inner]:
                            group = self._group(item, path)
                            attached.setdefault(group if isinstance(group, tuple) else ("", group), set()).add(owner)
                    else:
                        walk(inner, path, owner)
            elif isinstance(value, list):
                for inner in value:
                    walk(inner, path, owner)

        for path, template in self.env.templates.items():
            for logical_id, resource in sorted((template.get("Resources") or {}).items()):
                if isinstance(resource, dict) and resource.get("Type") not in (
                        "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
                    walk(resource.get("Properties"), path, logical_id)
        return {group: sorted(owners) for group, owners in attached.items()}

    def internet(self) -> set[str]:
        """``public-lb tcp/443 (on PublicLoadBalancer)`` for every group open to 0.0.0.0/0 or ::/0."""
        lines = set()
        for direction, group, peer, spec in self.rules:
            if direction != "ingress" or not peer.startswith("internet"):
                continue
            key = group if isinstance(group, tuple) else ("", group)
            owners = self.attachments.get(key)
            where = f"on {', '.join(owners)}" if owners else "attached to nothing in these templates"
            suffix = " over IPv6" if peer.endswith("(IPv6)") else ""
            lines.add(f"{self.label(group)} {spec}{suffix} ({where})")
        return lines
