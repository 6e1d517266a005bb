"""Which resources go into which stack, and the deploy order: a layout that stays within CloudFormation's quotas
(500 resources, 200 outputs, 200 parameters, 1 MB of template per stack) as a blueprint grows, and in which growth
alone never moves a resource.

Every placement is a function of one name, never of a count or of the order things were added in, so adding or
removing a service, balancer or database changes no existing resource's stack or logical id, and no stack name:

- ``network``: VPC, subnets, routes, NAT, flow log, logs key, cluster, Cloud Map namespace, VPC endpoints with their
  two groups, the default group's restriction and the balancers' access-log bucket: VPC-level, bounded whatever
  the number of services.
- ``firewall-<n>``: the security-group shells (the group and its inline CIDR rules, id exported) of services and
  databases, in shard ``n`` = the first byte of the SHA-256 of the group's logical id modulo
  :data:`FIREWALL_SHARDS`. These groups are named by stacks of two later layers (a service's ingress from its
  callers, a database's, an internal balancer's), so they must exist before any of them. Only non-empty shards are
  emitted.
- ``lb-<balancer>``: one stack per balancer: its group, its targets groups, the balancer, its listeners and every
  rule whose protected side is the balancer or its targets. Bounded by the rule quota of its group.
- ``data``: the databases (at most :data:`DATA_STACK_DATABASES`).
- ``<service>``: one per service: the task definition, ECS service, target group, listener rule, the rules that
  admit its balancer and its direct callers, and the rules that admit it to the databases it flows to.

A rule joining two groups lives with what its target side protects (the stack of the service or balancer it admits
traffic to, the network for the VPC endpoints) — except a service's access to a database, which lives with the
service so the data stack does not grow with its callers — and both of its groups are created in an earlier layer,
so no two stacks reference each other. The layers deploy in order network -> firewall -> balancers -> data ->
services, and every rule a balancer's health checks need (balancer -> targets) is in the balancer's stack, which a
routed service depends on: the ECS service never waits for targets the firewall does not yet admit.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from generator.plan.flows import DATABASE, LOAD_BALANCER, SERVICE, internal_balancer_of
from generator.plan.names import (balancer_stack, data_stack, database_group, firewall_stack, guardrails_stack,
                                  network_stack,
                                  service_group, service_stack, targets_group)
from generator.plan.security_groups import TARGETS, GroupRule, SecurityGroup
from generator.plan.vpc_endpoints import ENDPOINT_CLIENT_GROUP

#: Firewall shards: 8 keeps a 3-service blueprint at 1-3 firewall stacks, and at 500 services with 50 databases (550
#: groups: 69 per shard on average, 80 in the fullest, measured) every shard stays far under its 200 outputs (one per
#: group); about 1,200 groups in all before the fullest shard nears 200.
FIREWALL_SHARDS = 8
OUTPUT_QUOTA = 200  # CloudFormation: outputs per stack
GROUPS_PER_INTERFACE = 5  # AWS default: security groups per network interface
#: The data stack exports a database's address, port and secret ARN: 66 databases fill its 200 outputs.
DATA_STACK_DATABASES = OUTPUT_QUOTA // 3


@dataclass(frozen=True)
class Stack:
    """A stack in deploy order; ``service`` is set for a service's stack, ``balancer`` for a balancer's."""

    name: str
    kind: str  # "network" | "firewall" | "balancer" | "data" | "service" | "guardrails"
    service: str | None
    depends_on: tuple[str, ...]
    balancer: str | None = None
    shard: int | None = None


@dataclass(frozen=True)
class Placement:
    """Where each security group and each group-to-group rule lives, and the groups each service's tasks carry."""

    groups: dict = field(hash=False)  # group logical id -> stack name
    rules: dict = field(hash=False)  # rule logical id -> stack name
    interfaces: dict = field(hash=False)  # service name -> the group logical ids its tasks carry, own group first

    def groups_in(self, stack: str, groups: tuple[SecurityGroup, ...]) -> tuple[SecurityGroup, ...]:
        return tuple(g for g in groups if self.groups[g.logical_id] == stack)

    def rules_in(self, stack: str, rules: tuple[GroupRule, ...]) -> tuple[GroupRule, ...]:
        return tuple(r for r in rules if self.rules[r.logical_id] == stack)


def shard(group_logical_id: str) -> int:
    """The firewall shard of a group: a stable hash of its logical id (never Python's salted ``hash``)."""
    return hashlib.sha256(group_logical_id.encode("utf-8")).digest()[0] % FIREWALL_SHARDS


def _group_home(bp, group: SecurityGroup) -> str:
    if group.owner_kind in (SERVICE, DATABASE):
        return firewall_stack(bp.name, bp.env, shard(group.logical_id))
    if group.owner_kind in (LOAD_BALANCER, TARGETS):
        return balancer_stack(bp.name, bp.env, group.owner)
    return network_stack(bp.name, bp.env)  # the VPC endpoints' groups


def _rule_home(bp, rule: GroupRule, by_id: dict[str, SecurityGroup]) -> str:
    """The stack of what the rule's target side protects; a rule admitting a service to a database lives with the
    service instead, so the data stack does not grow with the number of callers."""
    target, source = (rule.group, rule.peer) if rule.direction == "ingress" else (rule.peer, rule.group)
    protected, caller = by_id[target], by_id[source]
    if protected.owner_kind == DATABASE and caller.owner_kind == SERVICE:
        return service_stack(bp.name, bp.env, caller.owner)
    if protected.owner_kind == SERVICE:
        return service_stack(bp.name, bp.env, protected.owner)
    if protected.owner_kind == DATABASE:
        return data_stack(bp.name, bp.env)
    return _group_home(bp, protected)


def _interfaces(bp, groups: dict[str, SecurityGroup]) -> dict[str, tuple[str, ...]]:
    """The groups each service's tasks carry: its own, its balancer's targets group, the endpoint clients'."""
    found = {}
    for name in sorted(bp.services):
        service = bp.services[name]
        carried = [service_group(name)]
        if service.route is not None:
            carried.append(targets_group(service.route.load_balancer))
        if ENDPOINT_CLIENT_GROUP in groups:
            carried.append(ENDPOINT_CLIENT_GROUP)
        if len(carried) > GROUPS_PER_INTERFACE:  # at most 3 by construction; kept so a new group cannot slip by
            raise bp.error_at(("services", name), f"the tasks would carry {len(carried)} security groups "
                                                  f"(at most {GROUPS_PER_INTERFACE} per network interface)")
        attached = len(service.security_groups)
        if len(carried) + attached > GROUPS_PER_INTERFACE:
            raise bp.error_at(("services", name, "security_groups"),
                              f"the tasks would wear {len(carried) + attached} security groups: {len(carried)} of "
                              f"the compiler's ({_own_groups(carried)}) and {attached} attached (at most "
                              f"{GROUPS_PER_INTERFACE} per network interface: attach at most "
                              f"{GROUPS_PER_INTERFACE - len(carried)})")
        found[name] = tuple(carried)
    return found


def _own_groups(carried: list[str]) -> str:
    """The compiler's groups on a task, as a reader knows them (for the per-interface limit's error)."""
    return ", ".join("its own" if group.endswith("TaskSecurityGroup") else "the VPC endpoint clients'"
                     if group == ENDPOINT_CLIENT_GROUP else "its balancer's targets group" for group in carried)


def placement(bp, groups: tuple[SecurityGroup, ...], rules: tuple[GroupRule, ...]) -> Placement:
    """Place every group and rule; refuses a firewall shard that would pass the output quota, at the group's
    owner (only a blueprint far beyond the documented limit can get there)."""
    by_id = {g.logical_id: g for g in groups}
    homes = {g.logical_id: _group_home(bp, g) for g in groups}
    counts: dict[str, int] = {}
    for group in groups:
        if group.owner_kind in (SERVICE, DATABASE):
            counts[homes[group.logical_id]] = counts.get(homes[group.logical_id], 0) + 1
            if counts[homes[group.logical_id]] > OUTPUT_QUOTA:
                where = ("services" if group.owner_kind == SERVICE else "databases", group.owner)
                raise bp.error_at(where, f"firewall stack {homes[group.logical_id]} would export more than "
                                         f"{OUTPUT_QUOTA} security groups (the outputs quota; see docs/output.md "
                                         f"for the layout's limits)")
    if len(bp.databases) > DATA_STACK_DATABASES:
        name = sorted(bp.databases)[DATA_STACK_DATABASES]
        raise bp.error_at(("databases", name), f"the data stack holds at most {DATA_STACK_DATABASES} databases "
                                               f"(3 outputs each, {OUTPUT_QUOTA} per stack); this is database "
                                               f"{DATA_STACK_DATABASES + 1}")
    placed = {r.logical_id: _rule_home(bp, r, by_id) for r in rules}
    return Placement(homes, placed, _interfaces(bp, by_id))


def stacks(bp, place: Placement, rules: tuple[GroupRule, ...]) -> tuple[Stack, ...]:
    """Every stack in deploy order (network, firewall shards, balancers, data, services), each depending on the
    stacks whose exports it imports."""
    network, data = network_stack(bp.name, bp.env), data_stack(bp.name, bp.env)
    result = [Stack(network, "network", None, ())]
    shards = sorted({shard(g) for g, home in place.groups.items() if home == firewall_stack(bp.name, bp.env, shard(g))})
    result += [Stack(firewall_stack(bp.name, bp.env, n), "firewall", None, (network,), shard=n) for n in shards]
    order = {stack.name: i for i, stack in enumerate(result)}
    joined: dict[str, set[str]] = {}  # stack -> the homes of the groups its rules join
    for rule in rules:
        joined.setdefault(place.rules[rule.logical_id], set()).update(
            (place.groups[rule.group], place.groups[rule.peer]))

    def after(stack_name: str, extra: set[str]) -> tuple[str, ...]:
        """``extra`` plus the homes of the groups the rules of ``stack_name`` join, in deploy order."""
        needed = set(extra) | {network} | joined.get(stack_name, set())
        needed.discard(stack_name)
        return tuple(sorted(needed, key=lambda name: order[name]))

    for name in sorted(bp.load_balancers):
        stack_name = balancer_stack(bp.name, bp.env, name)
        result.append(Stack(stack_name, "balancer", None, after(stack_name, set()), balancer=name))
        order[stack_name] = len(result) - 1
    if bp.databases:
        result.append(Stack(data, "data", None, after(data, {place.groups[database_group(d)] for d in bp.databases})))
        order[data] = len(result) - 1
    for name in sorted(bp.services):
        stack_name = service_stack(bp.name, bp.env, name)
        service = bp.services[name]
        extra = {place.groups[g] for g in place.interfaces[name]}
        extra |= {balancer_stack(bp.name, bp.env, e) for e in _called_balancers(bp, name)}
        if any(target in bp.databases for target in service.flows):
            extra.add(data)
        result.append(Stack(stack_name, "service", name, after(stack_name, extra)))
        order[stack_name] = len(result) - 1
    if getattr(bp, "guardrails", None) is not None:  # last: it guards every other stack's security groups
        result.append(Stack(guardrails_stack(bp.name, bp.env), "guardrails", None, tuple(s.name for s in result)))
    return tuple(result)


def _called_balancers(bp, service: str) -> set[str]:
    """Internal balancers ``service`` calls (their DNS names are its ``<TARGET>_HOST``)."""
    return {b for t in bp.services[service].flows if t in bp.services
            for b in [internal_balancer_of(bp, t)] if b is not None}
