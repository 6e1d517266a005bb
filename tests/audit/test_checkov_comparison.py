"""What stackprint finds that checkov does not, and the reverse, measured on the failing fixtures.

checkov 3.3.30 runs once (offline: ``--skip-download``, ``BC_SKIP_MAPPING=TRUE``) over a copy of every rule's
failing fixture. For each stackprint rule the test records which resources its fixture expects to be reported and
which of those checkov flags with a check of the same concern (the mapping below is the one place that says which
checkov check matches which rule). It also lists every checkov check that fails on the fixtures with no stackprint
equivalent. The resulting tables must equal the README block between the checkov-comparison markers; run
``STACKPRINT_UPDATE_GOLDEN=1 pytest tests/audit`` (or ``pytest --update-golden``) to rewrite it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.audit import RULES
from generator.write import atomic_write

pytestmark = pytest.mark.slow  # see tests/conftest.py: "Suite cost"

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent
README = ROOT / "README.md"
START, END = "<!-- checkov-comparison:start -->", "<!-- checkov-comparison:end -->"

# checkov check id -> the stackprint rule of the same concern. Checks absent here have no stackprint equivalent.
# CKV_AWS_260 (port 80 open to 0.0.0.0/0) is deliberately unmapped: stackprint's policy authorizes 80 and 443 on
# public load balancers and judges the rest (SG005) and the attachment (NET003) instead.
CHECKOV_EQUIVALENTS = {
    "CKV_AWS_24": "SG001",   # SSH (22) open to 0.0.0.0/0
    "CKV_AWS_25": "SG001",   # RDP (3389) open to 0.0.0.0/0
    "CKV_AWS_23": "SG009",   # security-group rule description
    "CKV_AWS_16": "DATA001",  # RDS instance encrypted at rest
    "CKV_AWS_96": "DATA001",  # Aurora cluster encrypted at rest
    "CKV_AWS_157": "DATA004",  # RDS instance Multi-AZ
    "CKV2_AWS_69": "DATA007",  # RDS instance encryption in transit (parameter group forces TLS)
    "CKV_AWS_17": "DATA002",  # RDS not publicly accessible
    "CKV_AWS_53": "DATA003",  # S3 BlockPublicAcls
    "CKV_AWS_54": "DATA003",  # S3 BlockPublicPolicy
    "CKV_AWS_55": "DATA003",  # S3 IgnorePublicAcls
    "CKV_AWS_56": "DATA003",  # S3 RestrictPublicBuckets
    "CKV_AWS_66": "LOG001",  # log group retention
    "CKV_AWS_2": "ELB001",   # ALB listener protocol HTTPS
    "CKV_AWS_103": "ELB002",  # listener TLS 1.2+
    "CKV_AWS_131": "ELB003",  # ALB drops invalid headers
    "CKV_AWS_91": "ELB004",  # ELBv2 access logs
    "CKV_AWS_92": "ELB004",  # classic ELB access logs
}


def _fail_fixture(rule: str) -> Path:
    return next(iter(sorted((FIXTURES / rule).glob("fail.*"))))


@pytest.fixture(scope="module")
def checkov_failures(tmp_path_factory, checkov) -> list[tuple[str, str, str, str]]:
    """(rule fixture, logical id, check id, check name) of every failed checkov check, run once."""
    binary = checkov
    folder = tmp_path_factory.mktemp("checkov-fixtures")
    for rule in RULES:
        source = _fail_fixture(rule)
        shutil.copyfile(source, folder / f"{rule}{source.suffix}")
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE")
    completed = subprocess.run([binary, "-d", str(folder), "--framework", "cloudformation", "--skip-download",
                                "--output", "json", "--quiet"], capture_output=True, text=True, env=env,
                               timeout=300, check=False)
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    reports = json.loads(completed.stdout)
    failures = set()
    for report in reports if isinstance(reports, list) else [reports]:
        for check in report.get("results", {}).get("failed_checks", []):
            fixture = Path(check["file_path"]).stem
            logical_id = check["resource"].split(".", 1)[1]
            failures.add((fixture, logical_id, check["check_id"], check["check_name"]))
    return sorted(failures)


def _expected_resources(rule: str) -> list[str]:
    expected = json.loads((FIXTURES / rule / "expected.json").read_text())
    return sorted({item["resource"] for item in expected})


def _check_sort_key(check_id: str):
    prefix, _, number = check_id.rpartition("_")
    return (prefix, int(number) if number.isdigit() else 0)


def comparison_markdown(failures) -> str:
    """The two README tables, deterministic."""
    lines = ["| rule | severity | stackprint: resources reported in the failing fixture | checkov checks of the "
             "same concern that fire | resources checkov catches |", "|---|---|---|---|---|"]
    for rule_id, rule in RULES.items():
        resources = _expected_resources(rule_id)
        catching: dict[str, set] = {}
        for fixture, logical_id, check_id, _ in failures:
            if fixture == rule_id and CHECKOV_EQUIVALENTS.get(check_id) == rule_id and logical_id in resources:
                catching.setdefault(check_id, set()).add(logical_id)
        caught = set().union(*catching.values()) if catching else set()
        checks = ", ".join(sorted(catching, key=_check_sort_key)) or "—"
        lines.append(f"| {rule_id} | {rule.severity} | {len(resources)} ({', '.join(resources)}) | {checks} | "
                     f"{len(caught)} of {len(resources)} |")
    others: dict[tuple, set] = {}
    for fixture, _, check_id, name in failures:
        if check_id not in CHECKOV_EQUIVALENTS:
            others.setdefault((check_id, name), set()).add(fixture)
    lines += ["", "checkov checks that fail on these fixtures with no stackprint equivalent:", "",
              "| checkov check | what it checks | fixtures where it fails |", "|---|---|---|"]
    for (check_id, name), fixtures in sorted(others.items(), key=lambda item: _check_sort_key(item[0][0])):
        lines.append(f"| {check_id} | {name} | {', '.join(sorted(fixtures))} |")
    return "\n".join(lines) + "\n"


def _readme_block(text: str) -> str:
    assert START in text and END in text, f"README.md lacks the {START} … {END} markers"
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def test_every_mapped_check_maps_to_a_real_rule():
    assert set(CHECKOV_EQUIVALENTS.values()) <= set(RULES)


def test_checkov_comparison_in_readme_is_current(checkov_failures, update_golden):
    table = comparison_markdown(checkov_failures)
    text = README.read_text(encoding="utf-8")
    if update_golden:
        if START in text and END in text:
            before, rest = text.split(START, 1)
            after = rest.split(END, 1)[1]
        else:  # first run: append the block at the end of the README
            before, after = text.rstrip("\n") + "\n\n", "\n"
        atomic_write(str(README), f"{before}{START}\n{table}{END}{after}")
        text = README.read_text(encoding="utf-8")
    assert _readme_block(text) == table, "README checkov table is stale: rerun with STACKPRINT_UPDATE_GOLDEN=1"


def test_checkov_misses_what_the_issue_says_it_misses(checkov_failures):
    """The reason this audit exists: checkov flags nothing at all on the resources these fixtures expose
    (all-protocol ingress, public IPs on ECS services, plaintext secrets, unused and redundant groups)."""
    for rule in ("SG002", "ECS001", "ECS002", "SG007", "SG008"):
        resources = set(_expected_resources(rule))
        assert not [f for f in checkov_failures if f[0] == rule and f[1] in resources], rule
