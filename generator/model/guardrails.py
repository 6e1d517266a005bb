"""Guardrails after deploy: the optional ``guardrails:`` block of an environment.

stackprint knows, exactly, which rules every security group of an environment should have (the flow matrix). The
guardrails stack keeps that true after deploy, the two ways the AWS guidance names:

- ``auto_revert``: an EventBridge rule on the security-group API calls (CloudTrail) invokes a function that revokes
  every rule of the environment's groups that the templates do not declare, and tells a person by e-mail (SNS);
- ``config_rules``: AWS Config managed rules that audit the environment continuously (Firewall Manager's audit
  categories: high-risk ports from public ranges, unauthorized open ports, the default group, flow logs...).

Both are off unless a blueprint asks for them, usually in its production overlay.
"""
from __future__ import annotations

import difflib
import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema, model_validator

from generator.model.base import Model, matching
from generator.model.errors import describe

#: The AWS Config managed rules the language offers, by their rule names (the identifiers are the plan's business).
CONFIG_RULES = (
    "restricted-ssh",
    "vpc-sg-open-only-to-authorized-ports",
    "vpc-default-security-group-closed",
    "vpc-flow-logs-enabled",
    "alb-http-to-https-redirection-check",
    "rds-instance-public-access-check",
    "rds-storage-encrypted",
    "ecs-containers-readonly-access",
    "ecs-task-definition-nonroot-user",
)

_PARAMETER = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,254}$")
_parameter_name = matching(_PARAMETER, "'{value}' is not a CloudFormation parameter name (letters and digits, "
                                       "e.g. GuardrailsEmail)")


def _shape(value: object) -> object:
    """One message for a value that is neither switch nor list (pydantic would explain both union branches)."""
    if isinstance(value, bool) or (isinstance(value, list) and all(isinstance(item, str) for item in value)):
        return value
    raise ValueError(f"expected true, false or a list of rule names, got {describe(value)} (e.g. config_rules: "
                     f"true, or config_rules: [restricted-ssh])")


def _known(value: bool | list[str]) -> bool | list[str]:
    """Each listed rule is one the language offers, listed once; an empty list says nothing (write false)."""
    if isinstance(value, bool):
        return value
    if not value:
        raise ValueError("an empty list turns on no rule (write false, or leave config_rules out)")
    for index, rule in enumerate(value):
        if rule not in CONFIG_RULES:
            raise ValueError(f"'{rule}' is not a managed rule stackprint offers ({_suggest(rule)}valid: "
                             f"{', '.join(CONFIG_RULES)})")
        if rule in value[:index]:
            raise ValueError(f"'{rule}' is listed twice (list each rule once)")
    return value


def _suggest(rule: str) -> str:
    close = difflib.get_close_matches(rule, CONFIG_RULES, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?; " if close else ""


ConfigRules = Annotated[bool | list[str], BeforeValidator(_shape), AfterValidator(_known), WithJsonSchema({
    "anyOf": [{"type": "boolean"},
              {"type": "array", "items": {"enum": list(CONFIG_RULES)}, "minItems": 1, "uniqueItems": True}]})]


class Notify(Model):
    """Who hears about a reverted change: an e-mail address, supplied to the guardrails stack as a parameter."""

    parameter: Annotated[str, AfterValidator(_parameter_name)] = Field(
        description="Name of the guardrails-stack parameter holding the e-mail address the SNS topic notifies "
                    "(the address confirms the subscription once).", examples=["GuardrailsEmail"])


class AutoRevert(Model):
    """Revert security-group changes made outside CloudFormation, and say who made them."""

    notify: Notify = Field(description="Where the notification of each reverted change goes: "
                                       "{parameter: Name} (an e-mail address the deploy supplies).")


class Guardrails(Model):
    """The environment's guardrails stack: auto-revert of unauthorized security-group changes and/or AWS Config
    managed rules. At least one of the two."""

    auto_revert: AutoRevert | None = Field(
        None, description="Revoke, within seconds, every rule added to or modified on the environment's security "
                          "groups outside CloudFormation that the templates do not declare, and notify by e-mail "
                          "who changed what. Needs a CloudTrail trail recording management events.")
    config_rules: ConfigRules = Field(
        False, description="AWS Config managed rules parameterised from the blueprint: true for every rule that "
                           "applies to this environment, or a list of rule names. Needs an AWS Config recorder in "
                           "the account and region.",
        examples=[True, ["restricted-ssh", "vpc-sg-open-only-to-authorized-ports"]])

    @model_validator(mode="after")
    def _something(self):
        if self.auto_revert is None and self.config_rules is False:
            raise ValueError("guardrails without auto_revert or config_rules would build an empty stack (set "
                             "auto_revert: {notify: {parameter: GuardrailsEmail}}, config_rules: true, or both; "
                             "leave guardrails out to have none)")
        return self
