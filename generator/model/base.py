"""The strict base every blueprint model derives from, and the constrained scalar types they share.

Blueprints are written by hand and reviewed by a security team, so the models refuse anything they do not know
(``extra="forbid"``), never coerce types behind the user's back (``strict``: ``"8080"`` is not a port), and are
frozen so a later stage cannot change what was validated.
"""
from __future__ import annotations

import re
from typing import Annotated, Any, Callable

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, model_validator


class Model(BaseModel):
    """Base of every blueprint model: unknown keys are errors, no silent coercion, immutable once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=False)


def matching(regex: re.Pattern, message: str) -> Callable[[str], str]:
    """A validator: the value must match ``regex`` whole, else ``message`` (``{value}`` filled in) is the error.

    One mechanism for every "must look like X" string of the language, so each call site states only the pattern
    and the sentence a user reads.
    """

    def check(value: str) -> str:
        if not regex.fullmatch(value):
            raise ValueError(message.format(value=value))
        return value

    return check


def name_problem(value: str, pattern: str, what: str, example: str) -> str | None:
    """The one sentence every name rule speaks (blueprint, service, environment...): None when ``value`` matches
    ``pattern``, else what is wrong and a valid example."""
    if re.fullmatch(pattern, value):
        return None
    return (f"'{value}' is not a valid {what} (lowercase letters, digits and '-', starting with a letter, at most "
            f"{_max_length(pattern)} characters, e.g. '{example}')")


def named(pattern: str, what: str, example: str) -> Any:
    """A string type that must match ``pattern``; the error says what the name is for and shows a valid one.

    Names become parts of stack names and CloudFormation logical ids, so their alphabet is narrow on purpose.
    """
    def check(value: str) -> str:
        problem = name_problem(value, pattern, what, example)
        if problem:
            raise ValueError(problem)
        return value

    return Annotated[str, AfterValidator(check),
                     WithJsonSchema({"type": "string", "pattern": pattern, "examples": [example]})]


def _max_length(pattern: str) -> int:
    """1 + the upper bound of the ``{0,N}`` repetition in a name pattern (for the error message)."""
    match = re.search(r"\{0,(\d+)\}", pattern)
    return int(match.group(1)) + 1 if match else 0


NAME_PATTERN = r"^[a-z][a-z0-9-]{0,27}$"
ENV_PATTERN = r"^[a-z][a-z0-9-]{0,15}$"

BlueprintName = named(NAME_PATTERN, "blueprint name", "shop")
ServiceName = named(NAME_PATTERN, "service name", "web")
BalancerName = named(NAME_PATTERN, "load balancer name", "public")
DatabaseName = named(NAME_PATTERN, "database name", "orders")
EnvironmentName = named(ENV_PATTERN, "environment name", "prod")


def bounded(low: int, high: int) -> Any:
    """An int in ``low..high`` whose error names the valid range (pydantic's own message does not)."""

    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"{value} is out of range (valid: {low}..{high})")
        return value

    return Annotated[int, AfterValidator(check), Field(json_schema_extra={"minimum": low, "maximum": high})]


Port = bounded(1, 65535)


def non_empty(value: str) -> str:
    """Reject blank strings where a value must say something (reasons, commands)."""
    if not value.strip():
        raise ValueError("must not be empty")
    return value


NonEmptyStr = Annotated[str, AfterValidator(non_empty), Field(json_schema_extra={"minLength": 1})]


def by_name(value: dict) -> dict:
    """Mappings are held sorted by name, so every later stage iterates (and writes) in the same order whatever the
    file's: the task definition's variables, the relax keys, the services."""
    return dict(sorted(value.items()))


class ParameterOrArn(Model):
    """Base of the ``{parameter: Name}`` / ``{arn: ...}`` choices (a certificate, a KMS key): exactly one is set."""

    @model_validator(mode="after")
    def _exactly_one(self):
        if (getattr(self, "parameter") is None) == (getattr(self, "arn") is None):
            raise ValueError("set exactly one of 'parameter' or 'arn'")
        return self
