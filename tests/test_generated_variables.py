"""Variables the compiler writes itself never trip the audit's secrets rule (issue 13).

A flow to a service (or database) whose name contains PASSWORD, SECRET, TOKEN or CREDENTIAL gives the caller
``PASSWORD_API_HOST``/``_PORT``: host names and ports, written by stackprint and listed on the task definition under
``Metadata.stackprint.generated_environment``. ECS002 does not judge those, and still judges a user's plaintext one.
"""
from __future__ import annotations

import textwrap

import yaml
from click.testing import CliRunner

from generator.audit import audit_document
from generator.cli import main
from generator.load import load_text

BLUEPRINT = textwrap.dedent("""\
    name: vault
    network: {cidr: 10.40.0.0/16}
    load_balancers:
      public: {scheme: internet-facing, https: {certificate: {parameter: CertificateArn}}}
    services:
      web:
        image: public.ecr.aws/nginx/nginx:1.27
        port: 8080
        route: {load_balancer: public}
        flows: [password-api, secret-tokens]
      password-api:
        image: public.ecr.aws/nginx/nginx:1.27
        port: 9000
    databases:
      secret-tokens: {engine: postgres}
    """)


def _task_definition(out) -> dict:
    text = (out / "vault" / "default" / "vault-default-web.template.yaml").read_text()
    return yaml.load(text, Loader=yaml.BaseLoader)["Resources"]["TaskDefinition"]


def test_a_flow_to_a_password_service_builds_with_every_gate_passing(tmp_path):
    blueprint = tmp_path / "vault.yaml"
    blueprint.write_text(BLUEPRINT)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(blueprint), "--out", str(out)])
    assert result.exit_code == 0, result.output
    task = _task_definition(out)
    names = {v["Name"] for v in task["Properties"]["ContainerDefinitions"][0]["Environment"]}
    assert {"PASSWORD_API_HOST", "PASSWORD_API_PORT", "SECRET_TOKENS_PORT"} <= names
    assert task["Metadata"]["stackprint"]["generated_environment"] == [{"container": "web", "names": sorted(names)}]
    audit = CliRunner().invoke(main, ["audit", str(out), "--fail-on", "low"])
    assert audit.exit_code == 0, audit.output


TEMPLATE = """\
Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
{metadata}    Properties:
      ContainerDefinitions:
        - Name: web
          Image: nginx
          Environment:
            - {{Name: DB_PASSWORD, Value: hunter2}}
            - {{Name: PASSWORD_API_PORT, Value: "9000"}}
"""
MARKED = """\
    Metadata:
      stackprint:
        generated_environment:
          - {container: web, names: [PASSWORD_API_PORT]}
"""


def _ecs002(text: str) -> list[str]:
    return [f.message for f in audit_document(load_text(text, "t.yaml", cfn=True)) if f.rule == "ECS002"]


def test_a_user_written_plaintext_password_still_fails_ecs002():
    assert _ecs002(TEMPLATE.format(metadata=MARKED)) == [
        "container web sets DB_PASSWORD to a literal value in Environment (use Secrets)"]


def test_unmarked_variables_are_judged_by_name_as_before():
    assert len(_ecs002(TEMPLATE.format(metadata=""))) == 2


def test_the_mark_is_per_container():
    other = MARKED.replace("container: web", "container: sidecar")
    assert len(_ecs002(TEMPLATE.format(metadata=other))) == 2
