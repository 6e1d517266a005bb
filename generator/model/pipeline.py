"""The ``pipeline:`` section: how `stackprint build` writes the CodePipeline that deploys this blueprint's ``out/``.

It is set once at the top of the file (an environment overlay cannot change it: there is one pipeline per
blueprint). Which names in ``protected`` are real environments is checked by :mod:`generator.pipeline`, which knows
every environment at once; the model checks only the shape.
"""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema

from generator.model.base import EnvironmentName, Model, matching

#: A relative, '/'-separated directory inside the repository, without '.' or '..' parts.
_PART = r"[A-Za-z0-9_-][A-Za-z0-9._-]*"  # a directory name that does not start with '.' (so no '.' or '..')
REPOSITORY_PATH_PATTERN = rf"^{_PART}(/{_PART})*$"

RepositoryPath = Annotated[str, AfterValidator(matching(
    re.compile(REPOSITORY_PATH_PATTERN),
    "'{value}' is not a relative directory of the repository (letters, digits, '.', '_', '-' separated by '/', "
    "no leading '/', no '..', e.g. 'out' or 'deploy/out')")),
    WithJsonSchema({"type": "string", "pattern": REPOSITORY_PATH_PATTERN, "examples": ["out"]})]


def _unique(value: list[str]) -> list[str]:
    repeated = sorted({name for name in value if value.count(name) > 1})
    if repeated:
        raise ValueError(f"lists {', '.join(repeated)} more than once (name each environment once)")
    return value


class PipelineSettings(Model):
    """The CodePipeline written to ``out/<blueprint>/pipeline.template.yaml``."""

    protected: Annotated[list[EnvironmentName], AfterValidator(_unique)] | None = Field(
        None, description="Environments whose change sets wait for a manual approval before CloudFormation executes "
                          "them. Default: the environment named 'prod', if there is one; [] protects none.",
        examples=[["prod"], ["staging", "prod"]])
    out: RepositoryPath = Field(
        "out", description="Where the committed out/ directory is inside the repository the pipeline's source "
                           "connection reads (the pipeline deploys <out>/<blueprint>/<env>/).",
        examples=["out", "infra/out"])
