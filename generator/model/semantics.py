"""Checks that relate fields or services to each other, run on the validated model of one environment.

Each check yields :class:`Issue` (effective key path + message); the loader turns them into positioned errors.
Checks that need the plan (security-group rule quotas) are raised by the plan through ``Blueprint.error_at``.
This module holds checks only: the names the compiler derives live in :mod:`generator.naming`, the defaults it
derives in :mod:`generator.model.defaults`.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Callable, Iterator

from generator import fargate
from generator.model.blueprint import BlueprintSpec
from generator.model.databases import MIN_BACKUP_RETENTION_DAYS, VERSION_PATTERNS
from generator.model.vpc_endpoints import is_private_ecr, required_endpoints
from generator.model import (attached_groups, capacity, defaults, engine_versions, existing_network_checks,
                             expectations, ipv6, network_balancers, shared_balancers, sidecars, source_checks)
from generator.model.errors import did_you_mean
from generator.model.sources import sources_of
from generator.model.network import MAX_SUBNET_PREFIX, RESERVED_ZONES, TIERS, fits, required_addresses
from generator.model.units import describe_cpu
from generator.naming import database_variables, endpoint_variables, pascal

Written = Callable[[tuple], bool]

PRIVATE_RANGES = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
VPC_PREFIXES = (16, 24)
#: ALB rules take at most 5 condition values (path patterns + host names).
MAX_CONDITION_VALUES = 5
#: Variable names that hold credentials: a literal value would sit in plain text in the task definition.
_SECRET_LIKE = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL",
                          re.IGNORECASE)


@dataclass(frozen=True)
class Issue:
    """A semantic problem at an effective key path of one environment."""

    keypath: tuple
    message: str
    at_key: bool = False


def check(bp: BlueprintSpec, written: Written) -> list[Issue]:
    """Every semantic issue of ``bp``; ``written(keypath)`` tells whether the blueprint set a value there
    (so an error about a defaulted value can point at the value the user did write)."""
    issues: list[Issue] = list(existing_network_checks.check(bp, written, Issue))  # network.existing
    for checker in (_network, _balancers, _services, _databases, _logical_ids, _audit_rules):
        issues.extend(checker(bp, written))
    issues.extend(shared_balancers.check(bp, Issue))  # a caller of a shared internal balancer reaches all behind it
    issues.extend(network_balancers.check(bp, written, Issue))  # type: network, TCP/TLS listeners, PrivateLink
    issues.extend(expectations.check(bp, Issue))  # expect: names services and databases of the blueprint
    issues.extend(source_checks.check(bp, Issue))  # allow_from: [...] lists sources that can reach the balancer
    issues.extend(attached_groups.check(bp, Issue))  # each attached group once per service
    issues.extend(capacity.check(bp, Issue))  # Spot only where an interruption cannot stop the service
    issues.extend(sidecars.check(bp, Issue))  # containers: inside a service (names, waits, shares, FireLens)
    return issues


# --- network -------------------------------------------------------------------------------------------------------

def _network(bp: BlueprintSpec, written: Written) -> Iterator[Issue]:
    net = bp.network
    cidr = net.cidr
    if cidr is None:  # an existing network: its range is the team's (generator/model/existing_network_checks.py)
        return
    if not any(cidr.subnet_of(r) for r in PRIVATE_RANGES):
        yield Issue(("network", "cidr"), f"{cidr} is not a private range (use RFC 1918: 10.0.0.0/8, 172.16.0.0/12 "
                                         f"or 192.168.0.0/16, e.g. 10.20.0.0/{max(cidr.prefixlen, 16)})")
    low, high = VPC_PREFIXES
    if not low <= cidr.prefixlen <= high:
        yield Issue(("network", "cidr"), f"a /{cidr.prefixlen} VPC is not allowed (prefix /{low} to /{high})")
        return
    prefixes = net.prefixes
    if fits(cidr, prefixes):
        return
    needed = required_addresses(prefixes)
    shown = ", ".join(f"{tier} /{prefixes[tier]}" for tier in TIERS)
    why = f"3 tiers x {RESERVED_ZONES} zone slots, reserved so zones can be added without moving subnets"
    if net.explicit_tiers:
        too_big = [t for t in TIERS if prefixes[t] <= cidr.prefixlen]
        if too_big:
            yield Issue(("network", "subnets", too_big[0], "prefix"),
                        f"a /{prefixes[too_big[0]]} subnet does not fit {RESERVED_ZONES} times in the "
                        f"/{cidr.prefixlen} VPC (use /{cidr.prefixlen + 5} or longer)")
            return
        vpc_needed = 32 - (needed - 1).bit_length()
        yield Issue(("network", "subnets"),
                    f"{shown} need {needed} addresses ({why}) but the /{cidr.prefixlen} VPC has "
                    f"{cidr.num_addresses} (use a /{vpc_needed} VPC or longer subnet prefixes)")
    else:
        smallest = {tier: MAX_SUBNET_PREFIX for tier in TIERS}
        vpc_needed = 32 - (required_addresses(smallest) - 1).bit_length()
        yield Issue(("network", "cidr"),
                    f"a /{cidr.prefixlen} VPC cannot hold the subnet tiers even at /{MAX_SUBNET_PREFIX} ({why}; "
                    f"use a /{vpc_needed} VPC or larger)")


# --- load balancers ------------------------------------------------------------------------------------------------

def _balancers(bp: BlueprintSpec, written: Written) -> Iterator[Issue]:
    routed = {s.route.load_balancer for s in bp.services.values() if s.route}
    for name, balancer in bp.load_balancers.items():
        where = ("load_balancers", name)
        if balancer.scheme == "internet-facing" and balancer.https is None and not balancer.network:
            yield Issue(where + ("scheme",), "an internet-facing load balancer needs https (add https: "
                                             "{certificate: {parameter: CertificateArn}}; HTTP then only redirects)")
        if balancer.allow_from == "cloudfront" and balancer.scheme != "internet-facing" and not balancer.network:
            yield Issue(where + ("allow_from",), "cloudfront applies to internet-facing balancers only (CloudFront "
                                                 "reaches origins over the internet; remove allow_from or use "
                                                 "scheme: internet-facing)")
        if not balancer.network:  # a network balancer's settings: generator.model.network_balancers
            yield from _hardening(balancer, where)
        if balancer.scheme == "internal" and written(where + ("waf",)) and not balancer.network:
            yield Issue(where + ("waf",), "waf applies to internet-facing balancers only (an internal balancer has "
                                          "no web ACL; remove waf)")
        if name not in routed:
            yield Issue(where, f"no service routes to load balancer '{name}' (add route: {{load_balancer: {name}}} "
                               "to a service, or remove it)", at_key=True)
        elif balancer.scheme == "internal" and not _called_through(bp, name) and not sources_of(balancer) \
                and balancer.privatelink is None:
            behind = sorted(s for s, svc in bp.services.items() if svc.route and svc.route.load_balancer == name)
            yield Issue(where, f"nothing can reach internal load balancer '{name}': no service has a flow to "
                               f"{', '.join(behind)} (add flows: [{behind[0]}] to the services that call it, or "
                               "allow_from: [<corporate CIDR>] for callers outside the VPC)",
                        at_key=True)


def _hardening(balancer, where: tuple) -> Iterator[Issue]:
    """WAF is for internet-facing balancers; TLS to the targets needs a certificate; a relax must turn off a
    default that is on."""
    if balancer.end_to_end_tls and balancer.https is None:
        yield Issue(where + ("end_to_end_tls",), "end_to_end_tls needs https on the balancer (add https: "
                                                 "{certificate: ...}, or remove end_to_end_tls)")
    if balancer.end_to_end_tls and "end_to_end_tls" in balancer.relax:
        yield Issue(where + ("relax", "end_to_end_tls"), "end_to_end_tls is both asked for and relaxed (keep one)")
    elif balancer.end_to_end_tls is False and balancer.scheme == "internal" and balancer.https is not None:
        yield Issue(where + ("end_to_end_tls",), "end_to_end_tls is on by default for an internal balancer with "
                                                 "https; turning it off takes a reason (remove end_to_end_tls and "
                                                 "write relax: {end_to_end_tls: <reason>})")
    elif "end_to_end_tls" in balancer.relax and (balancer.scheme != "internal" or balancer.https is None):
        yield Issue(where + ("relax", "end_to_end_tls"), "end_to_end_tls is on by default only for an internal "
                                                         "balancer with https: nothing to relax here (remove it)")
    if balancer.scheme == "internal" and "waf" in balancer.relax and not balancer.network:
        yield Issue(where + ("relax", "waf"), "an internal balancer has no web ACL to turn off (waf applies to "
                                              "internet-facing balancers only; remove it)")


def _called_through(bp: BlueprintSpec, balancer: str) -> bool:
    """Whether some service flows to a service routed through ``balancer`` (its only possible clients)."""
    return any(target in bp.services and bp.services[target].route is not None
               and bp.services[target].route.load_balancer == balancer
               for service in bp.services.values() for target in service.flows)


# --- services ------------------------------------------------------------------------------------------------------

def _services(bp: BlueprintSpec, written: Written) -> Iterator[Issue]:
    if bp.network.nat == "none":
        yield from _without_nat(bp)
    for name, service in bp.services.items():
        where = ("services", name)
        yield from _size(service, where, written)
        yield from _ssh_port(service, where)
        yield from _capacity(service, where, written)
        yield from _route(bp, name, service, where)
        yield from _flows(bp, name, service, where)
        yield from _egress(bp, service, where)
        yield from ipv6.egress_issues(bp, service, where, Issue)
        yield from _variables(service, where)
        yield from _endpoint_variables(bp, service, where)
    yield from _rule_clashes(bp)


def _without_nat(bp: BlueprintSpec) -> Iterator[Issue]:
    """With ``nat: none`` the private subnets have no route to the internet: every image must come from private
    ECR, declared egress can never be used, and the endpoints the services need must be declared."""
    for name, service in bp.services.items():
        if not is_private_ecr(service.image):
            yield Issue(("services", name, "image"),
                        f"'{service.image}' cannot be pulled with nat: none (only private ECR images, "
                        "<account>.dkr.ecr.<region>.amazonaws.com/<repository>, are reachable through VPC "
                        "endpoints; copy the image to ECR or use nat: single)")
        for index in range(len(service.egress)):
            yield Issue(("services", name, "egress", index),
                        "with nat: none the private subnets have no route out of the VPC, so this egress could "
                        "never be used (remove it or use nat: single)")
    missing = [name for name in required_endpoints(bp) if name not in bp.network.endpoints]
    if missing:
        yield Issue(("network", "nat"), f"with nat none the services need VPC endpoints for {', '.join(missing)} "
                                        "(add them under network.endpoints)")


def _size(service, where: tuple, written: Written) -> Iterator[Issue]:
    """The cpu/memory pair must be a Fargate combination; point at what the user wrote."""
    if fargate.is_valid(service.cpu, service.memory):
        return
    valid = ", ".join(str(m) for m in fargate.valid_memory(service.cpu))
    if written(where + ("memory",)):
        larger = ""
        if service.memory > max(fargate.valid_memory(service.cpu)):
            fitting = fargate.smallest_fitting(service.cpu, service.memory)
            if fitting:
                larger = f"; or cpu {describe_cpu(fitting[0])} with memory {fitting[1]}"
        yield Issue(where + ("memory",), f"{service.memory} MiB is not valid with {describe_cpu(service.cpu)} "
                                         f"(valid: {valid}{larger})")
    else:
        yield Issue(where + ("cpu",), f"{describe_cpu(service.cpu)} is not valid with the default memory "
                                      f"{service.memory} MiB (set memory to one of: {valid})")


SSH_PORT = 22


def _ssh_port(service, where: tuple) -> Iterator[Issue]:
    """No SSH into containers: ECS Exec gives a shell through Session Manager without any open port."""
    if service.port == SSH_PORT:
        yield Issue(where + ("port",), f"port {SSH_PORT} is SSH; containers are not reached over SSH (use exec: true "
                                       "for a shell through ECS Exec, which opens no port)")


def _capacity(service, where: tuple, written: Written) -> Iterator[Issue]:
    if service.scaling is None:
        return
    if written(where + ("count",)):
        yield Issue(where + ("scaling",), "set either count or scaling, not both (scaling replaces count; in an "
                                          "environment overlay remove the base count with count: null)")
    if service.scaling.min > service.scaling.max:
        yield Issue(where + ("scaling", "min"), f"min {service.scaling.min} is greater than max "
                                                f"{service.scaling.max} (min <= max)")


def _route(bp: BlueprintSpec, name: str, service, where: tuple) -> Iterator[Issue]:
    route = service.route
    if route is None:
        return
    if service.port is None:
        yield Issue(where + ("route",), "a route needs the service's container port (add port:, e.g. port: 8080)")
    if route.load_balancer not in bp.load_balancers:
        known = list(bp.load_balancers)
        hint = did_you_mean(route.load_balancer, known) if known else "(no load_balancers are defined)"
        yield Issue(where + ("route", "load_balancer"), f"unknown load balancer '{route.load_balancer}' {hint}")
    conditions = len(route.paths) + (1 if route.host else 0)
    if conditions > MAX_CONDITION_VALUES:
        yield Issue(where + ("route", "path"), f"{conditions} path and host values in one rule (at most "
                                               f"{MAX_CONDITION_VALUES})")
    if len(set(route.paths)) != len(route.paths):
        yield Issue(where + ("route", "path"), "lists a path pattern twice")


def _rule_clashes(bp: BlueprintSpec) -> Iterator[Issue]:
    """On one balancer, two rules may not share a priority or a path pattern with the same host."""
    seen_pattern: dict[tuple, str] = {}
    yield from _priority_clashes(bp)
    for name, service in bp.services.items():
        route = service.route
        if route is None or route.load_balancer not in bp.load_balancers or \
                network_balancers.is_network(bp, route.load_balancer):
            continue  # a network balancer has no paths: one listener port per service
        where = ("services", name, "route")
        for pattern in route.paths:
            other = seen_pattern.setdefault((route.load_balancer, route.host, pattern), name)
            if other != name:
                host = f" and host {route.host}" if route.host else ""
                yield Issue(where + ("path",), f"path '{pattern}'{host} is also routed to services.{other} on load "
                                               f"balancer '{route.load_balancer}' (one of the rules would never "
                                               "match; add a host or another path)")
                break


def _priority_clashes(bp: BlueprintSpec) -> Iterator[Issue]:
    """No two rules of one balancer on one priority, explicit or derived (:func:`defaults.default_priority`).

    A clash with a derived priority is reported at the explicit one if there is one (the number the user wrote),
    else at the service whose name sorts later; the hint names the next free number after the clashing one, which
    keeps the rule's place in the evaluation order."""
    routed = {name: s.route for name, s in bp.services.items()
              if s.route is not None and s.route.load_balancer in bp.load_balancers
              and not network_balancers.is_network(bp, s.route.load_balancer)}
    priorities = defaults.default_priorities(bp)
    holders: dict[tuple, list[str]] = {}
    for name, route in routed.items():
        holders.setdefault((route.load_balancer, priorities[name]), []).append(name)
    for (balancer, priority), names in holders.items():
        first, *others = sorted(names, key=lambda n: (routed[n].priority is not None, n))  # derived ones first
        for name in others:
            if all(routed[n].priority is None and defaults.is_catch_all(routed[n]) for n in (first, name)):
                continue  # two host-less '/*' rules: reported once, as the repeated path below
            yield _priority_clash(balancer, priority, name, first, routed, priorities)


def _priority_clash(balancer: str, priority: int, at: str, other: str, routed: dict, priorities: dict) -> Issue:
    where = ("services", at, "route")
    if routed[at].priority is not None and routed[other].priority is not None:
        return Issue(where + ("priority",), f"priority {priority} is also used by services.{other}.route on load "
                                            f"balancer '{balancer}' (each rule needs its own)")
    taken = {p for n, p in priorities.items() if routed.get(n) and routed[n].load_balancer == balancer}
    free = next((p for p in range(priority + 1, defaults.MAX_PRIORITY) if p not in taken), None)
    if routed[at].priority is not None:
        return Issue(where + ("priority",), f"priority {priority} is the derived priority of services.{other}.route "
                                            f"on load balancer '{balancer}' (each rule needs its own: choose another"
                                            f"{f', e.g. {free}' if free else ''}, or, if {other} is the service you "
                                            "are adding, set a priority there)")
    hint = f"priority: {free}" if free else "a priority"
    return Issue(where, f"its derived priority {priority} (from host, path and service name) is also derived for "
                        f"services.{other}.route on load balancer '{balancer}' (set {hint} on the one you are adding, "
                        "so the other rule keeps its number)")


def _flows(bp: BlueprintSpec, name: str, service, where: tuple) -> Iterator[Issue]:
    seen: set[str] = set()
    for index, target in enumerate(service.flows):
        at = where + ("flows", index)
        if target in seen:
            yield Issue(at, f"'{target}' is listed twice")
            continue
        seen.add(target)
        if target == name:
            yield Issue(at, "a service needs no flow to itself (containers of one task talk over localhost)")
        elif target in bp.databases:
            continue  # a flow to a database: always on its engine port
        elif target not in bp.services:
            others = [s for s in bp.services if s != name] + list(bp.databases)
            what = "service or database" if bp.databases else "service"
            hint = did_you_mean(target, others) if others else "(no other services are defined)"
            yield Issue(at, f"unknown {what} '{target}' {hint}")
        elif bp.services[target].port is None:
            yield Issue(at, f"'{target}' has no port, so nothing can connect to it (give it a port or remove "
                            "the flow)")


def _egress(bp: BlueprintSpec, service, where: tuple) -> Iterator[Issue]:
    seen: set[tuple] = set()
    vpc = bp.network.cidr  # None for an existing network: its range is the team's, not known here
    for index, rule in enumerate(service.egress):
        at = where + ("egress", index)
        if vpc is not None and rule.cidr.version == vpc.version and rule.cidr.subnet_of(vpc):
            yield Issue(at + ("cidr",), f"{rule.cidr} is inside the VPC {vpc}, where only load balancers and "
                                        "tasks live (reach another service with flows: [name], which opens only "
                                        "its port to its security group)")
        key = (rule.cidr, rule.port, rule.protocol)
        if key in seen:
            yield Issue(at, f"duplicates an earlier rule ({rule.protocol} {rule.port} to {rule.cidr})")
        seen.add(key)


def _variables(container, where: tuple, issue: Callable = Issue) -> Iterator:
    """Secrets hygiene of one container (a service's main one, or a sidecar through generator.model.sidecars): no
    secret-looking literal, no name in both environment and secrets."""
    for variable in container.environment:
        if _SECRET_LIKE.search(variable):
            yield issue(where + ("environment", variable),
                        f"'{variable}' looks like a secret; a literal value would be readable in the task "
                        "definition (use secrets: with a Secrets Manager or SSM parameter ARN)")
        if variable in container.secrets:
            yield issue(where + ("secrets", variable), f"'{variable}' is also set in environment (a variable "
                                                       "comes from one place: keep it in secrets)", True)


def _endpoint_variables(bp: BlueprintSpec, service, where: tuple) -> Iterator[Issue]:
    for target in dict.fromkeys(service.flows):
        database = target in bp.databases
        how = f"how this service reaches and logs in to the {target} database" if database else \
            f"how this service finds {target}"
        for variable in database_variables(target) if database else endpoint_variables(target):
            if variable in service.environment or variable in service.secrets:
                section = "environment" if variable in service.environment else "secrets"
                yield Issue(where + (section, variable),
                            f"'{variable}' is set by the compiler from flows: [{target}] ({how}); remove it",
                            at_key=True)


# --- databases -----------------------------------------------------------------------------------------------------

def _databases(bp: BlueprintSpec, written: Written) -> Iterator[Issue]:
    """Per-database checks that relate fields (engine and version, engine and storage) or sections (names)."""
    for name, database in bp.databases.items():
        where = ("databases", name)
        if name in bp.services:
            yield Issue(where, f"'{name}' is also a service; flows: [{name}] would be ambiguous (rename one)",
                        at_key=True)
        if database.version is not None:
            pattern, example = VERSION_PATTERNS[database.engine]
            if not re.fullmatch(pattern, database.version):
                yield Issue(where + ("version",), f"'{database.version}' is not a {database.engine} version "
                                                  f"(e.g. '{example}')")
            else:
                wrong = engine_versions.problem(database.engine, database.version, pattern)
                if wrong:
                    yield Issue(where + ("version",), wrong)
        if database.backup_retention_days < MIN_BACKUP_RETENTION_DAYS and "backup_retention" not in database.relax:
            yield Issue(where + ("backup_retention_days",),
                        f"{database.backup_retention_days} day(s) of backups fails the build's audit (DATA006: keep "
                        f"at least {MIN_BACKUP_RETENTION_DAYS}); to accept it, state why under relax: "
                        f"{{backup_retention: <reason>}}")
        if "backup_plan" in database.relax and "deletion_protection" in database.relax:
            yield Issue(where + ("relax", "backup_plan"), "the AWS Backup plan is on by default only where deletion "
                                                          "protection is on, and it is relaxed here: nothing to "
                                                          "relax (remove backup_plan)")
        if database.aurora and database.storage_gb is not None:
            yield Issue(where + ("storage_gb",), f"{database.engine} storage grows by itself (remove storage_gb, "
                                                 "or use engine postgres or mysql)")


# --- names -----------------------------------------------------------------------------------------------------

def _logical_ids(bp: BlueprintSpec, written: Written) -> Iterator[Issue]:
    """``a-1`` and ``a1`` both become ``A1``: their resources would silently merge, so the second is an error."""
    for section in ("services", "load_balancers", "databases"):
        seen: dict[str, str] = {}
        for name in getattr(bp, section):
            fragment = pascal(name)
            if fragment in seen:
                yield Issue((section, name), f"'{name}' and '{seen[fragment]}' both become '{fragment}' in "
                                             "CloudFormation logical ids (rename one)", at_key=True)
            else:
                seen[fragment] = name


# --- audit exceptions ----------------------------------------------------------------------------------------------

def _audit_rules(bp: BlueprintSpec, written: Written) -> Iterator[Issue]:
    """An ``audit.ignore`` entry naming no real rule would suppress nothing: refuse it with the closest rule id."""
    scopes = [(("audit", "ignore"), bp.audit.ignore)]
    scopes += [(("services", name, "audit", "ignore"), service.audit.ignore) for name, service in bp.services.items()]
    if not any(ignore for _, ignore in scopes):
        return
    from generator.audit.rules import RULES  # only when needed: the rules are light, but validate starts fast

    for where, ignore in scopes:
        for index, exception in enumerate(ignore):
            if exception.rule not in RULES:
                yield Issue(where + (index, "rule"), f"unknown audit rule '{exception.rule}' "
                                                     f"{did_you_mean(exception.rule, list(RULES))}")
