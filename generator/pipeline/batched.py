"""The layout of a pipeline too large for one CloudFormation action pair per stack: per environment and step, one
CodePipeline Commands action creates every change set of the step, a manual approval follows in a protected
environment, and a second Commands action executes them. Both run ``pipeline.deploy.py`` (:mod:`.step_runner`,
committed next to the pipeline template) from the source artifact, with the pipeline's role, so the stacks, the
change-set name, the CloudFormation role and the review before execution are the same as in the per-stack layout.

Three actions per step at most, whatever the number of stacks: a 500-service blueprint (about 1,500 stacks per
environment) stays far inside CodePipeline's 50-actions-per-stage and 500-actions-per-pipeline quotas.
"""
from __future__ import annotations

import json
from importlib import resources

from troposphere import Ref, Sub, codepipeline

from generator.errors import InputError
from generator.pipeline import quotas
from generator.pipeline.inputs import Environment
from generator.pipeline.parameters import override_name, role_name
from generator.pipeline.stages import CUSTOM_DATA_LIMIT, SOURCE_OUTPUT, action_role

SCRIPT_FILE = "pipeline.deploy.py"
ENV_ROLE = "CLOUDFORMATION_ROLE_ARN"
ENV_BUCKET = "TEMPLATE_BUCKET"
ENV_OVERRIDES = "PARAMETER_OVERRIDES"


def script() -> bytes:
    """The step runner as it is committed to ``out/<blueprint>/pipeline.deploy.py``."""
    return resources.files("generator.pipeline").joinpath("step_runner.py").read_bytes()


def _overrides(env: Environment, source: str) -> Sub | None:
    """``{"<stack>": {"<parameter>": "${<pipeline parameter>}"}}`` for every placeholder of the environment."""
    mapping = {stack.name: {p.name: "${" + override_name(env.name, stack, p) + "}" for p in stack.placeholders}
               for stack in env.stacks if stack.placeholders}
    if not mapping:
        return None
    text = json.dumps(mapping, sort_keys=True, separators=(",", ":"))
    if len(text) > quotas.MAX_ENVIRONMENT_VALUE:
        raise InputError(f"pipeline: the placeholders of environment {env.name} need {len(text):,} characters of "
                         f"parameter overrides, over CodePipeline's {quotas.MAX_ENVIRONMENT_VALUE:,} per action "
                         "(give the values in the blueprint instead of as parameters)", path=source)
    return Sub(text)


def _variables(env: Environment, bucket: str, source: str) -> list[codepipeline.EnvironmentVariable]:
    found = [codepipeline.EnvironmentVariable(Name=ENV_ROLE, Type="PLAINTEXT", Value=Ref(role_name(env.name))),
             codepipeline.EnvironmentVariable(Name=ENV_BUCKET, Type="PLAINTEXT", Value=Ref(bucket))]
    overrides = _overrides(env, source)
    if overrides is not None:
        found.append(codepipeline.EnvironmentVariable(Name=ENV_OVERRIDES, Type="PLAINTEXT", Value=overrides))
    return found


def _run(out: str, blueprint: str, env: Environment, mode: str, step: int, run_order: int,
         variables: list) -> codepipeline.Actions:
    verb = "create" if mode == "create" else "execute"
    return codepipeline.Actions(
        Name=f"{verb}-change-sets-step-{step}", RunOrder=run_order,
        ActionTypeId=codepipeline.ActionTypeId(Category="Compute", Owner="AWS", Provider="Commands", Version="1"),
        Commands=[f"python3 {out}/{blueprint}/{SCRIPT_FILE} {mode} --environment {env.name} --step {step}"],
        EnvironmentVariables=variables,
        InputArtifacts=[codepipeline.InputArtifacts(Name=SOURCE_OUTPUT)], RoleArn=action_role(env))


def _approval(env: Environment, step: int, count: int, run_order: int) -> codepipeline.Actions:
    text = (f"Review the change sets stackprint-pipeline of the {count} stacks of step {step} in {env.name} "
            "(the create action's log lists those with changes; CloudFormation console: stack, Change sets) "
            "before they are executed.")[:CUSTOM_DATA_LIMIT]
    return codepipeline.Actions(
        Name=f"approve-step-{step}", RunOrder=run_order, Configuration={"CustomData": text},
        ActionTypeId=codepipeline.ActionTypeId(Category="Approval", Owner="AWS", Provider="Manual", Version="1"))


def environment_stage(out: str, blueprint: str, env: Environment, bucket: str, source: str) -> codepipeline.Stages:
    """One stage per environment: per step, create (Commands), approve if protected, execute (Commands)."""
    variables = _variables(env, bucket, source)
    actions = []
    run_order = 0
    for step, stacks in enumerate(env.levels(), start=1):
        run_order += 1
        actions.append(_run(out, blueprint, env, "create", step, run_order, variables))
        if env.protected:
            run_order += 1
            actions.append(_approval(env, step, len(stacks), run_order))
        run_order += 1
        actions.append(_run(out, blueprint, env, "execute", step, run_order, variables))
    return codepipeline.Stages(Name=env.name, Actions=actions)
