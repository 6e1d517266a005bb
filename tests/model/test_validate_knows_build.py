"""`validate` refuses what `build` would refuse (issue 13): unknown audit rule ids, a backup retention the audit
fails without its relax key, engine versions cfn-lint flags. Every value the language accepts builds, or validate
names what to change."""
from __future__ import annotations

from click.testing import CliRunner

from generator.cli import main

REASON = "dev data is re-seeded from fixtures every night"


def _validate(path):
    return CliRunner().invoke(main, ["validate", path])


def test_an_unknown_audit_rule_is_refused_by_validate_with_a_suggestion(write_blueprint):
    path = write_blueprint(f"""
        BASE
            audit:
              ignore:
                - {{rule: ESC003, reason: "{REASON}"}}
        audit:
          ignore:
            - {{rule: XYZ999, reason: "{REASON}"}}
        """)
    result = _validate(path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:15:18: services.web.audit.ignore[0].rule: unknown audit rule 'ESC003' (did you mean 'ECS003'?)",
        f"{path}:18:14: audit.ignore[0].rule: unknown audit rule 'XYZ999' (valid: " + result.stderr.split(
            "(valid: ", 1)[1].split(")")[0] + ")",
    ]
    assert "DATA001, DATA002" in result.stderr and "SUP001" in result.stderr


def test_a_known_audit_rule_passes_validate(write_blueprint):
    path = write_blueprint(f"""
        BASE
            read_only_root_filesystem: false
            audit:
              ignore:
                - {{rule: ECS003, reason: "{REASON}"}}
        """)
    assert _validate(path).exit_code == 0


DATABASE = """
    BASE
    databases:
      orders:
        engine: postgres
"""


def test_a_short_backup_retention_needs_its_relax_key(write_blueprint):
    path = write_blueprint(DATABASE + "        backup_retention_days: 3\n")
    result = _validate(path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:16:28: databases.orders.backup_retention_days: 3 day(s) of backups fails the build's audit "
        "(DATA006: keep at least 7); to accept it, state why under relax: {backup_retention: <reason>}"]


def test_a_short_backup_retention_with_its_reason_validates(write_blueprint):
    path = write_blueprint(DATABASE + f"        backup_retention_days: 1\n        relax: {{backup_retention: "
                                      f"\"{REASON}\"}}\n")
    result = _validate(path)
    assert result.exit_code == 0, result.output


def test_the_model_threshold_is_the_audit_rules():
    from generator.audit.rules.data006_rds_backup_retention import MIN_DAYS
    from generator.model.databases import MIN_BACKUP_RETENTION_DAYS

    assert MIN_BACKUP_RETENTION_DAYS == MIN_DAYS


def test_a_version_cfn_lint_deprecates_is_refused_with_the_valid_ones(write_blueprint):
    path = write_blueprint(DATABASE + "        version: '12.5'\n")
    result = _validate(path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:16:14: databases.orders.version: '12.5' is a deprecated postgres version (cfn-lint flags it, so "
        "build would fail; valid postgres 12.x: 12.22)"]


def test_an_unknown_version_lists_the_valid_ones_of_its_major(write_blueprint):
    path = write_blueprint(DATABASE.replace("postgres", "mysql") + "        version: 8.4.99\n")
    result = _validate(path)
    assert result.exit_code == 2
    assert "databases.orders.version: '8.4.99' is not a known mysql version (cfn-lint flags it, so build would " \
           "fail; valid mysql 8.x: 8.0.42," in result.stderr


def test_the_default_versions_are_valid():
    from generator.model.databases import DEFAULT_VERSIONS, VERSION_PATTERNS
    from generator.model.engine_versions import problem

    for engine, version in DEFAULT_VERSIONS.items():
        assert problem(engine, version, VERSION_PATTERNS[engine][0]) is None, engine
