"""A service: one Fargate task definition and ECS service, its route from a load balancer, its flows and egress.

Field-level rules (shapes, ranges, ARNs) live here; rules that relate two fields or two services live in
:mod:`generator.model.semantics` so their errors can point at the exact key.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from generator.model.attached_groups import AttachedGroup
from generator.model.audit import AuditSettings
from generator.model.capacity import Capacity
from generator.model.base import BalancerName, Model, NonEmptyStr, Port, ServiceName, bounded, by_name, matching
from generator.model.ipv6 import EgressCidr
from generator.model.units import Cpu, Memory
from generator.naming import RULE_DESCRIPTION_CHARS, RULE_DESCRIPTION_HINT, RULE_DESCRIPTION_MAX
from generator.references import secret_store

#: The retention values CloudWatch Logs accepts (days).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                      3288, 3653)

_IMAGE = re.compile(
    r"^(?:(?P<registry>[a-zA-Z0-9.-]+(?::[0-9]+)?)/)?"
    r"(?P<repository>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9*]+$")
_PATH_PATTERN = re.compile(r"^/[A-Za-z0-9_\-.$/~\"'@:+*?&]{0,127}$")
_SCRATCH_PATH = re.compile(r"^(/[A-Za-z0-9_.@+-]+)+$")
_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$")
#: Names of the superuser: a container running as one of these is root, whatever its group.
ROOT_USERS = ("root", "0")
_HOST = re.compile(r"^(\*\.)?([A-Za-z0-9*?]([A-Za-z0-9*?-]{0,61}[A-Za-z0-9*?])?\.)+[A-Za-z0-9*?-]{1,63}$")


def _image(value: str) -> str:
    """A container image reference pinned to a tag or digest (an unpinned image changes under a deploy)."""
    match = _IMAGE.fullmatch(value)
    if not match:
        raise ValueError(f"'{value}' is not a container image reference (e.g. public.ecr.aws/nginx/nginx:1.27 or "
                         "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:2.0)")
    if not match.group("tag") and not match.group("digest"):
        raise ValueError(f"'{value}' has no tag, so every deploy may run a different image "
                         f"(pin one: {value}:<version> or {value}@sha256:<digest>)")
    if match.group("tag") == "latest" and not match.group("digest"):
        raise ValueError(f"'{value}' uses the moving tag 'latest' (pin a version or a digest)")
    return value


def _secret_arn(value: str) -> str:
    if secret_store(value) is None:
        raise ValueError(f"'{value}' is not a Secrets Manager or SSM parameter ARN "
                         "(arn:aws:secretsmanager:<region>:<account>:secret:<name> or "
                         "arn:aws:ssm:<region>:<account>:parameter/<name>)")
    return value


def _rule_description(value: str) -> str:
    """Reasons become security-group rule descriptions, which EC2 limits to a small alphabet."""
    if not value.strip():
        raise ValueError("must not be empty (say why the service needs this egress)")
    if len(value) > RULE_DESCRIPTION_MAX or not RULE_DESCRIPTION_CHARS.fullmatch(value):
        raise ValueError(f"'{value}' cannot be a security-group rule description (up to {RULE_DESCRIPTION_MAX} "
                         f"{RULE_DESCRIPTION_HINT})")
    return value


def _log_retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        nearest = min(LOG_RETENTION_DAYS, key=lambda days: (abs(days - value), days))
        raise ValueError(f"{value} is not a CloudWatch Logs retention (nearest: {nearest}; valid: "
                         f"{', '.join(map(str, LOG_RETENTION_DAYS))})")
    return value


def _path_patterns(value: object) -> object:
    """``path`` may be one pattern or a list; the model always holds a list. A single pattern is checked here so
    its error names ``path``, as written, not ``path[0]``."""
    if isinstance(value, list) and not value:
        raise ValueError("an empty list matches no request (give at least one pattern, e.g. '/*')")
    return [_path_pattern(value)] if isinstance(value, str) else value


_path_pattern = matching(_PATH_PATTERN, "'{value}' is not a path pattern (starts with '/', at most 128 characters "
                                        "of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & and wildcards * ?, e.g. '/api/*')")


def _host(value: str) -> str:
    if len(value) > 128 or not _HOST.fullmatch(value):
        raise ValueError(f"'{value}' is not a host name (e.g. shop.example.com or *.example.com)")
    return value


def _health_path(value: str) -> str:
    if not value.startswith("/") or len(value) > 1024 or any(c.isspace() for c in value):
        raise ValueError(f"'{value}' is not a health check path (starts with '/', e.g. /healthz)")
    return value


def _env_values(value: object) -> object:
    """Environment values are strings in ECS; numbers and booleans written in YAML are taken as their text."""
    if isinstance(value, dict):
        return {k: (("true" if v else "false") if isinstance(v, bool) else str(v))
                if isinstance(v, (bool, int, float)) else v for k, v in value.items()}
    return value


_env_name = matching(_ENV_NAME, "'{value}' is not an environment variable name (letters, digits and '_', not "
                                "starting with a digit, e.g. LOG_LEVEL)")


def _action(value: str) -> str:
    if value == "*" or value.endswith(":*"):
        raise ValueError(f"'{value}' grants every action of a service (least privilege: name the actions, "
                         "e.g. s3:GetObject)")
    if not _ACTION.fullmatch(value):
        raise ValueError(f"'{value}' is not an IAM action (service:Action, e.g. s3:GetObject)")
    return value


def _resource(value: str) -> str:
    if value != "*" and not value.startswith("arn:"):
        raise ValueError(f"'{value}' is not an ARN (e.g. arn:aws:s3:::shop-assets/*)")
    return value


def scratch_volume_name(path: str) -> str:
    """``/var/cache/nginx`` -> ``scratch-var-cache-nginx``: the task volume name, derived from the path so adding a
    path never renames the others (volume names allow letters, digits, '-' and '_')."""
    return "scratch-" + re.sub(r"[^A-Za-z0-9_-]", "-", path.strip("/").replace("/", "-"))


def _scratch_path(value: str) -> str:
    if value == "/":
        raise ValueError("'/' cannot be scratch space (the root filesystem stays read-only; name the directories "
                         "the image writes to, e.g. /tmp)")
    if not _SCRATCH_PATH.fullmatch(value) or any(part in (".", "..") for part in value.split("/")):
        raise ValueError(f"'{value}' is not an absolute container path (e.g. /tmp or /var/cache/nginx: starts with "
                         "'/', no trailing '/', no '.' or '..' parts)")
    return value


def _scratch_paths(value: list[str]) -> list[str]:
    """Each path once, and no two paths that would get the same volume name."""
    seen: dict[str, str] = {}
    for path in value:
        name = scratch_volume_name(path)
        if path in seen.values():
            raise ValueError(f"'{path}' is listed twice")
        if name in seen:
            raise ValueError(f"'{path}' and '{seen[name]}' would share the volume name '{name}' (list one of them)")
        seen[name] = path
    return value


def _user(value: str) -> str:
    if not _USER.fullmatch(value):
        raise ValueError(f"'{value}' is not a container user (user, uid, user:group or uid:gid, e.g. '1000:1000' or "
                         "'app')")
    if value.split(":")[0] in ROOT_USERS:
        raise ValueError(f"'{value}' runs the container as root (name a non-root user or uid, e.g. '1000:1000'; "
                         "leave user out to keep the image's own USER)")
    return value


def _health_command(value: list[str]) -> list[str]:
    if value[0] not in ("CMD", "CMD-SHELL"):
        raise ValueError(f"starts with '{value[0]}' (start with 'CMD' and the program and arguments, or "
                         "'CMD-SHELL' and one shell command)")
    return value


EnvName = Annotated[str, AfterValidator(_env_name),
                    WithJsonSchema({"type": "string", "pattern": _ENV_NAME.pattern})]
#: YAML numbers and booleans are accepted and taken as their text (see _env_values).
EnvValue = Annotated[str, WithJsonSchema({"type": ["string", "number", "boolean"]})]
Image = Annotated[str, AfterValidator(_image)]
SecretArn = Annotated[str, AfterValidator(_secret_arn)]
PathPattern = Annotated[str, AfterValidator(_path_pattern)]


class Scaling(Model):
    """Target-tracking autoscaling on average CPU; replaces ``count``."""

    min: bounded(0, 1000) = Field(description="Fewest tasks (0 to 1000).", examples=[2])
    max: bounded(1, 1000) = Field(description="Most tasks (1 to 1000), at least min.", examples=[6])
    cpu_target: bounded(1, 100) = Field(60, description="Average CPU utilisation (%) to hold.", examples=[60])


def _route_protocol(value: str) -> str:
    if value in ("udp", "tcp_udp"):
        raise ValueError(f"'{value}' is not supported: security groups, the flow matrix and the audit model TCP "
                         "connections only (use tcp, or tls on the balancer)")
    if value != "tcp":
        raise ValueError(f"'{value}' is not a route protocol (tcp)")
    return value


class Route(Model):
    """Attach the service to a load balancer: on an application balancer, a listener rule on path patterns and an
    optional host; on a network balancer, a listener port of its own forwarding to the container port."""

    load_balancer: BalancerName = Field(description="Name of a load balancer under load_balancers.",
                                        examples=["public"])
    paths: Annotated[list[PathPattern], BeforeValidator(_path_patterns), WithJsonSchema({
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}],
        "examples": ["/*", ["/api/*", "/v2/*"]]})] = Field(
        ["/*"], alias="path", description="Path pattern or list of patterns; default '/*'.")
    host: Annotated[str, AfterValidator(_host)] | None = Field(
        None, description="Host-header condition.", examples=["shop.example.com"])
    priority: bounded(1, 50000) | None = Field(
        None, description="Listener rule priority (1 to 50000, lower wins). Default: derived from this route alone "
                          "(a band by specificity: host routes first, longer paths before broader ones, the catch-all "
                          "'/*' without host 50000; the place in the band hashed from the service name), so adding "
                          "or removing a service never renumbers another rule.")
    health_check: Annotated[str, AfterValidator(_health_path)] = Field(
        "/", description="Target-group health check path. On a network balancer the check is a TCP connection "
                         "unless a path is written here (then HTTP on the container port).", examples=["/healthz"])
    listener: Port | None = Field(
        None, description="Network balancers only: the listener port clients connect to, forwarding to the "
                          "container port (default: the container port). Each service on a network balancer has "
                          "its own.", examples=[5432])
    protocol: Annotated[str, AfterValidator(_route_protocol), WithJsonSchema({"type": "string", "enum": ["tcp"]})] = Field(
        "tcp", description="tcp (UDP is not supported).")


class Egress(Model):
    """Egress beyond the defaults (HTTPS for image pulls and logs), each with the reason a reviewer will read."""

    cidr: EgressCidr = Field(description="Destination CIDR outside the VPC: IPv4, or IPv6 with network.ipv6 "
                                         "(0.0.0.0/0 then also opens ::/0).", examples=["0.0.0.0/0"])
    port: Port = Field(description="Destination port.", examples=[443])
    protocol: Literal["tcp", "udp"] = Field("tcp", description="tcp or udp.")
    reason: Annotated[str, AfterValidator(_rule_description), Field(json_schema_extra={
        "minLength": 1, "maxLength": RULE_DESCRIPTION_MAX, "pattern": RULE_DESCRIPTION_CHARS.pattern})] = Field(
        description="Why the service needs it (becomes the security-group rule description).",
                                examples=["third-party webhook API"])


class ContainerHealthCheck(Model):
    """The container health check ECS runs inside the task."""

    command: Annotated[list[str], Field(min_length=2), AfterValidator(_health_command)] = Field(
        description="['CMD', ...] or ['CMD-SHELL', 'command'].",
        examples=[["CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"]])
    interval: bounded(5, 300) = Field(30, description="Seconds between checks (5 to 300).")
    timeout: bounded(2, 60) = Field(5, description="Seconds before a check fails (2 to 60).")
    retries: bounded(1, 10) = Field(3, description="Failures before the container is unhealthy (1 to 10).")
    start_period: bounded(0, 300) = Field(0, description="Grace period in seconds after start (0 to 300).")


class TaskPermission(Model):
    """One IAM statement for the task role: what the application itself may call."""

    actions: Annotated[list[Annotated[str, AfterValidator(_action)]], Field(min_length=1)] = Field(
        description="IAM actions, named one by one.", examples=[["s3:GetObject"]])
    resources: Annotated[list[Annotated[str, AfterValidator(_resource)]], Field(min_length=1)] = Field(
        description="Resource ARNs.", examples=[["arn:aws:s3:::shop-assets/*"]])


# --- additional containers (sidecars) ------------------------------------------------------------------------------

#: A container name: lowercase, since it also names log streams; '_' allowed as ECS task definitions often use it.
CONTAINER_NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,62}$"
#: The conditions ECS takes in dependsOn.
DEPENDENCY_CONDITIONS = ("START", "COMPLETE", "SUCCESS", "HEALTHY")
#: firelensConfiguration options Fargate accepts (a config file from S3 is EC2-only).
FIRELENS_OPTIONS = ("enable-ecs-log-metadata", "config-file-type", "config-file-value")
_VOLUME_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")


def _container_name(value: str) -> str:
    if not re.fullmatch(CONTAINER_NAME_PATTERN, value):
        raise ValueError(f"'{value}' is not a valid container name (lowercase letters, digits, '-' and '_', starting "
                         "with a letter, at most 63 characters, e.g. 'log-router')")
    return value


def _volume_name(value: str) -> str:
    if not _VOLUME_NAME.fullmatch(value):
        raise ValueError(f"'{value}' is not a valid volume name (lowercase letters, digits and '-', starting with a "
                         "letter, at most 63 characters, e.g. 'shared-logs')")
    if value.startswith("scratch-"):
        raise ValueError(f"'{value}' starts with 'scratch-', the prefix of the volumes scratch: creates (choose "
                         "another name, e.g. 'shared-logs')")
    return value


ContainerName = Annotated[str, AfterValidator(_container_name),
                          WithJsonSchema({"type": "string", "pattern": CONTAINER_NAME_PATTERN,
                                          "examples": ["log-router"]})]
VolumeName = Annotated[str, AfterValidator(_volume_name),
                       WithJsonSchema({"type": "string", "pattern": _VOLUME_NAME.pattern, "examples": ["shared"]})]
Condition = Literal["START", "COMPLETE", "SUCCESS", "HEALTHY"]


def _logging(value: object) -> object:
    """``logging: firelens`` is short for ``{driver: firelens}``; a wrong word is named with the valid ones here,
    so the error points at what the user wrote."""
    if isinstance(value, str):
        if value not in ("awslogs", "firelens"):
            raise ValueError(f"'{value}' is not a log route (valid: awslogs, firelens, or {{driver: firelens, "
                             "options: {...}})")
        return {"driver": value}
    return value


def _mount(value: object) -> object:
    """``volume: /path`` is short for ``volume: {path: /path}``."""
    return {"path": value} if isinstance(value, str) else value


def _port(value: object) -> object:
    """``- 9901`` is short for ``- {port: 9901}`` (tcp)."""
    return {"port": value} if isinstance(value, int) and not isinstance(value, bool) else value


def _firelens_options(value: dict) -> dict:
    for key, option in value.items():
        if key not in FIRELENS_OPTIONS:
            raise ValueError(f"'{key}' is not a FireLens option on Fargate (valid: {', '.join(FIRELENS_OPTIONS)})")
        if key == "config-file-type" and option != "file":
            raise ValueError(f"config-file-type '{option}' is not available on Fargate (only 'file': a "
                             "configuration file inside the router's image)")
    return dict(sorted(value.items()))


class Logging(Model):
    """Where a container's standard output goes: the service's encrypted log group (awslogs), or the service's
    FireLens log router (firelens), which by default forwards to the same group."""

    driver: Literal["awslogs", "firelens"] = Field("awslogs", description="awslogs or firelens.")
    options: Annotated[dict[Annotated[str, Field(min_length=1)], NonEmptyStr], AfterValidator(by_name)] = Field(
        {}, description="firelens only: the output plugin's options (Name, ...); default: Fluent Bit's "
                        "cloudwatch_logs output into the service's own encrypted log group.",
        examples=[{"Name": "cloudwatch_logs", "region": "us-east-1", "log_group_name": "/app"}])


LogRoute = Annotated[Logging, BeforeValidator(_logging), WithJsonSchema({"anyOf": [
    {"type": "string", "enum": ["awslogs", "firelens"]},
    {"type": "object", "additionalProperties": False, "required": ["driver"], "properties": {
        "driver": {"type": "string", "enum": ["awslogs", "firelens"]},
        "options": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}}}}]})]


class FireLens(Model):
    """This container is the task's FireLens log router (Fluent Bit or Fluentd)."""

    type: Literal["fluentbit", "fluentd"] = Field(description="fluentbit or fluentd.", examples=["fluentbit"])
    options: Annotated[dict[str, str], AfterValidator(_firelens_options)] = Field(
        {}, description="firelensConfiguration options: enable-ecs-log-metadata, config-file-type (file), "
                        "config-file-value.", examples=[{"enable-ecs-log-metadata": "true"}])


class Mount(Model):
    """A shared task volume mounted into a container."""

    path: Annotated[str, AfterValidator(_scratch_path)] = Field(description="Absolute container path.",
                                                                examples=["/var/log/app"])
    read_only: bool = Field(False, description="Mount read-only.")


Mounts = Annotated[dict[VolumeName, Annotated[Mount, BeforeValidator(_mount)]], AfterValidator(by_name),
                   WithJsonSchema({"type": "object", "additionalProperties": {"anyOf": [
                       {"type": "string"}, {"type": "object", "additionalProperties": False, "required": ["path"],
                                            "properties": {"path": {"type": "string"},
                                                           "read_only": {"type": "boolean"}}}]}})]


class ContainerPort(Model):
    """A port a sidecar listens on: reachable from the task's other containers (localhost) only."""

    port: Port = Field(description="Container port.", examples=[9901])
    protocol: Literal["tcp", "udp"] = Field("tcp", description="tcp or udp.")


Dependencies = Annotated[dict[ContainerName, Condition], AfterValidator(by_name)]


class Container(Model):
    """An additional container of a service's task (a log router, an agent, a proxy): the same secure defaults as
    the main container, its own share of the task's cpu and memory."""

    image: Image = Field(description="Container image, pinned to a tag or digest.",
                         examples=["public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4"])
    cpu: bounded(0, 16384) | None = Field(None, description="CPU units reserved within the task's cpu (the main "
                                                            "container keeps the rest).", examples=[64])
    memory: bounded(6, 122880) | None = Field(None, description="Hard memory limit in MiB, within the task's memory.",
                                              examples=[128])
    memory_reservation: bounded(6, 122880) | None = Field(None, description="Soft memory limit in MiB.")
    essential: bool | None = Field(None, description="Stop the task when this container stops. Default: true, "
                                                     "except for a container another waits on with COMPLETE or "
                                                     "SUCCESS (it is meant to exit).")
    depends_on: Dependencies = Field({}, description="Containers (the service's name for the main one) this one "
                                                     "waits for: START, COMPLETE, SUCCESS or HEALTHY.",
                                     examples=[{"app": "START"}])
    ports: list[Annotated[ContainerPort, BeforeValidator(_port)]] = Field(
        [], description="Ports it listens on, reachable only from the task's other containers (localhost).")
    environment: Annotated[dict[EnvName, EnvValue], BeforeValidator(_env_values), AfterValidator(by_name)] = Field(
        {}, description="Plain environment variables (never secrets).")
    secrets: Annotated[dict[EnvName, SecretArn], AfterValidator(by_name)] = Field(
        {}, description="Environment variables from Secrets Manager or SSM Parameter Store, by ARN.")
    command: Annotated[list[NonEmptyStr], Field(min_length=1)] | None = Field(None, description="Override the "
                                                                                                "image's command.")
    user: Annotated[str, AfterValidator(_user)] | None = Field(None, description="Non-root user to run as.")
    health_check: ContainerHealthCheck | None = Field(None, description="Container health check.")
    read_only_root_filesystem: bool = Field(True, description="Mount the root filesystem read-only.")
    scratch: Annotated[list[Annotated[str, AfterValidator(_scratch_path)]], AfterValidator(_scratch_paths)] = Field(
        [], description="Writable directories of this container alone, on the task's ephemeral storage.")
    mounts: Mounts = Field({}, description="Shared task volumes (the service's volumes) -> container path.")
    firelens: FireLens | None = Field(None, description="Make this container the task's FireLens log router.")
    logging: LogRoute = Field(Logging(), description="awslogs (default) or firelens.")


class Service(Model):
    """A Fargate service in the private subnets: task definition, ECS service, security group, logs, roles."""

    image: Image = Field(description="Container image, pinned to a tag or digest.",
                         examples=["public.ecr.aws/nginx/nginx:1.27"])
    cpu: Cpu = Field(256, description="Task CPU: units (256) or vCPU ('0.25 vCPU').")
    memory: Memory = Field(512, description="Task memory: MiB (512) or with a unit ('1 GB'); must suit cpu.")
    port: Port | None = Field(None, description="Container port; leave out for workers (no ingress at all).",
                              examples=[8080])
    count: bounded(0, 1000) = Field(1, description="Desired task count (0 to 1000); not with scaling.")
    scaling: Scaling | None = Field(None, description="Autoscaling instead of a fixed count.")
    route: Route | None = Field(None, description="Attach to a load balancer (requires port).")
    flows: list[ServiceName] = Field([], description="Services this one may call, on their port, and databases it "
                                                    "may connect to, on the engine port.",
                                     examples=[["api"]])
    environment: Annotated[dict[EnvName, EnvValue], BeforeValidator(_env_values), AfterValidator(by_name)] = Field(
        {}, description="Plain environment variables (never secrets).", examples=[{"LOG_LEVEL": "info"}])
    secrets: Annotated[dict[EnvName, SecretArn], AfterValidator(by_name)] = Field(
        {}, description="Environment variables read from Secrets Manager or SSM Parameter Store, by ARN.")
    egress: list[Egress] = Field([], description="Extra egress rules, each with a reason.")
    log_retention_days: Annotated[int, AfterValidator(_log_retention),
                                  Field(json_schema_extra={"enum": list(LOG_RETENTION_DAYS)})] = Field(
        30, description="CloudWatch Logs retention in days.")
    command: Annotated[list[NonEmptyStr], Field(min_length=1)] | None = Field(
        None, description="Override the image's command.", examples=[["python", "app.py"]])
    health_check: ContainerHealthCheck | None = Field(None, description="Container health check.")
    task_permissions: list[TaskPermission] = Field(
        [], description="IAM statements for the task role (least privilege).")
    read_only_root_filesystem: bool = Field(True, description="Mount the root filesystem read-only.")
    scratch: Annotated[list[Annotated[str, AfterValidator(_scratch_path)]], AfterValidator(_scratch_paths)] = Field(
        [], description="Writable directories on the task's own ephemeral storage (deleted with the task, never on "
                        "a host), so the root filesystem can stay read-only.", examples=[["/tmp", "/var/cache/nginx"]])
    user: Annotated[str, AfterValidator(_user)] | None = Field(
        None, description="Run the container as this non-root user (user, uid, user:group or uid:gid); root is "
                          "refused. Default: the image's own USER.", examples=["1000:1000"])
    exec: bool = Field(False, description="Allow ECS Exec (aws ecs execute-command) into the running containers "
                                          "instead of SSH: the service enables it, the task role may open Session "
                                          "Manager channels, and an init process reaps the session's processes.")
    containers: dict[ContainerName, Container] = Field(
        {}, description="Additional containers of the task (log routers, agents, proxies), by name; the main "
                        "container is named after the service and keeps the task's port.")
    depends_on: Dependencies = Field({}, description="Additional containers the main container waits for.",
                                     examples=[{"envoy": "HEALTHY"}])
    logging: LogRoute = Field(Logging(), description="awslogs (default) or firelens (through the service's log "
                                                     "router container).")
    volumes: list[VolumeName] = Field(
        [], description="Task-scoped scratch volumes the containers share (mounted with mounts:).",
        examples=[["shared-logs"]])
    mounts: Mounts = Field({}, description="Shared task volumes -> path in the main container.")
    audit: AuditSettings = Field(AuditSettings(), description="Exceptions to the build's audit gate for this "
                                                              "service's stack, each with a reason.")
    security_groups: list[AttachedGroup] = Field(
        [], description="Security groups made outside this blueprint (e.g. a Firewall Manager common group) that the "
                        "tasks also wear, each with its reason; their rules are managed elsewhere.",
        examples=[[{"parameter": "CommonSecurityGroupId", "reason": "Firewall Manager common group"}]])
    capacity: Capacity | None = Field(
        None, description="Run part of the tasks on Fargate Spot: a FARGATE/FARGATE_SPOT capacity provider strategy.",
        examples=[{"spot": 70, "on_demand_base": 1}])
