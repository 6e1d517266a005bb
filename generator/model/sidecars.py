"""Checks on a service's additional containers (``containers:``) that relate them to each other and to the task.

A task's containers share one network namespace, one cpu/memory budget and one start order, so the rules here are
ECS's own: unique names and ports, shares that fit the task size, dependencies on containers that exist, without a
cycle, ``HEALTHY`` only on a container with a health check, ``COMPLETE``/``SUCCESS`` only on a container that may
exit (not essential), one FireLens log router for the containers that log through it. Each problem is an issue at
the key the user wrote, like every semantic check (:mod:`generator.model.semantics`).
"""
from __future__ import annotations

from typing import Callable, Iterator

from generator.model.errors import did_you_mean
from generator.model.vpc_endpoints import is_private_ecr

#: ECS's "Containers per task definition" quota: the main container and at most nine more.
MAX_CONTAINERS = 10
SSH_PORT = 22
#: Conditions that wait for a container to exit: ECS refuses them on an essential container.
EXIT_CONDITIONS = ("COMPLETE", "SUCCESS")


def essential(service, name: str) -> bool:
    """Whether the additional container ``name`` is essential: as written, else true unless some container waits
    for it to exit (COMPLETE or SUCCESS), which only a non-essential container may do."""
    container = service.containers[name]
    if container.essential is not None:
        return container.essential
    return not any(condition in EXIT_CONDITIONS for _, target, condition in dependencies(service) if target == name)


def dependencies(service) -> list[tuple[str | None, str, str]]:
    """``(waiting container or None for the main one, container waited for, condition)``, in written order."""
    edges = [(None, target, condition) for target, condition in service.depends_on.items()]
    for name, container in service.containers.items():
        edges += [(name, target, condition) for target, condition in container.depends_on.items()]
    return edges


def check(bp, issue: Callable) -> Iterator:
    """Every problem of every service's additional containers, as ``issue(keypath, message[, at_key])``."""
    for name, service in bp.services.items():
        where = ("services", name)
        yield from _firelens(service, where, issue)
        if not service.containers:
            yield from _without_containers(service, where, issue)
            continue
        yield from _names(name, service, where, issue)
        if len(service.containers) + 1 > MAX_CONTAINERS:
            continue  # the count is the error to fix first (and bounds the work below)
        yield from _dependencies(name, service, where, issue)
        yield from _shares(service, where, issue)
        yield from _ports(service, where, issue)
        yield from _variables(service, where, issue)
        if bp.network.nat == "none":
            for cname, container in service.containers.items():
                if not is_private_ecr(container.image):
                    yield issue(where + ("containers", cname, "image"),
                                f"'{container.image}' cannot be pulled with nat: none (only private ECR images are "
                                "reachable through VPC endpoints; copy the image to ECR or use nat: single)")
    for name, service in bp.services.items():
        yield from _volumes(service, ("services", name), issue)


def _without_containers(service, where: tuple, issue: Callable) -> Iterator:
    """Waits that only mean something with additional containers."""
    for target in service.depends_on:
        yield issue(where + ("depends_on", target), f"unknown container '{target}' (this service has no "
                                                    "containers: to wait for)", True)


def _names(name: str, service, where: tuple, issue: Callable) -> Iterator:
    if name in service.containers:
        yield issue(where + ("containers", name), f"'{name}' is the main container's name (the service's); rename "
                                                  "this one", True)
    if len(service.containers) + 1 > MAX_CONTAINERS:
        yield issue(where + ("containers",), f"{len(service.containers)} additional containers; a task holds at most "
                                             f"{MAX_CONTAINERS} with the main one (ECS's containers per task "
                                             "definition)")


def _at(where: tuple, waiting: str | None, target: str) -> tuple:
    return where + ((("containers", waiting) if waiting else ()) + ("depends_on", target))


def _dependencies(name: str, service, where: tuple, issue: Callable) -> Iterator:
    """Known targets, no self-wait, HEALTHY only with a health check, exit conditions only on non-essential
    containers, and no cycle."""
    known = [name] + list(service.containers)
    holders = [(None, service.depends_on)] + [(n, c.depends_on) for n, c in service.containers.items()]
    crowded = [(waiting, waits) for waiting, waits in holders if len(waits) >= MAX_CONTAINERS]
    for waiting, waits in crowded:  # more waits than a task has other containers: some name no container
        yield issue(where + ((("containers", waiting) if waiting else ()) + ("depends_on",)),
                    f"waits for {len(waits)} containers; a task has at most {MAX_CONTAINERS - 1} others")
    if crowded:
        return
    edges = []
    for waiting, target, condition in dependencies(service):
        at = _at(where, waiting, target)
        me = waiting or name
        if target not in known:
            yield issue(at, f"unknown container '{target}' {did_you_mean(target, [k for k in known if k != me])}",
                        True)
            continue
        if target == me:
            yield issue(at, "a container cannot wait for itself (remove this entry)", True)
            continue
        if condition == "HEALTHY" and _health_check(service, name, target) is None:
            yield issue(at, f"HEALTHY needs a health check on '{target}' (add health_check: to it, or wait for "
                            "START)")
        if condition in EXIT_CONDITIONS:
            if target == name:
                yield issue(at, f"{condition} waits for '{target}' to exit, but the main container is essential and "
                                "its exit stops the task (wait for START or HEALTHY)")
            elif service.containers[target].essential is True:
                yield issue(at, f"{condition} waits for '{target}' to exit, but it is essential: its exit would stop "
                                f"the task (set essential: false on {target}, or wait for START or HEALTHY)")
        edges.append((me, target, at))
    yield from _cycles(edges, issue)


def _health_check(service, main: str, target: str):
    return service.health_check if target == main else service.containers[target].health_check


def _cycles(edges: list[tuple[str, str, tuple]], issue: Callable) -> Iterator:
    """The first dependency cycle, at the wait that closes it: a depth-first walk in written order, linear in the
    number of waits (a hostile file cannot make it enumerate paths). One cycle is enough to fix before the next."""
    graph: dict[str, list[tuple[str, tuple]]] = {}
    for source, target, at in edges:
        graph.setdefault(source, []).append((target, at))
    done: set[str] = set()
    for root in list(graph):
        if root in done:
            continue
        path, on_path = [root], {root}
        stack = [iter(graph.get(root, []))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                node = path.pop()
                on_path.discard(node)
                done.add(node)
                stack.pop()
                continue
            target, at = step
            if target in on_path:
                cycle = path[path.index(target):] + [target]
                shown = " -> ".join(f"'{n}'" for n in cycle)
                yield issue(at, f"dependency cycle {shown}: ECS could start none of them (remove one of the waits)")
                return
            if target not in done:
                path.append(target)
                on_path.add(target)
                stack.append(iter(graph.get(target, [])))


def _shares(service, where: tuple, issue: Callable) -> Iterator:
    """The additional containers' cpu and memory must leave room for the main container within the task size."""
    for key, total_of, limit, unit in (("cpu", lambda c: c.cpu, service.cpu, "cpu units"),
                                       ("memory", lambda c: c.memory or c.memory_reservation, service.memory, "MiB")):
        total = 0
        for cname, container in service.containers.items():
            share = total_of(container)
            if not share:
                continue
            total += share
            if total >= limit:
                field = key if key == "cpu" or container.memory else "memory_reservation"
                shares = ", ".join(f"{n} {total_of(c)}" for n, c in service.containers.items() if total_of(c))
                yield issue(where + ("containers", cname, field),
                            f"the additional containers take {total} of the task's {limit} {unit} ({shares}), "
                            f"leaving nothing for the main container (lower the shares, or raise the service's "
                            f"{key})")
                break
    for cname, container in service.containers.items():
        if container.memory and container.memory_reservation and container.memory_reservation > container.memory:
            yield issue(where + ("containers", cname, "memory_reservation"),
                        f"{container.memory_reservation} MiB is above the hard limit memory {container.memory} "
                        "(the reservation is at most memory)")


def _ports(service, where: tuple, issue: Callable) -> Iterator:
    """One listener per port and protocol in the task's shared network namespace; no SSH."""
    taken: dict[tuple, str] = {}
    if service.port is not None:
        taken[(service.port, "tcp")] = "the main container"
    for cname, container in service.containers.items():
        for index, port in enumerate(container.ports):
            at = where + ("containers", cname, "ports", index)
            if port.port == SSH_PORT:
                yield issue(at, f"port {SSH_PORT} is SSH; containers are not reached over SSH (use exec: true)")
            key = (port.port, port.protocol)
            if key in taken:
                yield issue(at, f"port {port.port}/{port.protocol} is also {taken[key]}'s; containers of a task share "
                                "one network namespace (choose another port)")
            taken.setdefault(key, cname)


def _firelens(service, where: tuple, issue: Callable) -> Iterator:
    """One router; containers log through it only when it exists; the router itself logs to CloudWatch."""
    routers = [n for n, c in service.containers.items() if c.firelens is not None]
    for extra in routers[1:]:
        yield issue(where + ("containers", extra, "firelens"), f"a task has one FireLens log router, and "
                                                               f"'{routers[0]}' is already it (remove one)")
    routes = [(where, service.logging, None)] + [(where + ("containers", n), c.logging, n)
                                                for n, c in service.containers.items()]
    for at, logging, cname in routes:
        if logging.driver == "awslogs" and logging.options:
            yield issue(at + ("logging", "options"), "options apply to firelens only (awslogs goes to the service's "
                                                     "log group; remove options or use driver: firelens)")
        if logging.driver != "firelens":
            continue
        if not routers:
            yield issue(at + ("logging",), "firelens needs a log router container in this service (add one under "
                                           "containers: with firelens: {type: fluentbit})")
        elif cname in routers:
            yield issue(at + ("logging",), "the log router cannot log through itself; it logs to the service's "
                                           "encrypted log group (remove logging)")


def _variables(service, where: tuple, issue: Callable) -> Iterator:
    """Secrets hygiene, as for the main container: no secret-looking literal, no name in both sections."""
    from generator.model.semantics import _variables as container_variables  # semantics imports this module

    for cname, container in service.containers.items():
        yield from container_variables(container, where + ("containers", cname), issue)


def _volumes(service, where: tuple, issue: Callable) -> Iterator:
    """Shared volumes: declared once, each mounted somewhere, mounts name declared volumes at free paths."""
    seen: set[str] = set()
    for index, volume in enumerate(service.volumes):
        if volume in seen:
            yield issue(where + ("volumes", index), f"'{volume}' is listed twice")
        seen.add(volume)
    holders = [(where, service.mounts, service.scratch)] + [
        (where + ("containers", n), c.mounts, c.scratch) for n, c in service.containers.items()]
    mounted: set[str] = set()
    for at, mounts, scratch in holders:
        paths = {path: "scratch" for path in scratch}
        for volume, mount in mounts.items():
            if volume not in seen:
                hint = did_you_mean(volume, sorted(seen)) if seen else "(declare it under the service's volumes:)"
                yield issue(at + ("mounts", volume), f"unknown volume '{volume}' {hint}", True)
            mounted.add(volume)
            if mount.path in paths:
                yield issue(at + ("mounts", volume), f"'{mount.path}' is already mounted here ({paths[mount.path]}); "
                                                     "one volume per path")
            paths.setdefault(mount.path, f"volume {volume}")
    for volume in sorted(seen - mounted):
        index = service.volumes.index(volume)
        yield issue(where + ("volumes", index), f"'{volume}' is mounted by no container (add mounts: {{{volume}: "
                                                "/path} where it is used, or remove it)")
