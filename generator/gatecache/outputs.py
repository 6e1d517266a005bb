"""The no-change rebuild: a record, per fingerprint of a build's inputs, of the files that build produced.

A build's output is a function of its blueprints (their paths, as written into READMEs, and bytes), the environment
selection, and the installed code (stackprint's digest, cfn-lint's version: :func:`environment_key`). Once a build
(or `check`) has compiled those inputs and every gate passed, the sha256 of each file it produced is recorded in the
cache under that fingerprint. Later, `build` over an ``out/`` whose directories hold exactly those files with those
digests, and `check`, answer "up to date" without compiling; any doubt (no record, an unreadable blueprint, a file
added, removed or changed by a single byte, a leftover staging folder) falls back to the full build. Nothing is
written into ``out/``: the record lives in the user's cache directory, so ``out/`` stays byte-deterministic.
"""
from __future__ import annotations

import os

from generator.gatecache.keys import environment_key, key_of, text_digest
from generator.gatecache.store import Store

OUTPUT_KIND = "outputs"
STAGING_PREFIX = ".stackprint-staging-"  # generator.write's staging folders: their presence means "rebuild"


def fingerprint(paths: list[str], only_env: str | None, strict_env: bool) -> str | None:
    """The key of a build's inputs, or None when a blueprint cannot be read (the full build reports why)."""
    blueprints = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                blueprints.append([path, text_digest(handle.read())])
        except OSError:
            return None
    return key_of({"blueprints": blueprints, "env": only_env, "strict_env": strict_env if only_env else None,
                   "code": environment_key()})


def record(store: Store, key: str, units: dict[str, dict[str, bytes]], warnings: list[str],
           environments: list[tuple[str, int]]) -> None:
    """Remember what the build of ``key`` produced: per unit directory, each file's digest."""
    store.put(OUTPUT_KIND, key, {
        "units": {unit: {name: text_digest(data) for name, data in sorted(files.items())}
                  for unit, files in sorted(units.items())},
        "warnings": list(warnings), "environments": [[d, n] for d, n in environments]})


def recall(store: Store, key: str | None) -> dict | None:
    """The record of ``key``, if there is a well-formed one."""
    value = store.get(OUTPUT_KIND, key) if key else None
    if not isinstance(value, dict) or not isinstance(value.get("units"), dict):
        return None
    if not isinstance(value.get("warnings"), list) or not isinstance(value.get("environments"), list):
        return None
    return value


def _digests(out: str, directory: str, skip_hidden_dirs: bool) -> dict[str, str]:
    """sha256 of every file under ``out/directory``, by path relative to ``out``."""
    found = {}
    for base, dirs, files in os.walk(os.path.join(out, directory)):
        dirs[:] = sorted(d for d in dirs if not (skip_hidden_dirs and d.startswith(".")))
        for name in files:
            path = os.path.join(base, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, out).replace(os.sep, "/")] = text_digest(handle.read())
    return found


def _expected(saved: dict) -> dict[str, str]:
    return {f"{unit}/{name}": digest for unit, files in saved["units"].items() for name, digest in files.items()}


def build_is_current(out: str, saved: dict) -> bool:
    """Whether writing the recorded build into ``out`` would change nothing (every unit directory exactly as
    recorded, and no staging folder of an interrupted build to clean up)."""
    try:
        if any(name.startswith(STAGING_PREFIX) for name in os.listdir(out)):
            return False
        actual: dict[str, str] = {}
        for unit in saved["units"]:
            actual.update(_digests(out, unit, skip_hidden_dirs=False))
    except OSError:
        return False
    return actual == _expected(saved)


def check_is_current(out: str, saved: dict, directories: set[str]) -> bool:
    """Whether `check` would find nothing stale: the files under ``directories`` of ``out`` (hidden folders
    skipped, as `check` skips them) are exactly the recorded ones."""
    try:
        actual: dict[str, str] = {}
        for directory in sorted(directories):
            actual.update(_digests(out, directory, skip_hidden_dirs=True))
    except OSError:
        return False
    return actual == _expected(saved)
