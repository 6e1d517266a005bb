"""ECS002: a secret passed as a literal environment variable."""
import re

from generator.audit.rules.base import ContainerCheck

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

    def judge(self, container, name):
        environment = container.get("Environment")
        if not isinstance(environment, list):
            return
        for index, variable in enumerate(environment):
            if not isinstance(variable, dict):
                continue
            key, value = variable.get("Name"), variable.get("Value")
            if not isinstance(key, str) or not SECRET_NAME.search(key) or _REFERENCE_SUFFIX.search(key):
                continue
            if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value) == "":
                continue  # a function (Ref to a NoEcho parameter, Sub…) or empty: not a literal
            if str(value).startswith(_DYNAMIC_REFERENCE):
                continue
            yield ("Environment", index), (f"container {name} sets {key} to a literal value in Environment "
                                           "(use Secrets)")
