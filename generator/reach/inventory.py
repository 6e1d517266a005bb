"""What the templates place in the network: subnets and their default routes, balancers with their listeners and
target groups, workloads (ECS services, databases, instances, interfaces with public IPs) and VPC endpoints.

Each is read once from the evaluated templates into a small record the analysis walks; any property that cannot be
known (a parameter without default, ``Fn::If``) stays :class:`~generator.reach.values.Unknown` with its reason.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from generator.reach.firewall import group_set
from generator.reach.values import Evaluator, Joined, Res, Unknown

SUBNET = "AWS::EC2::Subnet"
IGW = "AWS::EC2::InternetGateway"
NAT = "AWS::EC2::NatGateway"
EIGW = "AWS::EC2::EgressOnlyInternetGateway"
ENGINE_PORTS = (("aurora-postgresql", 5432), ("postgres", 5432), ("aurora-mysql", 3306), ("aurora", 3306),
                ("mysql", 3306), ("mariadb", 3306), ("oracle", 1521), ("sqlserver", 1433), ("db2", 50000))


@dataclass
class Subnet:
    key: tuple
    cidr: object  # ip network or Unknown
    route: object  # "igw", "nat", "none", "other" or Unknown: where 0.0.0.0/0 goes
    gateway: tuple | None  # the IGW or NAT key of the default route
    route_table: tuple | None
    map_public_ip: object  # bool or Unknown
    route6: object = "none"  # where ::/0 goes: "igw", "eigw", "none", "other" or Unknown
    gateway6: tuple | None = None  # the internet or egress-only gateway of the ::/0 route

    @property
    def public(self):
        return self.route == "igw" if not isinstance(self.route, Unknown) else self.route


@dataclass
class Workload:
    """Something that receives connections: an ECS service, a database, an instance or interface."""

    key: tuple
    kind: str  # service | database | instance
    groups: object  # frozenset of group keys or Unknown
    subnets: object  # list of subnet keys or Unknown
    public_ip: object  # bool or Unknown
    ports: list = field(default_factory=list)  # (protocol, port) it listens on, when known
    label: str = ""


@dataclass
class Listener:
    key: tuple
    port: object
    protocol: str
    target_groups: list  # keys, or Unknown items


@dataclass
class Balancer:
    key: tuple
    scheme: object  # "internet-facing" | "internal" | Unknown
    subnets: object  # list of subnet keys or Unknown
    groups: object  # frozenset, Unknown, or None for a balancer without security groups (NLB)
    listeners: list = field(default_factory=list)
    label: str = ""


@dataclass
class Endpoint:
    key: tuple
    service: str
    kind: str  # Interface | Gateway
    subnets: object
    groups: object
    route_tables: object
    label: str = ""


def _keys(value, kinds: tuple[str, ...], evaluator: Evaluator):
    """A list value of resource refs as keys of the given types; Unknown if any item cannot be known."""
    if isinstance(value, Joined):
        value = list(value.items)
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    keys = []
    for item in value:
        if isinstance(item, Res) and evaluator.type_of(item.key) in kinds:
            keys.append(item.key)
        elif isinstance(item, Unknown):
            return item
        else:
            return Unknown(f"{item!r} is not a {'/'.join(k.rsplit('::', 1)[-1] for k in kinds)} of the templates")
    return keys


def _bool(value):
    if isinstance(value, bool) or isinstance(value, Unknown):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return False if value is None else Unknown("a flag known only at deploy time")


def read_subnets(evaluator: Evaluator) -> dict[tuple, Subnet]:
    tables: dict[tuple, tuple] = {}
    for key in evaluator.of_type("AWS::EC2::SubnetRouteTableAssociation"):
        subnet, table = evaluator.prop(key, "SubnetId"), evaluator.prop(key, "RouteTableId")
        if isinstance(subnet, Res) and isinstance(table, Res):
            tables[subnet.key] = table.key
    defaults: dict[tuple, tuple] = {}
    defaults6 = ipv6_default_routes(evaluator)
    for key in evaluator.of_type("AWS::EC2::Route"):
        table = evaluator.prop(key, "RouteTableId")
        if not isinstance(table, Res) or "DestinationIpv6CidrBlock" in evaluator.properties(key):
            continue
        destination = evaluator.prop(key, "DestinationCidrBlock")
        if isinstance(destination, Unknown):
            defaults[table.key] = (Unknown(f"route {key[1]} has a destination known only at deploy time"), None)
            continue
        if destination != "0.0.0.0/0":
            continue
        defaults[table.key] = _default_route(evaluator, key)
    subnets = {}
    for key in evaluator.of_type(SUBNET):
        cidr = evaluator.prop(key, "CidrBlock")
        try:
            cidr = ipaddress.ip_network(cidr) if isinstance(cidr, str) else \
                (cidr if isinstance(cidr, Unknown) else Unknown("a CIDR known only at deploy time"))
        except ValueError:
            cidr = Unknown(f"CIDR {cidr!r} is not an address range")
        table = tables.get(key)
        route, gateway = defaults.get(table, ("none", None)) if table else ("none", None)
        route6, gateway6 = defaults6.get(table, ("none", None)) if table else ("none", None)
        subnets[key] = Subnet(key, cidr, route, gateway, table, _bool(evaluator.prop(key, "MapPublicIpOnLaunch")),
                              route6, gateway6)
    return subnets


def ipv6_default_routes(evaluator: Evaluator) -> dict[tuple, tuple]:
    """Route table key -> (where ``::/0`` goes, the gateway's key): ``igw``, ``eigw`` (egress-only internet
    gateway: outbound only), ``other``, or Unknown for a destination or gateway known only at deploy time."""
    found: dict[tuple, tuple] = {}
    for key in evaluator.of_type("AWS::EC2::Route"):
        table = evaluator.prop(key, "RouteTableId")
        if not isinstance(table, Res) or "DestinationIpv6CidrBlock" not in evaluator.properties(key):
            continue
        destination = evaluator.prop(key, "DestinationIpv6CidrBlock")
        if isinstance(destination, Unknown):
            found[table.key] = (Unknown(f"route {key[1]} has a destination known only at deploy time"), None)
            continue
        if not isinstance(destination, str) or destination.strip() != "::/0":
            continue
        found[table.key] = _default_route6(evaluator, key)
    return found


def _default_route6(evaluator: Evaluator, key: tuple):
    for name, kind, label in (("GatewayId", IGW, "igw"), ("EgressOnlyInternetGatewayId", EIGW, "eigw")):
        value = evaluator.prop(key, name)
        if value is None:
            continue
        if isinstance(value, Res) and evaluator.type_of(value.key) == kind:
            return label, value.key
        if isinstance(value, str) and value.startswith(("igw-", "eigw-")):
            return ("eigw" if value.startswith("eigw-") else "igw"), ("", value)
        if isinstance(value, Unknown):
            return Unknown(f"route {key[1]}: {value.reason}"), None
        return "other", None
    return "other", None


def _default_route(evaluator: Evaluator, key: tuple):
    for name, kind in (("GatewayId", IGW), ("NatGatewayId", NAT)):
        value = evaluator.prop(key, name)
        if value is None:
            continue
        if isinstance(value, Res) and evaluator.type_of(value.key) == kind:
            return ("igw" if kind == IGW else "nat"), value.key
        if isinstance(value, str) and value.startswith("igw-"):
            return "igw", ("", value)
        if isinstance(value, str) and value.startswith("nat-"):
            return "nat", ("", value)
        if isinstance(value, Unknown):
            return Unknown(f"route {key[1]}: {value.reason}"), None
        return "other", None
    return "other", None


def read_balancers(evaluator: Evaluator) -> dict[tuple, Balancer]:
    balancers = {}
    for key in evaluator.of_type("AWS::ElasticLoadBalancingV2::LoadBalancer"):
        props = evaluator.properties(key)
        scheme = evaluator.prop(key, "Scheme")
        scheme = "internet-facing" if scheme is None else scheme
        if not isinstance(scheme, (str, Unknown)):
            scheme = Unknown("a scheme known only at deploy time")
        if "SubnetMappings" in props and "Subnets" not in props:
            mappings = evaluator.prop(key, "SubnetMappings")
            subnets = _keys([evaluator.eval(key[0], m.get("SubnetId")) if isinstance(m, dict) else m
                             for m in mappings], (SUBNET,), evaluator) if isinstance(mappings, list) else mappings
        else:
            subnets = _keys(evaluator.prop(key, "Subnets"), (SUBNET,), evaluator)
        kind = evaluator.prop(key, "Type") or "application"
        if "SecurityGroups" in props:
            groups = group_set(evaluator, key[0], props["SecurityGroups"])
        elif kind == "network":
            groups = None
        else:
            groups = Unknown("an application load balancer without SecurityGroups gets the VPC's default group")
        balancers[key] = Balancer(key, scheme, subnets, groups)
    rules: dict[tuple, list] = {}
    for key in evaluator.of_type("AWS::ElasticLoadBalancingV2::ListenerRule"):
        listener = evaluator.prop(key, "ListenerArn")
        if isinstance(listener, Res):
            rules.setdefault(listener.key, []).extend(_forwards(evaluator, key, "Actions"))
    for key in evaluator.of_type("AWS::ElasticLoadBalancingV2::Listener"):
        balancer = evaluator.prop(key, "LoadBalancerArn")
        if not isinstance(balancer, Res) or balancer.key not in balancers:
            continue
        port = evaluator.prop(key, "Port")
        try:
            port = int(port)
        except (TypeError, ValueError):
            port = port if isinstance(port, Unknown) else Unknown("a listener port known only at deploy time")
        protocol = evaluator.prop(key, "Protocol")
        targets = _forwards(evaluator, key, "DefaultActions") + rules.get(key, [])
        balancers[balancer.key].listeners.append(
            Listener(key, port, protocol if isinstance(protocol, str) else "?", targets))
    return balancers


def _forwards(evaluator: Evaluator, key: tuple, field_name: str) -> list:
    """Target groups that the actions of a listener or rule forward to (keys, or Unknown)."""
    actions = evaluator.prop(key, field_name)
    if isinstance(actions, Unknown):
        return [actions]
    found = []
    for action in actions or []:
        if not isinstance(action, dict):
            found.append(Unknown("an action known only at deploy time"))
            continue
        kind = evaluator.eval(key[0], action.get("Type"))
        if kind != "forward" and not isinstance(kind, Unknown):
            continue
        values = [action.get("TargetGroupArn")] if "TargetGroupArn" in action else []
        config = action.get("ForwardConfig")
        if isinstance(config, dict):
            values += [g.get("TargetGroupArn") for g in config.get("TargetGroups") or [] if isinstance(g, dict)]
        for value in values:
            target = evaluator.eval(key[0], value)
            found.append(target.key if isinstance(target, Res) else
                         (target if isinstance(target, Unknown) else Unknown(f"target group {target!r}")))
    return found


def read_workloads(evaluator: Evaluator) -> tuple[dict[tuple, Workload], dict[tuple, list]]:
    """Workloads by key, and for each target group key the ``(workload key, port)`` it forwards to."""
    workloads: dict[tuple, Workload] = {}
    targets: dict[tuple, list] = {}
    for key in evaluator.of_type("AWS::ECS::Service"):
        config = evaluator.prop(key, "NetworkConfiguration")
        vpc = config.get("AwsvpcConfiguration") if isinstance(config, dict) else None
        if isinstance(vpc, dict):
            groups = group_set(evaluator, key[0], vpc.get("SecurityGroups"))
            subnets = _keys(evaluator.eval(key[0], vpc.get("Subnets")), (SUBNET,), evaluator)
            assign = evaluator.eval(key[0], vpc.get("AssignPublicIp"))
            public_ip = assign == "ENABLED" if isinstance(assign, str) or assign is None else assign
        else:
            reason = Unknown("no awsvpc network configuration (the tasks share their host's network)")
            groups, subnets, public_ip = reason, reason, reason
        workload = Workload(key, "service", groups, subnets, public_ip)
        for mapping in evaluator.prop(key, "LoadBalancers") or []:
            if not isinstance(mapping, dict):
                continue
            target = evaluator.eval(key[0], mapping.get("TargetGroupArn"))
            port = evaluator.eval(key[0], mapping.get("ContainerPort"))
            port = int(port) if isinstance(port, (int, str)) and str(port).isdigit() else Unknown("container port")
            if isinstance(target, Res):
                targets.setdefault(target.key, []).append((key, port))
            if isinstance(port, int):
                workload.ports.append(("tcp", port))
        workloads[key] = workload
    _databases(evaluator, workloads)
    _instances(evaluator, workloads, targets)
    return workloads, targets


def _databases(evaluator: Evaluator, workloads: dict) -> None:
    for key in evaluator.of_type("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"):
        props = evaluator.properties(key)
        if "DBClusterIdentifier" in props:
            continue  # a member of a cluster: reached through the cluster's groups and subnets
        field_name = "VPCSecurityGroups" if "VPCSecurityGroups" in props else "VpcSecurityGroupIds"
        groups = group_set(evaluator, key[0], props.get(field_name)) if field_name in props else \
            Unknown("no VPC security groups (the VPC's default group applies)")
        group = evaluator.prop(key, "DBSubnetGroupName")
        if isinstance(group, Res) and evaluator.type_of(group.key) == "AWS::RDS::DBSubnetGroup":
            subnets = _keys(evaluator.prop(group.key, "SubnetIds"), (SUBNET,), evaluator)
        else:
            subnets = group if isinstance(group, Unknown) else Unknown("a DB subnet group outside the templates")
        port = evaluator.prop(key, "Port")
        if port is None:
            engine = evaluator.prop(key, "Engine")
            port = next((p for name, p in ENGINE_PORTS if isinstance(engine, str) and engine.startswith(name)),
                        Unknown("engine port"))
        try:
            port = int(port)
        except (TypeError, ValueError):
            port = Unknown("a database port known only at deploy time")
        workload = Workload(key, "database", groups, subnets, _bool(evaluator.prop(key, "PubliclyAccessible")))
        if isinstance(port, int):
            workload.ports.append(("tcp", port))
        workloads[key] = workload


def _instances(evaluator: Evaluator, workloads: dict, targets: dict) -> None:
    elastic = set()
    for key in evaluator.of_type("AWS::EC2::EIP", "AWS::EC2::EIPAssociation"):
        for name in ("InstanceId", "NetworkInterfaceId"):
            value = evaluator.prop(key, name)
            if isinstance(value, Res):
                elastic.add(value.key)
    for key in evaluator.of_type("AWS::EC2::Instance"):
        props = evaluator.properties(key)
        interfaces = evaluator.prop(key, "NetworkInterfaces")
        primary = next((i for i in interfaces or [] if isinstance(i, dict)
                        and str(evaluator.eval(key[0], i.get("DeviceIndex"))) == "0"), None)
        if primary is not None:
            groups = group_set(evaluator, key[0], primary.get("GroupSet"))
            subnets = _keys(evaluator.eval(key[0], primary.get("SubnetId")), (SUBNET,), evaluator)
            public_ip = _bool(evaluator.eval(key[0], primary.get("AssociatePublicIpAddress"))) \
                if "AssociatePublicIpAddress" in primary else None
        else:
            groups = group_set(evaluator, key[0], props.get("SecurityGroupIds")) if "SecurityGroupIds" in props \
                else Unknown("groups named by SecurityGroups or the default group")
            subnets = _keys(evaluator.prop(key, "SubnetId"), (SUBNET,), evaluator)
            public_ip = None
        if key in elastic:
            public_ip = True
        workloads[key] = Workload(key, "instance", groups, subnets, public_ip)
    for key in evaluator.of_type("AWS::EC2::NetworkInterface"):
        if key in elastic:
            workloads[key] = Workload(key, "instance", group_set(evaluator, key[0], evaluator.properties(key).get(
                "GroupSet")), _keys(evaluator.prop(key, "SubnetId"), (SUBNET,), evaluator), True)
    for key in evaluator.of_type("AWS::ElasticLoadBalancingV2::TargetGroup"):
        port = evaluator.prop(key, "Port")
        for target in evaluator.prop(key, "Targets") or []:
            if isinstance(target, dict):
                found = evaluator.eval(key[0], target.get("Id"))
                if isinstance(found, Res) and found.key in workloads:
                    chosen = evaluator.eval(key[0], target.get("Port", port))
                    targets.setdefault(key, []).append(
                        (found.key, int(chosen) if str(chosen).isdigit() else Unknown("target port")))


def read_endpoints(evaluator: Evaluator) -> dict[tuple, Endpoint]:
    endpoints = {}
    for key in evaluator.of_type("AWS::EC2::VPCEndpoint"):
        props = evaluator.properties(key)
        raw = props.get("ServiceName")
        text = raw.get("Fn::Sub") if isinstance(raw, dict) else raw
        text = text[0] if isinstance(text, list) and text else text
        service = re.sub(r"^com\.amazonaws\.(\$\{AWS::Region\}|[a-z0-9-]+)\.", "", text) \
            if isinstance(text, str) else key[1]
        kind = evaluator.prop(key, "VpcEndpointType") or "Gateway"
        endpoints[key] = Endpoint(
            key, service, kind if isinstance(kind, str) else "Interface",
            _keys(evaluator.prop(key, "SubnetIds"), (SUBNET,), evaluator),
            group_set(evaluator, key[0], props.get("SecurityGroupIds")) if "SecurityGroupIds" in props
            else Unknown("an interface endpoint without groups gets the VPC's default group"),
            _keys(evaluator.prop(key, "RouteTableIds"), ("AWS::EC2::RouteTable",), evaluator))
    return endpoints


def nat_is_public(evaluator: Evaluator, subnets: dict, nat: tuple):
    """A NAT gateway reaches the internet when it is public and sits in a subnet routed to an internet gateway."""
    if nat[0] == "":
        return Unknown(f"NAT gateway {nat[1]} is outside the templates")
    if evaluator.prop(nat, "ConnectivityType") == "private":
        return False
    subnet = evaluator.prop(nat, "SubnetId")
    if isinstance(subnet, Res) and subnet.key in subnets:
        return subnets[subnet.key].public
    return Unknown(f"the subnet of NAT gateway {nat[1]} is not known")
