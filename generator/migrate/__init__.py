"""``stackprint migrate``: an EC2-launch-type ECS task definition to a Fargate one, or to a blueprint service.

Public API::

    from generator.migrate import load, migrate, Options
    source = load("taskdef.json")                 # InputError (exit 2) for unreadable input
    result = migrate(source, Options(execution_role_arn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole"))
    result.ok, result.taskdef, result.report.lines(), result.report.refusals
    to_blueprint(result)                           # {"services": {...}} or None (refusal added to the report)
"""
from __future__ import annotations

from generator.migrate import blueprint
from generator.migrate.input import Source, load
from generator.migrate.report import Change, Refusal, Report
from generator.migrate.taskdef import Migration, Options, migrate, render

__all__ = ["Change", "Migration", "Options", "Refusal", "Report", "Source", "load", "migrate", "render",
           "to_blueprint", "render_blueprint"]


def to_blueprint(result: Migration, main_container: str | None = None) -> dict | None:
    """The blueprint service entry for a successful migration, or None after a refusal (added to the report).
    ``main_container`` names the container that becomes the service's main one (default: chosen, see
    :func:`generator.migrate.containers.choose_main`)."""
    if not result.ok:
        return None
    return blueprint.convert(result.taskdef, result.report, main_container, result.linked)


render_blueprint = blueprint.render
