"""Turning off a secure default: the ``relax:`` mapping, where every switch-off carries its reason.

Secure settings are on unless a blueprint says otherwise, and it can say otherwise only in one place per object:
``relax: {multi_az: "dev: one zone is enough, restored from snapshots"}``. The key names the default being turned
off, the value is the reason a security reviewer reads. The compiler writes that reason into the template as the
matching checkov skip and stackprint audit suppression (:mod:`generator.emit.scanner_metadata`), so every exception is
visible in ``out/`` next to the resource it concerns.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from generator.model.base import by_name
from generator.model.audit import Reason


def relaxable(*settings: str) -> Any:
    """The type of a ``relax:`` mapping whose keys are ``settings`` (the defaults this object may turn off)."""
    return Annotated[dict[Literal[settings], Reason], AfterValidator(by_name),
                     Field(json_schema_extra={"propertyNames": {"enum": list(settings)}})]


def relax_field(*settings: str, what: str) -> Any:
    """A ``relax`` field for a model: empty by default, documented with the settings it accepts."""
    return Field({}, description=f"Secure defaults of this {what} to turn off, each with the reason a security "
                                 f"reviewer reads (written into the template as checkov and stackprint "
                                 f"suppressions). One of: {', '.join(settings)}.",
                 examples=[{settings[0]: "dev environment: cost over availability"}])
