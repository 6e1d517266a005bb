"""The shape a task definition must have before any rule runs: types a rule relies on, checked once.

A wrong type is an input error (exit 2) positioned at the value, saying what would be valid. The rules can then
read fields without defending against every malformed input.
"""
from __future__ import annotations

import re

from generator.migrate.input import Source
from generator.migrate.roles import ROLE_ARN

#: What ECS accepts as a container name (register-task-definition): ASCII letters, digits, hyphens, underscores.
CONTAINER_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}", re.ASCII)

_TYPES = {str: "a string", int: "an integer", bool: "true or false", list: "a list", dict: "an object"}


def _is(value, kind) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def expect(source: Source, keypath: tuple, value, kind, hint: str = "") -> None:
    """Raise an input error at ``keypath`` unless ``value`` is of ``kind`` (a type or a tuple of types)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if any(_is(value, k) for k in kinds):
        return
    wanted = " or ".join(_TYPES[k] for k in kinds)
    raise source.error(keypath, f"expected {wanted}{' (' + hint + ')' if hint else ''}")


def _optional(source: Source, obj: dict, base: tuple, key: str, kind, hint: str = "") -> None:
    if key in obj:
        expect(source, base + (key,), obj[key], kind, hint)


def _list_of(source: Source, obj: dict, base: tuple, key: str, kind, hint: str = "") -> None:
    if key not in obj:
        return
    expect(source, base + (key,), obj[key], list, hint)
    for i, item in enumerate(obj[key]):
        expect(source, base + (key, i), item, kind, hint)


def check(source: Source) -> None:
    """Check every field a migration rule reads; raise the first problem as an input error."""
    data = source.data
    _optional(source, data, (), "family", str, "the task definition family, e.g. \"web\"")
    _list_of(source, data, (), "requiresCompatibilities", str, "e.g. [\"EC2\"]")
    _optional(source, data, (), "networkMode", str, "bridge, host, awsvpc or none")
    _optional(source, data, (), "cpu", (str, int), "cpu units like \"256\" or \"0.25 vCPU\"")
    _optional(source, data, (), "memory", (str, int), "MiB like \"512\" or \"1 GB\"")
    for key in ("executionRoleArn", "taskRoleArn"):
        _optional(source, data, (), key, str, "an IAM role ARN")
        if isinstance(data.get(key), str) and not ROLE_ARN.match(data[key]):
            raise source.error((key,), f"{data[key]!r} is not an IAM role ARN "
                                       f"(arn:aws:iam::123456789012:role/NAME, nothing before or after)")
    _optional(source, data, (), "runtimePlatform", dict, "{\"operatingSystemFamily\": \"LINUX\"}")
    for key in ("operatingSystemFamily", "cpuArchitecture"):
        _optional(source, data.get("runtimePlatform") or {}, ("runtimePlatform",), key, str, "e.g. LINUX, X86_64")
    _optional(source, data, (), "platformFamily", str, "e.g. windows")
    _list_of(source, data, (), "volumes", dict, "volumes are objects with a name")
    for i, volume in enumerate(data.get("volumes", [])):
        expect(source, ("volumes", i, "name"), volume.get("name"), str, "every volume has a name")
        _optional(source, volume, ("volumes", i), "host", dict, "{\"sourcePath\": \"/path\"}")
        if isinstance(volume.get("host"), dict):
            _optional(source, volume["host"], ("volumes", i, "host"), "sourcePath", str, "a path on the host")
    if "containerDefinitions" not in data:
        raise source.error((), "missing containerDefinitions (a task definition has at least one container)")
    containers = data["containerDefinitions"]
    expect(source, ("containerDefinitions",), containers, list, "a list of container definitions")
    if not containers:
        raise source.error(("containerDefinitions",), "empty (a task definition has at least one container)")
    seen: dict[str, int] = {}
    for i, container in enumerate(containers):
        _check_container(source, ("containerDefinitions", i), container)
        name = container["name"]
        if name in seen:
            raise source.error(("containerDefinitions", i, "name"), f"'{name}' is also the name of "
                                                                    f"containerDefinitions[{seen[name]}] (container "
                                                                    f"names are unique within a task)")
        seen[name] = i


def _check_container(source: Source, base: tuple, container) -> None:
    expect(source, base, container, dict, "a container definition")
    expect(source, base + ("name",), container.get("name"), str, "every container has a name")
    if not CONTAINER_NAME.fullmatch(container["name"]):
        raise source.error(base + ("name",), f"{container['name']!r} is not a container name (1-255 ASCII "
                                             f"letters, digits, hyphens or underscores)")
    expect(source, base + ("image",), container.get("image"), str, "every container has an image")
    for key, hint in (("cpu", "cpu units, e.g. 256"), ("memory", "MiB, e.g. 512"),
                      ("memoryReservation", "MiB, e.g. 512")):
        _optional(source, container, base, key, (int, str), hint)
        if _is(container.get(key), int) and container[key] < 0:
            raise source.error(base + (key,), f"{container[key]} is negative ({hint}; 0 or more)")
    _optional(source, container, base, "privileged", bool)
    _optional(source, container, base, "readonlyRootFilesystem", bool)
    _list_of(source, container, base, "links", str, "container names, optionally name:alias")
    _list_of(source, container, base, "portMappings", dict, "{\"containerPort\": 80}")
    for j, mapping in enumerate(container.get("portMappings", [])):
        where = base + ("portMappings", j)
        for key, low in (("containerPort", 1), ("hostPort", 0)):
            _optional(source, mapping, where, key, int, f"a port number, {low}..65535")
            if key in mapping and not low <= mapping[key] <= 65535:
                raise source.error(where + (key,), f"{mapping[key]} is not a port number ({low}..65535)")
        if "containerPort" not in mapping and "containerPortRange" not in mapping:
            raise source.error(where, "missing containerPort (the port the container listens on)")
        _optional(source, mapping, where, "protocol", str, "tcp or udp")
    _list_of(source, container, base, "environment", dict, "{\"name\": \"KEY\", \"value\": \"text\"}")
    for j, variable in enumerate(container.get("environment", [])):
        expect(source, base + ("environment", j, "name"), variable.get("name"), str, "the variable's name")
        _optional(source, variable, base + ("environment", j), "value", str, "environment values are strings")
    _list_of(source, container, base, "secrets", dict, "{\"name\": \"KEY\", \"valueFrom\": \"arn:...\"}")
    _list_of(source, container, base, "mountPoints", dict, "{\"sourceVolume\": \"data\", \"containerPath\": \"/d\"}")
    _list_of(source, container, base, "resourceRequirements", dict, "{\"type\": \"GPU\", \"value\": \"1\"}")
    _optional(source, container, base, "logConfiguration", dict, "{\"logDriver\": \"awslogs\", \"options\": {...}}")
    if isinstance(container.get("logConfiguration"), dict):
        expect(source, base + ("logConfiguration", "logDriver"), container["logConfiguration"].get("logDriver"),
               str, "e.g. awslogs")
    _optional(source, container, base, "linuxParameters", dict)
    _list_of(source, container, base, "command", str, "the command as a list of strings")
    _optional(source, container, base, "healthCheck", dict, "{\"command\": [\"CMD-SHELL\", \"...\"]}")
