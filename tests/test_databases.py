"""Databases from blueprint to template: the plan's decisions (flows, groups, stacks, relaxed defaults) and every
engine compiled through the build's gates (cfn-lint, the audit at every severity) and checkov.

The example blueprints only use PostgreSQL instances; MySQL and both Aurora engines are compiled here, since moto
cannot deploy Aurora (tests/test_deploy.py, MOTO_GAPS).
"""
from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from generator.compile import compile_blueprints
from generator.model import load_blueprint_text
from generator.plan import plan

BASE = """\
name: shop
network: {cidr: 10.20.0.0/16}
load_balancers:
  public: {scheme: internet-facing, https: {certificate: {parameter: CertificateArn}}}
services:
  web: {image: public.ecr.aws/nginx/nginx:1.27, port: 8080, route: {load_balancer: public}, flows: [orders]}
  worker: {image: public.ecr.aws/nginx/nginx:1.27, flows: [orders, events]}
  report: {image: public.ecr.aws/nginx/nginx:1.27}
databases:
  orders: {engine: postgres}
  events: {engine: aurora-mysql}
"""


def layout_of(text: str = BASE):
    (bp,) = load_blueprint_text(text, "shop.yaml").values()
    return plan(bp)


def test_only_the_services_that_declare_a_flow_reach_a_database_on_its_engine_port():
    layout = layout_of()
    to_databases = {(f.source, f.target, f.port) for f in layout.flows if f.target_kind == "database"}
    assert to_databases == {("web", "orders", 5432), ("worker", "orders", 5432), ("worker", "events", 3306)}
    ingress = {(r.group, r.peer, r.port) for r in layout.rules if r.direction == "ingress"
               and r.group.endswith("DatabaseSecurityGroup")}
    assert ingress == {("OrdersDatabaseSecurityGroup", "WebTaskSecurityGroup", 5432),
                       ("OrdersDatabaseSecurityGroup", "WorkerTaskSecurityGroup", 5432),
                       ("EventsDatabaseSecurityGroup", "WorkerTaskSecurityGroup", 3306)}
    egress = {(r.group, r.peer, r.port) for r in layout.rules if r.direction == "egress"
              and r.peer.endswith("DatabaseSecurityGroup")}
    assert egress == {(source, target, port) for target, source, port in ingress}


def test_a_database_group_has_no_cidr_rule_and_sends_nothing():
    groups = {g.logical_id: g for g in layout_of().groups}
    for name in ("OrdersDatabaseSecurityGroup", "EventsDatabaseSecurityGroup"):
        assert groups[name].ingress == ()
        assert [rule.placeholder for rule in groups[name].egress] == [True]


def test_the_data_stack_sits_between_network_and_the_services_that_use_it():
    layout = layout_of()
    stacks = {s.name: s for s in layout.stacks}
    kinds = [s.kind for s in layout.stacks]
    assert kinds == ["network"] + ["firewall"] * kinds.count("firewall") + ["balancer", "data"] + ["service"] * 3
    # the data stack needs the databases' groups (firewall shards) and the network, nothing later; the rules that
    # admit a service to a database live in the service's stack, so the data stack does not grow with callers
    assert set(stacks["shop-default-data"].depends_on) == {"shop-default-network"} | {
        layout.placement.groups[d.security_group] for d in layout.databases}
    assert {r.logical_id for r in layout.rules_in("shop-default-web")} >= {
        r.logical_id for r in layout.rules if r.peer == "WebTaskSecurityGroup" and "Database" in r.group}
    assert "shop-default-data" in stacks["shop-default-web"].depends_on
    assert "shop-default-data" not in stacks["shop-default-report"].depends_on


def test_secure_defaults_are_on_and_relax_turns_off_exactly_what_it_names():
    relaxed = BASE.replace("orders: {engine: postgres}", 'orders: {engine: postgres, relax: {multi_az: "dev: one '
                           'zone is enough here", enhanced_monitoring: "dev: basic metrics are enough"}}')
    plain, dev = layout_of().database("orders"), layout_of(relaxed).database("orders")
    assert (plain.multi_az, plain.deletion_protection, plain.iam_authentication, plain.enhanced_monitoring) == (
        True, True, True, True)
    assert (dev.multi_az, dev.deletion_protection, dev.iam_authentication, dev.enhanced_monitoring) == (
        False, True, True, False)


def test_aurora_has_a_reader_in_another_zone_unless_multi_az_is_relaxed():
    assert layout_of().database("events").members == ("EventsWriter", "EventsReader")
    single = BASE.replace("events: {engine: aurora-mysql}",
                          'events: {engine: aurora-mysql, relax: {multi_az: "dev: a writer alone is enough"}}')
    assert layout_of(single).database("events").members == ("EventsWriter",)


def test_services_get_endpoint_variables_and_the_secret_only_as_secrets():
    endpoints = {(e.caller, e.target): e for e in layout_of().database_endpoints}
    assert set(endpoints) == {("web", "orders"), ("worker", "orders"), ("worker", "events")}
    worker = endpoints[("worker", "events")]
    assert (worker.host_variable, worker.port_variable, worker.name_variable, worker.username_variable,
            worker.password_variable, worker.port) == ("EVENTS_HOST", "EVENTS_PORT", "EVENTS_NAME",
                                                       "EVENTS_USERNAME", "EVENTS_PASSWORD", 3306)


ALL_ENGINES = """\
name: engines
network: {cidr: 10.40.0.0/16}
services:
  app: {image: public.ecr.aws/nginx/nginx:1.27, flows: [pg, my]}
  jobs: {image: public.ecr.aws/nginx/nginx:1.27, flows: [apg, amy]}
databases:
  pg: {engine: postgres, kms_key: {parameter: PgKmsKeyArn}}
  my: {engine: mysql, relax: {iam_authentication: "dev: the app logs in with the managed secret only"}}
  apg: {engine: aurora-postgresql, instance_class: db.r6g.large}
  amy:
    engine: aurora-mysql
    instance_class: db.r6g.large
    relax:
      multi_az: "dev: one writer is enough for tests"
      deletion_protection: "dev: the stack is torn down nightly"
      iam_authentication: "dev: the app logs in with the managed secret only"
      enhanced_monitoring: "dev: basic CloudWatch metrics are enough"
"""


@pytest.fixture(scope="module")
def engines_build(tmp_path_factory):
    directory = tmp_path_factory.mktemp("engines")
    path = directory / "engines.yaml"
    path.write_text(ALL_ENGINES, encoding="utf-8")
    build = compile_blueprints([str(path)])
    out = directory / "out"
    for name, data in build.files().items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return build, out


@pytest.mark.slow
def test_every_engine_passes_cfn_lint_and_the_audit_at_every_severity(engines_build):
    build, _ = engines_build
    assert build.findings == []


@pytest.mark.slow
def test_every_engine_passes_checkov_with_skips_only_for_relaxed_defaults(engines_build, checkov):
    _, out = engines_build
    result = subprocess.run([checkov, "-d", str(out), "--framework", "cloudformation", "--skip-download",
                             "-o", "json"], capture_output=True, text=True, timeout=600)
    report = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    assert reports[0]["summary"]["failed"] == 0, [c["check_id"] + " " + c["resource"]
                                                  for c in reports[0]["results"]["failed_checks"]]
    skipped = {(c["check_id"], c["resource"].split(".")[-1]) for c in reports[0]["results"]["skipped_checks"]}
    assert ("CKV_AWS_161", "MyDatabase") in skipped and ("CKV_AWS_162", "AmyCluster") in skipped
    assert ("CKV_AWS_118", "AmyWriter") in skipped
    assert not any(resource.startswith(("Pg", "Apg")) and check != "CKV2_AWS_69" for check, resource in skipped)


@pytest.mark.slow
def test_data_template_spells_out_the_secure_defaults(engines_build):
    _, out = engines_build
    text = (out / "engines" / "default" / "engines-default-data.template.yaml").read_text()
    data = yaml.load(text, Loader=yaml.BaseLoader)
    resources = data["Resources"]
    pg = resources["PgDatabase"]
    assert pg["DeletionPolicy"] == pg["UpdateReplacePolicy"] == "Snapshot"
    props = pg["Properties"]
    assert (props["StorageEncrypted"], props["PubliclyAccessible"], props["MultiAZ"], props["DeletionProtection"],
            props["EnableIAMDatabaseAuthentication"], props["ManageMasterUserPassword"]) == (
        "true", "false", "true", "true", "true", "true")
    assert "KmsKeyId: !Ref 'PgKmsKeyArn'" in text
    assert "MasterUserPassword" not in props
    assert resources["MyParameterGroup"]["Properties"]["Parameters"] == {"require_secure_transport": "1"}
    assert resources["ApgClusterParameterGroup"]["Properties"]["Parameters"] == {"rds.force_ssl": "1"}
    assert sorted(k for k in resources if k.startswith("Apg") and resources[k]["Type"] == "AWS::RDS::DBInstance") \
        == ["ApgReader", "ApgWriter"]
    assert not any(r["Type"] == "AWS::SecretsManager::Secret" for r in resources.values())
    config = json.loads((out / "engines" / "default" / "engines-default-data.config.json").read_text())
    assert list(config["Parameters"]) == ["PgKmsKeyArn"]
