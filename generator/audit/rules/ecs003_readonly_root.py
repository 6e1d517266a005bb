"""ECS003: a container whose root filesystem is writable."""
from generator.audit.resolve import UNKNOWN, literal_bool
from generator.audit.rules.base import ContainerCheck


class WritableRootFilesystem(ContainerCheck):
    id = "ECS003"
    severity = "low"
    title = "Container without ReadonlyRootFilesystem true"
    rationale = ("A writable root filesystem lets an attacker who gets code execution persist tools and modify "
                 "binaries; read-only roots make containers immutable.")
    fix = "Set ReadonlyRootFilesystem: true and mount a volume (or tmpfs) for the paths that must be writable."

    def judge(self, container, name):
        value = literal_bool(container.get("ReadonlyRootFilesystem"))
        if value is UNKNOWN or value is True:
            return
        where = ("ReadonlyRootFilesystem",) if "ReadonlyRootFilesystem" in container else ()
        yield where, f"container {name} has a writable root filesystem"
