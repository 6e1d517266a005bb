"""The network, balancers and services as the emitters build them: every value they read, decided here.

The model says what the blueprint wrote; these plans say what will be built from it (the subnet tier a balancer
sits in, whether it redirects HTTP, the desired count a scaled service starts with, a container's scratch volumes),
so the emitters never read the blueprint itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from generator.model.sources import sources_of
from generator.naming import pascal
from generator.plan.attached_groups import AttachedGroupPlan, attached_group_plans
from generator.plan import ipv6
from generator.plan.capacity import CapacityPlan, capacity_plan
from generator.plan.containers import scratch_volumes
from generator.plan.existing_network import (ROUTE_TABLE_KINDS, SUBNET_KINDS, ExistingParameter,
                                            existing_parameters)
from generator.plan.flows import redirects_http, service_listener_port
from generator.plan.sidecars import (ContainerPlan, LoggingPlan, MountPlan, container_plans, logging_plan,
                                     shared_mounts, task_volumes)


#: The NAT mode of an existing network: whatever the team's route tables say.
EXISTING_NAT = "existing"


@dataclass(frozen=True)
class NetworkPlan:
    """The VPC: its CIDR, zones, NAT mode and the secure defaults it relaxed (with reasons); for an existing
    network (``existing`` set) the parameters that name it, and no CIDR, zone count or NAT mode (all the team's)."""

    cidr: str | None
    availability_zones: int | None
    nat: str
    relax: dict = field(hash=False)
    ipv6: bool = False  # dual stack (generator/plan/ipv6.py)
    ipv6_private_egress: bool = False  # the private tier routes ::/0 to an egress-only internet gateway
    existing: tuple[ExistingParameter, ...] = ()

    @property
    def managed(self) -> bool:
        """Whether the network stack creates the VPC (False: it deploys into an existing one)."""
        return not self.existing

    def existing_subnets(self, tier: str) -> tuple[ExistingParameter, ...]:
        """The parameters naming one tier's subnets of an existing network (one list parameter, or one per
        subnet in zone order)."""
        return tuple(p for p in self.existing if p.tier == tier and p.kind in SUBNET_KINDS)

    @property
    def existing_route_tables(self) -> tuple[ExistingParameter, ...]:
        """The parameters naming an existing network's private route tables (only with the s3 endpoint)."""
        return tuple(p for p in self.existing if p.kind in ROUTE_TABLE_KINDS)

    @property
    def vpc_parameter(self) -> str | None:
        """The parameter holding an existing VPC's id."""
        return next((p.name for p in self.existing if p.tier is None), None)


@dataclass(frozen=True)
class NetworkListener:
    """One listener of a network balancer: its port, the service it forwards to and that service's target group."""

    port: int
    service: str
    container_port: int
    health_check: str | None  # an HTTP health check path; None: a TCP connection check


@dataclass(frozen=True)
class PrivateLinkPlan:
    """The VPC endpoint service in front of a network balancer."""

    allowed_principals: tuple[str, ...]
    acceptance_required: bool
    consumer_cidrs: tuple[str, ...]


@dataclass(frozen=True)
class BalancerPlan:
    """One application load balancer and its listeners."""

    name: str
    prefix: str  # logical-id fragment
    scheme: str
    tier: str  # the subnets it sits in: public for internet-facing, private for internal
    https: bool
    certificate_parameter: str | None  # the HTTPS certificate as a network-stack parameter...
    certificate_arn: str | None  # ...or as a fixed ARN
    ssl_policy: str | None
    redirects_http: bool  # an HTTP:80 listener that only answers 301 to HTTPS
    cloudfront_only: bool  # only CloudFront's origin-facing servers may connect
    deletion_protection: bool
    desync_mitigation: str
    relax: dict = field(hash=False)
    web_acl: bool = False  # behind an AWS WAF web ACL (internet-facing unless relaxed)
    rate_limit: int = 0  # the web ACL's requests per client IP per 5 minutes
    tls_to_targets: bool = False  # forwards to its targets over HTTPS (end-to-end TLS)
    kind: str = "application"  # application | network
    tls: bool = False  # network: TLS listeners (certificate_* and ssl_policy hold the certificate and policy)
    listeners: tuple[NetworkListener, ...] = ()  # network: one per routed service, by port
    privatelink: PrivateLinkPlan | None = None  # network, internal: published as a VPC endpoint service
    #: Stack parameters holding prefix-list ids of listed sources (``allow_from: [{parameter: Name}]``), sorted.
    source_parameters: tuple[str, ...] = ()
    ip_address_type: str = "ipv4"  # dualstack when internet-facing in a dual-stack VPC (generator/plan/ipv6.py)

    @property
    def network(self) -> bool:
        """Whether this is a network load balancer."""
        return self.kind == "network"

    @property
    def target_protocol(self) -> str:
        """The protocol of the target groups behind this balancer (and of their health checks)."""
        return "HTTPS" if self.tls_to_targets else "HTTP"


@dataclass(frozen=True)
class HealthCheckPlan:
    """The container's own health check."""

    command: tuple[str, ...]
    interval: int
    timeout: int
    retries: int
    start_period: int


@dataclass(frozen=True)
class ScalingPlan:
    """CPU target tracking between ``min`` and ``max`` tasks."""

    min: int
    max: int
    cpu_target: int


@dataclass(frozen=True)
class ServicePlan:
    """One Fargate service: its task definition, roles, logs and ECS service as they will be built."""

    name: str
    image: str
    cpu: int
    memory: int
    port: int | None
    desired_count: int  # the fixed count, or the scaling minimum the service starts with
    scaling: ScalingPlan | None
    environment: dict = field(hash=False)  # name -> literal value, sorted
    secrets: dict = field(hash=False)  # name -> Secrets Manager or SSM ARN, sorted
    command: tuple[str, ...] | None = None
    user: str | None = None
    exec: bool = False
    read_only_root_filesystem: bool = True
    health_check: HealthCheckPlan | None = None
    task_permissions: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()  # (actions, resources) statements
    log_retention_days: int = 0
    scratch: tuple[tuple[str, str], ...] = ()  # (volume name, container path) of each writable directory
    attached_groups: tuple[AttachedGroupPlan, ...] = ()  # groups made elsewhere the tasks also wear
    capacity: CapacityPlan | None = None  # the Spot strategy; None keeps launch type FARGATE
    # additional containers (generator/plan/sidecars.py): the main container's waits, log route and shared mounts
    containers: tuple[ContainerPlan, ...] = ()
    depends_on: tuple[tuple[str, str], ...] = ()  # (container, condition) the main container waits for
    logging: LoggingPlan = LoggingPlan()
    mounts: tuple[MountPlan, ...] = ()  # shared task volumes in the main container
    volumes: tuple[str, ...] = ()  # every task-scoped volume: scratch (all containers) and shared, sorted


def network_plan(bp) -> NetworkPlan:
    network = bp.network
    if not network.managed:
        return NetworkPlan(None, None, EXISTING_NAT, dict(network.relax), existing=existing_parameters(bp))
    return NetworkPlan(str(network.cidr), network.availability_zones, network.nat, dict(network.relax),
                       ipv6=network.ipv6, ipv6_private_egress=ipv6.private_egress(bp))


def balancer_plans(bp) -> tuple[BalancerPlan, ...]:
    """Every balancer, in the blueprint's (sorted) order."""
    plans = []
    for name, balancer in bp.load_balancers.items():
        if balancer.network:
            plans.append(_network_balancer_plan(bp, name, balancer))
            continue
        https = balancer.https
        plans.append(BalancerPlan(
            name=name, prefix=pascal(name), scheme=balancer.scheme,
            tier="public" if balancer.scheme == "internet-facing" else "private", https=https is not None,
            certificate_parameter=https.certificate.parameter if https else None,
            certificate_arn=https.certificate.arn if https else None, ssl_policy=https.ssl_policy if https else None,
            redirects_http=redirects_http(balancer),
            cloudfront_only=balancer.scheme == "internet-facing" and balancer.allow_from == "cloudfront",
            deletion_protection="deletion_protection" not in balancer.relax,
            desync_mitigation=balancer.desync_mitigation, relax=dict(balancer.relax),
            web_acl=balancer.web_acl, rate_limit=balancer.waf.rate_limit, tls_to_targets=balancer.tls_to_targets,
            source_parameters=tuple(sorted(s.parameter for s in sources_of(balancer) if s.parameter)),
            ip_address_type=ipv6.ip_address_type(bp, balancer)))
    return tuple(plans)


def _network_balancer_plan(bp, name: str, balancer) -> BalancerPlan:
    """A network balancer: its TLS certificate (if any), one listener per routed service, its endpoint service."""
    tls = balancer.tls
    listeners = []
    for service_name, service in bp.services.items():
        route = service.route
        if route is None or route.load_balancer != name or service.port is None:
            continue
        health = route.health_check if "health_check" in route.model_fields_set else None
        listeners.append(NetworkListener(service_listener_port(bp, service_name), service_name, service.port, health))
    link = balancer.privatelink
    return BalancerPlan(
        name=name, prefix=pascal(name), scheme=balancer.scheme,
        tier="public" if balancer.scheme == "internet-facing" else "private", https=False,
        certificate_parameter=tls.certificate.parameter if tls else None,
        certificate_arn=tls.certificate.arn if tls else None, ssl_policy=tls.ssl_policy if tls else None,
        redirects_http=False, cloudfront_only=False, deletion_protection="deletion_protection" not in balancer.relax,
        desync_mitigation="", relax=dict(balancer.relax), kind="network", tls=tls is not None,
        listeners=tuple(sorted(listeners, key=lambda listener: listener.port)),
        source_parameters=tuple(sorted(s.parameter for s in sources_of(balancer) if s.parameter)),
        ip_address_type=ipv6.ip_address_type(bp, balancer),
        privatelink=PrivateLinkPlan(tuple(link.allowed_principals), link.acceptance_required,
                                    tuple(str(c) for c in link.consumer_cidrs)) if link is not None else None)


def service_plans(bp) -> tuple[ServicePlan, ...]:
    """Every service, in the blueprint's (sorted) order."""
    plans = []
    for name, service in bp.services.items():
        scaling = service.scaling
        check = service.health_check
        plans.append(ServicePlan(
            name=name, image=service.image, cpu=service.cpu, memory=service.memory, port=service.port,
            desired_count=scaling.min if scaling is not None else service.count,
            scaling=ScalingPlan(scaling.min, scaling.max, scaling.cpu_target) if scaling is not None else None,
            environment=dict(service.environment), secrets=dict(service.secrets),
            command=tuple(service.command) if service.command else None, user=service.user, exec=service.exec,
            read_only_root_filesystem=service.read_only_root_filesystem,
            health_check=HealthCheckPlan(tuple(check.command), check.interval, check.timeout, check.retries,
                                         check.start_period) if check is not None else None,
            task_permissions=tuple((tuple(p.actions), tuple(p.resources)) for p in service.task_permissions),
            log_retention_days=service.log_retention_days, scratch=tuple(scratch_volumes(service)),
            attached_groups=attached_group_plans(service), capacity=capacity_plan(service),
            **_containers(service)))
    return tuple(plans)


def _health_check_plan(check) -> HealthCheckPlan | None:
    return HealthCheckPlan(tuple(check.command), check.interval, check.timeout, check.retries,
                           check.start_period) if check is not None else None


def _containers(service) -> dict:
    """The ServicePlan fields of additional containers (empty for a one-container service)."""
    if not service.containers and not service.volumes:
        return {}
    containers = container_plans(service, _health_check_plan)
    return dict(containers=containers, depends_on=tuple(sorted(service.depends_on.items())),
                logging=logging_plan(service.logging), mounts=shared_mounts(service.mounts),
                volumes=tuple(task_volumes(tuple(scratch_volumes(service)), containers, service.volumes)))
