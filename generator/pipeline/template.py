"""Assemble the pipeline template and its config.json from the environments read out of ``out/<blueprint>/``."""
from __future__ import annotations

import json

from troposphere import Equals, GetAtt, Not, Output, Ref, Template, codepipeline

from generator.errors import InputError
from generator.pipeline import batched, quotas, resources
from generator.pipeline.inputs import Environment
from generator.pipeline.parameters import BRANCH, action_role_condition, action_role_name, all_parameters
from generator.pipeline.stages import SOURCE_ACTION, environment_stages, source_stage

PIPELINE = "Pipeline"


def _trigger(out: str, blueprint: str) -> codepipeline.PipelineTriggerDeclaration:
    """Start on pushes to the branch that touch this blueprint's committed out/ files, and on nothing else."""
    return codepipeline.PipelineTriggerDeclaration(
        ProviderType="CodeStarSourceConnection",
        GitConfiguration=codepipeline.GitConfiguration(SourceActionName=SOURCE_ACTION, Push=[codepipeline.GitPushFilter(
            Branches=codepipeline.GitBranchFilterCriteria(Includes=[Ref(BRANCH)]),
            FilePaths=codepipeline.GitFilePathFilterCriteria(Includes=[f"{out}/{blueprint}/**"]))]))


def per_stack_stages(out: str, blueprint: str, environments: list[Environment]) -> list[codepipeline.Stages]:
    """Source, then every environment with one change-set action pair per stack (several stages if need be)."""
    return [source_stage()] + [stage for env in environments for stage in environment_stages(out, blueprint, env)]


def batched_stages(out: str, blueprint: str, environments: list[Environment],
                   source: str) -> list[codepipeline.Stages]:
    """Source, then one stage per environment whose steps run as Commands actions (:mod:`.batched`)."""
    return [source_stage()] + [batched.environment_stage(out, blueprint, env, resources.BUCKET, source)
                               for env in environments]


def choose_stages(out: str, blueprint: str, environments: list[Environment],
                  source: str) -> tuple[list[codepipeline.Stages], bool]:
    """The per-stack layout while it fits CodePipeline's quotas, else the batched one: (stages, batched?).

    The per-stack layout shows every stack as its own action in the console; past 500 actions (about 250 stacks
    over all environments) no single pipeline can hold it, and the batched layout deploys the same change sets
    with three actions per step. InputError if neither fits (a dependency chain over 16 steps deep).
    """
    stages = per_stack_stages(out, blueprint, environments)
    if not quotas.pipeline_violations([stage.to_dict() for stage in stages]):
        return stages, False
    stages = batched_stages(out, blueprint, environments, source)
    problems = quotas.pipeline_violations([stage.to_dict() for stage in stages])
    if problems:
        raise InputError(f"pipeline: exceeds CodePipeline's quotas even with one action per step: "
                         f"{'; '.join(problems)}", path=source)
    return stages, True


def pipeline(stages: list[codepipeline.Stages], out: str, blueprint: str, named: bool) -> codepipeline.Pipeline:
    """The CodePipeline V2 over ``stages``. ``named``: called like its stack, so the pipeline role's log
    permissions (the Commands actions write to /aws/codepipeline/<name>) can name it without a cycle."""
    extra = {"Name": Ref("AWS::StackName")} if named else {}
    return codepipeline.Pipeline(
        PIPELINE, PipelineType="V2", ExecutionMode="SUPERSEDED", RestartExecutionOnUpdate=False,
        RoleArn=GetAtt(resources.ROLE, "Arn"),
        ArtifactStore=codepipeline.ArtifactStore(
            Type="S3", Location=Ref(resources.BUCKET),
            EncryptionKey=codepipeline.EncryptionKey(Id=GetAtt(resources.KEY, "Arn"), Type="KMS")),
        Stages=stages, Triggers=[_trigger(out, blueprint)], **extra)


def render(blueprint: str, out: str, environments: list[Environment],
           source: str) -> tuple[Template, dict, bool]:
    """The pipeline template, the ``Parameters`` of its config.json (every parameter with its value), and whether
    it is the batched layout (which needs ``pipeline.deploy.py`` committed next to it)."""
    template = Template(Description=f"stackprint {blueprint}: CodePipeline (V2) deploying {out}/{blueprint}/ "
                                    f"with CloudFormation change sets")
    template.set_version("2010-09-09")
    parameters = all_parameters(environments, source)
    if len(parameters) > quotas.MAX_PARAMETERS:
        raise InputError(f"pipeline: {len(parameters)} parameters, over CloudFormation's {quotas.MAX_PARAMETERS} "
                         "per template (each placeholder of each stack is one: give the values in the blueprint "
                         "instead of as parameters)", path=source)
    stages, is_batched = choose_stages(out, blueprint, environments, source)
    for parameter in parameters:
        template.add_parameter(parameter.parameter)
    for env in environments:
        template.add_condition(action_role_condition(env.name), Not(Equals(Ref(action_role_name(env.name)), "")))
    template.add_resource(resources.key(environments))
    for resource in resources.log_bucket() + resources.artifact_bucket(environments):
        template.add_resource(resource)
    template.add_resource(resources.pipeline_role(blueprint, environments, is_batched))
    template.add_resource(pipeline(stages, out, blueprint, named=is_batched))
    template.add_output(Output("PipelineName", Description="Name of the pipeline", Value=Ref(PIPELINE)))
    template.add_output(Output("ArtifactBucketName", Description="Bucket holding the pipeline's artifacts",
                               Value=Ref(resources.BUCKET)))
    return template, {p.name: p.value for p in sorted(parameters, key=lambda p: p.name)}, is_batched


def common_tags(blueprint: str, environments: list[Environment]) -> dict[str, str]:
    """Tags every environment's stacks share (the blueprint's own), for the pipeline stack: no environment tag."""
    tag_sets = [stack.tags for env in environments for stack in env.stacks]
    common = dict(tag_sets[0]) if tag_sets else {}
    for tags in tag_sets[1:]:
        common = {k: v for k, v in common.items() if tags.get(k) == v}
    common.pop("stackprint:environment", None)
    common["stackprint:blueprint"] = blueprint
    return dict(sorted(common.items()))


def config_json(parameters: dict[str, str], tags: dict[str, str]) -> bytes:
    """pipeline.config.json: the same shape as every stack's config.json (Parameters, Tags)."""
    return (json.dumps({"Parameters": parameters, "Tags": tags}, indent=2, sort_keys=True, ensure_ascii=False)
            + "\n").encode("utf-8")
