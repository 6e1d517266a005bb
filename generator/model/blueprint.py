"""The blueprint as a whole: name, tags, network, load balancers, services and databases, for one environment.

``BlueprintSpec`` is what a blueprint file says once its environment overlay is merged in; ``Blueprint`` adds the
environment name and the map back to the source, so any later stage (the plan) can report an error at the line the
user wrote (:meth:`Blueprint.error_at`).
"""
from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PrivateAttr, WithJsonSchema

from generator.errors import InputError
from generator.model.audit import AuditSettings
from generator.model.balancers import LoadBalancer
from generator.model.base import BalancerName, BlueprintName, DatabaseName, EnvironmentName, Model, ServiceName, by_name
from generator.model.databases import Database
from generator.model.expectations import Expectation
from generator.model.guardrails import Guardrails
from generator.model.network import Network
from generator.model.pipeline import PipelineSettings
from generator.model.services import Service

_TAG_KEY = re.compile(r"^[\w .:/=+@-]{1,128}$", re.UNICODE)
_TAG_VALUE = re.compile(r"^[\w .:/=+@-]{0,256}$", re.UNICODE)


def _tag_text(value: object) -> object:
    """Tag values are strings; numbers written in YAML (``cost-center: 1234``) are taken as their text."""
    if isinstance(value, dict):
        return {k: str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
                for k, v in value.items()}
    return value


def _tag_key(value: str) -> str:
    if value.lower().startswith("aws:"):
        raise ValueError(f"'{value}' uses the reserved prefix 'aws:' (choose another key, e.g. 'team')")
    if not _TAG_KEY.fullmatch(value):
        raise ValueError(f"'{value}' is not a tag key (1 to 128 letters, digits, spaces and _ . : / = + - @)")
    return value


def _tag_value(value: str) -> str:
    if not _TAG_VALUE.fullmatch(value):
        raise ValueError(f"'{value}' is not a tag value (up to 256 letters, digits, spaces and _ . : / = + - @)")
    return value


class BlueprintSpec(Model):
    """A blueprint for one environment, after the overlay is merged (the file without ``environments``)."""

    name: BlueprintName = Field(description="Blueprint name; stacks are <name>-<env>-network and "
                                            "<name>-<env>-<service>.", examples=["shop"])
    description: str | None = Field(None, description="What this application is.", examples=["Web shop"])
    tags: Annotated[dict[Annotated[str, AfterValidator(_tag_key)],
                         Annotated[str, AfterValidator(_tag_value),
                                   WithJsonSchema({"type": ["string", "number"], "maxLength": 256})]],
                    BeforeValidator(_tag_text), AfterValidator(by_name)] = Field(
        {}, description="Tags applied to every stack.", examples=[{"team": "payments"}])
    network: Network = Field(description="The VPC.")
    load_balancers: Annotated[dict[BalancerName, LoadBalancer], AfterValidator(by_name)] = Field(
        {}, description="Application load balancers by name.")
    services: Annotated[dict[ServiceName, Service], AfterValidator(by_name)] = Field(
        {}, description="Fargate services by name.")
    databases: Annotated[dict[DatabaseName, Database], AfterValidator(by_name)] = Field(
        {}, description="RDS instances and Aurora clusters by name, in the isolated subnets; services reach one "
                        "by listing its name in flows.")
    audit: AuditSettings = Field(AuditSettings(), description="Exceptions to the build's audit gate for every "
                                                              "stack of this blueprint, each with a reason.")
    expect: Annotated[dict[str, Expectation], AfterValidator(by_name)] = Field(
        {}, description="Reachability the build must prove from the rendered templates, by service or database "
                        "name (see docs/reach.md).", examples=[{"api": {"internet": "unreachable",
                                                                       "reachable_from": ["web"]}}])
    pipeline: PipelineSettings = Field(PipelineSettings(), description="The CodePipeline that deploys this "
                                       "blueprint's out/ (out/<name>/pipeline.template.yaml); set once, not per "
                                       "environment.")
    guardrails: Guardrails | None = Field(None, description="The environment's optional guardrails stack "
                                          "(<name>-<env>-guardrails): auto-revert of security-group changes made "
                                          "outside CloudFormation and AWS Config managed rules (docs/guardrails.md).",
                                          examples=[{"auto_revert": {"notify": {"parameter": "GuardrailsEmail"}},
                                                     "config_rules": True}])


class Blueprint(BlueprintSpec):
    """A validated blueprint for one environment, able to point back at its source lines."""

    _env: str = PrivateAttr(default="default")
    _locator: Any = PrivateAttr(default=None)  # generator.model.overlay.Locator, set by the loader

    @property
    def env(self) -> str:
        """The environment name (``default`` when the file declares no ``environments:``)."""
        return self._env

    def error_at(self, keypath: tuple | list, message: str) -> InputError:
        """An InputError at the value that produced ``keypath`` (the overlay's line if the overlay set it).

        ``keypath`` is the effective path in this environment, e.g. ``("services", "web", "egress", 0)``.
        """
        if self._locator is None:
            return InputError(message, keypath=tuple(keypath))
        return self._locator.error(tuple(keypath), message)


class BlueprintFile(BlueprintSpec):
    """The file as written: the base plus per-environment overlays. Used for the JSON Schema only; loading merges
    each overlay first (:mod:`generator.model.overlay`) and validates the result as a :class:`BlueprintSpec`."""

    environments: dict[EnvironmentName, dict[str, Any]] = Field(
        {}, description="Per-environment overlays, deep-merged over the base: mappings merge, lists and scalars "
                        "replace, null removes a key. Without it the blueprint has one environment, 'default'.",
        examples=[{"dev": {"network": {"nat": "single"}}, "prod": {}}])
