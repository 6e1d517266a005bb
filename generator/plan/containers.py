"""What a service's container gets beyond the blueprint's words: its writable scratch directories.

A read-only root filesystem stays on; the directories a program must write to become task-scoped volumes (a Fargate
bind mount with no host path lives on the task's own ephemeral storage and is deleted with the task). With ECS Exec
the Session Manager agent ECS injects must also write its state and logs, so its directories join the list
(the workaround of aws/containers-roadmap#1359: AWS documents ECS Exec with a read-only root as unsupported,
because the agent cannot start without them).
"""
from __future__ import annotations

from generator.model.services import scratch_volume_name

EXEC_WRITABLE_PATHS = ("/var/lib/amazon", "/var/log/amazon")


def scratch_paths(service) -> list[str]:
    """The writable task-scoped directories, sorted: the blueprint's, plus the agent's with ``exec``."""
    paths = list(service.scratch)
    if service.exec and service.read_only_root_filesystem:
        paths += [p for p in EXEC_WRITABLE_PATHS if p not in paths]
    return sorted(paths)


def scratch_volumes(service) -> list[tuple[str, str]]:
    """``(volume name, container path)`` for every scratch directory, in path order."""
    return [(scratch_volume_name(path), path) for path in scratch_paths(service)]
