"""The CodePipeline of every example, read from the committed out/: stage and action order against stacks.json,
every file it names exists, every placeholder is filled, approvals exactly where protected, the judges at zero, and
the template deploying in moto with the pipeline definition accepted by the CodePipeline API.

Expectations come from stacks.json, config.json and the blueprint files themselves (independently of
generator.pipeline), so a wrong pipeline cannot agree with itself.
"""
from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import boto3
import pytest
import yaml
from click.testing import CliRunner
from moto import mock_aws

from generator.cli import main
from generator.compile import audit_gate
from generator.lint import lint_text
from generator.load import load_text

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "out"
BLUEPRINTS = {yaml.safe_load(p.read_text())["name"]: p for p in sorted((REPO / "blueprints").glob("*.yaml"))}
EXAMPLES = sorted(BLUEPRINTS)
ACCOUNT = "123456789012"
REGION = "us-east-1"

# moto 5.2.5 gaps for this template (no template is weakened for the emulator):
MOTO_GAPS = {
    "AWS::CodePipeline::Pipeline": "not supported by moto's CloudFormation (skipped with a warning). Its "
                                   "properties are resolved against the deployed stack and sent to moto's "
                                   "CodePipeline CreatePipeline API, after botocore's parameter validation.",
    "AWS::S3::BucketPolicy": "not supported by moto's CloudFormation (skipped with a warning); the policies are "
                             "put through the S3 API instead, which parses them.",
    "AWS::S3::Bucket": "moto's CloudFormation applies BucketEncryption but ignores VersioningConfiguration, "
                       "PublicAccessBlockConfiguration, LoggingConfiguration, LifecycleConfiguration and "
                       "OwnershipControls: those are asserted in the template instead "
                       "(test_artifact_store_is_encrypted_with_a_rotated_customer_key).",
}


def _template(blueprint: str) -> dict:
    path = OUT / blueprint / "pipeline.template.yaml"
    return load_text(path.read_text(), str(path), cfn=True).data


def _stages(blueprint: str) -> list[dict]:
    return _template(blueprint)["Resources"]["Pipeline"]["Properties"]["Stages"]


def _declared_environments(blueprint: str) -> list[str]:
    data = yaml.safe_load(BLUEPRINTS[blueprint].read_text())
    return list(data.get("environments") or {"default": {}})


def _protected(blueprint: str) -> set[str]:
    data = yaml.safe_load(BLUEPRINTS[blueprint].read_text())
    settings = data.get("pipeline") or {}
    envs = _declared_environments(blueprint)
    return set(settings["protected"]) if "protected" in settings else {"prod"} & set(envs)


def _stacks(blueprint: str, env: str) -> list[dict]:
    return json.loads((OUT / blueprint / env / "stacks.json").read_text())


def _action(actions: list[dict], stack: str, mode: str) -> dict:
    found = [a for a in actions if a["ActionTypeId"]["Provider"] == "CloudFormation"
             and a["Configuration"]["StackName"] == stack and a["Configuration"]["ActionMode"] == mode]
    assert len(found) == 1, (stack, mode, found)
    return found[0]


def _depends(stacks: list[dict], name: str) -> set[str]:
    """Every stack ``name`` depends on, directly or through others."""
    by_name = {s["stack_name"]: s for s in stacks}
    seen, todo = set(), list(by_name[name]["depends_on"])
    while todo:
        dep = todo.pop()
        if dep not in seen:
            seen.add(dep)
            todo.extend(by_name[dep]["depends_on"])
    return seen


def test_every_example_has_a_pipeline():
    assert EXAMPLES and all((OUT / bp / "pipeline.template.yaml").is_file() for bp in EXAMPLES)
    assert all((OUT / bp / "pipeline.config.json").is_file() for bp in EXAMPLES)


@pytest.mark.parametrize("blueprint", EXAMPLES)
def test_stages_follow_the_blueprint_and_actions_follow_stacks_json(blueprint):
    template = _template(blueprint)
    pipeline = template["Resources"]["Pipeline"]["Properties"]
    assert pipeline["PipelineType"] == "V2"
    stages = pipeline["Stages"]
    assert [s["Name"] for s in stages] == ["Source"] + _declared_environments(blueprint)
    source = stages[0]["Actions"]
    assert [a["ActionTypeId"]["Provider"] for a in source] == ["CodeStarSourceConnection"]
    assert source[0]["Configuration"]["ConnectionArn"] == {"Ref": "ConnectionArn"}
    assert source[0]["Configuration"]["FullRepositoryId"] == {"Ref": "FullRepositoryId"}
    assert source[0]["Configuration"]["BranchName"] == {"Ref": "BranchName"}
    for stage in stages[1:]:
        stacks = _stacks(blueprint, stage["Name"])
        actions = stage["Actions"]
        deploys = [a for a in actions if a["ActionTypeId"]["Provider"] == "CloudFormation"]
        assert len(deploys) == 2 * len(stacks)  # one create + one execute per stack, nothing else
        for stack in stacks:
            create = _action(actions, stack["stack_name"], "CHANGE_SET_REPLACE")
            execute = _action(actions, stack["stack_name"], "CHANGE_SET_EXECUTE")
            assert create["RunOrder"] < execute["RunOrder"]
            assert create["Configuration"]["ChangeSetName"] == execute["Configuration"]["ChangeSetName"]
            assert create["Configuration"]["Capabilities"] == "CAPABILITY_IAM,CAPABILITY_NAMED_IAM"
            assert create["Configuration"]["RoleArn"] == {"Ref": f"{stage['Name'].title()}CloudFormationRoleArn"}
            for dep in stack["depends_on"]:
                assert _action(actions, dep, "CHANGE_SET_EXECUTE")["RunOrder"] < create["RunOrder"], (stack, dep)
        for one in stacks:  # stacks without a dependency between them run in parallel when their needs match
            for other in stacks:
                if set(one["depends_on"]) == set(other["depends_on"]) and \
                        one["stack_name"] not in _depends(stacks, other["stack_name"]) and \
                        other["stack_name"] not in _depends(stacks, one["stack_name"]):
                    assert _action(actions, one["stack_name"], "CHANGE_SET_REPLACE")["RunOrder"] == \
                        _action(actions, other["stack_name"], "CHANGE_SET_REPLACE")["RunOrder"]


def test_independent_service_stacks_share_a_run_order():
    """api and web both wait for the internal balancer's stack (step 3, after the firewall shard of web, which it
    admits); worker needs only the network and its firewall shard, so it deploys beside the internal balancer.
    Every change set is created after what it depends on executed."""
    actions = _stages("web-api")[1]["Actions"]
    orders = {_action(actions, f"web-api-dev-{s}", "CHANGE_SET_REPLACE")["RunOrder"] for s in ("api", "web")}
    assert len(orders) == 1
    worker = _action(actions, "web-api-dev-worker", "CHANGE_SET_REPLACE")["RunOrder"]
    balancer = _action(actions, "web-api-dev-lb-internal", "CHANGE_SET_REPLACE")["RunOrder"]
    assert worker == balancer < orders.pop()
    for stack in _stacks("web-api", "dev"):
        created = _action(actions, stack["stack_name"], "CHANGE_SET_REPLACE")["RunOrder"]
        assert all(created > _action(actions, d, "CHANGE_SET_EXECUTE")["RunOrder"] for d in stack["depends_on"])


@pytest.mark.parametrize("blueprint", EXAMPLES)
def test_every_template_path_and_configuration_is_a_committed_file(blueprint):
    named = []
    for stage in _stages(blueprint)[1:]:
        for action in stage["Actions"]:
            config = action["Configuration"]
            for key in ("TemplatePath", "TemplateConfiguration"):
                if key in config:
                    artifact, path = config[key].split("::", 1)
                    assert artifact == "SourceOutput"
                    assert (REPO / path).is_file(), config[key]
                    assert path.startswith(f"out/{blueprint}/{stage['Name']}/")
                    named.append(path)
    committed = [f"out/{blueprint}/{env}/{s[k]}" for env in _declared_environments(blueprint)
                 for s in _stacks(blueprint, env) for k in ("template", "config")]
    assert sorted(named) == sorted(committed)


@pytest.mark.parametrize("blueprint", EXAMPLES)
def test_every_placeholder_is_overridden_from_a_pipeline_parameter(blueprint):
    template = _template(blueprint)
    pipeline_config = json.loads((OUT / blueprint / "pipeline.config.json").read_text())["Parameters"]
    assert sorted(pipeline_config) == sorted(template["Parameters"])
    for stage in _stages(blueprint)[1:]:
        for stack in _stacks(blueprint, stage["Name"]):
            config = json.loads((OUT / blueprint / stage["Name"] / stack["config"]).read_text())["Parameters"]
            placeholders = {k: v for k, v in config.items() if str(v).startswith("REPLACE_WITH_")}
            create = _action(stage["Actions"], stack["stack_name"], "CHANGE_SET_REPLACE")
            overrides = create["Configuration"].get("ParameterOverrides")
            if not placeholders:
                assert overrides is None
                continue
            text = overrides["Fn::Sub"]
            refs = dict(re.findall(r'"(\w+)":"\$\{(\w+)\}"', text))
            assert refs.keys() == placeholders.keys(), (stack["stack_name"], text)
            for parameter, pipeline_parameter in refs.items():
                assert pipeline_parameter in template["Parameters"]
                assert "Description" in template["Parameters"][pipeline_parameter]
                assert pipeline_config[pipeline_parameter] == placeholders[parameter]


@pytest.mark.parametrize("blueprint", EXAMPLES)
def test_approval_between_create_and_execute_exactly_in_protected_environments(blueprint):
    protected = _protected(blueprint)
    for stage in _stages(blueprint)[1:]:
        approvals = [a for a in stage["Actions"] if a["ActionTypeId"]["Category"] == "Approval"]
        if stage["Name"] not in protected:
            assert approvals == []
            continue
        assert approvals and all(a["ActionTypeId"]["Provider"] == "Manual" for a in approvals)
        for stack in _stacks(blueprint, stage["Name"]):
            create = _action(stage["Actions"], stack["stack_name"], "CHANGE_SET_REPLACE")["RunOrder"]
            execute = _action(stage["Actions"], stack["stack_name"], "CHANGE_SET_EXECUTE")["RunOrder"]
            assert any(create < a["RunOrder"] < execute for a in approvals), stack["stack_name"]
            assert stack["stack_name"] in " ".join(a["Configuration"]["CustomData"] for a in approvals)
    assert protected == ({"prod"} if blueprint in ("web-api", "hardened-two-tier", "shared-services",
                                                  "tcp-privatelink") else set())


def _policy_statements(template: dict, resource: str) -> list[dict]:
    props = template["Resources"][resource]["Properties"]
    document = props["Policies"][0]["PolicyDocument"] if "Policies" in props else props["PolicyDocument"]
    return [s for s in document["Statement"] if "Fn::If" not in s]


@pytest.mark.parametrize("blueprint", EXAMPLES)
def test_pipeline_role_is_least_privilege(blueprint):
    template = _template(blueprint)
    statements = _policy_statements(template, "PipelineRole")
    assert all(s["Resource"] != "*" and "*" not in json.dumps(s["Action"]) for s in statements)
    change_sets = next(s for s in statements if s["Sid"] == "ChangeSets")
    assert change_sets["Condition"] == {"StringEquals": {"cloudformation:ChangeSetName": "stackprint-pipeline"}}
    stacks = change_sets["Resource"]
    assert len(stacks) == len(_declared_environments(blueprint))
    assert next(s for s in statements if s["Sid"] == "Stacks")["Resource"] == stacks
    for arn in stacks:
        assert re.fullmatch(rf"arn:\$\{{AWS::Partition\}}:cloudformation:\$\{{AWS::Region\}}:\$\{{AWS::AccountId\}}:"
                            rf"stack/{blueprint}-[a-z0-9-]+-\*/\*", arn["Fn::Sub"])
    passing = next(s for s in statements if s["Action"] == "iam:PassRole")
    assert passing["Condition"] == {"StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}}
    assert passing["Resource"] == [{"Ref": f"{env.title()}CloudFormationRoleArn"}
                                   for env in _declared_environments(blueprint)]
    assert not any(r["Type"] == "AWS::IAM::Role" for name, r in template["Resources"].items() if name != "PipelineRole")


@pytest.mark.parametrize("blueprint", EXAMPLES)
def test_artifact_store_is_encrypted_with_a_rotated_customer_key(blueprint):
    resources = _template(blueprint)["Resources"]
    store = resources["Pipeline"]["Properties"]["ArtifactStore"]
    assert store["EncryptionKey"] == {"Id": {"Fn::GetAtt": ["ArtifactKey", "Arn"]}, "Type": "KMS"}
    assert resources["ArtifactKey"]["Properties"]["EnableKeyRotation"] is True
    bucket = resources["ArtifactBucket"]["Properties"]
    rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert rule == {"KMSMasterKeyID": {"Fn::GetAtt": ["ArtifactKey", "Arn"]}, "SSEAlgorithm": "aws:kms"}
    assert bucket["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": "ArtifactLogBucket"}
    for name in ("ArtifactBucket", "ArtifactLogBucket"):
        props = resources[name]["Properties"]
        assert props["VersioningConfiguration"] == {"Status": "Enabled"}
        assert props["PublicAccessBlockConfiguration"] == {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                                           "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
        assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        deny = resources[f"{name}Policy"]["Properties"]["PolicyDocument"]["Statement"]
        assert any(s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}} and s["Effect"] == "Deny"
                   for s in deny)


@pytest.mark.parametrize("blueprint", EXAMPLES)
def test_pipeline_templates_pass_cfn_lint_and_the_audit(blueprint):
    path = OUT / blueprint / "pipeline.template.yaml"
    assert lint_text(str(path), path.read_text()) == []
    assert audit_gate({str(path): path.read_text()}) == []


def test_checkov_passes_every_pipeline_template(checkov_report):
    results = checkov_report["results"]
    judged = [c for c in results["passed_checks"] if c["file_path"].endswith("pipeline.template.yaml")]
    assert {Path(c["file_path"]).parent.name for c in judged} == set(EXAMPLES)
    assert not [c for c in results["failed_checks"] if c["file_path"].endswith("pipeline.template.yaml")]
    for check in results["skipped_checks"]:
        if check["file_path"].endswith("pipeline.template.yaml"):
            assert len(check["check_result"].get("suppress_comment") or "") >= 10


# --- moto ------------------------------------------------------------------------------------------------------
SAMPLES = {  # a valid value for every kind of pipeline parameter (by name suffix)
    "ConnectionArn": f"arn:aws:codeconnections:{REGION}:{ACCOUNT}:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    "FullRepositoryId": "acme/infrastructure",
    "CertificateArn": f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    "PrefixListId": "pl-3b927c52",
    "PrefixList": "pl-0123456789abcdef0",  # a listed source's prefix list (partner-api's PartnerPrefixList)
    "Email": "security-team@example.com",  # the guardrails stack's notification address
    "SecurityGroupId": "sg-0123456789abcdef0",  # a group attached from outside the blueprint (security_groups)
}


def _sample_parameters(template: dict) -> dict[str, str]:
    values = {}
    for name in template["Parameters"]:
        if name.endswith("CloudFormationRoleArn"):
            values[name] = f"arn:aws:iam::{ACCOUNT}:role/{name}"
        elif name == "ProdActionRoleArn":  # one cross-account environment, to exercise the conditions
            values[name] = "arn:aws:iam::210987654321:role/pipeline-prod"
        else:
            values.update({name: v for suffix, v in SAMPLES.items() if name.endswith(suffix)})
    return values


def _api_shape(value, key: str | None = None):
    """CloudFormation's PascalCase pipeline properties -> the API's camelCase (action configurations verbatim)."""
    if isinstance(value, dict):
        if key == "Configuration":
            return dict(value)
        return {k[0].lower() + k[1:]: _api_shape(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_api_shape(v) for v in value]
    return value


@pytest.mark.parametrize("blueprint", EXAMPLES)
def test_pipeline_deploys_in_moto_and_codepipeline_accepts_its_definition(blueprint):
    from moto.cloudformation.models import cloudformation_backends
    from moto.cloudformation.parsing import clean_json

    text = (OUT / blueprint / "pipeline.template.yaml").read_text()
    template = load_text(text, blueprint, cfn=True).data
    parameters = _sample_parameters(template)
    with mock_aws(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # moto warns for each unsupported resource type (MOTO_GAPS)
        cloudformation = boto3.client("cloudformation", region_name=REGION)
        stack_name = f"{blueprint}-pipeline"
        cloudformation.create_stack(StackName=stack_name, TemplateBody=text, Capabilities=["CAPABILITY_IAM"],
                                    Parameters=[{"ParameterKey": k, "ParameterValue": v}
                                                for k, v in sorted(parameters.items())])
        stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in
                    cloudformation.list_stack_resources(StackName=stack_name)["StackResourceSummaries"]}
        kms = boto3.client("kms", region_name=REGION)
        assert kms.get_key_rotation_status(KeyId=physical["ArtifactKey"])["KeyRotationEnabled"] is True
        s3 = boto3.client("s3", region_name=REGION)
        encryption = s3.get_bucket_encryption(Bucket=physical["ArtifactBucket"])
        assert encryption["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"][
            "SSEAlgorithm"] == "aws:kms"

        resource_map = next(s for s in cloudformation_backends[ACCOUNT][REGION].stacks.values()
                            if s.name == stack_name).resource_map
        for policy in ("ArtifactBucketPolicy", "ArtifactLogBucketPolicy"):  # MOTO_GAPS: through the S3 API
            props = clean_json(template["Resources"][policy]["Properties"], resource_map)
            s3.put_bucket_policy(Bucket=props["Bucket"], Policy=json.dumps(props["PolicyDocument"]))
        resolved = clean_json(template["Resources"]["Pipeline"]["Properties"], resource_map)
        definition = _api_shape({k: v for k, v in resolved.items() if k != "RestartExecutionOnUpdate"})
        definition["name"] = stack_name
        codepipeline = boto3.client("codepipeline", region_name=REGION)  # botocore validates the parameters
        created = codepipeline.create_pipeline(pipeline=definition)["pipeline"]
        assert [s["name"] for s in created["stages"]] == ["Source"] + _declared_environments(blueprint)
        prod = [a for s in created["stages"] if s["name"] == "prod" for a in s["actions"]]
        assert all(a["roleArn"] == "arn:aws:iam::210987654321:role/pipeline-prod"
                   for a in prod if a["actionTypeId"]["category"] == "Deploy")
        dev = [a for s in created["stages"] if s["name"] != "prod" for a in s["actions"]]
        assert all("roleArn" not in a for a in dev)  # no action role given: the pipeline's own role
        overrides = [json.loads(a["configuration"]["ParameterOverrides"]) for s in created["stages"]
                     for a in s["actions"] if "ParameterOverrides" in a.get("configuration", {})]
        assert all(not str(v).startswith("REPLACE_WITH_") for o in overrides for v in o.values())


def test_botocore_rejects_a_broken_definition():
    """The validation the moto test relies on does refuse a malformed pipeline (so its pass means something)."""
    from botocore.exceptions import ParamValidationError

    client = boto3.client("codepipeline", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with pytest.raises(ParamValidationError):
        client.create_pipeline(pipeline={"name": "p", "roleArn": "r", "stages": [{"name": "s", "actions": [
            {"name": "a", "actionTypeId": {"category": "Deploy"}, "runOrder": "1"}]}]})


# --- command, build and check ----------------------------------------------------------------------------------
def run(*args):
    return CliRunner().invoke(main, list(args))


def test_pipeline_command_prints_what_build_committed(monkeypatch, tmp_path):
    monkeypatch.chdir(REPO)
    result = run("pipeline", "blueprints/web-api.yaml")
    assert result.exit_code == 0, result.output
    assert result.output == (OUT / "web-api" / "pipeline.template.yaml").read_text()
    target = tmp_path / "p.yaml"
    result = run("pipeline", "blueprints/web-api.yaml", "-o", str(target))
    assert result.exit_code == 0 and target.read_text() == (OUT / "web-api" / "pipeline.template.yaml").read_text()


SMALL = """\
name: small
network: {cidr: 10.30.0.0/20, availability_zones: 2, nat: single}
load_balancers:
  private: {scheme: internal}
services:
  api: {image: public.ecr.aws/nginx/nginx:1.27, port: 8080, route: {load_balancer: private}}
  worker: {image: public.ecr.aws/nginx/nginx:1.27, flows: [api]}
environments:
  test: {}
  staging: {}
  dev: {}
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "blueprints").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write(project: Path, text: str) -> str:
    (project / "blueprints" / "small.yaml").write_text(text)
    return "blueprints/small.yaml"


def _small_stages(project: Path) -> list[dict]:
    path = project / "out" / "small" / "pipeline.template.yaml"
    return load_text(path.read_text(), str(path), cfn=True).data["Resources"]["Pipeline"]["Properties"]["Stages"]


def test_declared_order_protected_list_and_out_path(project):
    _write(project, SMALL + "pipeline: {protected: [staging], out: infra/out}\n")
    assert run("build").exit_code == 0
    stages = _small_stages(project)
    assert [s["Name"] for s in stages] == ["Source", "test", "staging", "dev"]  # the file's order, not sorted
    approvals = {s["Name"]: [a["Name"] for a in s["Actions"] if a["ActionTypeId"]["Category"] == "Approval"]
                 for s in stages[1:]}
    # staging deploys in 4 steps: network, firewall shards, the balancer (it admits worker), the services
    assert approvals == {"test": [], "staging": [f"approve-step-{n}" for n in range(1, 5)], "dev": []}
    create = next(a for a in stages[1]["Actions"] if a["Name"] == "network-create-change-set")
    assert create["Configuration"]["TemplatePath"] == \
        "SourceOutput::infra/out/small/test/small-test-network.template.yaml"
    template = (project / "out" / "small" / "pipeline.template.yaml").read_text()
    assert "- infra/out/small/**" in template


def test_no_prod_means_no_approval_by_default(project):
    _write(project, SMALL)
    assert run("build").exit_code == 0
    assert not [a for s in _small_stages(project) for a in s["Actions"] if a["ActionTypeId"]["Category"] == "Approval"]


@pytest.mark.parametrize("extra, message", [
    ("pipeline: {protected: [prod]}\n",
     "blueprints/small.yaml:12:24: pipeline.protected[0]: 'prod' is not an environment of this blueprint "
     "(environments: dev, staging, test)"),
    ("pipeline: {out: ../out}\n", "blueprints/small.yaml:12:17: pipeline.out: '../out' is not a relative directory"),
    ("pipeline: {protected: [dev, dev]}\n", "pipeline.protected: lists dev more than once"),
    ("pipeline: {approve: [dev]}\n", "pipeline.approve"),
])
def test_bad_pipeline_settings_are_positioned_input_errors(project, extra, message):
    _write(project, SMALL + extra)
    result = run("build")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (project / "out").exists()


def test_an_overlay_cannot_change_the_pipeline(project):
    _write(project, SMALL.replace("  dev: {}", "  dev: {pipeline: {protected: []}}"))
    result = run("build")
    assert result.exit_code == 2
    assert "environments.dev.pipeline: 'pipeline' cannot change per environment" in result.output


def test_env_build_leaves_the_pipeline_alone_and_check_keeps_it_in_sync(project):
    _write(project, SMALL)
    assert run("build").exit_code == 0
    pipeline = project / "out" / "small" / "pipeline.template.yaml"
    pipeline.write_text("edited\n")
    assert run("build", "blueprints/small.yaml", "--env", "dev").exit_code == 0
    assert pipeline.read_text() == "edited\n"
    result = run("check")
    assert result.exit_code == 1 and "differs: out/small/pipeline.template.yaml" in result.output
    (project / "out" / "small" / "pipeline.config.json").unlink()
    (project / "out" / "small" / "old-pipeline.template.yaml").write_text("stale\n")
    output = run("check").output
    assert "missing: out/small/pipeline.config.json" in output
    assert "extra: out/small/old-pipeline.template.yaml" in output
    assert run("build").exit_code == 0 and run("check").exit_code == 0


def test_pipeline_command_bad_input_exits_2_and_gate_findings_exit_1(monkeypatch, tmp_path):
    import generator.compile as compile_module
    from generator.gate_findings import GateFinding as Finding

    monkeypatch.chdir(REPO)
    missing = run("pipeline", "blueprints/nope.yaml")
    assert missing.exit_code == 2 and "blueprints/nope.yaml" in missing.output
    monkeypatch.setattr(compile_module, "GATES", [lambda templates: [
        Finding(path, 1, "E0000", "planted") for path in templates]])
    target = tmp_path / "p.yaml"
    failed = run("pipeline", "blueprints/two-tier.yaml", "-o", str(target))
    assert failed.exit_code == 1
    assert "two-tier/pipeline.template.yaml:1: E0000: planted" in failed.output
    assert not target.exists()


def test_steps_follow_dependencies_not_list_positions():
    """A chain and a diamond: each stack one step after the last step it depends on; independent ones together."""
    from generator.pipeline.inputs import Environment, Stack

    def stack(name, *deps):
        return Stack(name, name, f"{name}.template.yaml", f"{name}.config.json", deps, ())

    env = Environment("dev", (stack("network"), stack("data", "network"), stack("cache", "network"),
                              stack("api", "data", "cache"), stack("web", "network"), stack("report", "api")), False)
    assert [[s.name for s in level] for level in env.levels()] == [
        ["network"], ["data", "cache", "web"], ["api"], ["report"]]
