"""``--to blueprint``: the migrated task definition as one service entry of the blueprint language.

A blueprint service is a main container with one port, plus additional containers (``containers:``); the compiler
creates the execution role, the task role (from ``task_permissions``), the log group and the awslogs configuration.
A task with several containers becomes one service: the main container is chosen by
:func:`generator.migrate.containers.choose_main`, the others become ``containers:`` entries
(:mod:`generator.migrate.containers`). Every field the service cannot express is reported as a warning instead of
being dropped silently; what the language cannot hold at all (an EFS volume) is refused.
"""
from __future__ import annotations

import re

import yaml

from generator.migrate import containers as extra
from generator.migrate.report import Report, show

#: Container fields the service entry carries (or that the task size already covers).
_CARRIED = {"name", "image", "cpu", "memory", "memoryReservation", "essential", "portMappings", "environment",
            "secrets", "command", "healthCheck", "readonlyRootFilesystem", "logConfiguration"}
#: Task fields the service entry carries or the compiler sets itself.
_TASK_CARRIED = {"family", "containerDefinitions", "requiresCompatibilities", "networkMode", "cpu", "memory"}
_TASK_HINTS = {
    "executionRoleArn": ("removed", "the compiler creates the execution role"),
    "taskRoleArn": ("warning", "not carried over: the compiler creates the task role from the service's "
                               "task_permissions; list what the application calls there"),
    "tags": ("warning", "not carried over: set tags at the top of the blueprint"),
}


def service_name(family: str) -> str:
    """A blueprint service name from a family: at most 28 lowercase letters, digits and hyphens, starting with a
    letter (the language's name rule, since stack names and logical ids derive from it)."""
    name = re.sub(r"[^a-z0-9-]+", "-", family.lower()).strip("-")
    name = re.sub(r"^[^a-z]+", "", name)[:28].rstrip("-")
    return name or "service"


def convert(td: dict, report: Report, main: str | None = None, linked: tuple = ()) -> dict | None:
    """The ``{services: {name: {...}}}`` mapping for ``td``, or None after a refusal in ``report``.

    ``main`` names the main container (``--main-container``); ``linked`` lists the containers others linked to
    before the migration removed ``links`` (helpers, not the main one)."""
    containers = td["containerDefinitions"]
    index = 0 if len(containers) == 1 else extra.choose_main(containers, report, main, linked)
    if index is None:
        return None
    name = service_name(td["family"])
    if name != td["family"]:
        report.add("changed", ("family",), f"{show(td['family'])} -> service name {show(name)}: blueprint service "
                                           f"names are lowercase letters, digits and hyphens")
    for key in td:
        if key in _TASK_CARRIED or (key == "volumes" and len(containers) > 1):  # volumes: containers.convert's
            continue
        kind, why = _TASK_HINTS.get(key, ("warning", "not carried over: a blueprint service cannot express it"))
        report.add(kind, (key,), why)
    if len(containers) == 1:
        service = _service(containers[0], ("containerDefinitions", 0), report)
    else:
        service = extra.convert(td, index, name, report, _service)
        if service is None:
            return None
    service["cpu"] = int(td["cpu"])
    service["memory"] = int(td["memory"])
    ordered = {key: service[key] for key in _ORDER + extra.SERVICE_KEYS if key in service}
    return {"services": {name: ordered}}


#: ECS healthCheck keys -> blueprint health_check keys.
_HEALTH_KEYS = {"command": "command", "interval": "interval", "timeout": "timeout", "retries": "retries",
                "startPeriod": "start_period"}
#: An image pinned to a tag other than "latest", or to a digest.
_PINNED = re.compile(r"(:(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$)|(@sha256:[a-f0-9]{64}$)")

_ORDER = ("image", "cpu", "memory", "port", "environment", "secrets", "command", "health_check",
          "read_only_root_filesystem")


def _service(container: dict, base: tuple, report: Report, handled: frozenset = frozenset(),
             main: bool = True) -> dict:
    """The service keys one container maps to, with a line for each field left behind; ``handled`` are keys the
    caller maps itself (an additional container's ports, waits, mounts, log route), ``main`` whether the first
    port becomes the service's port."""
    service: dict = {"image": container["image"]}
    if not _PINNED.search(container["image"]):
        report.add("warning", base + ("image",), f"{show(container['image'])} is not pinned to a version or digest; "
                                                 f"the blueprint compiler refuses it (pin a tag like :1.27 or "
                                                 f"@sha256:<digest> in the service entry)")
    mappings = container.get("portMappings", []) if main else []
    if mappings:
        first = mappings[0]
        service["port"] = first["containerPort"]
        if first.get("protocol", "tcp").lower() != "tcp":
            report.add("warning", base + ("portMappings", 0, "protocol"),
                       f"{show(first['protocol'])} is not carried over: a blueprint service port is TCP")
        for j, extra in enumerate(mappings[1:], start=1):
            report.add("warning", base + ("portMappings", j),
                       f"port {extra.get('containerPort')} is not carried over: a blueprint service has one port")
    if container.get("environment"):
        service["environment"] = {v["name"]: v.get("value", "") for v in container["environment"]}
    if container.get("secrets"):
        service["secrets"] = {s["name"]: s["valueFrom"] for s in container["secrets"]}
        for j, secret in enumerate(container["secrets"]):
            if not str(secret["valueFrom"]).startswith("arn:"):
                report.add("warning", base + ("secrets", j, "valueFrom"),
                           f"{show(secret['valueFrom'])} is a parameter name; the blueprint takes the full "
                           f"Secrets Manager or SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/...)")
    if container.get("command"):
        service["command"] = list(container["command"])
    health = container.get("healthCheck")
    if health:
        service["health_check"] = {_HEALTH_KEYS[key]: value for key, value in health.items() if key in _HEALTH_KEYS}
        for key in health:
            if key not in _HEALTH_KEYS:
                report.add("warning", base + ("healthCheck", key),
                           "not carried over: a blueprint health check has command, interval, timeout, retries "
                           "and start_period")
    if container.get("readonlyRootFilesystem") is True:
        service["read_only_root_filesystem"] = True
    else:
        service["read_only_root_filesystem"] = False
        report.add("warning", base + ("readonlyRootFilesystem",),
                   "kept false, as in the input; the blueprint default is true: set read_only_root_filesystem: "
                   "true once the application writes only to volumes")
    log = container.get("logConfiguration") if "logConfiguration" not in handled else None
    if log:
        if log.get("logDriver") == "awslogs":
            report.add("removed", base + ("logConfiguration",), "the compiler creates the log group and the awslogs "
                                                                "configuration (log_retention_days, default 30)")
        else:
            report.add("warning", base + ("logConfiguration",), f"{log.get('logDriver')} is not carried over: a "
                                                                f"blueprint service logs with awslogs")
    for key in container:
        if key not in _CARRIED and key not in handled:
            report.add("warning", base + (key,), "not carried over: a blueprint service cannot express it")
    return service


def render(entry: dict) -> str:
    """YAML in the contract's key order, block style, no line folding (byte-stable)."""
    return yaml.safe_dump(entry, sort_keys=False, default_flow_style=False, allow_unicode=True, width=1 << 16)
