"""ECS004: a privileged container."""
from generator.audit.resolve import literal_bool
from generator.audit.rules.base import ContainerCheck


class PrivilegedContainer(ContainerCheck):
    id = "ECS004"
    severity = "high"
    title = "Privileged container"
    rationale = ("A privileged container has root on the host's devices and kernel interfaces; escaping it is "
                 "trivial. Fargate refuses it, and on EC2 it turns one compromised task into a compromised host.")
    fix = "Remove Privileged (or set it false); grant specific LinuxParameters capabilities only if needed."

    def judge(self, container, name):
        if literal_bool(container.get("Privileged")) is True:
            yield ("Privileged",), f"container {name} runs privileged"
