"""Fields Fargate does not have, each with what to use instead where there is a replacement.

Removed fields are reported as warnings: the behaviour they gave on EC2 is gone and the user must decide whether the
replacement is needed. ``privileged`` is refused instead, since removing it would silently break the container.
"""
from __future__ import annotations

from generator.migrate.report import Report, show

#: Task-level fields Fargate rejects -> why and the replacement.
TASK_FIELDS = {
    "placementConstraints": "Fargate places tasks itself, there are no container instances to constrain "
                            "(choose subnets and availability zones in the service's network configuration)",
    "ipcMode": "not supported on Fargate; containers of a task cannot share an IPC namespace with the host",
    "inferenceAccelerators": "Elastic Inference accelerators are not supported on Fargate",
}

#: Container-level fields Fargate rejects -> why and the replacement.
CONTAINER_FIELDS = {
    "hostname": "not supported with awsvpc on Fargate; for a stable name use ECS Service Connect or Cloud Map "
                "service discovery",
    "extraHosts": "not supported with awsvpc on Fargate; put these names in a Route 53 private hosted zone",
    "dnsServers": "not supported on Fargate, tasks use the VPC resolver; set resolvers with a VPC DHCP options "
                  "set or Route 53 Resolver rules",
    "dnsSearchDomains": "not supported on Fargate; set search domains with a VPC DHCP options set",
    "dockerSecurityOptions": "not supported on Fargate, which applies its own isolation (no SELinux/AppArmor "
                             "labels); there is no replacement",
    "disableNetworking": "not supported with awsvpc; to keep a container off the network, give the task a "
                         "security group without rules",
}

#: The longest stopTimeout Fargate accepts, in seconds.
FARGATE_MAX_STOP_TIMEOUT = 120

#: linuxParameters Fargate rejects -> why.
LINUX_PARAMETERS = {
    "devices": "host devices do not exist on Fargate; there is no replacement",
    "sharedMemorySize": "not supported on Fargate",
    "tmpfs": "not supported on Fargate; use a task-scoped volume (a volume without host) instead",
    "maxSwap": "swap is not supported on Fargate",
    "swappiness": "swap is not supported on Fargate",
}

#: The only Linux capability Fargate lets a container add.
FARGATE_CAPABILITIES = {"SYS_PTRACE"}


def task_fields(td: dict, report: Report) -> None:
    """Remove task-level fields Fargate rejects, with a warning each (input key order)."""
    for key in list(td):
        if key in TASK_FIELDS:
            value = td.pop(key)
            if value in ([], None, ""):
                report.add("removed", (key,), f"empty; {TASK_FIELDS[key]}")
            else:
                report.add("warning", (key,), f"removed: {TASK_FIELDS[key]}")
        elif key == "pidMode" and td[key] == "host":
            del td[key]
            report.add("warning", (key,), "removed: \"host\" is not supported on Fargate (\"task\" is: containers of "
                                          "a task can share one process namespace)")


def privileged(container: dict, base: tuple, report: Report) -> None:
    """Refuse privileged containers: Fargate cannot run them, and dropping the flag would break the container."""
    if container.get("privileged") is True:
        report.refuse(base + ("privileged",), "privileged containers are not supported on Fargate (remove "
                                              "privileged if the container does not need it, or keep this task on "
                                              "EC2)", container["name"])


def gpus(container: dict, base: tuple, report: Report) -> None:
    """Refuse GPU requirements: Fargate has no GPUs, and the container would not run without one."""
    for j, requirement in enumerate(container.get("resourceRequirements") or []):
        if isinstance(requirement, dict) and requirement.get("type") == "GPU":
            report.refuse(base + ("resourceRequirements", j), "GPUs are not available on Fargate (keep this task "
                                                             "on EC2 GPU instances)", container["name"])


def container_fields(container: dict, base: tuple, report: Report) -> None:
    """Remove container-level fields and linuxParameters Fargate rejects, with a warning naming the replacement."""
    for key in list(container):
        if key in CONTAINER_FIELDS:
            container.pop(key)
            report.add("warning", base + (key,), f"removed: {CONTAINER_FIELDS[key]}")
    timeout = container.get("stopTimeout")
    if isinstance(timeout, int) and timeout > FARGATE_MAX_STOP_TIMEOUT:
        container["stopTimeout"] = FARGATE_MAX_STOP_TIMEOUT
        report.add("warning", base + ("stopTimeout",), f"{timeout} -> {FARGATE_MAX_STOP_TIMEOUT}: Fargate waits at "
                                                       f"most {FARGATE_MAX_STOP_TIMEOUT} seconds before killing a "
                                                       f"container; make sure it shuts down in time")
    linux = container.get("linuxParameters")
    if not isinstance(linux, dict):
        return
    for key in list(linux):
        if key in LINUX_PARAMETERS:
            linux.pop(key)
            report.add("warning", base + ("linuxParameters", key), f"removed: {LINUX_PARAMETERS[key]}")
    capabilities = linux.get("capabilities")
    if isinstance(capabilities, dict) and isinstance(capabilities.get("add"), list):
        kept = [c for c in capabilities["add"] if isinstance(c, str) and c in FARGATE_CAPABILITIES]  # {} unhashable
        dropped = [c for c in capabilities["add"] if c not in kept]
        if dropped:
            capabilities["add"] = kept
            report.add("warning", base + ("linuxParameters", "capabilities", "add"),
                       f"removed {show(dropped)}: Fargate lets a container add only SYS_PTRACE")
            if not capabilities["add"]:
                del capabilities["add"]
        if not capabilities:
            del linux["capabilities"]
    if not linux:
        del container["linuxParameters"]
