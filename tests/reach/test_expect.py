"""``expect:`` is proven from the rendered templates; shared internal balancers are refused unless every caller
declares flows to every service behind them (issue 10, part 2)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.compile import compile_blueprints
from generator.errors import InputError
from generator.model import load_blueprint_text
from generator.reach import analyse, from_paths

REPO = Path(__file__).resolve().parents[2]
WEB_API = (REPO / "blueprints" / "web-api.yaml").read_text()

SHARED = """
name: shared
network: {cidr: 10.40.0.0/16, availability_zones: 2, nat: single}
load_balancers:
  public: {scheme: internet-facing, https: {certificate: {parameter: CertificateArn}}}
  internal: {scheme: internal}
services:
  web:
    image: public.ecr.aws/nginx/nginx:1.27
    port: 8080
    route: {load_balancer: public, path: "/*"}
    flows: [api]
  api:
    image: public.ecr.aws/nginx/nginx:1.27
    port: 9000
    route: {load_balancer: internal, path: "/api/*"}
  billing:
    image: public.ecr.aws/nginx/nginx:1.27
    port: 9100
    route: {load_balancer: internal, path: "/billing/*"}
"""


def _error(text: str, path: str = "bp.yaml") -> str:
    with pytest.raises(InputError) as caught:
        load_blueprint_text(text, path)
    return str(caught.value)


def test_shared_internal_balancer_is_refused_at_the_callers_flows():
    message = _error(SHARED)
    assert message.startswith("bp.yaml:12:12: services.web.flows: web reaches api through internal load balancer "
                              "'internal', which also serves billing")
    assert "add billing to flows, or route billing through a separate load balancer" in message


def test_shared_internal_balancer_is_accepted_when_every_caller_declares_every_service():
    models = load_blueprint_text(SHARED.replace("flows: [api]", "flows: [api, billing]"), "bp.yaml")
    assert set(models["default"].services["web"].flows) == {"api", "billing"}


def test_expect_names_get_did_you_mean():
    text = WEB_API.replace("  worker: {internet: unreachable", "  wokrer: {internet: unreachable")
    message = _error(text)
    assert "expect.wokrer: unknown service or database 'wokrer' (did you mean 'worker'?)" in message
    text = WEB_API.replace("api: {internet: unreachable, reachable_from: [web]",
                           "api: {internet: unreachable, reachable_from: [wbe]")
    assert "expect.api.reachable_from[0]: unknown service 'wbe' (did you mean 'web'?)" in _error(text)


def test_expect_values_are_a_closed_language():
    text = WEB_API.replace("api: {internet: unreachable,", "api: {internet: maybe,")
    assert "expect.api.internet" in _error(text)


def _build(tmp_path, text: str, env: str = "prod"):
    path = tmp_path / "web-api.yaml"
    path.write_text(text)
    return compile_blueprints([str(path)], only_env=env, gates=[])


def test_false_expectations_fail_the_build_at_their_entry_naming_the_path(tmp_path):
    text = WEB_API.replace("api: {internet: unreachable, reachable_from: [web]",
                           "api: {internet: reachable, reachable_from: []")
    with pytest.raises(InputError) as caught:
        _build(tmp_path, text)
    lines = str(caught.value).splitlines()
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("  api: {internet: reachable"))
    assert lines[0] == (f"{tmp_path}/web-api.yaml:{line}:19: expect.api.internet: expected reachable, but the "
                        "rendered templates give no path from the internet (route it through an internet-facing "
                        "load balancer)")
    assert lines[1].endswith("expect.api.reachable_from: expected exactly [], but the rendered templates say: also "
                             "reachable from web tcp/9000 via InternalLoadBalancer:80")


def test_unreachable_web_names_the_internet_path(tmp_path):
    text = WEB_API.replace("web: {internet: reachable,", "web: {internet: unreachable,")
    with pytest.raises(InputError) as caught:
        _build(tmp_path, text)
    assert ("expect.web.internet: expected unreachable, but the rendered templates give a path from the internet: "
            "internet → InternetGateway → PublicSubnet1 → PublicLoadBalancer:443 → web/TargetGroup → web tcp/8080"
            ) in str(caught.value)


def test_overlay_changes_an_expectation_per_environment(tmp_path):
    text = WEB_API.replace("  dev:\n", "  dev:\n    expect: {worker: {outbound: none}}\n", 1)
    assert _build(tmp_path, text, env="prod").environments  # prod keeps outbound: internet
    with pytest.raises(InputError) as caught:
        _build(tmp_path, text, env="dev")
    assert "expect.worker.outbound: expected none, the rendered templates give internet" in str(caught.value)


@pytest.mark.parametrize("blueprint", sorted(p.name for p in (REPO / "blueprints").glob("*.yaml")))
def test_every_example_carries_expectations_the_committed_output_proves(blueprint):
    """Read back from the committed out/ with the CLI's loader (not the build): each expect entry holds there."""
    data = yaml.safe_load((REPO / "blueprints" / blueprint).read_text())
    assert data.get("expect"), f"{blueprint} has no expect: section"
    for env_dir in sorted(p for p in (REPO / "out" / data["name"]).iterdir() if p.is_dir()):  # not pipeline.*
        reach = analyse(from_paths([str(env_dir)]))
        by_name = {v.name: v for v in reach.verdicts}
        for name, expectation in data["expect"].items():
            verdict = by_name.get(name) or next(v for v in reach.verdicts if v.logical_id.lower().startswith(name))
            if "internet" in expectation:
                wanted = expectation["internet"]
                assert verdict.internet == {"reachable": "yes", "restricted": "yes", "unreachable": "no"}[wanted]
                if wanted == "restricted":
                    assert verdict.restricted and verdict.internet_only_from
            if "reachable_from" in expectation:
                assert verdict.caller_names() == sorted(expectation["reachable_from"])
                assert verdict.caller_names("unknown") == []
            if "outbound" in expectation:
                assert verdict.outbound == expectation["outbound"]
