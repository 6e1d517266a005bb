"""What an image or a secret reference points at: the one classifier the model, the emitters and migrate share.

A private ECR image (``<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>``) needs ECR pull
permissions on the execution role and can be pulled through VPC endpoints; any other registry is on the internet.
A secret is either a Secrets Manager secret (``secretsmanager:GetSecretValue``, the ``secretsmanager`` endpoint) or
an SSM parameter (``ssm:GetParameters``, the ``ssm`` endpoint). Keeping the patterns here means a reference the
language accepts is always classified the same way where it is validated, where its permissions are written and
where an endpoint is required (a FIPS ECR image once validated but got no pull permissions).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

#: An AWS region name as it appears in endpoints and ARNs (us-east-1, us-gov-west-1, cn-north-1...).
REGION = r"[a-z]{2}(?:-[a-z]+)+-[0-9]"
_PRIVATE_ECR = re.compile(rf"^(?P<account>[0-9]{{12}})\.dkr\.ecr(?P<fips>-fips)?\.(?P<region>{REGION})"
                          rf"\.amazonaws\.com(?:\.cn)?/(?P<repository>[^:@]+)")
SECRETS_MANAGER_ARN = re.compile(
    rf"^arn:aws[a-z-]*:secretsmanager:{REGION}:[0-9]{{12}}:secret:[A-Za-z0-9/_+=.@-]+(?::[^:]*:[^:]*:[^:]*)?$")
SSM_PARAMETER_ARN = re.compile(rf"^arn:aws[a-z-]*:ssm:{REGION}:[0-9]{{12}}:parameter/[A-Za-z0-9/_.-]+$")
#: The two stores a secret reference can name, by the IAM/endpoint service name.
SECRETS_MANAGER, SSM = "secretsmanager", "ssm"


@dataclass(frozen=True)
class EcrImage:
    """The repository a private ECR image lives in."""

    account: str
    region: str
    repository: str
    fips: bool


def private_ecr(image: str) -> EcrImage | None:
    """The ECR repository of ``image``, or None when it is not in a private ECR registry (FIPS endpoints included)."""
    match = _PRIVATE_ECR.match(image)
    if match is None:
        return None
    return EcrImage(match["account"], match["region"], match["repository"], bool(match["fips"]))


def secret_store(arn: str) -> str | None:
    """:data:`SECRETS_MANAGER` or :data:`SSM` for a valid secret ARN, None for anything else."""
    if SECRETS_MANAGER_ARN.fullmatch(arn):
        return SECRETS_MANAGER
    if SSM_PARAMETER_ARN.fullmatch(arn):
        return SSM
    return None
