"""A service's additional containers as the emitters build them: every default decided here.

The main container is named after the service and keeps the task's port; each additional container gets its own
share of the task size, its log route (the service's encrypted log group, directly or through the FireLens router),
its waits, its private scratch directories and the shared task volumes it mounts. ``essential`` is resolved here
(:func:`generator.model.sidecars.essential`), so the template always states it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from generator.model.services import scratch_volume_name
from generator.model.sidecars import essential


@dataclass(frozen=True)
class LoggingPlan:
    """``awslogs`` into the service's log group, or ``firelens`` through the router (options: the output plugin's;
    empty means the compiler's default, Fluent Bit's cloudwatch_logs output into the same group)."""

    driver: str = "awslogs"
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MountPlan:
    volume: str
    path: str
    read_only: bool = False


@dataclass(frozen=True)
class ContainerPlan:
    """One additional container of a task."""

    name: str
    image: str
    essential: bool
    cpu: int | None = None
    memory: int | None = None
    memory_reservation: int | None = None
    ports: tuple[tuple[int, str], ...] = ()  # (port, protocol)
    depends_on: tuple[tuple[str, str], ...] = ()  # (container, condition), sorted by container
    environment: dict = field(default_factory=dict, hash=False)
    secrets: dict = field(default_factory=dict, hash=False)
    command: tuple[str, ...] | None = None
    user: str | None = None
    health_check: object = None  # generator.plan.components.HealthCheckPlan
    read_only_root_filesystem: bool = True
    mounts: tuple[MountPlan, ...] = ()  # scratch directories and shared volumes, by path
    firelens: tuple[str, tuple[tuple[str, str], ...]] | None = None  # (type, options)
    logging: LoggingPlan = LoggingPlan()


def logging_plan(logging) -> LoggingPlan:
    return LoggingPlan(logging.driver, tuple(sorted(logging.options.items())))


def shared_mounts(mounts) -> tuple[MountPlan, ...]:
    """The shared volumes a container mounts, by path."""
    return tuple(sorted((MountPlan(volume, m.path, m.read_only) for volume, m in mounts.items()),
                        key=lambda m: m.path))


def scratch_volume(container: str, path: str) -> str:
    """An additional container's own scratch volume: ``scratch-<container>-<path>``, never shared with the main
    container's ``scratch-<path>``."""
    return scratch_volume_name(path).replace("scratch-", f"scratch-{container}-", 1)


def container_plans(service, health_check_plan) -> tuple[ContainerPlan, ...]:
    """Every additional container of ``service``, sorted by name (the template order after the main one)."""
    plans = []
    for name in sorted(service.containers):
        c = service.containers[name]
        mounts = [MountPlan(scratch_volume(name, path), path) for path in c.scratch] + list(shared_mounts(c.mounts))
        plans.append(ContainerPlan(
            name=name, image=c.image, essential=essential(service, name), cpu=c.cpu, memory=c.memory,
            memory_reservation=c.memory_reservation, ports=tuple((p.port, p.protocol) for p in c.ports),
            depends_on=tuple(sorted(c.depends_on.items())), environment=dict(c.environment),
            secrets=dict(c.secrets), command=tuple(c.command) if c.command else None, user=c.user,
            health_check=health_check_plan(c.health_check), read_only_root_filesystem=c.read_only_root_filesystem,
            mounts=tuple(sorted(mounts, key=lambda m: m.path)),
            firelens=(c.firelens.type, tuple(sorted(c.firelens.options.items()))) if c.firelens else None,
            logging=logging_plan(c.logging)))
    return tuple(plans)


def task_volumes(service_scratch: tuple, containers: tuple[ContainerPlan, ...], shared: list[str]) -> list[str]:
    """Every task-scoped volume of the task, sorted: the main container's scratch, each additional container's,
    and the shared ones."""
    names = {volume for volume, _ in service_scratch} | set(shared)
    for container in containers:
        names |= {m.volume for m in container.mounts}
    return sorted(names)
