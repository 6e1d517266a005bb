"""The billable resources of one environment, read from its templates: what the fixed monthly cost depends on.

Only the fixed, always-on parts are read (counts, sizes, classes); usage (requests, bytes, log volume) is not in a
template and is left out of the estimate by design. A value written as ``!Ref`` to a parameter is read as the
parameter's ``Default``; anything else that is not a literal is kept as ``None`` ("known only at deploy time"), so
the estimate can say what it could not price instead of guessing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.reach import Reach

SERVICE = "AWS::ECS::Service"
TASK = "AWS::ECS::TaskDefinition"
SCALABLE_TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"
DB_INSTANCE = "AWS::RDS::DBInstance"
BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
EIP = "AWS::EC2::EIP"
KMS_KEY = "AWS::KMS::Key"
WEB_ACL = "AWS::WAFv2::WebACL"
SECRET = "AWS::SecretsManager::Secret"


@dataclass(frozen=True)
class Service:
    id: str  # node id of the reachability graph ("stack/LogicalId")
    name: str
    vcpu: float | None
    memory_gb: float | None
    arm: bool
    desired: int | None
    minimum: int | None  # autoscaling bounds; None when the service is not autoscaled
    maximum: int | None
    spot: bool = False  # its capacity provider strategy puts some tasks on FARGATE_SPOT


@dataclass(frozen=True)
class Database:
    id: str
    name: str
    engine: str | None
    instance_class: str | None
    multi_az: bool
    storage_gb: int | None  # None for Aurora (its storage grows with use) or when unknown
    storage_type: str | None
    aurora: bool


@dataclass(frozen=True)
class Balancer:
    id: str
    name: str
    kind: str  # application | network | gateway
    internet_facing: bool
    zones: int  # subnets it is placed in (one public IPv4 address per zone when internet-facing)


@dataclass(frozen=True)
class Resources:
    """Everything with a fixed monthly price, in a stable order."""

    zones: int  # distinct availability zones of the subnets
    nat_gateways: tuple[str, ...]
    elastic_ips: int
    balancers: tuple[Balancer, ...]
    interface_endpoints: tuple[tuple[str, int], ...]  # (service, zones)
    services: tuple[Service, ...]
    databases: tuple[Database, ...]
    kms_keys: int
    secrets: int  # Secrets Manager secrets: declared ones plus RDS-managed master passwords
    web_acls: tuple[int, ...] = ()  # per AWS WAF web ACL, its number of rules (each billed monthly)


def _value(stack, value):
    """A literal, or a parameter's Default through ``!Ref``; None when known only at deploy time."""
    if isinstance(value, dict) and set(value) == {"Ref"}:
        parameter = stack.parameters.get(value["Ref"])
        return parameter.get("Default") if isinstance(parameter, dict) else None
    return None if isinstance(value, (dict, list)) else value


def _number(stack, value) -> float | None:
    found = _value(stack, value)
    try:
        return float(found) if found is not None and not isinstance(found, bool) else None
    except (TypeError, ValueError):
        return None


def _flag(stack, value) -> bool:
    found = _value(stack, value)
    return found is True or (isinstance(found, str) and found.lower() == "true")


def _of_type(stacks, kind: str):
    for stack in stacks:
        for logical_id in sorted(stack.resources):
            resource = stack.resources[logical_id]
            if isinstance(resource, dict) and resource.get("Type") == kind:
                props = resource.get("Properties")
                yield stack, logical_id, props if isinstance(props, dict) else {}


def _ref(value) -> str | None:
    if isinstance(value, dict) and set(value) == {"Ref"} and isinstance(value["Ref"], str):
        return value["Ref"]
    return None


def _mentions(value) -> set[str]:
    """Logical ids a value refers to: ``Ref``, ``Fn::GetAtt`` and ``${Id}``/``${Id.Attr}`` inside ``Fn::Sub``."""
    found: set[str] = set()
    if isinstance(value, str):
        found.update(re.findall(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}", value))
    elif isinstance(value, list):
        for item in value:
            found |= _mentions(item)
    elif isinstance(value, dict):
        if isinstance(value.get("Ref"), str):
            found.add(value["Ref"])
        getatt = value.get("Fn::GetAtt")
        if isinstance(getatt, list) and getatt and isinstance(getatt[0], str):
            found.add(getatt[0])
        for item in value.values():
            found |= _mentions(item)
    return found


def _scaling(stack, service_id: str, service_ids: list[str]) -> tuple[int | None, int | None]:
    """Min and max of the scalable target whose ResourceId names this service, or of the stack's scalable target
    naming no service of the stack when the stack holds this one service only."""
    for _, _, props in _of_type([stack], SCALABLE_TARGET):
        if props.get("ScalableDimension") != "ecs:service:DesiredCount":
            continue
        named = _mentions(props.get("ResourceId")) & set(service_ids)
        if service_id in named or (not named and service_ids == [service_id]):
            low, high = _number(stack, props.get("MinCapacity")), _number(stack, props.get("MaxCapacity"))
            return (int(low) if low is not None else None, int(high) if high is not None else None)
    return None, None


def _services(stacks, labels: dict[str, str]) -> tuple[Service, ...]:
    found = []
    for stack in stacks:
        ids = [i for _, i, _ in _of_type([stack], SERVICE)]
        for _, logical_id, props in _of_type([stack], SERVICE):
            task_name = _ref(props.get("TaskDefinition"))
            task = stack.resources.get(task_name) if task_name else None
            task_props = task.get("Properties") if isinstance(task, dict) and isinstance(task.get("Properties"),
                                                                                         dict) else {}
            cpu, memory = _number(stack, task_props.get("Cpu")), _number(stack, task_props.get("Memory"))
            platform = task_props.get("RuntimePlatform") if isinstance(task_props.get("RuntimePlatform"), dict) else {}
            desired = _number(stack, props.get("DesiredCount")) if "DesiredCount" in props else 1.0
            low, high = _scaling(stack, logical_id, ids)
            node_id = f"{stack.name}/{logical_id}"
            found.append(Service(node_id, labels.get(node_id, logical_id),
                                 cpu / 1024 if cpu is not None else None,
                                 memory / 1024 if memory is not None else None,
                                 _value(stack, platform.get("CpuArchitecture")) == "ARM64",
                                 int(desired) if desired is not None else None, low, high,
                                 _runs_on_spot(props.get("CapacityProviderStrategy"))))
    return tuple(sorted(found, key=lambda s: (s.name, s.id)))


def _runs_on_spot(strategy) -> bool:
    """Whether a capacity provider strategy may place tasks on Fargate Spot (FARGATE_SPOT with a weight)."""
    return isinstance(strategy, list) and any(
        isinstance(item, dict) and item.get("CapacityProvider") == "FARGATE_SPOT" and item.get("Weight") not in (0, "0")
        for item in strategy)


def _databases(stacks, labels: dict[str, str]) -> tuple[Database, ...]:
    found = []
    for stack, logical_id, props in _of_type(stacks, DB_INSTANCE):
        engine = _value(stack, props.get("Engine"))
        aurora = "DBClusterIdentifier" in props or (isinstance(engine, str) and engine.startswith("aurora"))
        storage = _number(stack, props.get("AllocatedStorage"))
        node_id = f"{stack.name}/{logical_id}"
        storage_type = _value(stack, props.get("StorageType"))
        found.append(Database(node_id, labels.get(node_id, logical_id), engine if isinstance(engine, str) else None,
                              _value(stack, props.get("DBInstanceClass")), _flag(stack, props.get("MultiAZ")),
                              None if aurora or storage is None else int(storage),
                              storage_type if isinstance(storage_type, str) else None, aurora))
    return tuple(sorted(found, key=lambda d: (d.name, d.id)))


def _balancers(stacks, reach: Reach) -> tuple[Balancer, ...]:
    placed = {p.id: p for p in reach.placements if p.kind == "balancer"}
    found = []
    for stack, logical_id, props in _of_type(stacks, BALANCER):
        node_id = f"{stack.name}/{logical_id}"
        placement = placed.get(node_id)
        kind = _value(stack, props.get("Type")) or "application"
        scheme = _value(stack, props.get("Scheme")) or "internet-facing"
        found.append(Balancer(node_id, placement.label if placement else logical_id, str(kind),
                              scheme == "internet-facing", len(placement.subnets) if placement else 0))
    return tuple(sorted(found, key=lambda b: (b.name, b.id)))


def _secrets(stacks) -> int:
    managed = sum(1 for stack, _, props in _of_type(stacks, DB_INSTANCE)
                  if _flag(stack, props.get("ManageMasterUserPassword")))
    managed += sum(1 for stack, _, props in _of_type(stacks, "AWS::RDS::DBCluster")
                   if _flag(stack, props.get("ManageMasterUserPassword")))
    return managed + sum(1 for _ in _of_type(stacks, SECRET))


def read_resources(stacks, reach: Reach) -> Resources:
    """The billable resources of the environment made of ``stacks`` (as analysed into ``reach``)."""
    labels = {p.id: p.label for p in reach.placements}
    zones = {s.zone for s in reach.subnets if s.zone}
    endpoints = tuple(sorted((p.detail.split(" ")[0], len(p.subnets)) for p in reach.placements
                             if p.kind == "endpoint" and p.detail.endswith("(interface)")))
    return Resources(
        zones=len(zones),
        nat_gateways=tuple(sorted(p.label for p in reach.placements if p.kind == "nat")),
        elastic_ips=sum(1 for _ in _of_type(stacks, EIP)),
        balancers=_balancers(stacks, reach),
        interface_endpoints=endpoints,
        services=_services(stacks, labels),
        databases=_databases(stacks, labels),
        kms_keys=sum(1 for _ in _of_type(stacks, KMS_KEY)),
        secrets=_secrets(stacks),
        web_acls=tuple(len(props.get("Rules") or []) for _stack, _id, props in _of_type(stacks, WEB_ACL)))
