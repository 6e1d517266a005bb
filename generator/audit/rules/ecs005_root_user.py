"""ECS005: a container told to run as root.

Only an explicit ``User`` naming root counts: without ``User`` the image's own USER applies, which the template
cannot see, so flagging its absence would be a guess (and wrong for every image that sets a non-root USER).
"""
from generator.audit.resolve import UNKNOWN, literal
from generator.audit.rules.base import ContainerCheck

ROOT_USERS = ("root", "0")


class RootUser(ContainerCheck):
    id = "ECS005"
    severity = "medium"
    title = "Container with User root"
    rationale = ("A process running as root inside the container owns every file the image ships and is one kernel "
                 "or runtime flaw away from root on the host; an explicit User root also overrides an image that "
                 "was built to run unprivileged.")
    fix = "Set User to a non-root user or uid (e.g. 1000:1000), or remove it to keep the image's own USER."

    def judge(self, container, name):
        value = literal(container.get("User"))
        if value is None or value is UNKNOWN:
            return
        if str(value).split(":")[0] in ROOT_USERS:
            yield ("User",), f"container {name} runs as {value}"
