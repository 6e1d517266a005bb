"""Assemble the pipeline template and its config.json from the environments read out of ``out/<blueprint>/``."""
from __future__ import annotations

import json

from troposphere import Equals, GetAtt, Not, Output, Ref, Template, codepipeline

from generator.pipeline import resources
from generator.pipeline.inputs import Environment
from generator.pipeline.parameters import BRANCH, action_role_condition, action_role_name, all_parameters
from generator.pipeline.stages import SOURCE_ACTION, environment_stage, source_stage

PIPELINE = "Pipeline"


def _trigger(out: str, blueprint: str) -> codepipeline.PipelineTriggerDeclaration:
    """Start on pushes to the branch that touch this blueprint's committed out/ files, and on nothing else."""
    return codepipeline.PipelineTriggerDeclaration(
        ProviderType="CodeStarSourceConnection",
        GitConfiguration=codepipeline.GitConfiguration(SourceActionName=SOURCE_ACTION, Push=[codepipeline.GitPushFilter(
            Branches=codepipeline.GitBranchFilterCriteria(Includes=[Ref(BRANCH)]),
            FilePaths=codepipeline.GitFilePathFilterCriteria(Includes=[f"{out}/{blueprint}/**"]))]))


def pipeline(out: str, blueprint: str, environments: list[Environment]) -> codepipeline.Pipeline:
    """The CodePipeline V2: source, then one stage per environment in order."""
    return codepipeline.Pipeline(
        PIPELINE, PipelineType="V2", ExecutionMode="SUPERSEDED", RestartExecutionOnUpdate=False,
        RoleArn=GetAtt(resources.ROLE, "Arn"),
        ArtifactStore=codepipeline.ArtifactStore(
            Type="S3", Location=Ref(resources.BUCKET),
            EncryptionKey=codepipeline.EncryptionKey(Id=GetAtt(resources.KEY, "Arn"), Type="KMS")),
        Stages=[source_stage()] + [environment_stage(out, blueprint, env) for env in environments],
        Triggers=[_trigger(out, blueprint)])


def render(blueprint: str, out: str, environments: list[Environment], source: str) -> tuple[Template, dict]:
    """The pipeline template and the ``Parameters`` of its config.json (every parameter with its value)."""
    template = Template(Description=f"stackprint {blueprint}: CodePipeline (V2) deploying {out}/{blueprint}/ "
                                    f"with CloudFormation change sets")
    template.set_version("2010-09-09")
    parameters = all_parameters(environments, source)
    for parameter in parameters:
        template.add_parameter(parameter.parameter)
    for env in environments:
        template.add_condition(action_role_condition(env.name), Not(Equals(Ref(action_role_name(env.name)), "")))
    template.add_resource(resources.key(environments))
    for resource in resources.log_bucket() + resources.artifact_bucket(environments):
        template.add_resource(resource)
    template.add_resource(resources.pipeline_role(blueprint, environments))
    template.add_resource(pipeline(out, blueprint, environments))
    template.add_output(Output("PipelineName", Description="Name of the pipeline", Value=Ref(PIPELINE)))
    template.add_output(Output("ArtifactBucketName", Description="Bucket holding the pipeline's artifacts",
                               Value=Ref(resources.BUCKET)))
    return template, {p.name: p.value for p in sorted(parameters, key=lambda p: p.name)}


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
