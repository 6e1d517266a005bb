"""The gate cache, parallel gates and the no-change rebuild (generator/gatecache, docs/performance.md).

Every test points STACKPRINT_CACHE_DIR at its own tmp_path, so it starts with an empty cache and never touches the
user's. The rule the cache must keep: it can make a build faster, never make a failing build pass.
"""
from __future__ import annotations

import io
import json
import os
import signal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.errors import CommandFailed
from generator.gate_findings import GateFinding
from generator.gatecache import GateSession, Progress, Store, TemplateGate, cache_dir
from generator.gatecache.keys import gate_key, package_files
from generator.gatecache.runner import GATE_KIND

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

#: Stacks per environment of SMALL (network, one firewall shard, the balancer's, two services): the counts the
#: progress lines report are derived from it, not written out.
STACKS = 5
VERDICTS = 2 * STACKS  # cfn-lint and audit, per environment

BROKEN_BYTE = ("Type: AWS::EC2::VPC\n", "Type: AWS::EC2::VPD\n")  # one byte: a resource type that does not exist


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "blueprints").mkdir()
    (tmp_path / "blueprints" / "small.yaml").write_text(SMALL)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STACKPRINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, list(args))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def cache_entries(project: Path, kind: str) -> list[Path]:
    return sorted((project / "cache" / kind).rglob("*.json"))


def break_one_byte_of_the_network_template(monkeypatch):
    """Rendering puts a one-byte cfn-lint error into every network template (as a bug in an emitter would)."""
    import generator.compile as compile_module

    real_render = compile_module.render

    def render(layout, source, *rest):
        environment = real_render(layout, source, *rest)
        for name, data in environment.files.items():
            if name.endswith("-network.template.yaml"):
                text = data.decode()
                assert text.count(BROKEN_BYTE[0]) == 1
                environment.files[name] = text.replace(*BROKEN_BYTE).encode()
        return environment

    monkeypatch.setattr(compile_module, "render", render)


# --- where the cache lives ------------------------------------------------------------------------------------------

def test_cache_dir_is_stackprint_cache_dir_then_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv("STACKPRINT_CACHE_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == str(tmp_path / "explicit")
    monkeypatch.delenv("STACKPRINT_CACHE_DIR")
    assert cache_dir() == str(tmp_path / "xdg" / "stackprint")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == str(tmp_path / "home" / ".cache" / "stackprint")


def test_a_corrupt_or_foreign_entry_is_a_miss(tmp_path):
    store = Store(str(tmp_path))
    store.put("gates", "ab" * 32, [[1, "E1", "m"]])
    assert store.get("gates", "ab" * 32) == [[1, "E1", "m"]]
    path = next(tmp_path.rglob("*.json"))
    path.write_bytes(path.read_bytes()[:-5])  # truncated
    assert store.get("gates", "ab" * 32) is None
    path.write_text(json.dumps({"format": 1, "key": "cd" * 32, "value": []}))  # stored under another key
    assert store.get("gates", "ab" * 32) is None
    path.write_bytes(b"\xff\xfe")
    assert store.get("gates", "ab" * 32) is None


def test_the_key_changes_with_every_input_of_a_verdict():
    base = gate_key("cfn-lint", {"regions": ["us-east-1"]}, "a/b.template.yaml", "Resources: {}\n")
    assert base == gate_key("cfn-lint", {"regions": ["us-east-1"]}, "a/b.template.yaml", "Resources: {}\n")
    assert len({base,
                gate_key("audit", {"regions": ["us-east-1"]}, "a/b.template.yaml", "Resources: {}\n"),
                gate_key("cfn-lint", {"regions": ["eu-west-1"]}, "a/b.template.yaml", "Resources: {}\n"),
                gate_key("cfn-lint", {"regions": ["us-east-1"]}, "a/c.template.yaml", "Resources: {}\n"),
                gate_key("cfn-lint", {"regions": ["us-east-1"]}, "a/b.template.yaml", "Resources: {} \n")}) == 5


def test_the_code_digest_covers_the_readme_templates_too():
    """An edited environment README template must be a miss: in an editable install the templates live outside
    generator/ (the top-level templates/ folder), so walking the package alone missed them."""
    names = {name for name, _ in package_files()}
    assert "generator.templates:env-readme.md.j2" in names
    assert "gatecache/keys.py" in names


# --- the cache never hides a finding ---------------------------------------------------------------------------------

def test_one_broken_byte_fails_the_build_with_the_cache_warm(project, monkeypatch):
    assert run("build").exit_code == 0
    verdicts = len(cache_entries(project, "gates"))
    assert verdicts == 2 * VERDICTS + 2  # cfn-lint and audit, for each stack of 2 environments and the pipeline
    before = snapshot(project / "out")
    break_one_byte_of_the_network_template(monkeypatch)
    blueprint = project / "blueprints" / "small.yaml"
    blueprint.write_text(SMALL + "# touched\n")  # new inputs: the no-change shortcut does not apply
    result = run("build")
    assert result.exit_code == 1, result.output
    assert "small/dev/small-dev-network.template.yaml:" in result.output
    assert "E3006" in result.output and "AWS::EC2::VPD" in result.output
    assert "nothing written" in result.output
    assert snapshot(project / "out") == before
    # every other template's verdicts came from the cache: only the two network templates were judged again
    assert f"({VERDICTS - 2}/{VERDICTS} verdicts from the cache)" in result.output
    assert len(cache_entries(project, "gates")) == verdicts + 4


def test_a_cached_finding_is_reported_again(project, monkeypatch):
    break_one_byte_of_the_network_template(monkeypatch)
    first = run("build")
    assert first.exit_code == 1
    second = run("build")
    assert second.exit_code == 1, second.output
    assert f"({VERDICTS}/{VERDICTS} verdicts from the cache)" in second.output  # nothing was linted again ...
    findings = [line for line in second.output.splitlines() if "E3006" in line]
    assert findings == [line for line in first.output.splitlines() if "E3006" in line]  # ... and all is reported
    assert len(findings) == 2
    assert not (project / "out").exists()
    check = run("check")
    assert check.exit_code == 1 and "E3006" in check.output


# --- the no-change rebuild -------------------------------------------------------------------------------------------

def test_an_unchanged_build_and_check_answer_without_compiling(project, monkeypatch):
    import generator.compile as compile_module

    assert run("build").exit_code == 0
    before = snapshot(project / "out")

    def must_not_compile(*args, **kwargs):
        raise AssertionError("compiled although nothing changed")

    monkeypatch.setattr(compile_module, "compile_blueprints", must_not_compile)
    again = run("build")
    assert again.exit_code == 0, again.output
    assert f"up to date: out/small/dev ({STACKS} stacks" in again.output
    assert snapshot(project / "out") == before
    check = run("check")
    assert check.exit_code == 0, check.output
    assert f"out is up to date ({len(before)} files)" in check.output


@pytest.mark.parametrize("change", ["edit", "append", "delete", "extra", "staging"])
def test_any_change_to_out_is_rebuilt_and_reported_by_check(project, change):
    assert run("build").exit_code == 0
    before = snapshot(project / "out")
    target = project / "out" / "small" / "prod" / "small-prod-api.template.yaml"
    if change == "edit":
        data = bytearray(target.read_bytes())
        data[100] = ord("x") if data[100] != ord("x") else ord("y")
        target.write_bytes(bytes(data))
    elif change == "append":
        target.write_bytes(target.read_bytes() + b"\n")
    elif change == "delete":
        target.unlink()
    elif change == "extra":
        (project / "out" / "small" / "prod" / "notes.txt").write_text("left here\n")
    else:
        (project / "out" / ".stackprint-staging-x").mkdir()
    check = run("check")
    if change == "staging":
        assert check.exit_code == 0  # check ignores hidden folders; build cleans them up
    else:
        assert check.exit_code == 1, check.output
        assert "small/prod/" in check.output and "stale" in check.output
    rebuilt = run("build")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert f"built out/small/prod ({STACKS} stacks)" in rebuilt.output
    assert snapshot(project / "out") == before
    assert run("check").exit_code == 0


def test_a_changed_blueprint_is_rebuilt_and_check_reports_it(project):
    assert run("build").exit_code == 0
    blueprint = project / "blueprints" / "small.yaml"
    blueprint.write_text(SMALL.replace("count: 2", "count: 3"))
    rebuilt = run("build")
    assert rebuilt.exit_code == 0 and "built out/small/prod" in rebuilt.output
    assert "DesiredCount: 3" in (project / "out" / "small" / "prod" / "small-prod-api.template.yaml").read_text()
    # one service's count: only its template (and nothing else gated) was judged again
    assert (f"small/prod: {STACKS} stacks rendered, linted {STACKS}/{STACKS}, audited {STACKS}/{STACKS} "
            f"({VERDICTS - 2}/{VERDICTS} verdicts from the cache)") in rebuilt.output
    assert run("check").exit_code == 0
    blueprint.write_text(SMALL)  # back, without building: check must see out/ is stale
    check = run("check")
    assert check.exit_code == 1
    assert "differs: out/small/prod/small-prod-api.template.yaml" in check.output


def test_no_cache_neither_reads_nor_writes_the_cache(project, monkeypatch):
    result = run("build", "--no-cache")
    assert result.exit_code == 0
    assert not (project / "cache").exists()
    assert run("build").exit_code == 0  # fills the cache
    import generator.compile as compile_module

    compiled = []
    real = compile_module.compile_blueprints
    monkeypatch.setattr(compile_module, "compile_blueprints", lambda *a, **k: compiled.append(1) or real(*a, **k))
    again = run("build", "--no-cache")
    assert again.exit_code == 0 and compiled == [1]
    assert f"(0/{VERDICTS} verdicts from the cache)" in again.output
    assert run("check", "--no-cache").exit_code == 0 and compiled == [1, 1]


def test_an_unwritable_cache_is_one_warning_and_the_build_goes_on(project, monkeypatch):
    blocker = project / "not-a-dir"
    blocker.write_text("a file where the cache directory should be\n")
    monkeypatch.setenv("STACKPRINT_CACHE_DIR", str(blocker))
    result = run("build")
    assert result.exit_code == 0, result.output
    assert result.output.count("cannot write the build cache") == 1
    assert f"built out/small/dev ({STACKS} stacks)" in result.output


# --- parallel gates --------------------------------------------------------------------------------------------------

def _numbered(path: str, text: str) -> list[GateFinding]:
    return [GateFinding(path, n, "T001", f"line {n}") for n in range(1, 1 + text.count("x"))]


def _die_on_bad(path: str, text: str) -> list[GateFinding]:
    if "bad" in path:
        os.kill(os.getpid(), signal.SIGKILL)
    return []


def _interrupt(path: str, text: str) -> list[GateFinding]:
    raise KeyboardInterrupt


NUMBERED = TemplateGate("numbered", _numbered)
DIES = TemplateGate("dies", _die_on_bad)
INTERRUPTED = TemplateGate("interrupted", _interrupt)


def test_parallel_findings_are_the_serial_ones_in_the_same_order():
    templates = {f"t/{i:02d}.template.yaml": "x" * (i * 7 % 11) for i in range(20)}
    serial = GateSession([NUMBERED], workers=1).run(templates)
    parallel = GateSession([NUMBERED], workers=2).run(templates)
    assert parallel == serial == sorted(serial)
    assert len(serial) == sum(i * 7 % 11 for i in range(20))


def test_with_a_warm_cache_one_worker_starts_early_and_the_others_join_when_there_is_more(tmp_path):
    store = Store(str(tmp_path))
    store.put(GATE_KIND, "00" * 32, [])  # a cache that has seen builds: a small rebuild is likely
    templates = {f"t/{i:02d}.template.yaml": "x" * (i % 5) for i in range(12)}
    gate = TemplateGate("numbered", _numbered)  # a gate of its own: no pool of this process serves it yet
    session = GateSession([gate], store, workers=2)
    assert session._early == 1
    assert session.run(templates) == GateSession([gate], workers=1).run(templates)
    assert GateSession([gate], store, workers=2).run(templates) == session.run(templates)  # all cached now


def test_a_dead_worker_is_a_clean_error_not_a_hang():
    with pytest.raises(CommandFailed) as raised:
        GateSession([DIES], workers=2).run({"a.template.yaml": "", "bad.template.yaml": "", "c.template.yaml": ""})
    assert raised.value.exit_code == 2
    assert "worker process stopped unexpectedly" in raised.value.message
    # the next session gets a fresh pool
    assert GateSession([DIES], workers=2).run({"a.template.yaml": "", "c.template.yaml": ""}) == []


def test_an_interrupt_stops_the_workers_and_reaches_the_caller():
    with pytest.raises(KeyboardInterrupt):
        GateSession([INTERRUPTED], workers=2).run({"a.template.yaml": "", "b.template.yaml": ""})


def test_the_real_gates_run_in_workers_and_find_the_broken_byte(tmp_path):
    from generator.compile import GATES

    text = (Path(__file__).resolve().parent.parent / "out" / "web-api" / "dev" /
            "web-api-dev-network.template.yaml").read_text()
    assert text.count(BROKEN_BYTE[0]) == 1
    templates = {"ok.template.yaml": text, "broken.template.yaml": text.replace(*BROKEN_BYTE)}
    store = Store(str(tmp_path))
    for _ in range(2):  # the second run answers from the cache: the same findings
        findings = GateSession(GATES, store, workers=2).run(templates)
        assert [(f.path, f.rule) for f in findings] == [("broken.template.yaml", "E3006")]
    assert len(list((tmp_path / GATE_KIND).rglob("*.json"))) == 4


# --- progress --------------------------------------------------------------------------------------------------------

class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_is_a_live_line_and_a_summary_per_environment():
    stream = _Terminal()
    progress = Progress(stream=stream)
    progress.rendering("shop/dev")
    progress.rendered("shop/dev", 2)
    for path in ("shop/dev/a.template.yaml", "shop/dev/b.template.yaml"):
        progress.gated(path, "cfn-lint", cached=False)
        progress.gated(path, "audit", cached=path.startswith("shop/dev/a"))
    progress.finish()
    raw = stream.getvalue()
    assert "\r\x1b[Kshop/dev: rendering" in raw
    text = click.unstyle(raw)
    assert text.rstrip().splitlines()[-1].endswith("s)")
    assert "shop/dev: 2 stacks rendered, linted 2/2, audited 2/2 (1/4 verdicts from the cache) (" in text


def test_without_a_terminal_only_finished_environments_are_printed(project):
    result = run("build")
    lines = [line for line in result.output.splitlines() if "rendered" in line]
    assert [line.split(":")[0] for line in lines] == ["small", "small/dev", "small/prod"] or \
        sorted(line.split(":")[0] for line in lines) == ["small", "small/dev", "small/prod"]
    assert all(line.endswith("s)") and "\r" not in line for line in lines)
    quiet = run("build", "--quiet", "--no-cache")
    assert quiet.exit_code == 0 and quiet.output == ""
