"""``out/<blueprint>/pipeline.template.yaml``: an AWS CodePipeline (V2) that deploys the committed ``out/`` of one
blueprint with CloudFormation change sets, environment after environment, and its ``pipeline.config.json``.

Entry point: :func:`pipeline_files` — the files of every environment of one blueprint in, the two pipeline files
out. Stages: :mod:`.inputs` reads stacks.json / config.json / templates, :mod:`.settings` resolves the blueprint's
``pipeline:`` section, :mod:`.parameters`, :mod:`.stages` and :mod:`.resources` build the pieces,
:mod:`.template` assembles them.
"""
from __future__ import annotations

from generator.pipeline.batched import SCRIPT_FILE, script
from generator.pipeline.inputs import read_environment
from generator.pipeline.settings import resolve
from generator.pipeline.template import common_tags, config_json, render

TEMPLATE_FILE = "pipeline.template.yaml"
CONFIG_FILE = "pipeline.config.json"


def pipeline_files(source: str, blueprints: dict, files: dict[str, dict[str, bytes]]) -> dict[str, bytes]:
    """``{pipeline.template.yaml, pipeline.config.json}`` for one blueprint file (and ``pipeline.deploy.py`` when
    the pipeline is too large for one action pair per stack, :mod:`.batched`).

    ``blueprints``: env -> validated Blueprint (every environment of the file); ``files``: env -> the files of
    ``out/<blueprint>/<env>/`` as the build renders them. Raises InputError for bad ``pipeline:`` settings.
    """
    settings = resolve(source, blueprints)
    name = blueprints[settings.order[0]].name
    environments = [read_environment(name, env, files[env], env in settings.protected) for env in settings.order]
    template, parameters, is_batched = render(name, settings.out, environments, source)
    files = {TEMPLATE_FILE: template.to_yaml().encode("utf-8"),
             CONFIG_FILE: config_json(parameters, common_tags(name, environments))}
    if is_batched:  # the pipeline runs it from the committed source (see generator.pipeline.batched)
        files[SCRIPT_FILE] = script()
    return files


__all__ = ["CONFIG_FILE", "SCRIPT_FILE", "TEMPLATE_FILE", "pipeline_files"]
