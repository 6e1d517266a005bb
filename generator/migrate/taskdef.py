"""The migration itself: one pass over a task definition, each concern in its own module, in a fixed order.

Order (which is also the order of the change lines): the input's read-only fields, explicit nulls (dropped from the
parsed input, so no rule sees one), family, task-level networking and fields, then each container in input order
(privileged, GPUs, ports, links, unsupported fields, log driver, sizes), port clashes across containers, the
container count, volumes, the Windows platform, the task size, the execution role. The input file is never
modified; the result is a new task definition plus the report of what changed and what was refused.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass

from generator.migrate import log_drivers, network, nulls, platform, roles, shape, sizes, unsupported, volumes
from generator.migrate.input import Source
from generator.migrate.report import Report, show

FAMILY = re.compile(r"^[A-Za-z0-9_-]{1,255}\Z", re.ASCII)  # \Z: "$" would let a trailing newline through


@dataclass(frozen=True)
class Options:
    """What the user chose on the command line."""

    execution_role_arn: str | None = None
    family: str | None = None
    ephemeral_host_volumes: bool = False
    require_execution_role: bool = True   # false for --to blueprint: the compiler creates the role


@dataclass
class Migration:
    """The Fargate task definition and the report; ``ok`` is false when something was refused."""

    taskdef: dict
    report: Report
    linked: tuple = ()  # containers of this task that others linked to (helpers, for --to blueprint)

    @property
    def ok(self) -> bool:
        return not self.report.refusals


def family(td: dict, source: Source, report: Report, name: str | None) -> None:
    """``--family`` renames the task definition; a family is required either way."""
    if name is not None:
        current = td.get("family")
        if current != name:
            td["family"] = name
            if current is None:
                report.add("added", ("family",), f"{show(name)}: from --family")
            else:
                report.add("changed", ("family",), f"{show(current)} -> {show(name)}: from --family")
        return
    if "family" not in td:
        raise source.error((), "missing family (set it in the input or pass --family NAME)")
    if not FAMILY.match(td["family"]):
        raise source.error(("family",), "a family is 1-255 letters, digits, hyphens or underscores "
                                        "(or pass --family NAME)")


#: The most containers one task definition may have (ECS service quota "Containers per task definition").
MAX_CONTAINERS = 10


def containers(td: dict, report: Report) -> None:
    """Refuse more containers than one task definition may hold: ECS would refuse to register it."""
    count = len(td["containerDefinitions"])
    if count > MAX_CONTAINERS:
        report.refuse(("containerDefinitions",), f"{count} containers; a task definition holds at most "
                                                 f"{MAX_CONTAINERS} (split the task into several services)")


def migrate(source: Source, options: Options) -> Migration:
    """Migrate ``source`` to a Fargate task definition; input errors raise, refusals are in the report."""
    report = source.report
    nulls.drop(source.data, report)
    nulls.secret_options(source.data, report, source)
    shape.check(source)
    td = copy.deepcopy(source.data)
    family(td, source, report, options.family)
    network.compatibilities(td, report)
    network.network_mode(td, report)
    unsupported.task_fields(td, report)
    names = [container["name"] for container in td["containerDefinitions"]]
    linked = tuple(sorted({link.partition(":")[0] for c in td["containerDefinitions"] for link in c.get("links", [])
                           if link.partition(":")[0] in names}))
    for i, container in enumerate(td["containerDefinitions"]):
        base = ("containerDefinitions", i)
        unsupported.privileged(container, base, report)
        unsupported.gpus(container, base, report)
        network.host_ports(container, base, report)
        network.links(container, base, report, names)
        unsupported.container_fields(container, base, report)
        log_drivers.check(container, base, report)
        sizes.container_sizes(container, base, report, source)
    network.unique_ports(td, report)
    containers(td, report)
    volumes.apply(td, report, options.ephemeral_host_volumes)
    windows = platform.apply(td, report)
    sizes.task_size(td, report, source, windows)
    roles.apply(td, report, options.execution_role_arn, options.require_execution_role)
    return Migration(td, report, linked)


def render(td: dict) -> str:
    """JSON as register-task-definition --cli-input-json reads it: 2-space indent, the input's key order (new
    keys after it, in rule order), a trailing newline."""
    return json.dumps(td, indent=2, ensure_ascii=False) + "\n"
