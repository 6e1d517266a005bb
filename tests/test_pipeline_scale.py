"""The pipeline of a 500-service blueprint stays deployable: within CodePipeline's fixed quotas (2-50 stages, 1-50
actions per stage, 50 sequential run orders, 500 actions per pipeline, 1,000 characters per configuration value and
command, 10 environment variables of 2,000 characters) and CloudFormation's (1 MB body, 500 resources, 200
parameters and outputs), passing cfn-lint, the audit and checkov, and accepted by botocore's CodePipeline model;
and the step runner it uses at that size (pipeline.deploy.py) really deploys an environment, run with the real
aws CLI against moto.

The quotas are restated here from the AWS documentation, not imported from generator.pipeline.quotas, so a wrong
constant there cannot make this test agree with itself. The 500-service environment is written as the files of
out/ (stacks.json, configs, templates) with about three stacks per service, the shape the split network layout
gives, so the test does not depend on how the build splits stacks.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from generator.compile import audit_gate
from generator.lint import lint_text
from generator.load import load_text
from generator.model import load_blueprint
from generator.pipeline import pipeline_files
from generator.pipeline.inputs import read_environment
from generator.pipeline.step_runner import levels

REPO = Path(__file__).resolve().parent.parent
SERVICES = 500
REGION = "us-east-1"
ACCOUNT = "123456789012"


def _blueprint(tmp_path: Path) -> Path:
    path = tmp_path / "blueprints" / "big.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("name: big\nnetwork: {cidr: 10.0.0.0/16}\n"
                    "services:\n  web: {image: public.ecr.aws/nginx/nginx:1.27, cpu: 256, memory: 512}\n"
                    "environments:\n  dev: {}\n  prod: {}\n")
    return path


def _stack(name: str, depends_on: list[str], parameters: dict | None = None) -> tuple[dict, dict[str, bytes]]:
    params = "".join(f"  {p}:\n    Type: String\n    AllowedPattern: '^arn:aws:acm:.*$'\n" for p in parameters or {})
    template = ("AWSTemplateFormatVersion: '2010-09-09'\n" + (f"Parameters:\n{params}" if params else "") +
                "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n")
    config = {"Parameters": dict(parameters or {}), "Tags": {"stackprint:blueprint": "big"}}
    entry = {"stack_name": name, "template": f"{name}.template.yaml", "config": f"{name}.config.json",
             "depends_on": depends_on}
    return entry, {entry["template"]: template.encode(), entry["config"]: json.dumps(config).encode()}


def _environment(env: str, services: int) -> dict[str, bytes]:
    """out/big/<env>/: a network stack, then per service a security stack, a balancer stack and a service stack."""
    prefix = f"big-{env}-"
    entries, files = [], {}
    network = f"{prefix}network"
    for name, deps, params in [(network, [], None)] + [
            item for i in range(services) for item in (
                (f"{prefix}svc{i:03d}-security", [network], None),
                (f"{prefix}svc{i:03d}-balancer", [network, f"{prefix}svc{i:03d}-security"],
                 {"CertificateArn": "REPLACE_WITH_ACM_CERTIFICATE_ARN"} if i == 0 else None),
                (f"{prefix}svc{i:03d}", [network, f"{prefix}svc{i:03d}-security", f"{prefix}svc{i:03d}-balancer"],
                 None))]:
        entry, more = _stack(name, deps, params)
        entries.append(entry)
        files.update(more)
    files["stacks.json"] = json.dumps(entries).encode()
    return files


@pytest.fixture(scope="module")
def big_pipeline(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("big")
    source = _blueprint(tmp)
    models = load_blueprint(str(source))
    files = {env: _environment(env, SERVICES) for env in models}
    return pipeline_files(str(source), models, files), files


def _template(files: dict[str, bytes]) -> dict:
    return load_text(files["pipeline.template.yaml"].decode(), "big/pipeline.template.yaml", cfn=True).data


def test_500_service_pipeline_is_within_codepipeline_quotas(big_pipeline):
    files, environments = big_pipeline
    stages = _template(files)["Resources"]["Pipeline"]["Properties"]["Stages"]
    assert 2 <= len(stages) <= 50
    assert sum(len(s["Actions"]) for s in stages) <= 500
    for stage in stages:
        assert 1 <= len(stage["Actions"]) <= 50, stage["Name"]
        assert len({a["RunOrder"] for a in stage["Actions"]}) <= 50
        assert len(stage["Name"]) <= 100
        for action in stage["Actions"]:
            assert len(action["Name"]) <= 100
            for value in (action.get("Configuration") or {}).values():
                assert len(value if isinstance(value, str) else json.dumps(value)) <= 1000
            assert len(action.get("Commands", [])) <= 50
            assert all(len(c) <= 1000 for c in action.get("Commands", []))
            variables = action.get("EnvironmentVariables", [])
            assert len(variables) <= 10
            assert all(len(v["Value"] if isinstance(v["Value"], str) else json.dumps(v["Value"])) <= 2000
                       for v in variables)
    assert len(json.loads(environments["prod"]["stacks.json"])) == 1 + 3 * SERVICES


def test_500_service_pipeline_is_within_cloudformation_quotas(big_pipeline):
    files, _ = big_pipeline
    template = _template(files)
    body = files["pipeline.template.yaml"]
    assert len(body) <= 51_200  # even inline: the batched layout does not grow with the stacks
    assert len(template["Resources"]) <= 500
    assert len(template.get("Parameters", {})) <= 200
    assert len(template.get("Outputs", {})) <= 200


def test_500_service_pipeline_deploys_every_stack_in_dependency_steps(big_pipeline):
    """Every step of every environment: create its change sets, approve them in prod only, execute them; and the
    runner's steps (what each action deploys) are the pipeline's own steps, covering every stack once."""
    files, environments = big_pipeline
    stages = {s["Name"]: s for s in _template(files)["Resources"]["Pipeline"]["Properties"]["Stages"]}
    assert list(stages) == ["Source", "dev", "prod"]
    assert files["pipeline.deploy.py"] == (REPO / "generator" / "pipeline" / "step_runner.py").read_bytes()
    for env in ("dev", "prod"):
        stacks = json.loads(environments[env]["stacks.json"])
        steps = levels(stacks)
        expected = read_environment("big", env, environments[env], env == "prod").levels()
        assert [[s["stack_name"] for s in step] for step in steps] == [[s.name for s in step] for step in expected]
        assert sorted(s["stack_name"] for step in steps for s in step) == sorted(s["stack_name"] for s in stacks)
        actions = sorted(stages[env]["Actions"], key=lambda a: a["RunOrder"])
        names = [a["Name"] for a in actions]
        want = []
        for step in range(1, len(steps) + 1):
            want += [f"create-change-sets-step-{step}"] + ([f"approve-step-{step}"] if env == "prod" else []) + \
                    [f"execute-change-sets-step-{step}"]
        assert names == want
        assert len({a["RunOrder"] for a in actions}) == len(actions)  # strictly one after another
        for action in actions:
            if action["ActionTypeId"]["Provider"] == "Commands":
                mode, step = action["Name"].split("-")[0], action["Name"].rsplit("-", 1)[1]
                assert action["Commands"] == [f"python3 out/big/pipeline.deploy.py {mode} --environment {env} "
                                              f"--step {step}"]
                variables = {v["Name"]: v["Value"] for v in action["EnvironmentVariables"]}
                assert variables["CLOUDFORMATION_ROLE_ARN"] == {"Ref": f"{env.capitalize()}CloudFormationRoleArn"}
                overrides = json.loads(variables["PARAMETER_OVERRIDES"]["Fn::Sub"])
                assert overrides == {f"big-{env}-svc000-balancer": {
                    "CertificateArn": "${" + env.capitalize() + "Svc000BalancerCertificateArn}"}}


def test_500_service_pipeline_passes_the_gates(big_pipeline, tmp_path):
    files, _ = big_pipeline
    text = files["pipeline.template.yaml"].decode()
    assert lint_text("big/pipeline.template.yaml", text) == []
    assert audit_gate({"big/pipeline.template.yaml": text}) == []
    checkov = os.environ.get("STACKPRINT_CHECKOV") or str(REPO / ".venv-checkov" / "bin" / "checkov")
    if not os.access(checkov, os.X_OK):
        pytest.skip("checkov not installed (.venv-checkov): `make test` installs it")
    (tmp_path / "pipeline.template.yaml").write_text(text)
    result = subprocess.run([checkov, "-d", str(tmp_path), "--framework", "cloudformation", "--skip-download",
                             "-o", "json", "--quiet"], capture_output=True, text=True, timeout=600)
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    failed = report.get("results", {}).get("failed_checks", []) if "results" in report else []
    assert failed == [], [(f["check_id"], f["resource"]) for f in failed]
    assert report.get("summary", {}).get("passed", 0) > 0 or "results" not in report


def test_500_service_pipeline_logs_only_to_its_own_log_group(big_pipeline):
    """The Commands actions write logs: the role may write only to /aws/codepipeline/<this pipeline>."""
    files, _ = big_pipeline
    template = _template(files)
    assert template["Resources"]["Pipeline"]["Properties"]["Name"] == {"Ref": "AWS::StackName"}
    statements = template["Resources"]["PipelineRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    logs = [s for s in statements if "Action" in s and any(a.startswith("logs:") for a in s["Action"])]
    assert len(logs) == 1
    assert [r["Fn::Sub"] for r in logs[0]["Resource"]] == [
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/codepipeline/${AWS::StackName}",
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/codepipeline/${AWS::StackName}"
        ":log-stream:*"]


def test_codepipeline_accepts_the_500_service_definition(big_pipeline):
    """botocore's CodePipeline model (parameter validation of CreatePipeline) accepts the definition, with every
    intrinsic function replaced by a value of its resolved shape."""
    files, _ = big_pipeline
    properties = _template(files)["Resources"]["Pipeline"]["Properties"]
    definition = _api(_resolved({k: v for k, v in properties.items() if k != "RestartExecutionOnUpdate"}))
    definition["name"] = "big-pipeline"
    client = boto3.client("codepipeline", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:  # validated by botocore before the stub answers
        stubber.add_response("create_pipeline", {"pipeline": definition})
        client.create_pipeline(pipeline=definition)


def test_small_blueprints_keep_one_action_pair_per_stack():
    """The examples (a few stacks) keep the per-stack layout and need no runner script."""
    for folder in sorted((REPO / "out").iterdir()):
        if (folder / "pipeline.template.yaml").exists():
            assert not (folder / "pipeline.deploy.py").exists()
            text = (folder / "pipeline.template.yaml").read_text()
            assert "Provider: Commands" not in text


def test_a_50_service_environment_is_split_into_stages_of_at_most_50_actions(tmp_path):
    """51 stacks need 102 actions: one stage cannot hold them, three stages in order can."""
    source = _blueprint(tmp_path)
    models = load_blueprint(str(source))
    environments = {}
    for env in models:
        prefix = f"big-{env}-"
        entries, files = [], {}
        for name, deps in [(f"{prefix}network", [])] + [(f"{prefix}svc{i:03d}", [f"{prefix}network"])
                                                         for i in range(50)]:
            entry, more = _stack(name, deps)
            entries.append(entry)
            files.update(more)
        files["stacks.json"] = json.dumps(entries).encode()
        environments[env] = files
    out = pipeline_files(str(source), models, environments)
    assert "pipeline.deploy.py" not in out
    stages = _template(out)["Resources"]["Pipeline"]["Properties"]["Stages"]
    assert all(len(s["Actions"]) <= 50 for s in stages)
    order = [(s["Name"], a["RunOrder"], a["Name"]) for s in stages for a in sorted(s["Actions"],
                                                                                   key=lambda a: a["RunOrder"])]
    prod = [name for stage, _, name in order if stage.split(".")[0] == "prod"]
    assert prod.index("network-execute-change-set") < prod.index("svc000-create-change-set")
    assert prod.index("approve-step-2") == 3 + 50  # step 1 (create, approve, execute), then 50 creates
    assert max(i for i, n in enumerate(prod) if n.endswith("-create-change-set")) < prod.index("approve-step-2") \
        < min(i for i, n in enumerate(prod) if n.startswith("svc") and n.endswith("-execute-change-set"))


def _resolved(value):
    """Intrinsic functions replaced by plausible resolved values (ARNs, names, JSON text), for botocore."""
    if isinstance(value, dict):
        if len(value) == 1:
            (key, inner), = value.items()
            if key == "Ref":
                return {"AWS::StackName": "big-pipeline", "BranchName": "main", "FullRepositoryId": "acme/infra",
                        "AWS::NoValue": None}.get(inner, f"arn:aws:iam::{ACCOUNT}:role/{inner}")
            if key == "Fn::GetAtt":
                return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0a1b2c3d"
            if key == "Fn::Sub":
                return inner if isinstance(inner, str) else inner[0]
            if key == "Fn::If":
                return None  # the optional action role, not given
        return {k: r for k, r in ((k, _resolved(v)) for k, v in value.items()) if r is not None}
    if isinstance(value, list):
        return [_resolved(v) for v in value]
    return value


def _api(value, key: str | None = None):
    """CloudFormation's PascalCase pipeline properties -> the API's camelCase (configurations verbatim)."""
    if isinstance(value, dict):
        if key == "Configuration":
            return {k: v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}
        return {k[0].lower() + k[1:]: _api(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_api(v) for v in value]
    return value


# --- the step runner, for real ---------------------------------------------------------------------------------
@pytest.fixture
def aws_cli() -> str:
    named = os.environ.get("STACKPRINT_AWS")
    candidate = named or str(REPO / ".venv-awscli" / "bin" / "aws")
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    if named:
        pytest.fail(f"STACKPRINT_AWS={named} is not an executable")
    pytest.skip(f"aws CLI not found at {candidate}: run `make .venv-awscli/.installed` (`make test` does)")


def test_step_runner_deploys_an_environment_step_by_step(aws_cli, monkeypatch, tmp_path):
    """out/web-api/dev deployed by pipeline.deploy.py as the batched pipeline runs it (create, execute, per step),
    with the real aws CLI against moto: every stack created with its config's parameters and tags, the network
    template padded past 51,200 bytes goes through the bucket, and a second run finds no changes."""
    from emulator import moto_server

    folder = tmp_path / "out" / "web-api"
    shutil.copytree(REPO / "out" / "web-api" / "dev", folder / "dev")
    shutil.copy(REPO / "generator" / "pipeline" / "step_runner.py", folder / "pipeline.deploy.py")
    network = folder / "dev" / "web-api-dev-network.template.yaml"
    network.write_text(network.read_text() + "# padding\n" * 6000)  # over the inline limit: uploaded to S3
    stacks = json.loads((folder / "dev" / "stacks.json").read_text())
    with moto_server(monkeypatch) as server:
        certificate = server.client("acm").request_certificate(DomainName="example.com")["CertificateArn"]
        server.client("s3").create_bucket(Bucket="artifacts")
        env = {**os.environ, "STACKPRINT_AWS": aws_cli, "TEMPLATE_BUCKET": "artifacts", "AWS_REGION": REGION,
               "AWS_DEFAULT_REGION": REGION, "STACKPRINT_POLL_SECONDS": "0.2",
               "PARAMETER_OVERRIDES": json.dumps(
                   {stack["stack_name"]: {"PublicCertificateArn": certificate} for stack in stacks
                    if "PublicCertificateArn" in (folder / "dev" / stack["config"]).read_text()})}
        runner = [sys.executable, str(folder / "pipeline.deploy.py")]

        def run(mode: str, step: int) -> str:
            result = subprocess.run(runner + [mode, "--environment", "dev", "--step", str(step)], env=env,
                                    capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, (mode, step, result.stdout, result.stderr)
            return result.stdout

        steps = len(levels(stacks))
        for step in range(1, steps + 1):
            assert "ready for review" in run("create", step)
            assert "CREATE_COMPLETE" in run("execute", step)
        cfn = server.client("cloudformation")
        for stack in stacks:
            (described,) = cfn.describe_stacks(StackName=stack["stack_name"])["Stacks"]
            assert described["StackStatus"] == "CREATE_COMPLETE"
            config = json.loads((folder / "dev" / stack["config"]).read_text())
            assert {t["Key"]: t["Value"] for t in described["Tags"]} == config["Tags"]
        (balancer_stack,) = cfn.describe_stacks(StackName="web-api-dev-lb-public")["Stacks"]
        assert {p["ParameterKey"]: p["ParameterValue"] for p in balancer_stack["Parameters"]}[
            "PublicCertificateArn"] == certificate
        uploaded = server.client("s3").list_objects_v2(Bucket="artifacts").get("Contents", [])
        assert [o["Key"].split("/")[1] for o in uploaded] == ["web-api-dev-network"]

        for step in range(1, steps + 1):  # nothing changed: no change set to review, nothing executed
            assert f"0 of {len(levels(stacks)[step - 1])} stacks have changes" in run("create", step)
            assert f"0 of {len(levels(stacks)[step - 1])} stacks changed" in run("execute", step)
