"""Stated exceptions to the security audit: the only way a blueprint may relax what `build` gates on.

Every exception names the rule and carries a reason a security reviewer can read; the compiler writes it into the
template next to the resource it concerns (``Metadata.stackprint.ignore``), so the exception is visible in ``out/``
and a later ``stackprint audit out/`` agrees with the build.
"""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema

from generator.model.base import Model, matching

RULE_PATTERN = r"^[A-Z]{2,4}[0-9]{3}$"
LOGICAL_ID_PATTERN = r"^[A-Za-z0-9]{1,255}$"
MIN_REASON = 10


def _pattern(regex: str, what: str, example: str):
    check = matching(re.compile(regex), f"'{{value}}' is not a {what} (e.g. '{example}')")
    return Annotated[str, AfterValidator(check),
                     WithJsonSchema({"type": "string", "pattern": regex, "examples": [example]})]


def _reason(value: str) -> str:
    if len(value.strip()) < MIN_REASON:
        raise ValueError(f"a reason of at least {MIN_REASON} characters is required (say why this is acceptable, "
                         f"for the security review)")
    return value.strip()


Reason = Annotated[str, AfterValidator(_reason), WithJsonSchema({"type": "string", "minLength": MIN_REASON})]
RuleId = _pattern(RULE_PATTERN, "rule id", "ECS003")
LogicalId = _pattern(LOGICAL_ID_PATTERN, "CloudFormation logical id", "TaskDefinition")


class AuditException(Model):
    """One accepted finding: which rule, why, and optionally on which resources only."""

    rule: RuleId = Field(description="The audit rule id (see `stackprint audit --help` and docs/audit.md).",
                         examples=["ECS003"])
    reason: Reason = Field(
        description="Why this is acceptable; written into the template for the security review.",
        examples=["nginx writes its pid file under /var/run"])
    resources: list[LogicalId] = Field(
        [], description="Logical ids the exception is limited to; empty means every resource the rule flags.")


class AuditSettings(Model):
    """How the build's audit gate treats this scope."""

    ignore: list[AuditException] = Field([], description="Findings accepted, each with its reason.")
