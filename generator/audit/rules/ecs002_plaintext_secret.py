"""ECS002: a secret passed as a literal environment variable.

Variables stackprint wrote itself (``<TARGET>_HOST``/``_PORT``/``_NAME`` from ``flows:``) are listed on the task
definition under ``Metadata.stackprint.generated_environment`` and not judged: they hold host names, ports and
database names, and a flow to a service called ``password-api`` must not make them "secrets".
"""
import re

from generator.audit.rules.base import ContainerCheck, Hit, containers

SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH_?KEY",
                         re.IGNORECASE)
# Names that point at a secret rather than hold one.
_REFERENCE_SUFFIX = re.compile(r"_(ARN|NAME|ID_ARN|PATH|FILE|URL|URI|ENDPOINT)$", re.IGNORECASE)
_DYNAMIC_REFERENCE = ("{{resolve:secretsmanager:", "{{resolve:ssm-secure:")


class PlaintextSecret(ContainerCheck):
    id = "ECS002"
    severity = "high"
    title = "Secret-looking environment variable with a literal value"
    rationale = ("Environment values are stored in plain text in the template, the task definition and every "
                 "describe call; anyone with read access to CloudFormation or ECS sees the secret.")
    fix = ("Move the value to Secrets Manager or SSM Parameter Store and pass it with the container's Secrets "
           "(Name + ValueFrom) instead of Environment.")

    def check(self, ctx):
        for logical_id, base, container, name in containers(ctx):
            generated = _generated(ctx.template.resources[logical_id], name)
            for suffix, message in self.judge(container, name, generated):
                yield Hit(logical_id, base + tuple(suffix), message)

    def judge(self, container, name, generated=frozenset()):
        environment = container.get("Environment")
        if not isinstance(environment, list):
            return
        for index, variable in enumerate(environment):
            if not isinstance(variable, dict):
                continue
            key, value = variable.get("Name"), variable.get("Value")
            if not isinstance(key, str) or not SECRET_NAME.search(key) or _REFERENCE_SUFFIX.search(key):
                continue
            if key in generated:
                continue  # written by stackprint from flows: a host name, port or database name
            if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value) == "":
                continue  # a function (Ref to a NoEcho parameter, Sub…) or empty: not a literal
            if str(value).startswith(_DYNAMIC_REFERENCE):
                continue
            yield ("Environment", index), (f"container {name} sets {key} to a literal value in Environment "
                                           "(use Secrets)")


def _generated(resource: dict, container: str) -> frozenset:
    """Names the compiler wrote into ``container``'s Environment, from the task definition's stackprint metadata."""
    metadata = resource.get("Metadata")
    section = metadata.get("stackprint") if isinstance(metadata, dict) else None
    entries = section.get("generated_environment") if isinstance(section, dict) else None
    if not isinstance(entries, list):
        return frozenset()
    return frozenset(name for entry in entries if isinstance(entry, dict) and entry.get("container") == container
                     and isinstance(entry.get("names"), list) for name in entry["names"] if isinstance(name, str))
