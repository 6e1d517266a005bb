"""The additional containers of a service's task (``containers:``), and what they change in the main one.

Every container gets the main container's secure defaults: not privileged, read-only root filesystem unless the
blueprint says otherwise, logs into the service's KMS-encrypted log group (directly with awslogs, or through the
task's FireLens router, which itself always logs with awslogs), no port mapping unless declared (and no security
group rule for one: a sidecar port is reached from the task's other containers on localhost only). The execution
role may pull each private ECR image and read each container's secrets; when a container logs through FireLens to
the default destination, the task role may write that log group (Fluent Bit sends with the task's credentials).
"""
from __future__ import annotations

from troposphere import GetAtt, Ref
from troposphere import ecs

from generator.plan import ServicePlan

#: Fluent Bit's CloudWatch Logs output, the default destination of ``logging: firelens``.
FIRELENS_OUTPUT = "cloudwatch_logs"
FIRELENS_LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


def log_configuration(container: str, logging) -> ecs.LogConfiguration:
    """awslogs into the service's log group (stream prefix: the container), or awsfirelens through the router."""
    if logging.driver == "firelens":
        options = dict(logging.options) or {
            "Name": FIRELENS_OUTPUT, "region": Ref("AWS::Region"), "log_group_name": Ref("LogGroup"),
            "log_stream_prefix": f"{container}/", "auto_create_group": "false"}
        return ecs.LogConfiguration(LogDriver="awsfirelens", Options=options)
    return ecs.LogConfiguration(LogDriver="awslogs", Options={
        "awslogs-group": Ref("LogGroup"), "awslogs-region": Ref("AWS::Region"), "awslogs-stream-prefix": container})


def _health_check(check) -> ecs.HealthCheck:
    return ecs.HealthCheck(Command=list(check.command), Interval=check.interval, Timeout=check.timeout,
                           Retries=check.retries, StartPeriod=check.start_period)


def _mount_points(mounts) -> list[ecs.MountPoint]:
    return [ecs.MountPoint(SourceVolume=m.volume, ContainerPath=m.path, ReadOnly=m.read_only) for m in mounts]


def _dependencies(depends_on) -> list[ecs.ContainerDependency]:
    return [ecs.ContainerDependency(ContainerName=name, Condition=condition) for name, condition in depends_on]


def main_container_properties(name: str, service: ServicePlan) -> dict:
    """What additional containers change in the main container: its log route, its waits, its shared mounts."""
    props: dict = {}
    if service.logging.driver != "awslogs":
        props["LogConfiguration"] = log_configuration(name, service.logging)
    if service.depends_on:
        props["DependsOn"] = _dependencies(service.depends_on)
    return props


def main_mount_points(service: ServicePlan) -> list[ecs.MountPoint]:
    """The shared volumes the main container mounts (its scratch directories are the emitter's already)."""
    return _mount_points(service.mounts)


def container_definitions(service: ServicePlan) -> list[ecs.ContainerDefinition]:
    """Each additional container, in name order, after the main one."""
    definitions = []
    for c in service.containers:
        props = dict(Name=c.name, Image=c.image, Essential=c.essential, Privileged=False,
                     ReadonlyRootFilesystem=c.read_only_root_filesystem, LogConfiguration=log_configuration(
                         c.name, c.logging))
        for key, value in (("Cpu", c.cpu), ("Memory", c.memory), ("MemoryReservation", c.memory_reservation),
                           ("User", c.user)):
            if value is not None:
                props[key] = value
        if c.ports:
            props["PortMappings"] = [ecs.PortMapping(ContainerPort=port, Protocol=protocol)
                                     for port, protocol in c.ports]
        if c.environment:
            props["Environment"] = [ecs.Environment(Name=k, Value=str(c.environment[k])) for k in
                                    sorted(c.environment)]
        if c.secrets:
            props["Secrets"] = [ecs.Secret(Name=k, ValueFrom=c.secrets[k]) for k in sorted(c.secrets)]
        if c.command:
            props["Command"] = list(c.command)
        if c.mounts:
            props["MountPoints"] = _mount_points(c.mounts)
        if c.depends_on:
            props["DependsOn"] = _dependencies(c.depends_on)
        if c.health_check is not None:
            props["HealthCheck"] = _health_check(c.health_check)
        if c.firelens is not None:
            kind, options = c.firelens
            props["FirelensConfiguration"] = ecs.FirelensConfiguration(Type=kind, **(
                {"Options": dict(options)} if options else {}))
        definitions.append(ecs.ContainerDefinition(**props))
    return definitions


def task_volumes(service: ServicePlan) -> list[ecs.Volume]:
    """Every task-scoped volume (no Host: the task's own ephemeral storage, deleted with the task)."""
    return [ecs.Volume(Name=name) for name in service.volumes]


def images(service: ServicePlan) -> list[str]:
    """The main image and each additional container's, in template order."""
    return [service.image] + [c.image for c in service.containers]


def secret_arns(service: ServicePlan) -> list[str]:
    """Every secret ARN the execution role reads for the task's containers."""
    return list(service.secrets.values()) + [arn for c in service.containers for arn in c.secrets.values()]


def firelens_statements(service: ServicePlan) -> list[dict]:
    """The task role writes the service's log group when a container logs through FireLens to the default
    destination (Fluent Bit's cloudwatch_logs output signs with the task role); nothing for custom outputs, whose
    permissions the blueprint states under task_permissions."""
    routes = [service.logging] + [c.logging for c in service.containers]
    if not any(r.driver == "firelens" and not r.options for r in routes):
        return []
    return [{"Effect": "Allow", "Action": list(FIRELENS_LOG_ACTIONS), "Resource": GetAtt("LogGroup", "Arn")}]


__all__ = ["container_definitions", "firelens_statements", "images", "log_configuration",
           "main_container_properties", "main_mount_points", "secret_arns", "task_volumes"]
