"""The pipeline's stages: the source, then one stage per environment of change-set actions in dependency steps.

Inside an environment's stage, stacks are deployed in steps (:meth:`Environment.levels`): every stack of a step
gets its change set created at one RunOrder and executed at the next, in parallel with the other stacks of the
step. A protected environment puts a manual approval between creating and executing the change sets of each step,
so every change set is reviewed before it runs. Steps cannot all be created up front: a stack's change set reads
the exports of the stacks it depends on, which exist only once those have been executed.
"""
from __future__ import annotations

import json

from troposphere import If, NoValue, Ref, Sub, codepipeline

from generator.pipeline import quotas
from generator.pipeline.inputs import Environment, Stack
from generator.pipeline.parameters import (
    BRANCH, CONNECTION, REPOSITORY, action_role_condition, action_role_name, override_name, role_name,
)

SOURCE_STAGE = "Source"
SOURCE_ACTION = "source"
SOURCE_OUTPUT = "SourceOutput"
CHANGE_SET_NAME = "stackprint-pipeline"
CAPABILITIES = "CAPABILITY_IAM,CAPABILITY_NAMED_IAM"
CUSTOM_DATA_LIMIT = 500  # characters CodePipeline accepts in an approval's CustomData


def source_stage() -> codepipeline.Stages:
    """Reads the repository through the connection; its artifact is the repository at the pushed commit."""
    return codepipeline.Stages(Name=SOURCE_STAGE, Actions=[codepipeline.Actions(
        Name=SOURCE_ACTION, RunOrder=1,
        ActionTypeId=codepipeline.ActionTypeId(Category="Source", Owner="AWS", Provider="CodeStarSourceConnection",
                                               Version="1"),
        Configuration={"ConnectionArn": Ref(CONNECTION), "FullRepositoryId": Ref(REPOSITORY),
                       "BranchName": Ref(BRANCH), "OutputArtifactFormat": "CODE_ZIP"},
        OutputArtifacts=[codepipeline.OutputArtifacts(Name=SOURCE_OUTPUT)])])


def artifact_path(out: str, blueprint: str, env: str, name: str) -> str:
    """``SourceOutput::<out>/<blueprint>/<env>/<file>``: a committed file inside the source artifact."""
    return f"{SOURCE_OUTPUT}::{out}/{blueprint}/{env}/{name}"


def _overrides(env: Environment, stack: Stack) -> Sub | None:
    """ParameterOverrides filling every placeholder of ``stack`` from its pipeline parameter (JSON via Fn::Sub)."""
    if not stack.placeholders:
        return None
    mapping = {p.name: "${" + override_name(env.name, stack, p) + "}" for p in stack.placeholders}
    return Sub(json.dumps(mapping, sort_keys=True, separators=(",", ":")))


def action_role(env: Environment):
    """The action runs as the environment's action role when one is given (cross-account), else as the pipeline."""
    return If(action_role_condition(env.name), Ref(action_role_name(env.name)), NoValue)


def _create(out: str, blueprint: str, env: Environment, stack: Stack) -> codepipeline.Actions:
    configuration = {
        "ActionMode": "CHANGE_SET_REPLACE", "StackName": stack.name, "ChangeSetName": CHANGE_SET_NAME,
        "TemplatePath": artifact_path(out, blueprint, env.name, stack.template),
        "TemplateConfiguration": artifact_path(out, blueprint, env.name, stack.config),
        "Capabilities": CAPABILITIES, "RoleArn": Ref(role_name(env.name)),
    }
    overrides = _overrides(env, stack)
    if overrides is not None:
        configuration["ParameterOverrides"] = overrides
    return codepipeline.Actions(
        Name=f"{stack.short}-create-change-set", Configuration=configuration,
        ActionTypeId=codepipeline.ActionTypeId(Category="Deploy", Owner="AWS", Provider="CloudFormation",
                                               Version="1"),
        InputArtifacts=[codepipeline.InputArtifacts(Name=SOURCE_OUTPUT)], RoleArn=action_role(env))


def _execute(env: Environment, stack: Stack) -> codepipeline.Actions:
    return codepipeline.Actions(
        Name=f"{stack.short}-execute-change-set",
        Configuration={"ActionMode": "CHANGE_SET_EXECUTE", "StackName": stack.name,
                       "ChangeSetName": CHANGE_SET_NAME},
        ActionTypeId=codepipeline.ActionTypeId(Category="Deploy", Owner="AWS", Provider="CloudFormation",
                                               Version="1"),
        RoleArn=action_role(env))


def _approval(env: Environment, step: int, stacks: list[Stack]) -> codepipeline.Actions:
    names = ", ".join(stack.name for stack in stacks)
    sets, runs = ("change set", "it is") if len(stacks) == 1 else ("change sets", "they are")
    text = (f"Review the {sets} {CHANGE_SET_NAME} of {names} (CloudFormation console: stack, Change sets) "
            f"before {runs} executed in {env.name}.")
    if len(text) > CUSTOM_DATA_LIMIT:
        text = (f"Review the change sets {CHANGE_SET_NAME} of the {len(stacks)} stacks of step {step} in "
                f"{env.name} (CloudFormation console: stack, Change sets) before they are executed.")
    return codepipeline.Actions(
        Name=f"approve-step-{step}", Configuration={"CustomData": text},
        ActionTypeId=codepipeline.ActionTypeId(Category="Approval", Owner="AWS", Provider="Manual", Version="1"))


def _chunks(actions: list, size: int = quotas.MAX_ACTIONS_PER_STAGE) -> list[list]:
    return [actions[i:i + size] for i in range(0, len(actions), size)]


def _stack_groups(out: str, blueprint: str, env: Environment) -> list[list[codepipeline.Actions]]:
    """The environment's actions in the order they run, grouped: the actions of one group run in parallel.

    Per step: its change sets are created, approved if protected, executed. A step with more stacks than a stage
    may hold actions runs its creates (and executes) in several groups of at most 50, one after another.
    """
    groups: list[list[codepipeline.Actions]] = []
    for step, stacks in enumerate(env.levels(), start=1):
        groups += _chunks([_create(out, blueprint, env, stack) for stack in stacks])
        if env.protected:
            groups.append([_approval(env, step, stacks)])
        groups += _chunks([_execute(env, stack) for stack in stacks])
    return groups


def stage_name(env: Environment, part: int) -> str:
    """``prod``, then ``prod.2``, ``prod.3``... for an environment whose actions need more than one stage (a dot
    never occurs in an environment name, so the names cannot collide)."""
    return env.name if part == 1 else f"{env.name}.{part}"


def pack(env: Environment, groups: list[list[codepipeline.Actions]]) -> list[codepipeline.Stages]:
    """Groups into stages of at most 50 actions and 50 run orders each (CodePipeline's quotas), in order.

    Stages run one after another, so a step split over two stages still runs in the same order: a change set
    created in one stage is approved and executed in a later one.
    """
    stages: list[list[list[codepipeline.Actions]]] = [[]]
    for group in groups:
        current = stages[-1]
        size = sum(len(g) for g in current)
        if current and (size + len(group) > quotas.MAX_ACTIONS_PER_STAGE
                        or len(current) + 1 > quotas.MAX_RUN_ORDERS_PER_STAGE):
            stages.append([])
        stages[-1].append(group)
    built = []
    for part, stage in enumerate(stages, start=1):
        actions = []
        for run_order, group in enumerate(stage, start=1):
            for action in group:
                action.RunOrder = run_order
                actions.append(action)
        built.append(codepipeline.Stages(Name=stage_name(env, part), Actions=actions))
    return built


def environment_stages(out: str, blueprint: str, env: Environment) -> list[codepipeline.Stages]:
    """The stages deploying one environment with a change-set action pair per stack (one stage while it fits)."""
    return pack(env, _stack_groups(out, blueprint, env))
