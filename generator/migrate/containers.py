"""``--to blueprint`` for a task with several containers: one service, a main container and ``containers:``.

The main container is the one a load balancer would target: essential, with a port mapping, not a FireLens log
router, not a known agent or proxy image (Envoy, Fluent Bit, the X-Ray daemon, the CloudWatch agent...), and not a
container the others linked to or wait for (those are helpers). When two containers remain equal on all of these,
the choice is the user's (``--main-container NAME``) and the migration is refused with that reason rather than
guessed. The others become additional containers with their image, cpu/memory shares, ``essential`` (always
written), ``dependsOn`` conditions, ports, environment, secrets, command, user, health check, read-only root
filesystem, FireLens configuration and log route; task-scoped volumes become the service's shared ``volumes`` and
each container's ``mounts``. An EFS (or FSx) volume has no equivalent in the language and is refused.
"""
from __future__ import annotations

import re
from typing import Callable

from generator.migrate.report import Report, show

#: Images of common agents and proxies, which run beside an application rather than being it.
AGENT_IMAGE = re.compile(r"envoy|fluent-?bit|fluentd|xray|cloudwatch-agent|datadog|dd-agent|otel|opentelemetry|"
                         r"newrelic|appmesh|istio|linkerd|consul|splunk|nginx-prometheus|statsd", re.IGNORECASE)
#: Keys of the service entry added by this module (after the single-container keys, in this order).
SERVICE_KEYS = ("user", "mounts", "volumes", "depends_on", "logging", "containers")
#: Container keys mapped here (beyond those of generator.migrate.blueprint._CARRIED).
_HANDLED = frozenset({"dependsOn", "mountPoints", "logConfiguration", "firelensConfiguration", "portMappings",
                      "user"})
_CONTAINER_NAME = re.compile(r"[a-z][a-z0-9_-]{0,62}")
_VOLUME_NAME = re.compile(r"[a-z][a-z0-9-]{0,62}")
#: firelensConfiguration options Fargate accepts (the language's FIRELENS_OPTIONS).
_FIRELENS_OPTIONS = ("enable-ecs-log-metadata", "config-file-type", "config-file-value")
_ROOT = ("root", "0")


def _rank(container: dict, linked: tuple, waited: set) -> tuple:
    """Higher is more likely the main container."""
    return (container.get("essential", True) is not False, bool(container.get("portMappings")),
            not AGENT_IMAGE.search(container["image"]), container["name"] not in linked,
            container["name"] not in waited)


def choose_main(containers: list, report: Report, main: str | None, linked: tuple) -> int | None:
    """The index of the main container, or None after a refusal (two equal candidates, or only log routers)."""
    names = [c["name"] for c in containers]
    if main is not None:
        if main not in names:
            report.refuse(("containerDefinitions",), f"--main-container {main}: no container has that name "
                                                     f"(containers: {', '.join(names)})")
            return None
        index = names.index(main)
        report.add("changed", ("containerDefinitions", index, "name"),
                   f"{show(main)} -> the service's main container: from --main-container")
        return index
    waited = {d.get("containerName") for c in containers for d in c.get("dependsOn", []) if isinstance(d, dict)}
    candidates = [i for i, c in enumerate(containers) if "firelensConfiguration" not in c]
    if not candidates:
        report.refuse(("containerDefinitions",), "every container is a FireLens log router; a service needs a main "
                                                 "container that runs the application")
        return None
    ranks = {i: _rank(containers[i], linked, waited) for i in candidates}
    best = max(ranks.values())
    top = [i for i in candidates if ranks[i] == best]
    if len(top) > 1:
        tied = ", ".join(names[i] for i in top)
        report.refuse(("containerDefinitions",), f"cannot tell which container is the main one: {tied} are all "
                                                 f"essential, with ports, and none is an agent image or a container "
                                                 f"the others link to or wait for (pass --main-container NAME)")
        return None
    index = top[0]
    why = [text for flag, text in zip(best, ("essential", "has a port mapping", "not an agent or proxy image",
                                             "no other container links to it", "no other container waits for it"))
           if flag]
    report.add("changed", ("containerDefinitions", index, "name"),
               f"{show(names[index])} -> the service's main container ({', '.join(why)}); the others become "
               f"containers: (pass --main-container NAME to choose another)")
    return index


def _name(raw: str, pattern: re.Pattern, fallback: str) -> str:
    name = re.sub(r"[^a-z0-9_-]+", "-", raw.lower()).strip("-_")
    name = re.sub(r"^[^a-z]+", "", name)[:63].rstrip("-_")
    if pattern is _VOLUME_NAME:
        name = name.replace("_", "-")
        if name.startswith("scratch-"):
            name = "shared-" + name
    return name if name and pattern.fullmatch(name) else fallback


def convert(td: dict, index: int, service_name: str, report: Report, service: Callable) -> dict | None:
    """The service entry for a task whose main container is ``td["containerDefinitions"][index]``; ``service`` is
    :func:`generator.migrate.blueprint._service` (the single-container mapping both kinds of container share)."""
    definitions = td["containerDefinitions"]
    names = _container_names(definitions, index, service_name, report)
    volumes = _volumes(td, report)
    if volumes is None:
        return None
    main = definitions[index]
    base = ("containerDefinitions", index)
    entry = service(main, base, report, frozenset({"dependsOn", "mountPoints", "logConfiguration", "user"}))
    _user(main, base, report, entry)
    if main.get("essential") is False:
        report.add("warning", base + ("essential",), "false is not carried over: the main container is essential "
                                                     "(its exit stops the task)")
    _shared(main, base, report, entry, names, volumes)
    if volumes:
        entry["volumes"] = sorted(set(volumes.values()))
    extra = {}
    for i, container in enumerate(definitions):
        if i == index:
            continue
        extra[names[container["name"]]] = _container(container, ("containerDefinitions", i), report, names,
                                                     volumes, service)
    entry["containers"] = dict(sorted(extra.items()))
    return entry


def _container_names(definitions: list, index: int, service_name: str, report: Report) -> dict[str, str]:
    """Task container name -> blueprint name: the main one is the service's; others lowercased where needed."""
    names = {definitions[index]["name"]: service_name}
    for i, container in enumerate(definitions):
        if i == index:
            continue
        raw = container["name"]
        name = _name(raw, _CONTAINER_NAME, f"container-{i}")
        while name in names.values():
            name = f"{name[:56]}-{i}"
        names[raw] = name
        if name != raw:
            report.add("changed", ("containerDefinitions", i, "name"),
                       f"{show(raw)} -> {show(name)}: container names in a blueprint are lowercase letters, digits, "
                       f"'-' and '_'{', other than the service name' if raw == service_name else ''}")
    return names


def _volumes(td: dict, report: Report) -> dict[str, str] | None:
    """Task volume name -> blueprint volume name for every task-scoped volume; None after refusing another kind."""
    result: dict[str, str] = {}
    refused = False
    for i, volume in enumerate(td.get("volumes", [])):
        kinds = [k for k in ("efsVolumeConfiguration", "fsxWindowsFileServerVolumeConfiguration",
                             "configuredAtLaunch") if volume.get(k)]
        if kinds:
            report.refuse(("volumes", i, kinds[0]), f"a blueprint service has task-scoped volumes only (scratch and "
                                                    f"shared volumes on the task's ephemeral storage); {kinds[0]} has "
                                                    f"no equivalent (keep this task on --to taskdef)", volume["name"])
            refused = True
            continue
        name = _name(volume["name"], _VOLUME_NAME, f"volume-{i}")
        while name in result.values():
            name = f"{name[:56]}-{i}"
        result[volume["name"]] = name
        if name != volume["name"]:
            report.add("changed", ("volumes", i, "name"), f"{show(volume['name'])} -> {show(name)}: shared volume "
                                                          f"names are lowercase letters, digits and '-'")
    return None if refused else result


def _user(container: dict, base: tuple, report: Report, entry: dict) -> None:
    user = container.get("user")
    if user is None:
        return
    if str(user).split(":")[0] in _ROOT:
        report.add("warning", base + ("user",), f"{show(user)} is not carried over: the blueprint refuses root "
                                                f"users, so the image's own USER applies (set a non-root user)")
    else:
        entry["user"] = user


def _shared(container: dict, base: tuple, report: Report, entry: dict, names: dict, volumes: dict) -> None:
    """Waits, mounts and the log route, which both kinds of container map the same way."""
    waits = {}
    for j, dependency in enumerate(container.get("dependsOn", [])):
        target = dependency.get("containerName")
        if target in names:
            waits[names[target]] = dependency.get("condition", "START")
        else:
            report.add("warning", base + ("dependsOn", j), f"{show(target)} is not a container of this task; "
                                                           f"not carried over")
    if waits:
        entry["depends_on"] = dict(sorted(waits.items()))
    mounts = {}
    for j, mount in enumerate(container.get("mountPoints", [])):
        source = mount.get("sourceVolume")
        if source not in volumes:
            report.add("warning", base + ("mountPoints", j), f"volume {show(source)} is not a volume of this task; "
                                                             f"not carried over")
            continue
        path = mount.get("containerPath")
        mounts[volumes[source]] = {"path": path, "read_only": True} if mount.get("readOnly") else path
    if mounts:
        entry["mounts"] = dict(sorted(mounts.items()))
    log = container.get("logConfiguration")
    if not log:
        return
    driver = log.get("logDriver")
    where = base + ("logConfiguration",)
    if driver == "awslogs":
        report.add("removed", where, "the compiler creates the log group and the awslogs configuration "
                                     "(log_retention_days, default 30)")
    elif driver == "awsfirelens":
        options = {k: str(v) for k, v in (log.get("options") or {}).items() if str(v)}
        if "firelensConfiguration" in container:
            report.add("warning", where, "awsfirelens is not carried over: the log router logs to the service's "
                                         "encrypted log group with awslogs")
        elif options:
            entry["logging"] = {"driver": "firelens", "options": dict(sorted(options.items()))}
            report.add("warning", where + ("options",), "carried over: these logs go where the options say, not "
                                                        "to the service's encrypted log group (remove options to "
                                                        "send them there)")
        else:
            entry["logging"] = "firelens"
        if log.get("secretOptions"):
            report.add("warning", where + ("secretOptions",), "not carried over: a blueprint log route has no "
                                                              "secret options (read the secret in the router's "
                                                              "configuration instead)")
    else:
        report.add("warning", where, f"{driver} is not carried over: in a blueprint this container logs to the "
                                     f"service's encrypted log group with awslogs")


def _container(container: dict, base: tuple, report: Report, names: dict, volumes: dict,
               service: Callable) -> dict:
    """One additional container's entry, in the language's key order."""
    entry = service(container, base, report, _HANDLED, main=False)
    for key, target in (("cpu", "cpu"), ("memory", "memory"), ("memoryReservation", "memory_reservation")):
        if container.get(key):
            entry[target] = container[key]
    entry["essential"] = container.get("essential", True) is not False
    _user(container, base, report, entry)
    ports = []
    for j, mapping in enumerate(container.get("portMappings", [])):
        if "containerPort" not in mapping:
            report.add("warning", base + ("portMappings", j), "a port range is not carried over: list each port")
            continue
        protocol = str(mapping.get("protocol", "tcp")).lower()
        ports.append(mapping["containerPort"] if protocol == "tcp" else
                     {"port": mapping["containerPort"], "protocol": protocol})
    if ports:
        entry["ports"] = ports
    _shared(container, base, report, entry, names, volumes)
    firelens = container.get("firelensConfiguration")
    if firelens:
        options = {}
        for key, value in (firelens.get("options") or {}).items():
            if key in _FIRELENS_OPTIONS and not (key == "config-file-type" and value != "file"):
                options[key] = str(value)
            else:
                report.add("warning", base + ("firelensConfiguration", "options", key),
                           f"{show(value)} is not carried over: Fargate's FireLens takes enable-ecs-log-metadata "
                           f"and a configuration file inside the image (config-file-type file)")
        entry["firelens"] = {"type": firelens.get("type", "fluentbit"), **({"options": options} if options else {})}
    return {key: entry[key] for key in _CONTAINER_ORDER if key in entry}


_CONTAINER_ORDER = ("image", "cpu", "memory", "memory_reservation", "essential", "ports", "depends_on", "environment",
                    "secrets", "command", "user", "health_check", "read_only_root_filesystem", "mounts", "firelens",
                    "logging")
