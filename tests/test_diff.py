"""`stackprint diff` (issue 10, part 1): golden blueprint edits, git revisions, formats, exit codes, exports, and
stable logical ids when a service is added or removed.

Each golden edit copies an example blueprint, changes one thing, builds both in memory (gates skipped: the diff is
under test, not cfn-lint) and compares the text report with ``tests/diff/golden/<edit>.txt``; ``pytest
--update-golden`` rewrites those files (review the diff, then commit).
"""
from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.compile import compile_blueprints
from generator.diff import diff_trees, render, tree_from_files
from generator.plan.names import pascal

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "diff"
EXAMPLES = sorted(p.stem for p in (REPO / "blueprints").glob("*.yaml"))


def _blueprint(name: str) -> dict:
    return yaml.safe_load((REPO / "blueprints" / f"{name}.yaml").read_text())


@lru_cache(maxsize=None)
def _build_text(name: str, text: str):
    """The tree of one blueprint (given as YAML text) built in memory; cached per distinct text."""
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"{name}.yaml"
        path.write_text(text)
        return tree_from_files("built", compile_blueprints([str(path)], gates=[]).files())


def build(name: str, data: dict):
    tree = _build_text(name, yaml.safe_dump(data, sort_keys=False))
    return copy.copy(tree)


def diff_of(name: str, edit):
    base = _blueprint(name)
    edited = copy.deepcopy(base)
    edit(edited)
    old, new = build(name, base), build(name, edited)
    old.label, new.label = f"{name}.yaml", f"{name}.yaml (edited)"
    return diff_trees(old, new)


def _add_service(bp: dict) -> None:
    bp["services"]["reports"] = {"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/reports:1.0.0",
                                 "cpu": 256, "memory": 512,
                                 "port": 7000, "count": 1}


def _set_private_prefix(bp: dict) -> None:
    bp["network"].setdefault("subnets", {})["private"] = {"prefix": 21}


def _aurora(bp: dict) -> None:
    bp["databases"]["appdb"]["engine"] = "aurora-postgresql"
    bp["databases"]["appdb"].pop("storage_gb")
    bp["environments"]["dev"]["databases"]["appdb"].pop("storage_gb")


def _mysql(bp: dict) -> None:
    bp["databases"]["appdb"].update(engine="mysql", version="8.4.6")


def _rename(bp: dict) -> None:
    bp["services"]["frontend"] = bp["services"].pop("web")
    _rename_in_expect(bp, "web", "frontend")


def _rename_in_expect(bp: dict, old: str, new: str | None) -> None:
    """Keep the blueprint's `expect:` assertions true to an edit, as its author would (None: the name is gone)."""
    expect = bp.get("expect", {})
    if old in expect:
        body = expect.pop(old)
        if new is not None:
            expect[new] = body
    for body in expect.values():
        if old in body.get("reachable_from", []):
            body["reachable_from"] = [n for n in body["reachable_from"] if n != old] + ([new] if new else [])


def _add_flow(bp: dict) -> None:
    bp["services"]["worker"]["flows"] = ["api"]
    bp["expect"]["api"]["reachable_from"].append("worker")


def _remove_route(bp: dict) -> None:
    del bp["services"]["api"]["route"]
    del bp["load_balancers"]["internal"]
    for env in bp["environments"].values():
        env.get("load_balancers", {}).pop("internal", None)


#: name -> (example, edit, expected exit code without --allow-replace)
EDITS = {
    "add-service": ("two-tier", _add_service, 0),
    "change-count": ("two-tier", lambda bp: bp["services"]["web"].update(count=3), 0),
    "change-port": ("two-tier", lambda bp: bp["services"]["web"].update(port=8081), 0),
    "change-subnet-prefix": ("two-tier", _set_private_prefix, 1),
    "db-engine-version": ("hardened-two-tier", lambda bp: bp["databases"]["appdb"].update(version="17.7"), 0),
    "db-engine-aurora": ("hardened-two-tier", _aurora, 1),
    "db-engine-mysql": ("hardened-two-tier", _mysql, 1),
    "rename-service": ("two-tier", _rename, 1),
    "add-flow": ("web-api", _add_flow, 0),
    "remove-route": ("web-api", _remove_route, 1),  # the internal balancer goes with its only route: danger
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_golden_edit(edit, update_golden):
    example, change, code = EDITS[edit]
    report = diff_of(example, change)
    text = render(report, "text")
    golden = HERE / "golden" / f"{edit}.txt"
    if update_golden:
        golden.write_text(text)
    assert text == golden.read_text(), f"{golden} differs (pytest --update-golden, then review)"
    assert report.exit_code() == code
    assert report.exit_code(allow_replace=True) == (1 if report.errors else 0)


def _resources(report, action=None):
    return {(s.path.rsplit("/", 1)[-1], r.logical_id): r for s in report.stacks for r in s.resources
            if action is None or r.action == action}


def test_subnet_prefix_replaces_every_moved_subnet_as_danger():
    report = diff_of("two-tier", _set_private_prefix)
    subnets = {k: r for k, r in _resources(report).items() if r.type == "AWS::EC2::Subnet"}
    assert subnets and all(r.action == "replace" and r.danger for r in subnets.values())
    cidr = [p for r in subnets.values() for p in r.properties if p.where == "Properties.CidrBlock"]
    assert cidr and all(p.replaces for p in cidr)
    # Their route-table associations follow (SubnetId is create-only), and the imported subnet list breaks.
    assert _resources(report)[("two-tier-default-network.template.yaml",
                               "PrivateSubnet1RouteTableAssociation")].action == "replace"
    assert any("PrivateSubnetIds" in e for e in report.errors)


def test_engine_version_modifies_in_place_but_aurora_replaces_the_database():
    version = diff_of("hardened-two-tier", lambda bp: bp["databases"]["appdb"].update(version="17.7"))
    (database,) = [r for r in version.stacks[0].resources]
    assert (database.action, database.danger) == ("modify", False)
    aurora = diff_of("hardened-two-tier", _aurora)
    removed = _resources(aurora, "remove")
    assert removed[("hardened-two-tier-prod-data.template.yaml", "AppdbDatabase")].danger


def test_engine_change_follows_the_schema_not_a_list():
    """cfn-lint's RDS schema does not list Engine as create-only: the instance is modified in place (RDS itself
    refuses most engine changes); the parameter group is replaced because Family is create-only."""
    report = diff_of("hardened-two-tier", _mysql)
    resources = _resources(report)
    assert resources[("hardened-two-tier-prod-data.template.yaml", "AppdbDatabase")].action == "modify"
    assert resources[("hardened-two-tier-prod-data.template.yaml", "AppdbParameterGroup")].action == "replace"


def test_add_flow_is_one_flow_line_per_environment():
    report = diff_of("web-api", _add_flow)
    # The pipeline (web-api/) changes too: the worker's stack now waits for the internal balancer's.
    assert [(e.flows_added, e.flows_removed) for e in report.environments if "/" in e.directory] == \
        [(["worker → internal-lb tcp/80"], [])] * 2


def test_rename_replaces_everything_of_the_service():
    report = diff_of("two-tier", _rename)
    statuses = {s.path.rsplit("/", 1)[-1]: s.status for s in report.stacks}
    assert statuses["two-tier-default-web.template.yaml"] == "removed"
    assert statuses["two-tier-default-frontend.template.yaml"] == "added"
    assert report.danger
    # The firewall shard drops the old group's export, which the backend's stack (it holds the rule admitting web)
    # imports until it is updated, and the old web stack until it is deleted.
    environment = next(e for e in report.environments if e.directory == "two-tier/default")  # not the pipeline's
    assert environment.notes == [
        "two-tier/default/two-tier-default-firewall-0.template.yaml stops exporting "
        "two-tier-default-firewall-0-WebTaskSecurityGroupId, which "
        "two-tier/default/two-tier-default-backend.template.yaml imports until it is updated: deploy "
        "two-tier/default/two-tier-default-backend.template.yaml first",
        "two-tier/default/two-tier-default-firewall-0.template.yaml stops exporting "
        "two-tier-default-firewall-0-WebTaskSecurityGroupId, which two-tier/default/two-tier-default-web.template.yaml "
        "imports until its stack is deleted: delete that stack first"]
    assert report.exit_code(allow_replace=True) == 0  # a note is advice, not a failure


# --- formats ------------------------------------------------------------------------------------------------------

def test_markdown_is_a_pr_comment_with_one_details_per_stack():
    report = diff_of("two-tier", _set_private_prefix)
    text = render(report, "markdown")
    assert text.startswith("### stackprint diff:")
    assert text.count("<details>") == len(report.stacks) == text.count("</details>")
    assert "**Danger**" in text and "`PrivateSubnet1` (AWS::EC2::Subnet) replaced" in text
    assert "- **error**: two-tier/default/two-tier-default-web.template.yaml: Resources.Service imports " in text
    flows = render(diff_of("web-api", _add_flow), "markdown")
    assert "```diff\n# firewall\n+ worker → internal-lb tcp/80\n```" in flows  # +/- at column 0: GitHub colors them


def test_json_shape():
    report = diff_of("two-tier", lambda bp: bp["services"]["web"].update(port=8081))
    data = json.loads(render(report, "json"))
    assert set(data) == {"old", "new", "counts", "environments"}
    (environment,) = data["environments"]
    # The balancer's egress names its targets group per port; web's own group admits it on web's port.
    assert environment["flows"] == {"added": ["public-lb → public-lb-targets tcp/8081", "public-lb → web tcp/8081"],
                                    "removed": ["public-lb → public-lb-targets tcp/8080", "public-lb → web tcp/8080"]}
    changes = {(s["path"].rsplit("/", 1)[-1], r["logical_id"]): r for s in environment["stacks"]
               for r in s["resources"]}
    target = changes[("two-tier-default-web.template.yaml", "TargetGroup")]
    assert target["action"] == "replace"
    assert target["changes"] == [{"path": "Properties.Port", "old": 8080, "new": 8081, "replaces": True}]


def test_text_is_colored_only_on_a_terminal():
    report = diff_of("two-tier", _rename)

    class Terminal:
        def isatty(self):
            return True

    assert "\x1b[" not in render(report, "text")
    assert "\x1b[" in render(report, "text", stream=Terminal())


# --- command line: directories, git revisions, exit codes -------------------------------------------------------

def _write(root: Path, tree_files: dict[str, bytes]) -> None:
    for name, data in tree_files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def _files(name: str, data: dict) -> dict[str, bytes]:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return compile_blueprints([str(path)], gates=[]).files()


def test_directories_exit_codes(tmp_path):
    base = _blueprint("two-tier")
    edited = copy.deepcopy(base)
    _set_private_prefix(edited)
    _write(tmp_path / "old", _files("two-tier", base))
    _write(tmp_path / "new", _files("two-tier", edited))
    runner = CliRunner()
    same = runner.invoke(main, ["diff", str(tmp_path / "old"), str(tmp_path / "old")])
    assert (same.exit_code, same.output.splitlines()[-1]) == (0, "no changes")
    danger = runner.invoke(main, ["diff", str(tmp_path / "old"), str(tmp_path / "new")])
    assert danger.exit_code == 1 and "PrivateSubnet1 AWS::EC2::Subnet replace DANGER" in danger.output
    # --allow-replace accepts the danger, not the broken import of the subnet list.
    allowed = runner.invoke(main, ["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--allow-replace"])
    assert allowed.exit_code == 1 and "error: " in allowed.output


def test_allow_replace_exits_zero_without_export_errors(tmp_path):
    base = _blueprint("two-tier")
    edited = copy.deepcopy(base)
    _rename(edited)
    _write(tmp_path / "old", _files("two-tier", base))
    _write(tmp_path / "new", _files("two-tier", edited))
    runner = CliRunner()
    assert runner.invoke(main, ["diff", str(tmp_path / "old"), str(tmp_path / "new")]).exit_code == 1
    assert runner.invoke(main, ["diff", str(tmp_path / "old"), str(tmp_path / "new"),
                                "--allow-replace"]).exit_code == 0


@pytest.mark.parametrize("args, message", [
    (["no-such-rev"], "no-such-rev: neither a directory, a template file nor a git revision"),
    (["nope..HEAD"], "nope: neither a directory"),
    ([], "HEAD: neither a directory, a template file nor a git revision of this repository (the current "
         "directory is not in a git repository: give OLD and NEW)"),
])
def test_bad_revision_is_one_line_exit_2(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["diff", *args])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [result.output.strip()] and message in result.output


def test_broken_template_is_exit_2(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "a.yaml").write_text("Resources: {}\n")
    (tmp_path / "new" / "a.yaml").write_text("Resources: [unclosed\n")
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "old"), str(tmp_path / "new")])
    assert result.exit_code == 2 and "a.yaml" in result.output and "Traceback" not in result.output


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo, check=True,
                   capture_output=True)


def test_git_revisions(tmp_path, monkeypatch):
    """A temporary repository with out/ committed twice: `A..B`, one revision against out/ on disk, and HEAD."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    base = _blueprint("two-tier")
    _write(repo / "out", _files("two-tier", base))
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first")
    edited = copy.deepcopy(base)
    edited["services"]["web"]["count"] = 3
    shutil.rmtree(repo / "out")
    _write(repo / "out", _files("two-tier", edited))
    _git(repo, "commit", "-qam", "count 3")
    monkeypatch.chdir(repo)
    runner = CliRunner()
    result = runner.invoke(main, ["diff", "HEAD~1..HEAD"])
    assert result.exit_code == 0, result.output
    assert "Properties.DesiredCount: 2 → 3" in result.output
    assert result.output.splitlines()[0] == "stackprint diff: HEAD~1:out/ → HEAD:out/"
    symmetric = runner.invoke(main, ["diff", "HEAD~1...HEAD"])  # from the merge base, as git diff A...B
    assert symmetric.exit_code == 0 and symmetric.output.splitlines()[1:] == result.output.splitlines()[1:]
    # One revision: against out/ on disk (no blueprints/ here), also from a subdirectory.
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    one = runner.invoke(main, ["diff", "HEAD~1", "--out", "../out"])
    assert one.exit_code == 0 and "Properties.DesiredCount: 2 → 3" in one.output, one.output
    monkeypatch.chdir(repo)
    assert runner.invoke(main, ["diff", "HEAD"]).output.splitlines()[-1] == "no changes"


def test_default_is_head_against_a_fresh_build(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "blueprints").mkdir(parents=True)
    shutil.copy(REPO / "blueprints" / "two-tier.yaml", repo / "blueprints")
    _git(repo, "init", "-q", "-b", "main")
    _write(repo / "out", _files("two-tier", _blueprint("two-tier")))
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first")
    text = (repo / "blueprints" / "two-tier.yaml").read_text()
    (repo / "blueprints" / "two-tier.yaml").write_text(text.replace("port: 8080", "port: 8081"))
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["diff"])
    assert result.exit_code == 0
    assert "+ public-lb → web tcp/8081" in result.output and "- public-lb → web tcp/8080" in result.output


def test_check_diff_prints_the_report_for_stale_files(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "blueprints").mkdir(parents=True)
    shutil.copy(REPO / "blueprints" / "two-tier.yaml", repo / "blueprints")
    _write(repo / "out", _files("two-tier", _blueprint("two-tier")))
    web = repo / "out/two-tier/default/two-tier-default-web.template.yaml"  # holds the rule admitting the balancer
    web.write_text(web.read_text().replace("ToPort: 8080", "ToPort: 8081"))
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["check", "--diff"])
    assert result.exit_code == 1
    assert "differs: out/two-tier/default/two-tier-default-web.template.yaml" in result.output
    assert "+ public-lb → web tcp/8080" in result.output and "- public-lb → web tcp/8080-8081" in result.output


# --- cross-stack exports ----------------------------------------------------------------------------------------

def test_renamed_export_still_imported_is_an_error():
    old, new = HERE / "exports" / "old", HERE / "exports" / "new"
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--allow-replace"])
    assert result.exit_code == 1
    assert ("error: env/app.template.yaml: Resources.AppSecurityGroup imports net-VpcId, which "
            "env/net.template.yaml no longer exports (renamed to net-Vpc;") in result.output


def test_removed_export_nobody_imports_is_fine(tmp_path):
    old = HERE / "exports" / "old"
    new = tmp_path / "new"
    shutil.copytree(old, new)
    (new / "env" / "app.template.yaml").unlink()
    report = CliRunner().invoke(main, ["diff", str(old / "env" / "net.template.yaml"),
                                       str(HERE / "exports" / "new" / "env" / "net.template.yaml")])
    assert report.exit_code == 0 and "Export.Name: !Sub ${AWS::StackName}-VpcId → !Sub ${AWS::StackName}-Vpc" \
        in report.output


# --- logical ids stay put when a service comes or goes ------------------------------------------------------------

def _mentions(value, service: str) -> bool:
    text = json.dumps(value, sort_keys=True)
    return bool(re.search(rf"{pascal(service)}|\b{re.escape(service)}\b|{service.upper()}_", text))


@pytest.mark.parametrize("example", EXAMPLES)
def test_adding_a_service_changes_no_existing_logical_id(example):
    report = diff_of(example, _add_service)
    old = build(example, _blueprint(example))
    new_tree = build(example, _add_blueprint(example))
    for path, template in old.templates.items():
        after = new_tree.templates[path]["Resources"]
        for logical_id, body in template["Resources"].items():
            assert logical_id in after, f"{path}: {logical_id} disappeared when a service was added"
            if after[logical_id] != body:
                assert _mentions(after[logical_id], "reports"), f"{path}: {logical_id} changed for no reason"
    assert not [r for s in report.stacks for r in s.resources if r.action in ("remove", "replace")]


def _routed(example: str) -> dict:
    data = _blueprint(example)
    _add_service(data)
    data["services"]["reports"]["route"] = {"load_balancer": "public", "path": "/reports/*"}
    return data


@pytest.mark.parametrize("example", [e for e in EXAMPLES if "public" in _blueprint(e)["load_balancers"]])
def test_adding_a_routed_service_changes_no_existing_rule(example):
    old, new = build(example, _blueprint(example)), build(example, _routed(example))
    for path, template in old.templates.items():
        after = new.templates[path]["Resources"]
        for logical_id, body in template["Resources"].items():
            assert logical_id in after
            if after[logical_id] != body:
                assert _mentions(after[logical_id], "reports"), f"{path}: {logical_id} changed for no reason"


def _add_blueprint(example: str) -> dict:
    data = _blueprint(example)
    _add_service(data)
    return data


def _without(example: str, service: str) -> dict:
    data = _blueprint(example)
    del data["services"][service]
    for other in data["services"].values():
        if service in other.get("flows", []):
            other["flows"] = [f for f in other["flows"] if f != service]
            if not other["flows"]:
                del other["flows"]
    for env in data.get("environments", {}).values():
        (env or {}).get("services", {}).pop(service, None)
    _rename_in_expect(data, service, None)
    return data


def _compiles(example: str, data: dict) -> bool:
    from generator.errors import InputError

    try:
        build(example, data)
    except InputError:  # e.g. the only service routed to a balancer: the balancer would have to go too
        return False
    return True


def _removable(example: str) -> list[tuple[dict, dict, str]]:
    """(base, edited, removed service) for every service whose removal leaves a valid blueprint; for an example
    where none does (one service), the added `reports` service is removed again."""
    found = [(_blueprint(example), _without(example, s), s) for s in _blueprint(example)["services"]]
    found = [case for case in found if _compiles(example, case[1])]
    return found or [(_add_blueprint(example), _blueprint(example), "reports")]


@pytest.mark.parametrize("example", EXAMPLES)
def test_removing_a_service_changes_only_what_referred_to_it(example):
    """No surviving resource is renamed (no new logical id appears in the other stacks), and a surviving resource
    changes only if it mentioned the removed service (a flow's rule, an API_HOST variable)."""
    for base, edited, service in _removable(example):
        old, new = build(example, base), build(example, edited)
        own = {p for p in old.templates if p.endswith(f"-{service}.template.yaml")}
        assert own and not own & set(new.templates)
        for path, template in old.templates.items():
            if path in own:
                continue
            if path not in new.templates:  # a firewall shard that held only the removed service's group
                assert all(_mentions(resource, service) for resource in template["Resources"].values()), path
                continue
            before, after = template["Resources"], new.templates[path]["Resources"]
            assert set(after) <= set(before), f"removing {service}: {path}: new ids {set(after) - set(before)}"
            for logical_id in set(before) & set(after):
                if after[logical_id] != before[logical_id]:
                    assert _mentions(before[logical_id], service), \
                        f"removing {service}: {path}: {logical_id} changed but never referred to it"


# --- any CloudFormation: exposure of hand-written templates -------------------------------------------------------

def test_internet_reachable_targets_are_called_out_first():
    """A bastion opened to 0.0.0.0/0 on SSH and a balancer opened on IPv6, in templates stackprint did not write."""
    folder = HERE / "internet"
    result = CliRunner().invoke(main, ["diff", str(folder / "old.yaml"), str(folder / "new.yaml")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2:5] == ["  internet-reachable targets changed:",
                          "    + AdminSecurityGroup tcp/22 (on Bastion)",
                          "    + WebSecurityGroup tcp/443 over IPv6 (on Balancer)"]
    assert lines[5:9] == ["  firewall:",
                          "    + internet (IPv6) → WebSecurityGroup tcp/443",
                          "    + internet → AdminSecurityGroup tcp/22",
                          "    - 198.51.100.0/24 → AdminSecurityGroup tcp/22"]
    # One inline rule added to a list of two is one line, not a rewritten list.
    assert "        Properties.SecurityGroupIngress[1]: (none) → {\"CidrIpv6\":\"::/0\"" in result.output
    assert "        Properties.CidrIp: 198.51.100.0/24 → 0.0.0.0/0 (replace)" in result.output


def test_no_changes_between_identical_trees_is_exit_0():
    folder = HERE / "internet"
    result = CliRunner().invoke(main, ["diff", str(folder / "old.yaml"), str(folder / "old.yaml"),
                                       "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["environments"] == []


def test_attachment_followed_across_stacks_through_import_value():
    """The app stack attaches the network stack's group by Fn::ImportValue: opening that group to the internet
    names the service that becomes reachable."""
    folder = HERE / "crossstack"
    result = CliRunner().invoke(main, ["diff", str(folder / "old"), str(folder / "new")])
    assert result.exit_code == 0
    assert result.output.splitlines()[2:6] == ["  internet-reachable targets changed:",
                                               "    + TasksGroup tcp/8080 (on Service)",
                                               "  firewall:",
                                               "    + internet → TasksGroup tcp/8080"]
