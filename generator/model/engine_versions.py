"""RDS engine versions as cfn-lint knows them, so `validate` refuses exactly the versions the lint gate would.

cfn-lint ships, as package data, the versions it accepts per engine (rules E3691/E3690, ``engine_version.json``)
and the ones it flags as deprecated (W3691/W3690, ``engine_version_deprecated.json``), separately for DB instances
and DB clusters. Any of those matches fails `build`, so a version is valid here when cfn-lint lists it and does not
deprecate it. The files are read from the installed cfn-lint distribution (``importlib.metadata``) without
importing cfn-lint itself, which keeps `validate`'s start-up light; the two can never disagree because there is
one source.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib.metadata import distribution

_EXTENSIONS = "cfnlint/data/schemas/extensions"
#: Which resource carries EngineVersion for each engine in the emitted templates (generator/emit/data.py):
#: an RDS instance for postgres/mysql, the DB cluster for Aurora (its members name no version).
RESOURCE_OF = {"postgres": "aws_rds_dbinstance", "mysql": "aws_rds_dbinstance",
               "aurora-postgresql": "aws_rds_dbcluster", "aurora-mysql": "aws_rds_dbcluster"}


def _schema(resource: str, name: str) -> dict:
    path = distribution("cfn-lint").locate_file(f"{_EXTENSIONS}/{resource}/{name}")
    return json.loads(path.read_text(encoding="utf-8"))


def _versions_by_engine(schema: dict, where: str) -> dict[str, frozenset[str]]:
    """Engine -> versions from one of cfn-lint's ``allOf: [{if: {Engine const...}}]`` schemas; ``where`` says
    whether the enum sits in the ``then`` (accepted versions) or the ``if`` (deprecated ones)."""
    found: dict[str, frozenset[str]] = {}
    for branch in schema.get("allOf", []):
        condition = branch.get("if", {}).get("properties", {})
        engine = condition.get("Engine", {}).get("const")
        holder = branch.get("then", {}) if where == "then" else branch.get("if", {})
        versions = holder.get("properties", {}).get("EngineVersion", {}).get("enum") if isinstance(holder, dict) \
            else None
        if isinstance(engine, str) and isinstance(versions, list):
            found[engine] = frozenset(str(v) for v in versions)
    return found


@lru_cache(maxsize=None)
def valid_versions(engine: str) -> tuple[str, ...]:
    """The versions of ``engine`` cfn-lint accepts without a deprecation warning, oldest first."""
    resource = RESOURCE_OF[engine]
    accepted = _versions_by_engine(_schema(resource, "engine_version.json"), "then").get(engine, frozenset())
    deprecated = _versions_by_engine(_schema(resource, "engine_version_deprecated.json"), "if").get(engine,
                                                                                                     frozenset())
    return tuple(sorted(accepted - deprecated, key=_order))


@lru_cache(maxsize=None)
def deprecated_versions(engine: str) -> frozenset[str]:
    """The versions of ``engine`` cfn-lint knows but flags as deprecated."""
    return _versions_by_engine(_schema(RESOURCE_OF[engine], "engine_version_deprecated.json"), "if").get(
        engine, frozenset())


def problem(engine: str, version: str, shape: str = ".*") -> str | None:
    """Why ``version`` of ``engine`` would fail the lint gate, listing the valid versions of the same major (or all)
    that also match ``shape`` (how stackprint writes the engine's versions); None when cfn-lint accepts it."""
    valid = [v for v in valid_versions(engine) if re.fullmatch(shape, v)]
    if version in valid:
        return None
    what = "a deprecated" if version in deprecated_versions(engine) else "not a known"
    major = version.split(".")[0]
    same_major = [v for v in valid if v.split(".")[0] == major]
    label = f"valid {engine} {major}.x" if same_major else f"valid {engine} versions"
    return (f"'{version}' is {what} {engine} version (cfn-lint flags it, so build would fail; "
            f"{label}: {', '.join(same_major or valid)})")


def _order(version: str) -> tuple:
    """Numeric order: 9.6 before 10.1, 8.0.mysql_aurora.3.10.0 after 8.0.mysql_aurora.3.9.0."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.\-]", version))
