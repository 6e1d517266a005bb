"""The guardrails stack's plan: the committed rule set the auto-revert function enforces, and the AWS Config
managed rules that apply to the environment.

The committed set is the flow matrix as the templates declare it, written the way the function reads a live rule
back from ``DescribeSecurityGroupRules`` (:func:`rule_text`): ``<ingress|egress> <protocol> <from>-<to> <peer>``
where the peer is ``cidr:<cidr>``, ``group:<logical id>`` (the other group of the environment) or
``prefix:<parameter>`` (a managed prefix list whose id the stack takes as a parameter). Groups are keyed by their
logical id, which the function finds at run time from the ``aws:cloudformation:logical-id`` tag CloudFormation puts
on every group, so nothing here assumes which stack holds which group.
"""
from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass

from generator.plan.flows import listener_port, network_listener_ports, redirects_http, HTTP_PORT
from generator.plan.names import guardrails_stack
from generator.plan.security_groups import PLACEHOLDER_TO_PORT, GroupRule, SecurityGroup

#: Lambda's limit on the function's environment variables, all of them together (bytes).
LAMBDA_ENVIRONMENT_LIMIT = 4096

#: Config rule name -> (managed rule identifier, scope). Scope ``blueprint``: the resources tagged with the
#: blueprint's ``stackprint:blueprint`` tag (CloudFormation propagates stack tags to them); ``groups``: every
#: security group of the account and region (the VPC's default group carries no stack tag); ``account``: a periodic
#: rule, which judges every resource of its type in the account and region.
CONFIG_RULE_IDENTIFIERS = {
    "restricted-ssh": ("INCOMING_SSH_DISABLED", "blueprint"),
    "vpc-sg-open-only-to-authorized-ports": ("VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS", "blueprint"),
    "vpc-default-security-group-closed": ("VPC_DEFAULT_SECURITY_GROUP_CLOSED", "groups"),
    "vpc-flow-logs-enabled": ("VPC_FLOW_LOGS_ENABLED", "account"),
    "alb-http-to-https-redirection-check": ("ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", "account"),
    "rds-instance-public-access-check": ("RDS_INSTANCE_PUBLIC_ACCESS_CHECK", "blueprint"),
    "rds-storage-encrypted": ("RDS_STORAGE_ENCRYPTED", "blueprint"),
    "ecs-containers-readonly-access": ("ECS_CONTAINERS_READONLY_ACCESS", "blueprint"),
    "ecs-task-definition-nonroot-user": ("ECS_TASK_DEFINITION_NONROOT_USER", "blueprint"),
}
#: The tag every resource of a blueprint carries (stack tags, written by the build into each config.json).
BLUEPRINT_TAG = "stackprint:blueprint"


@dataclass(frozen=True)
class ConfigRule:
    """One AWS Config managed rule of the environment."""

    name: str  # the rule's AWS name (restricted-ssh); the deployed rule is <blueprint>-<env>-<name>
    identifier: str  # the managed rule's SourceIdentifier
    scope: str  # "blueprint" | "groups" | "account" (see CONFIG_RULE_IDENTIFIERS)
    parameters: tuple[tuple[str, str], ...] = ()  # InputParameters, sorted


@dataclass(frozen=True)
class GuardrailsPlan:
    """What the guardrails stack holds."""

    stack: str
    watched_stacks: tuple[str, ...]  # the environment's other stacks: their groups are the ones guarded
    committed: tuple[tuple[str, tuple[str, ...]], ...] = ()  # group logical id -> its rules (rule_text), sorted
    notify_parameter: str | None = None  # None: no auto_revert
    prefix_parameters: tuple[str, ...] = ()  # prefix-list id parameters the committed rules name
    config_rules: tuple[ConfigRule, ...] = ()

    @property
    def auto_revert(self) -> bool:
        return self.notify_parameter is not None

    @property
    def committed_json(self) -> str:
        """The committed set as the function's ``COMMITTED_RULES`` variable: compact, keys sorted."""
        return json.dumps(dict(self.committed), sort_keys=True, separators=(",", ":"))

    @property
    def committed_value(self) -> str:
        """The ``COMMITTED_RULES`` variable: the readable JSON while the environment fits Lambda's 4 KB with it,
        else that JSON zlib-compressed and base64-encoded (about a twentieth of the size: rule texts repeat), which
        the function reads either way. Level 9 and no timestamp: the same rules give the same bytes."""
        if self._environment_size(self.committed_json) <= LAMBDA_ENVIRONMENT_LIMIT:
            return self.committed_json
        return base64.b64encode(zlib.compress(self.committed_json.encode("utf-8"), 9)).decode("ascii")

    @property
    def environment_size(self) -> int:
        """What the function's environment weighs against Lambda's limit, with the committed set as written."""
        return self._environment_size(self.committed_value)

    def _environment_size(self, committed: str) -> int:
        """Names and values, the topic ARN and each prefix-list id counted at their maximum length (256 and 64)."""
        size = len("COMMITTED_RULES") + len(committed) + len("STACKS") + len(",".join(self.watched_stacks))
        size += len("TOPIC_ARN") + 256
        if self.prefix_parameters:
            size += len("PREFIX_LISTS") + sum(len(p) + 64 + 6 for p in self.prefix_parameters) + 2
        return size


def rule_text(direction: str, protocol: str, from_port: int, to_port: int, peer: str) -> str:
    """One rule as the function compares it: ``ingress tcp 443-443 cidr:0.0.0.0/0``."""
    return f"{direction} {protocol} {from_port}-{to_port} {peer}"


def committed_rules(groups: tuple[SecurityGroup, ...], rules: tuple[GroupRule, ...]) -> dict[str, tuple[str, ...]]:
    """Every group's declared rules, inline and standalone, as :func:`rule_text` strings (sorted)."""
    result: dict[str, set[str]] = {group.logical_id: set() for group in groups}
    for group in groups:
        for rule in group.ingress:
            result[group.logical_id].add(rule_text("ingress", rule.protocol, rule.port, rule.port, f"cidr:{rule.cidr}"))
        for rule in group.egress:
            to_port = PLACEHOLDER_TO_PORT if rule.placeholder else rule.port
            result[group.logical_id].add(rule_text("egress", rule.protocol, rule.port, to_port, f"cidr:{rule.cidr}"))
        for rule in group.prefix_ingress:
            result[group.logical_id].add(rule_text("ingress", rule.protocol, rule.port, rule.port,
                                                   f"prefix:{rule.prefix_list or rule.parameter}"))
    for rule in rules:
        result[rule.group].add(rule_text(rule.direction, rule.protocol, rule.port, rule.port, f"group:{rule.peer}"))
    return {logical_id: tuple(sorted(texts)) for logical_id, texts in sorted(result.items())}


def authorized_ports(bp) -> tuple[int, ...]:
    """The TCP ports the environment opens to the internet on purpose: its internet-facing balancers' listeners
    (443 with HTTPS, and 80 where it only redirects; 80 without HTTPS)."""
    ports = set()
    for name, balancer in bp.load_balancers.items():
        if balancer.scheme != "internet-facing":
            continue
        if balancer.network:  # every listener port of a network balancer
            ports.update(port for port, _ in network_listener_ports(bp, name))
            continue
        ports.add(listener_port(balancer))
        if redirects_http(balancer):
            ports.add(HTTP_PORT)
    return tuple(sorted(ports))


def _not_applicable(bp, rule: str) -> str | None:
    """Why ``rule`` cannot hold for this environment by construction (None: it applies)."""
    services = bp.services.values()
    if rule.startswith("rds-") and not bp.databases:
        return "the environment has no databases"
    if rule == "alb-http-to-https-redirection-check":
        if not bp.load_balancers:
            return "the environment has no load balancers"
        plain = sorted(name for name, balancer in bp.load_balancers.items()
                       if balancer.https is None and not balancer.network)
        if plain:
            return f"load balancer {plain[0]} serves plain HTTP (give it https)"
    if rule == "vpc-default-security-group-closed" and "restrict_default_security_group" in bp.network.relax:
        return "network.relax turns off restrict_default_security_group"
    if rule.startswith("ecs-") and not bp.services:
        return "the environment has no services"
    if rule == "ecs-containers-readonly-access":
        writable = sorted(name for name, service in bp.services.items() if not service.read_only_root_filesystem)
        if writable:
            return f"service {writable[0]} has a writable root filesystem"
    if rule == "ecs-task-definition-nonroot-user":
        unset = sorted(name for name, service in bp.services.items() if service.user is None)
        if unset:
            return f"service {unset[0]} sets no user (set user: to a non-root uid)"
    return None


def config_rules(bp) -> tuple[ConfigRule, ...]:
    """The Config rules the blueprint asked for: every applicable one for ``true``; a listed rule that cannot
    hold is an error at its position (it would report NON_COMPLIANT by design)."""
    asked = bp.guardrails.config_rules
    if asked is False:
        return ()
    if asked is True:
        names = [name for name in CONFIG_RULE_IDENTIFIERS if _not_applicable(bp, name) is None]
    else:
        for index, name in enumerate(asked):
            why = _not_applicable(bp, name)
            if why:
                raise bp.error_at(("guardrails", "config_rules", index),
                                  f"'{name}' does not apply to this environment: {why} (leave it out, or write "
                                  f"config_rules: true for every rule that applies)")
        names = list(asked)
    result = []
    for name in sorted(names):
        identifier, scope = CONFIG_RULE_IDENTIFIERS[name]
        parameters: tuple[tuple[str, str], ...] = ()
        if name == "vpc-sg-open-only-to-authorized-ports" and authorized_ports(bp):
            parameters = (("authorizedTcpPorts", ",".join(str(p) for p in authorized_ports(bp))),)
        if name == "vpc-flow-logs-enabled":
            parameters = (("trafficType", "ALL"),)
        result.append(ConfigRule(name, identifier, scope, parameters))
    return tuple(result)


def guardrails_plan(bp, groups: tuple[SecurityGroup, ...], rules: tuple[GroupRule, ...],
                    stack_names: tuple[str, ...]) -> GuardrailsPlan | None:
    """The guardrails stack of ``bp``'s environment, or None when the blueprint asks for none."""
    if bp.guardrails is None:
        return None
    stack = guardrails_stack(bp.name, bp.env)
    watched = tuple(sorted(name for name in stack_names if name != stack))
    revert = bp.guardrails.auto_revert
    if revert is None:
        return GuardrailsPlan(stack, watched, config_rules=config_rules(bp))
    committed = committed_rules(groups, rules)
    prefixes = tuple(sorted({g_rule.parameter for g in groups for g_rule in g.prefix_ingress if g_rule.parameter}))
    if revert.notify.parameter in prefixes:
        raise bp.error_at(("guardrails", "auto_revert", "notify", "parameter"),
                          f"'{revert.notify.parameter}' is already the stack's prefix-list parameter (choose "
                          f"another name, e.g. GuardrailsEmail)")
    result = GuardrailsPlan(stack, watched, tuple(committed.items()), revert.notify.parameter, prefixes,
                            config_rules(bp))
    if result.environment_size > LAMBDA_ENVIRONMENT_LIMIT:
        raise bp.error_at(("guardrails", "auto_revert"),
                          f"the committed rule set takes {result.environment_size:,} bytes of the auto-revert "
                          f"function's environment, over Lambda's {LAMBDA_ENVIRONMENT_LIMIT:,} (split the blueprint, "
                          f"or keep config_rules only)")
    return result
