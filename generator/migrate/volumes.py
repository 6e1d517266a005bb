"""Volumes: a Fargate task has no host and no Docker volume plugins.

A host bind mount (``host.sourcePath``) would mount an empty directory, so the data the container expects would
not be there: refused, unless ``--ephemeral-host-volumes`` says a task-scoped scratch volume is what was meant.
Docker volumes (``dockerVolumeConfiguration``) are refused; EFS volumes are the replacement.
"""
from __future__ import annotations

from generator.migrate.report import Report, show


def _mounted_by(td: dict, name: str) -> str:
    users = [f"containerDefinitions[{i}] ({c['name']})" for i, c in enumerate(td["containerDefinitions"])
             if any(isinstance(m, dict) and m.get("sourceVolume") == name for m in c.get("mountPoints", []))]
    return f"mounted by {', '.join(users)}" if users else "not mounted by any container"


def apply(td: dict, report: Report, ephemeral_host_volumes: bool) -> None:
    """Refuse Docker volumes and host paths; with ``ephemeral_host_volumes``, host paths become task-scoped."""
    for i, volume in enumerate(td.get("volumes", [])):
        name = volume["name"]
        if "dockerVolumeConfiguration" in volume:
            report.refuse(("volumes", i, "dockerVolumeConfiguration"),
                          f"Docker volumes are not supported on Fargate ({_mounted_by(td, name)}); use an EFS "
                          f"volume (efsVolumeConfiguration) for shared or persistent data", name)
            continue
        host = volume.get("host")
        if not isinstance(host, dict):
            continue
        if not host.get("sourcePath"):
            del volume["host"]
            report.add("removed", ("volumes", i, "host"), "without sourcePath it is already a task-scoped volume, "
                                                          "which on Fargate is written without host")
            continue
        path = host["sourcePath"]
        if ephemeral_host_volumes:
            del volume["host"]
            report.add("warning", ("volumes", i, "host"),
                       f"host path {show(path)} became a task-scoped volume ({_mounted_by(td, name)}): it starts "
                       f"empty and its data is lost when the task stops (--ephemeral-host-volumes)")
        else:
            report.refuse(("volumes", i, "host", "sourcePath"),
                          f"host path {show(path)} is on the EC2 instance ({_mounted_by(td, name)}); a Fargate task "
                          f"has no host, so the data would not be there (use an EFS volume, or pass "
                          f"--ephemeral-host-volumes if an empty task-scoped volume is what the container needs)", name)
