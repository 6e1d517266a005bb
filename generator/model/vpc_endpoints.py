"""VPC endpoints: the AWS services a blueprint may reach privately, and which of them its services need.

The catalogue is fixed on purpose: each name is one AWS service the Fargate platform or an application commonly
calls, and the compiler knows whether it is a gateway endpoint (S3: a route in the private route tables) or an
interface endpoint (an ENI per zone in the private subnets with private DNS).

:func:`required_endpoints` is the one place that says which endpoints the services of a blueprint cannot run
without when the private subnets have no NAT gateway (``nat: none``).
"""
from __future__ import annotations

from generator.references import SSM, private_ecr, secret_store

#: The gateway endpoint: ECR keeps image layers in S3, so pulls from ECR need it.
GATEWAY_ENDPOINTS = ("s3",)
#: Interface endpoints (PrivateLink), by the suffix of ``com.amazonaws.<region>.<name>``.
INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "kms", "logs", "monitoring", "secretsmanager", "ssm", "ssmmessages",
                       "sts")
ENDPOINT_NAMES = tuple(sorted(GATEWAY_ENDPOINTS + INTERFACE_ENDPOINTS))


def is_private_ecr(image: str) -> bool:
    """Whether ``image`` lives in a private ECR registry: only these images can be pulled through the
    ecr.api/ecr.dkr/s3 endpoints; public.ecr.aws, Docker Hub and other registries are on the internet."""
    return private_ecr(image) is not None


def required_endpoints(bp) -> dict[str, str]:
    """Endpoint name -> why the services need it, when their private subnets have no NAT gateway.

    - ``s3``, ``ecr.api``, ``ecr.dkr``: every task pulls its image from ECR (manifests via the API and Docker
      registry endpoints, layers from S3); images outside private ECR cannot be pulled without NAT at all, which
      :mod:`generator.model.semantics` reports on the image itself;
    - ``logs``: every container logs through the awslogs driver;
    - ``secretsmanager``: a secret from Secrets Manager, or a flow to a database (the service then receives the
      database's generated credentials as a Secrets Manager secret);
    - ``ssm``: a secret from SSM Parameter Store;
    - ``ssmmessages``: ECS Exec (``exec: true``) opens its session channel there.

    ``databases`` and ``exec`` belong to other parts of the language; they are read with ``getattr`` so this
    function holds whether or not they are present.
    """
    if not bp.services:
        return {}
    needed = {"ecr.api": "image pulls from ECR", "ecr.dkr": "image pulls from ECR",
              "s3": "ECR image layers are stored in S3", "logs": "the awslogs log driver"}
    databases = getattr(bp, "databases", None) or {}
    for name, service in bp.services.items():
        arns = list(service.secrets.values())
        for container in getattr(service, "containers", {}).values():  # additional containers read secrets too
            arns += list(container.secrets.values())
        if any(secret_store(arn) != SSM for arn in arns):
            needed.setdefault("secretsmanager", f"secrets of {name}")
        if any(target in databases for target in service.flows):
            needed.setdefault("secretsmanager", f"database credentials of {name}")
        if any(secret_store(arn) == SSM for arn in arns):
            needed.setdefault("ssm", f"SSM parameter secrets of {name}")
        if getattr(service, "exec", False):
            needed.setdefault("ssmmessages", f"ECS Exec on {name}")
    return dict(sorted(needed.items()))
