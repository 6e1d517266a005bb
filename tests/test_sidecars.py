"""containers: inside a service, as a user would check it in the rendered templates (the deploy test reads the same
through moto): the task's containers and their order, defaults (essential, read-only roots, never privileged),
log routes, waits, shared volumes, the roles' permissions, the firewall (a sidecar port opens nothing), and the
audit judging every container of a task, not only the first."""
from __future__ import annotations

import json
import textwrap

import pytest

from generator.compile import audit_template, render
from generator.lint import lint_text
from generator.load import load_text
from generator.model import load_blueprint_text
from generator.plan import plan

ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
BLUEPRINT = textwrap.dedent(f"""\
    name: shop
    network: {{cidr: 10.20.0.0/16}}
    load_balancers:
      public:
        scheme: internet-facing
        https: {{certificate: {{parameter: CertificateArn}}}}
    services:
      web:
        image: {ECR}/web:1.4
        cpu: 1 vCPU
        memory: 2 GB
        port: 8080
        route: {{load_balancer: public}}
        logging: firelens
        depends_on: {{envoy: HEALTHY, router: START}}
        volumes: [envoy-config, shared-logs]
        mounts: {{shared-logs: /var/log/web}}
        containers:
          router:
            image: public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4
            cpu: 64
            memory: 128
            firelens: {{type: fluentbit, options: {{enable-ecs-log-metadata: "true"}}}}
            mounts: {{shared-logs: {{path: /logs, read_only: true}}}}
            scratch: [/tmp]
          envoy:
            image: {ECR}/envoy:v1.31.0
            cpu: 256
            memory: 512
            user: "1337"
            ports: [9901, {{port: 8125, protocol: udp}}]
            depends_on: {{init: SUCCESS}}
            health_check: {{command: ["CMD-SHELL", "curl -s http://localhost:9901/ready"]}}
            mounts: {{envoy-config: {{path: /etc/envoy, read_only: true}}}}
            secrets: {{ENVOY_TOKEN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:envoy-AbCdEf"}}
          init:
            image: public.ecr.aws/docker/library/busybox:1.36
            command: ["sh", "-c", "cp /defaults/envoy.yaml /etc/envoy/"]
            mounts: {{envoy-config: /etc/envoy}}
            logging: firelens
""")


def _render(text: str = BLUEPRINT) -> dict[str, str]:
    (bp,) = load_blueprint_text(text, "shop.yaml").values()
    return {name: data.decode() for name, data in render(plan(bp), "shop.yaml").files.items()}


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return _render()


def _resources(files: dict[str, str], name: str = "shop-default-web.template.yaml") -> dict:
    return load_text(files[name], name, cfn=True).data["Resources"]


def test_the_task_holds_the_main_container_first_then_the_others_by_name(files):
    task = _resources(files)["TaskDefinition"]["Properties"]
    assert [c["Name"] for c in task["ContainerDefinitions"]] == ["web", "envoy", "init", "router"]
    main, envoy, init, router = task["ContainerDefinitions"]
    assert [main["Essential"], envoy["Essential"], init["Essential"], router["Essential"]] == [True, True, False, True]
    assert all(c["Privileged"] is False and c["ReadonlyRootFilesystem"] is True for c in task["ContainerDefinitions"])
    assert (envoy["Cpu"], envoy["Memory"], router["Cpu"], router["Memory"]) == (256, 512, 64, 128)
    assert "Cpu" not in main and "Memory" not in main  # the main container keeps the rest of the task's size
    assert main["DependsOn"] == [{"Condition": "HEALTHY", "ContainerName": "envoy"},
                                 {"Condition": "START", "ContainerName": "router"}]
    assert envoy["DependsOn"] == [{"Condition": "SUCCESS", "ContainerName": "init"}]
    assert envoy["HealthCheck"]["Command"] == ["CMD-SHELL", "curl -s http://localhost:9901/ready"]
    assert envoy["User"] == "1337" and envoy["Secrets"][0]["Name"] == "ENVOY_TOKEN"
    assert main["PortMappings"] == [{"ContainerPort": 8080, "Protocol": "tcp"}]
    assert envoy["PortMappings"] == [{"ContainerPort": 9901, "Protocol": "tcp"},
                                     {"ContainerPort": 8125, "Protocol": "udp"}]
    assert "PortMappings" not in init and "PortMappings" not in router


def test_logs_go_to_the_encrypted_group_directly_or_through_the_router(files):
    resources = _resources(files)
    main, envoy, init, router = resources["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    assert resources["LogGroup"]["Properties"]["KmsKeyId"]
    assert router["FirelensConfiguration"] == {"Type": "fluentbit", "Options": {"enable-ecs-log-metadata": "true"}}
    assert router["LogConfiguration"]["LogDriver"] == "awslogs"
    assert router["LogConfiguration"]["Options"]["awslogs-group"] == {"Ref": "LogGroup"}
    assert envoy["LogConfiguration"]["LogDriver"] == "awslogs"
    for container in (main, init):
        config = container["LogConfiguration"]
        assert config["LogDriver"] == "awsfirelens"
        assert config["Options"]["Name"] == "cloudwatch_logs"
        assert config["Options"]["log_group_name"] == {"Ref": "LogGroup"}
        assert config["Options"]["log_stream_prefix"] == f"{container['Name']}/"
        assert config["Options"]["auto_create_group"] == "false"
    (policy,) = resources["TaskRole"]["Properties"]["Policies"]  # Fluent Bit writes with the task role
    assert policy["PolicyName"] == "firelens"
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["Resource"] == {"Fn::GetAtt": ["LogGroup", "Arn"]}


def test_custom_firelens_outputs_get_no_log_group_permission():
    text = BLUEPRINT.replace("\n        logging: firelens\n", "\n")  # init logs with awslogs again
    text = text.replace("\n    logging: firelens\n", "\n    logging: {driver: firelens, options: {Name: kinesis_firehose, "
                        "delivery_stream: web-logs, region: us-east-1}}\n")
    resources = _resources(_render(text))
    main = resources["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    assert main["LogConfiguration"]["Options"] == {"Name": "kinesis_firehose", "delivery_stream": "web-logs",
                                                   "region": "us-east-1"}
    assert "TaskRole" not in resources


def test_shared_and_scratch_volumes_are_task_scoped_and_mounted_where_declared(files):
    task = _resources(files)["TaskDefinition"]["Properties"]
    assert task["Volumes"] == [{"Name": "envoy-config"}, {"Name": "scratch-router-tmp"}, {"Name": "shared-logs"}]
    mounts = {c["Name"]: [(m["SourceVolume"], m["ContainerPath"], m["ReadOnly"]) for m in c.get("MountPoints", [])]
              for c in task["ContainerDefinitions"]}
    assert mounts == {"web": [("shared-logs", "/var/log/web", False)],
                      "envoy": [("envoy-config", "/etc/envoy", True)],
                      "init": [("envoy-config", "/etc/envoy", False)],
                      "router": [("shared-logs", "/logs", True), ("scratch-router-tmp", "/tmp", False)]}


def test_the_execution_role_pulls_every_private_image_and_reads_every_secret(files):
    (policy,) = _resources(files)["ExecutionRole"]["Properties"]["Policies"]
    statements = policy["PolicyDocument"]["Statement"]
    pulled = [s["Resource"]["Fn::Sub"] for s in statements if "ecr:BatchGetImage" in s["Action"]]
    assert pulled == ["arn:${AWS::Partition}:ecr:us-east-1:123456789012:repository/web",
                      "arn:${AWS::Partition}:ecr:us-east-1:123456789012:repository/envoy"]
    (secrets,) = [s for s in statements if s["Action"] == "secretsmanager:GetSecretValue"]
    assert secrets["Resource"] == ["arn:aws:secretsmanager:us-east-1:123456789012:secret:envoy-AbCdEf"]


def test_a_sidecar_port_opens_no_rule_the_balancer_reaches_the_main_port_only(files):
    (bp,) = load_blueprint_text(BLUEPRINT, "shop.yaml").values()
    layout = plan(bp)
    ports = {rule.port for rule in layout.rules}
    assert 8080 in ports and not {9901, 8125} & ports
    for name, text in files.items():
        if name.endswith(".template.yaml"):
            assert "9901" not in text.replace("localhost:9901", "") and "8125" not in text or name.endswith(
                "-web.template.yaml"), name
    service = _resources(files)["Service"]["Properties"]
    assert service["LoadBalancers"] == [{"ContainerName": "web", "ContainerPort": 8080,
                                         "TargetGroupArn": {"Ref": "TargetGroup"}}]


def test_the_rendered_templates_pass_the_gates(files):
    for name, text in files.items():
        if name.endswith(".template.yaml"):
            assert lint_text(name, text) == [], name
            assert audit_template(name, text) == [], name


def _audit_with(files: dict[str, str], index: int, **changes) -> list[str]:
    """Audit the web template with container ``index`` changed: the rule ids found, with the container's path."""
    name = "shop-default-web.template.yaml"
    data = load_text(files[name], name, cfn=True).data
    container = data["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][index]
    for key, value in changes.items():
        if value is None:
            container.pop(key, None)
        else:
            container[key] = value
    return sorted(f.rule for f in audit_template(name, json.dumps(data)))


@pytest.mark.parametrize("index", [1, 2, 3])
@pytest.mark.parametrize("changes, rule", [
    ({"ReadonlyRootFilesystem": False}, "ECS003"),
    ({"Privileged": True}, "ECS004"),
    ({"User": "root"}, "ECS005"),
    ({"Environment": [{"Name": "DB_PASSWORD", "Value": "hunter2"}]}, "ECS002"),
])
def test_the_audit_judges_every_container_not_only_the_first(files, index, changes, rule):
    assert _audit_with(files, index, **changes) == [rule]


def test_the_documented_example_and_every_container_key_are_in_the_reference():
    import re
    from pathlib import Path

    from generator.model.errors import field_names
    from generator.model.services import Container, ContainerPort, FireLens, Logging, Mount

    doc = (Path(__file__).resolve().parent.parent / "docs" / "blueprint.md").read_text(encoding="utf-8")
    section = doc[doc.index("### containers (sidecars)"):]
    section = section[:section.index("\n## ")]
    (example,) = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    (bp,) = load_blueprint_text("name: shop\nnetwork: {cidr: 10.0.0.0/16}\n" + example, "blueprint.md").values()
    assert sorted(bp.services["web"].containers) == ["config-init", "envoy", "log-router"]
    for model in (Container, ContainerPort, FireLens, Logging, Mount):
        for key in field_names(model):
            assert f"`{key}`" in section or f"{key}:" in section or f"`{key}," in section, f"{model.__name__}.{key}"
    for key in ("containers", "depends_on", "logging", "volumes", "mounts"):
        assert f"| `{key}` |" in section, key


def test_the_environment_readme_lists_each_tasks_containers_and_their_ports_stay_inside(files):
    readme = files["README.md"]
    section = readme[readme.index("## Containers of each task"):]
    assert "| `web` | `web` (main) | `123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4` | yes | rest of the task | " \
           "`envoy` HEALTHY, `router` START | tcp/8080 (the task's port) | FireLens: cloudwatch_logs into the log " \
           "group |" in section
    assert "| `web` | `envoy` | `123456789012.dkr.ecr.us-east-1.amazonaws.com/envoy:v1.31.0` | yes | 256 / 512 | " \
           "`init` SUCCESS | tcp/9901, udp/8125 | awslogs |" in section
    assert "| `web` | `init` | `public.ecr.aws/docker/library/busybox:1.36` | no | - / - | - | - | FireLens: " \
           "cloudwatch_logs into the log group |" in section
    assert "| `web` | `router` |" in section and "| router (awslogs) |" in section
    matrix = readme[readme.index("## Flow matrix"):readme.index("## Containers of each task")]
    assert "9901" not in matrix and "8125" not in matrix


def test_a_service_without_containers_has_no_containers_section():
    text = "name: shop\nnetwork: {cidr: 10.20.0.0/16}\nservices:\n  worker: {image: busybox:1.36}\n"
    assert "## Containers of each task" not in _render(text)["README.md"]
