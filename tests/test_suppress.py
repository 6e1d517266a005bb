"""A blueprint accepts an audit finding only by stating the rule and a reason; the reason lands in the template.

Without the exception the build fails and writes nothing; with it the build passes, the template carries
``Metadata.stackprint.ignore`` with the reason, and a standalone ``stackprint audit`` of the output agrees.
"""
from __future__ import annotations

import textwrap

import yaml
from click.testing import CliRunner

from generator.cli import main

BASE = textwrap.dedent("""\
    name: rw
    network: {cidr: 10.30.0.0/16}
    load_balancers:
      public: {scheme: internet-facing, https: {certificate: {parameter: CertificateArn}}}
    services:
      web:
        image: public.ecr.aws/nginx/nginx:1.27
        port: 8080
        route: {load_balancer: public}
        read_only_root_filesystem: false
    """)
REASON = "stock nginx image writes its pid and cache under /var"


def _build(tmp_path, text: str):
    blueprint = tmp_path / "rw.yaml"
    blueprint.write_text(text)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(blueprint), "--out", str(out)])
    return result, out, blueprint


def _metadata(out, resource: str) -> dict:
    text = (out / "rw" / "default" / "rw-default-web.template.yaml").read_text()
    template = yaml.load(text, Loader=yaml.BaseLoader)  # tags kept as strings; only Metadata is read
    return template["Resources"][resource].get("Metadata", {})


def test_a_finding_fails_the_build_and_nothing_is_written(tmp_path):
    result, out, _ = _build(tmp_path, BASE)
    assert result.exit_code == 1
    assert "ECS003: low: TaskDefinition: container web has a writable root filesystem" in result.output
    assert "nothing written" in result.output
    assert not out.exists()


def test_a_stated_exception_is_written_into_the_template_and_the_audit_agrees(tmp_path):
    text = BASE + f"""    audit:\n      ignore:\n        - {{rule: ECS003, reason: "{REASON}", resources: [TaskDefinition]}}\n"""
    result, out, _ = _build(tmp_path, text)
    assert result.exit_code == 0, result.output
    assert _metadata(out, "TaskDefinition")["stackprint"]["ignore"] == [{"reason": REASON, "rule": "ECS003"}]
    audit = CliRunner().invoke(main, ["audit", str(out), "--fail-on", "low"])
    assert audit.exit_code == 0, audit.output


def test_an_exception_limited_to_other_resources_does_not_apply(tmp_path):
    text = BASE + f"""    audit:\n      ignore:\n        - {{rule: ECS003, reason: "{REASON}", resources: [Service]}}\n"""
    result, out, _ = _build(tmp_path, text)
    assert result.exit_code == 1
    assert "ECS003" in result.output and not out.exists()


def test_a_top_level_exception_covers_every_stack(tmp_path):
    text = BASE + f"""audit:\n  ignore:\n    - {{rule: ECS003, reason: "{REASON}"}}\n"""
    result, out, _ = _build(tmp_path, text)
    assert result.exit_code == 0, result.output
    assert _metadata(out, "TaskDefinition")["stackprint"]["ignore"][0]["rule"] == "ECS003"


def test_an_exception_that_matches_nothing_is_a_positioned_warning(tmp_path):
    text = BASE + f"""    audit:\n      ignore:\n        - {{rule: ECS003, reason: "{REASON}"}}\n""" \
                  f"""        - {{rule: ELB004, reason: "not needed: this stack has no load balancer"}}\n"""
    result, _, blueprint = _build(tmp_path, text)
    assert result.exit_code == 0
    assert (f"warning: {blueprint}:14:18: services.web.audit.ignore[1].rule: ELB004 matches no finding in "
            f"environment 'default'") in result.output


def test_an_unknown_rule_is_an_input_error_with_a_suggestion(tmp_path):
    text = BASE + f"""    audit:\n      ignore:\n        - {{rule: ESC003, reason: "{REASON}"}}\n"""
    result, out, blueprint = _build(tmp_path, text)
    assert result.exit_code == 2
    assert f"{blueprint}:13:18: services.web.audit.ignore[0].rule: unknown audit rule 'ESC003' (did you mean " \
           f"'ECS003'?)" in result.output
    assert not out.exists()


def test_an_exception_needs_a_real_reason(tmp_path):
    text = BASE + """    audit:\n      ignore:\n        - {rule: ECS003, reason: "ok"}\n"""
    result, _, blueprint = _build(tmp_path, text)
    assert result.exit_code == 2
    assert "services.web.audit.ignore[0].reason: a reason of at least 10 characters is required" in result.output
