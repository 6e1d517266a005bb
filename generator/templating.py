"""The one jinja2 environment for text artifacts (starter blueprints, environment READMEs).

The templates live in the repository's top-level ``templates/`` folder and ship inside the wheel as the package
``generator.templates`` (``pyproject.toml`` maps the folder there). They are read through ``importlib.resources``,
never through a path relative to the source tree, so an installed, non-editable stackprint finds them wherever it
runs.
"""
from __future__ import annotations

import functools
from importlib import resources

import jinja2

TEMPLATES_PACKAGE = "generator.templates"


def _source(name: str) -> str:
    """The text of one shipped template; jinja2 raises TemplateNotFound for a name that is not shipped."""
    resource = resources.files(TEMPLATES_PACKAGE) / name
    if not resource.is_file():
        raise jinja2.TemplateNotFound(name)
    return resource.read_text(encoding="utf-8")


@functools.cache
def environment() -> jinja2.Environment:
    """Strict (an undefined name is an error), verbatim (no autoescape, trailing newline kept)."""
    return jinja2.Environment(loader=jinja2.FunctionLoader(_source), undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True, autoescape=False)


def render(template: str, /, **context) -> str:
    """Render the shipped template named ``template`` with ``context``."""
    return environment().get_template(template).render(**context)
