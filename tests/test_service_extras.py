"""Attached groups and Fargate Spot in the committed output of blueprints/shared-services.yaml, read as a reviewer
and the tools read it: the service stacks, the cluster, the README, the audit (SG010 accepted, visible in SARIF)
and the reach proof (external groups leave only what depends on them unknown)."""
from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.load import load_file
from generator.model import load_blueprint

REPO = Path(__file__).resolve().parent.parent
ENV = REPO / "out" / "shared-services" / "prod"
BP = load_blueprint(str(REPO / "blueprints" / "shared-services.yaml"))["prod"]


def template(stack: str) -> dict:
    return yaml.load((ENV / f"shared-services-prod-{stack}.template.yaml").read_text(), Loader=yaml.BaseLoader)


def intrinsic(stack: str) -> dict:
    """The template with !Ref and friends as CloudFormation reads them (BaseLoader drops the tags)."""
    return load_file(str(ENV / f"shared-services-prod-{stack}.template.yaml"), cfn=True).data


def test_spot_services_have_a_strategy_and_no_launch_type_and_their_containers_get_the_two_minutes():
    for name, service in BP.services.items():
        resources = template(name)["Resources"]
        props = resources["Service"]["Properties"]
        assert "LaunchType" not in props, name  # ECS refuses a launch type beside a strategy
        strategy = {item["CapacityProvider"]: (int(item["Base"]), int(item["Weight"]))
                    for item in props["CapacityProviderStrategy"]}
        on_demand, spot = 100 - service.capacity.spot, service.capacity.spot
        assert strategy["FARGATE"][0] == service.capacity.on_demand_base and strategy["FARGATE_SPOT"][0] == 0
        assert strategy["FARGATE"][1] * spot == strategy["FARGATE_SPOT"][1] * on_demand, name  # the same ratio
        (container,) = resources["TaskDefinition"]["Properties"]["ContainerDefinitions"]
        assert container["StopTimeout"] == "120"
    assert {k: template("api")["Resources"]["Service"]["Properties"]["CapacityProviderStrategy"][i]["Weight"]
            for i, k in enumerate(("FARGATE", "FARGATE_SPOT"))} == {"FARGATE": "3", "FARGATE_SPOT": "7"}


def test_the_cluster_names_its_providers_only_where_some_service_runs_on_spot():
    cluster = template("network")["Resources"]["Cluster"]["Properties"]
    assert cluster["CapacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert cluster["DefaultCapacityProviderStrategy"] == [{"CapacityProvider": "FARGATE", "Weight": "1"}]
    for network in REPO.glob("out/*/*/*-network.template.yaml"):
        if network.parent != ENV:
            other = yaml.load(network.read_text(), Loader=yaml.BaseLoader)["Resources"]["Cluster"]["Properties"]
            assert "CapacityProviders" not in other, network  # no blueprint changes without capacity
        if network.parent != ENV:
            for service in network.parent.glob("*.template.yaml"):
                resources = yaml.load(service.read_text(), Loader=yaml.BaseLoader)["Resources"]
                if "Service" in resources and resources["Service"]["Type"] == "AWS::ECS::Service":
                    assert resources["Service"]["Properties"]["LaunchType"] == "FARGATE", service


def test_attached_groups_are_typed_parameters_after_the_compilers_groups_with_sg010_accepted():
    web = template("web")
    assert web["Parameters"]["CommonSecurityGroupId"]["Type"] == "AWS::EC2::SecurityGroup::Id"
    groups = intrinsic("web")["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"][
        "SecurityGroups"]
    assert groups[-1] == {"Ref": "CommonSecurityGroupId"} and all("Fn::ImportValue" in g for g in groups[:-1])
    (ignore,) = web["Resources"]["Service"]["Metadata"]["stackprint"]["ignore"]
    assert ignore["rule"] == "SG010" and "Firewall Manager common group" in ignore["reason"]
    assert json.loads((ENV / "shared-services-prod-web.config.json").read_text())["Parameters"] == {
        "CommonSecurityGroupId": "REPLACE_WITH_SECURITY_GROUP_ID"}
    worker = template("worker")
    (name,) = worker["Parameters"]
    assert worker["Parameters"][name] == {
        "Default": "/network/scanner-security-group-id",
        "Description": worker["Parameters"][name]["Description"],
        "Type": "AWS::SSM::Parameter::Value<AWS::EC2::SecurityGroup::Id>"}
    assert json.loads((ENV / "shared-services-prod-worker.config.json").read_text())["Parameters"] == {}
    assert "Parameters" not in template("api")


def test_audit_is_clean_at_low_and_sarif_shows_each_external_group_as_suppressed_with_its_reason():
    runner = CliRunner()
    clean = runner.invoke(main, ["audit", str(ENV), "--fail-on", "low"])
    assert clean.exit_code == 0, clean.output
    sarif = json.loads(runner.invoke(main, ["audit", str(ENV), "--format", "sarif"]).stdout)
    external = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "SG010"]
    assert sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].rsplit("-", 1)[-1]
                  for r in external) == ["web.template.yaml", "worker.template.yaml"]
    assert all(r["suppressions"][0]["justification"].startswith("attached groups managed elsewhere")
               for r in external)


def test_readme_lists_the_attached_groups_as_managed_elsewhere_and_the_spot_split():
    readme = (ENV / "README.md").read_text()
    assert "Every security-group rule comes from one of these lines; nothing else is open." not in readme
    section = readme.split("## Attached security groups (managed elsewhere)", 1)[1].split("\n## ", 1)[0]
    assert "| `web` | stack parameter `CommonSecurityGroupId` | Firewall Manager common group |" in section
    assert "| `worker` | SSM parameter `/network/scanner-security-group-id` |" in section
    spot = readme.split("## Capacity: Fargate Spot", 1)[1].split("\n## ", 1)[0]
    assert "| `api` | 1 | 3 | 7 | no (an on-demand task survives) |" in spot
    for other in REPO.glob("out/*/*/README.md"):
        if other.parent != ENV:
            assert "Attached security groups" not in other.read_text(), other


def test_reach_proves_what_the_compiler_owns_and_leaves_what_the_external_groups_admit_unknown():
    result = CliRunner().invoke(main, ["reach", str(ENV), "--format", "json"])
    assert result.exit_code == 0, result.output
    verdicts = {w["name"]: w for w in json.loads(result.stdout)["workloads"]}
    assert verdicts["web"]["internet"] == "yes"  # through the balancer, by the compiler's rules
    assert verdicts["api"]["internet"] == "no"
    assert [(c["source"], c["verdict"]) for c in verdicts["api"]["callers"]] == [("web", "yes")]  # exact
    # the worker wears the scanner's group, whose ingress is unknown: callers are "maybe", with the reason
    callers = verdicts["worker"]["callers"]
    assert callers and {c["verdict"] for c in callers} == {"unknown"}
    assert all("AttachedGroupNetworkScannerSecurityGroupId (external)" in c["reason"] and "managed elsewhere" in
               c["reason"] for c in callers)


def test_the_cost_estimate_counts_spot_tasks_at_the_on_demand_ceiling_and_says_so():
    from generator.report import load_report

    lines = {line.item: line for line in load_report(str(ENV)).estimate.lines}
    for name in BP.services:
        assert "Fargate Spot tasks counted at the on-demand price" in lines[f"Fargate: {name}"].detail, name
    other = load_report(str(REPO / "out" / "web-api" / "prod")).estimate.lines
    assert not any("Spot" in line.detail for line in other)
