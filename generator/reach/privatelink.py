"""Reach through PrivateLink: who, outside the VPC, reaches a workload behind a published network balancer.

A balancer named in an ``AWS::EC2::VPCEndpointService`` is reached by the interface endpoints of the principals its
``AWS::EC2::VPCEndpointServicePermissions`` allow. With ``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`` on
(stackprint's default), AWS judges that traffic by the balancer's inbound rules using the client's own address, so
a consumer reaches a listener when one of the balancer's CIDR rules covers the listener port; a balancer without
security groups (or with enforcement off) admits any consumer. The path then goes on like any other through the
balancer: its egress, the target's ingress.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.reach.firewall import NO, UNKNOWN, YES, Cidr, weakest
from generator.reach.values import Evaluator, Res, Unknown

SERVICE = "AWS::EC2::VPCEndpointService"
PERMISSIONS = "AWS::EC2::VPCEndpointServicePermissions"


@dataclass(frozen=True)
class EndpointService:
    key: tuple
    principals: tuple  # the allowed principals as written ("?" for one known only at deploy time)
    enforced: bool  # the balancer's security group judges PrivateLink traffic


def read_endpoint_services(evaluator: Evaluator) -> dict[tuple, list[EndpointService]]:
    """Balancer key -> the endpoint services in front of it, with their allowed principals."""
    principals: dict[tuple, list[str]] = {}
    for key in evaluator.of_type(PERMISSIONS):
        service = evaluator.prop(key, "ServiceId")
        allowed = evaluator.prop(key, "AllowedPrincipals")
        if isinstance(service, Res):
            items = allowed if isinstance(allowed, list) else [allowed]
            principals.setdefault(service.key, []).extend(p if isinstance(p, str) else "?" for p in items)
    found: dict[tuple, list[EndpointService]] = {}
    for key in evaluator.of_type(SERVICE):
        balancers = evaluator.prop(key, "NetworkLoadBalancerArns")
        for balancer in balancers if isinstance(balancers, list) else []:
            if isinstance(balancer, Res):
                enforced = evaluator.prop(balancer.key, "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")
                found.setdefault(balancer.key, []).append(EndpointService(
                    key, tuple(sorted(set(principals.get(key, [])))), enforced in (None, "on")))
    return found


def consumer_ranges(firewall, balancer, port) -> list[tuple[str, str]]:
    """``(source, verdict)``: the address ranges the balancer's inbound rules admit on ``port`` (every address when
    the balancer has no security group)."""
    if balancer.groups is None:
        return [("any address", YES)]
    if isinstance(balancer.groups, Unknown) or isinstance(port, Unknown):
        return [("addresses known only at deploy time", UNKNOWN)]
    found = []
    for group in sorted(balancer.groups):
        for rule in firewall.of(group, "ingress"):
            if not isinstance(rule.peer, Cidr):
                continue
            covered = UNKNOWN if isinstance(rule.ports, Unknown) else (
                YES if rule.ports.covers("tcp", port) else NO)
            if covered != NO:
                found.append((str(rule.peer), covered))
    return sorted(set(found))


def paths(analysis, workload) -> list[tuple[str, str, str]]:
    """``(verdict, text, reason)`` of every PrivateLink path to ``workload``."""
    found = []
    for balancer_key, services in sorted(analysis.endpoint_services.items()):
        balancer = analysis.balancers.get(balancer_key)
        if balancer is None:
            continue
        for listener, group, target, port in analysis.behind(balancer):
            if target != workload.key:
                continue
            for service in services:
                ranges = consumer_ranges(analysis.firewall, balancer, listener.port) if service.enforced else \
                    [("any address (inbound rules not enforced on PrivateLink traffic)", YES)]
                for source, admitted in ranges:
                    verdict = weakest(admitted, analysis.balancer_to(balancer, workload, port))
                    if verdict == NO:
                        continue
                    who = ", ".join(service.principals) or "no principal"
                    listener_port = listener.port if isinstance(listener.port, int) else "?"
                    text = " → ".join([f"PrivateLink ({who}) from {source}", analysis.label(service.key),
                                       f"{analysis.label(balancer.key)}:{listener_port}", analysis.label(group),
                                       f"{analysis.label(workload.key)} tcp/{port if isinstance(port, int) else '?'}"])
                    found.append((verdict, text, "" if verdict == YES else "a value known only at deploy time"))
    return sorted(set(found))
