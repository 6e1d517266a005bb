"""The audit on public CloudFormation templates nobody here wrote (issue 13): no crash, exit 0 or 1 for every file,
and exactly the reviewed findings (rule, resource, line) of tests/audit/realworld/expected/<file>.json.

The templates themselves are not in this repository (see tests/audit/realworld/SOURCES.md): sources.json records
each one's repository, commit, path, license and sha256, and the test reads them from STACKPRINT_REALWORLD_CORPUS
(a folder holding them), else from shared/audit-realworld/templates beside the repository. Without either the tests
skip, saying where the corpus goes; a named folder that is missing or holds other bytes fails.

``pytest --update-golden`` rewrites the expected files from the current audit: review the diff before committing.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

HERE = Path(__file__).parent / "realworld"
SOURCES = json.loads((HERE / "sources.json").read_text(encoding="utf-8"))
EXPECTED = HERE / "expected"
PERMISSIVE = {"Apache-2.0", "MIT-0", "MIT", "BSD-2-Clause", "BSD-3-Clause"}


def corpus_dir() -> Path:
    named = os.environ.get("STACKPRINT_REALWORLD_CORPUS")
    if named:
        if not Path(named).is_dir():
            pytest.fail(f"STACKPRINT_REALWORLD_CORPUS={named} is not a folder")
        return Path(named)
    beside = HERE.parents[2].parent / "shared" / "audit-realworld" / "templates"
    if beside.is_dir():
        return beside
    pytest.skip("real-world corpus not present: put the templates of tests/audit/realworld/sources.json in a folder "
                "and set STACKPRINT_REALWORLD_CORPUS to it (tests/audit/realworld/SOURCES.md)")


def run(*args):
    result = CliRunner().invoke(main, ["audit", *args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def test_sources_are_recorded_and_permissive():
    assert len(SOURCES) >= 100
    assert len({entry["file"] for entry in SOURCES}) == len(SOURCES)
    for entry in SOURCES:
        assert entry["license"] in PERMISSIVE, entry
        assert entry["repository"].startswith("https://github.com/") and len(entry["commit"]) == 40, entry
        assert entry["path"] and entry["license_file"] and len(entry["sha256"]) == 64, entry


def test_every_template_has_a_reviewed_expectation_and_nothing_else_does():
    assert sorted(p.name for p in EXPECTED.glob("*.json")) == sorted(e["file"] + ".json" for e in SOURCES)


@pytest.mark.parametrize("entry", SOURCES, ids=[e["file"] for e in SOURCES])
def test_template_audits_to_its_expected_findings(entry, update_golden):
    path = corpus_dir() / entry["file"]
    assert path.is_file(), f"{path}: missing from the corpus"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], f"{path}: not the recorded bytes"
    result = run(str(path), "--format", "json", "--fail-on", "low")
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    assert document["errors"] == [] and document["summary"]["files"] == 1
    assert result.exit_code == (1 if document["findings"] else 0)
    found = [{"rule": f["rule"], "resource": f["resource"], "line": f["line"]} for f in document["findings"]]
    expected_file = EXPECTED / (entry["file"] + ".json")
    if update_golden:
        EXPECTED.mkdir(exist_ok=True)
        expected_file.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert found == json.loads(expected_file.read_text(encoding="utf-8"))


def test_whole_corpus_as_one_folder_run():
    """Every file is read (none skipped, none unreadable) and the folder run reports every file's findings."""
    folder = corpus_dir()
    result = run(str(folder), "--format", "json")
    document = json.loads(result.stdout)
    assert result.exit_code == 1
    assert document["errors"] == [] and document["summary"]["files"] == len(SOURCES)
    expected = sum(len(json.loads((EXPECTED / (e["file"] + ".json")).read_text())) for e in SOURCES)
    assert document["summary"]["findings"] == expected
