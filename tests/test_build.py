"""`stackprint build` and `stackprint check` as a user runs them: files written, atomicity, staleness, exit codes."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.gate_findings import GateFinding

pytestmark = pytest.mark.slow  # see tests/conftest.py: "Suite cost"

REPO = Path(__file__).resolve().parent.parent

SMALL = """\
name: small
network: {cidr: 10.30.0.0/20, availability_zones: 2, nat: single}
load_balancers:
  private: {scheme: internal}
services:
  api: {image: public.ecr.aws/nginx/nginx:1.27, port: 8080, route: {load_balancer: private}}
  worker: {image: public.ecr.aws/nginx/nginx:1.27, flows: [api]}
environments:
  dev: {}
  prod: {services: {api: {count: 2}}}
"""


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "blueprints").mkdir()
    (tmp_path / "blueprints" / "small.yaml").write_text(SMALL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_build_writes_the_fixed_layout_and_reports_progress(project):
    result = run("build")
    assert result.exit_code == 0, result.output
    # network, the firewall shard of api's and worker's groups (both hash to 5), the private balancer, api, worker
    assert "built out/small/dev (5 stacks)" in result.output
    assert "built out/small/prod (5 stacks)" in result.output
    assert sorted(snapshot(project / "out" / "small" / "dev")) == sorted([
        "README.md", "stacks.json"] + [f"small-dev-{stack}.{kind}" for kind in ("config.json", "template.yaml")
                                       for stack in ("api", "firewall-5", "lb-private", "network",
                                                     "worker")])
    readme = (project / "out" / "small" / "dev" / "README.md").read_text()
    assert "| `WorkerTaskSecurityGroup` (worker) | `PrivateLoadBalancerSecurityGroup` (private) | tcp/80 |" in readme


def test_check_passes_after_build_and_lists_every_kind_of_difference(project):
    assert run("build").exit_code == 0
    assert run("check").exit_code == 0
    env = project / "out" / "small" / "dev"
    (env / "stacks.json").write_text("[]\n")
    (env / "small-dev-api.config.json").unlink()
    (env / "notes.txt").write_text("stale\n")
    (project / "out" / "gone" / "dev").mkdir(parents=True)
    (project / "out" / "gone" / "dev" / "stacks.json").write_text("[]\n")
    result = run("check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "differs: out/small/dev/stacks.json" in lines
    assert "missing: out/small/dev/small-dev-api.config.json" in lines
    assert "extra: out/small/dev/notes.txt" in lines
    assert "extra: out/gone/dev/stacks.json" in lines


def test_build_removes_stale_files_of_the_blueprint_but_not_other_blueprints(project):
    (project / "out" / "small" / "old").mkdir(parents=True)
    (project / "out" / "small" / "old" / "x.template.yaml").write_text("stale")
    (project / "out" / "other").mkdir()
    (project / "out" / "other" / "keep.txt").write_text("keep")
    assert run("build").exit_code == 0
    assert not (project / "out" / "small" / "old").exists()
    assert (project / "out" / "other" / "keep.txt").read_text() == "keep"


def test_env_option_rebuilds_only_that_environment(project):
    assert run("build").exit_code == 0
    (project / "out" / "small" / "prod" / "marker").write_text("untouched")
    result = run("build", "blueprints/small.yaml", "--env", "dev")
    assert result.exit_code == 0
    assert "built out/small/dev (5 stacks)" in result.output and "prod" not in result.output
    assert (project / "out" / "small" / "prod" / "marker").read_text() == "untouched"


def test_unknown_env_is_an_input_error(project):
    result = run("build", "blueprints/small.yaml", "--env", "staging")
    assert result.exit_code == 2
    assert "blueprints/small.yaml: --env staging: not an environment of this blueprint (environments: dev, prod)" \
        in result.output
    result = run("build", "--env", "staging")
    assert result.exit_code == 2
    assert "--env staging: no blueprint declares this environment" in result.output


def test_env_over_the_directory_skips_blueprints_without_it(project):
    (project / "blueprints" / "solo.yaml").write_text(
        "name: solo\nnetwork: {cidr: 10.40.0.0/20, availability_zones: 2, nat: none}\n")
    result = run("build", "--env", "dev")
    assert result.exit_code == 0, result.output
    assert "built out/small/dev (5 stacks)" in result.output and "solo" not in result.output


def test_input_error_leaves_out_exactly_as_it_was(project):
    assert run("build").exit_code == 0
    before = snapshot(project / "out")
    (project / "blueprints" / "small.yaml").write_text(SMALL.replace("port: 8080", "port: 8080, colour: red"))
    result = run("build")
    assert result.exit_code == 2
    assert result.output.startswith("blueprints/small.yaml:6:")
    assert "services.api.colour" in result.output
    assert snapshot(project / "out") == before


def test_gate_findings_fail_the_build_with_exit_1_and_write_nothing(project, monkeypatch):
    import generator.compile as compile_module

    assert run("build").exit_code == 0
    before = snapshot(project / "out")
    (project / "blueprints" / "small.yaml").write_text(SMALL.replace("count: 2", "count: 3"))
    monkeypatch.setattr(compile_module, "GATES", [lambda templates: [
        GateFinding(sorted(templates)[0], 7, "XX001", "refused by a test gate")]])
    result = run("build")
    assert result.exit_code == 1
    assert "small/dev/small-dev-api.template.yaml:7: XX001: refused by a test gate" in result.output
    assert "nothing written" in result.output
    assert snapshot(project / "out") == before


def test_templates_over_the_inline_limit_are_warned_about(project, monkeypatch):
    import generator.compile as compile_module

    monkeypatch.setattr(compile_module, "INLINE_TEMPLATE_LIMIT", 1000)
    result = run("build", "--env", "dev")
    assert result.exit_code == 0
    assert "small/dev/small-dev-network.template.yaml:" in result.output
    assert "exceeds the 1,000-byte inline limit" in result.output


def test_no_blueprints_is_an_input_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("build")
    assert result.exit_code == 2
    assert "no blueprints found in blueprints/" in result.output


def test_committed_out_is_current(fresh_build, monkeypatch):
    """What CI runs: `stackprint check` in the repository says the committed out/ equals a fresh build. The build
    is the session's (tests/conftest.py), made from the same blueprints check would compile, so the full build
    runs once per suite."""
    import generator.compile as compile_module

    compiled = []

    def shared_build(paths, *args, **kwargs):
        compiled.append(list(paths))
        return fresh_build

    monkeypatch.chdir(REPO)
    monkeypatch.setattr(compile_module, "compile_blueprints", shared_build)
    result = run("check", "--no-cache")  # compile (here: share the session's build), not answer from the cache
    assert compiled == [compile_module.blueprint_paths(())]  # every blueprint, as check would build them
    assert result.exit_code == 0, result.output
    assert f"out is up to date ({len(fresh_build.files())} files)" in result.output
