"""Networking: Fargate runs every task in ``awsvpc`` mode, one network namespace per task.

So there is no host port to map (the task is reached on ``containerPort``), no ``links`` (containers of a task talk
over ``localhost``), and no two containers may listen on the same port.
"""
from __future__ import annotations

import re

from generator.migrate.report import Report, show

FARGATE = ["FARGATE"]


def compatibilities(td: dict, report: Report) -> None:
    """``requiresCompatibilities`` becomes ``["FARGATE"]`` so ECS checks the definition against Fargate's rules."""
    current = td.get("requiresCompatibilities")
    if current == FARGATE:
        return
    why = "ECS then validates the definition against Fargate's rules when it is registered"
    if current is None:
        report.add("added", ("requiresCompatibilities",), f"{show(FARGATE)}: {why}")
    else:
        report.add("changed", ("requiresCompatibilities",), f"{show(current)} -> {show(FARGATE)}: {why}")
    td["requiresCompatibilities"] = list(FARGATE)


def network_mode(td: dict, report: Report) -> None:
    """``networkMode`` becomes ``awsvpc``, the only mode Fargate has: each task gets its own network interface."""
    current = td.get("networkMode")
    if current == "awsvpc":
        return
    why = "Fargate supports only awsvpc: each task gets its own network interface and security groups"
    if current is None:
        report.add("added", ("networkMode",), f"\"awsvpc\": the default on EC2 was bridge; {why}")
    else:
        report.add("changed", ("networkMode",), f"{show(current)} -> \"awsvpc\": {why}")
    td["networkMode"] = "awsvpc"


def host_ports(container: dict, base: tuple, report: Report) -> None:
    """Drop ``hostPort`` when dynamic (0) or different from ``containerPort``; keep it when equal (allowed)."""
    for j, mapping in enumerate(container.get("portMappings", [])):
        if "hostPort" not in mapping or "containerPort" not in mapping:
            continue
        host, port = mapping["hostPort"], mapping["containerPort"]
        path = base + ("portMappings", j, "hostPort")
        if host == 0:
            del mapping["hostPort"]
            report.add("removed", path, f"0 (a dynamic host port) does not exist with awsvpc; the task is reached "
                                        f"on containerPort {port}")
        elif host != port:
            del mapping["hostPort"]
            report.add("warning", path, f"{host} differs from containerPort {port} and was removed: with awsvpc the "
                                        f"task is reached on {port}, so clients, target groups and security groups "
                                        f"that used {host} must use {port}")


def unique_ports(td: dict, report: Report) -> None:
    """Refuse two mappings of one port and protocol: the containers share the task's network namespace."""
    seen: dict[tuple, tuple] = {}
    for i, container in enumerate(td["containerDefinitions"]):
        for j, mapping in enumerate(container.get("portMappings", [])):
            if "containerPort" not in mapping:
                continue
            key = (mapping["containerPort"], mapping.get("protocol", "tcp").lower())
            if key in seen:
                first_i, first_name = seen[key]
                other = f"containerDefinitions[{first_i}] ({first_name})"
                if first_i == i:
                    other = "another mapping of the same container"
                report.refuse(("containerDefinitions", i, "portMappings", j, "containerPort"),
                              f"port {key[0]}/{key[1]} is also used by {other}; containers of a Fargate task share "
                              f"one network namespace, so only one can listen on it (change one of the ports)",
                              container["name"])
            else:
                seen[key] = (i, container["name"])


def links(container: dict, base: tuple, report: Report, task_names: list[str]) -> None:
    """Remove ``links``; warn that their names stop resolving; rewrite them to ``localhost`` where it is safe.

    A link ``mysql:db`` made the host names ``mysql`` and ``db`` resolve to the linked container. With awsvpc no
    name resolves that way, so the removal is a warning naming them (an application's default host, such as a MySQL
    client's ``mysql``, fails silently otherwise). Where the linked container is in the same task it listens on
    ``localhost``, so environment values using the names as a host (the whole value, after ``://`` or ``@``, or
    before ``:<port>``) are rewritten, each with its own change line; names of containers outside the task are left
    alone (they need service discovery).
    """
    if "links" not in container:
        return
    local: list[str] = []
    elsewhere: list[str] = []
    for link in container.pop("links"):
        target, _, alias = link.partition(":")
        names = [name for name in (target, alias) if name]
        bucket = local if target in task_names else elsewhere
        bucket.extend(name for name in names if name not in local + elsewhere)
    rewritten: list[str] = []
    for j, variable in enumerate(container.get("environment", [])):
        value = variable.get("value")
        if not isinstance(value, str):
            continue
        new, replaced = rewrite_hosts(value, local)
        if replaced:
            variable["value"] = new
            rewritten += [name for name in replaced if name not in rewritten]
            which = " and ".join(replaced)
            what = "is a linked container" if len(replaced) == 1 else "are linked containers"
            report.add("changed", base + ("environment", j, "value"),
                       f"{show(value)} -> {show(new)}: {which} {what} of this task, reached on localhost with "
                       f"awsvpc")
    report.add("warning", base + ("links",), _links_warning(local, elsewhere, rewritten))


def _links_warning(local: list[str], elsewhere: list[str], rewritten: list[str]) -> str:
    """What removing the links breaks: which host names stop resolving and what to use instead."""
    quoted = ", ".join(show(name) for name in local + elsewhere)
    parts = [f"removed: links do not exist with awsvpc, so the host name{'s' if len(local + elsewhere) > 1 else ''} "
             f"{quoted} will no longer resolve"]
    if local:
        done = f" (environment values rewritten: {', '.join(show(n) for n in rewritten)})" if rewritten else ""
        parts.append(f"containers of this task are reached on localhost{done}; configuration files and "
                     f"application defaults that use {', '.join(show(n) for n in local)} must use localhost")
    if elsewhere:
        parts.append(f"{', '.join(show(n) for n in elsewhere)} "
                     f"{'is not a container' if len(elsewhere) == 1 else 'are not containers'} of this task: reach "
                     f"{'it' if len(elsewhere) == 1 else 'them'} through service discovery (ECS Service Connect or "
                     f"Cloud Map)")
    return "; ".join(parts)


def rewrite_hosts(value: str, names: list[str]) -> tuple[str, list[str]]:
    """Replace each linked ``name`` used as a hostname in ``value`` by ``localhost``.

    A name counts as a hostname when it is the whole value, follows ``://`` or ``@``, or is followed by ``:<port>``
    — and is not part of a longer name (``api.example.com``, ``my-api`` are left alone). Returns the new value and
    the names replaced, in the order met.
    """
    replaced: list[str] = []
    for name in names:
        value = re.sub(r"(?<![\w.\-])" + re.escape(name) + r"(?![\w.\-])",
                       lambda match, text=value, name=name: _localhost(match, text, name, replaced), value)
    return value, replaced


def _localhost(match: re.Match, text: str, name: str, replaced: list[str]) -> str:
    """``localhost`` if this occurrence of ``name`` in ``text`` is used as a hostname, else the name unchanged."""
    before, after = text[:match.start()], text[match.end():]
    if text == name or before.endswith(("://", "@")) or re.match(r":[0-9]", after):
        if name not in replaced:
            replaced.append(name)
        return "localhost"
    return match.group(0)
