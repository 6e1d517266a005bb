"""The execution role: what the ECS agent uses, on the task's behalf, to pull from ECR, write to CloudWatch Logs
and read secrets. On Fargate there is no instance role to fall back on, so it is required for those uses.

The application's own permissions stay in ``taskRoleArn``, kept as is: the two roles are never merged.
"""
from __future__ import annotations

import re

from generator.migrate.report import Report
from generator.references import private_ecr

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]{1,512}\Z", re.ASCII)


def needs(td: dict) -> list[str]:
    """Why this task needs an execution role, one reason per container and use, in container order."""
    reasons = []
    for i, container in enumerate(td["containerDefinitions"]):
        who = f"containerDefinitions[{i}] ({container['name']})"
        log = container.get("logConfiguration") or {}
        if log.get("logDriver") == "awslogs":
            reasons.append(f"{who} logs with awslogs")
        if private_ecr(container["image"]) is not None:
            reasons.append(f"{who} pulls its image from ECR")
        if container.get("secrets") or log.get("secretOptions"):
            reasons.append(f"{who} reads secrets")
        if container.get("environmentFiles"):
            reasons.append(f"{who} reads environmentFiles from S3")
        if container.get("repositoryCredentials"):
            reasons.append(f"{who} pulls with repositoryCredentials")
    return reasons


def apply(td: dict, report: Report, role_arn: str | None, required: bool) -> None:
    """Set ``executionRoleArn`` from ``role_arn`` (``--execution-role-arn``); refuse when it is needed and missing.

    ``required`` is false for blueprint output, where the compiler creates the execution role.
    """
    reasons = needs(td)
    why = ("; needed because " + ", ".join(reasons)) if reasons else ""
    current = td.get("executionRoleArn")
    if role_arn:
        if current == role_arn:
            return
        td["executionRoleArn"] = role_arn
        if current:
            report.add("changed", ("executionRoleArn",), f"{current} -> {role_arn}: from --execution-role-arn{why}")
        else:
            report.add("added", ("executionRoleArn",), f"{role_arn}: from --execution-role-arn{why}")
        return
    if reasons and not current and required:
        report.refuse(("executionRoleArn",), f"missing, and Fargate needs an execution role because "
                                             f"{', '.join(reasons)} (pass --execution-role-arn "
                                             f"arn:aws:iam::<account>:role/ecsTaskExecutionRole, or set "
                                             f"executionRoleArn in the input)")
