"""The blueprint's ``pipeline:`` settings resolved against its environments: their order and which are protected."""
from __future__ import annotations

from dataclasses import dataclass

from generator.load import load_file

#: Protected when the blueprint does not say: the environment named like this, if there is one.
DEFAULT_PROTECTED = "prod"


@dataclass(frozen=True)
class Resolved:
    """Environments in the order the pipeline deploys them, the protected ones, and out/ inside the repository."""

    order: tuple[str, ...]
    protected: frozenset[str]
    out: str


def declared_order(source: str, names: list[str]) -> list[str]:
    """``names`` in the order the file's ``environments:`` declares them (the loader sorts them by name).

    The pipeline promotes a change through the environments in this order, so ``dev`` before ``prod`` is the
    author's decision, written by the order of the keys.
    """
    data = load_file(source).data
    declared = list(data.get("environments") or {}) if isinstance(data, dict) else []
    return [n for n in declared if n in names] + sorted(n for n in names if n not in declared)


def resolve(source: str, blueprints: dict) -> Resolved:
    """The pipeline settings of one blueprint file (``blueprints``: env -> validated Blueprint, all environments).

    Raises InputError at ``pipeline.protected[i]`` for a name that is not an environment of the file.
    """
    names = sorted(blueprints)
    first = blueprints[names[0]]
    settings = first.pipeline
    if settings.protected is None:
        protected = {DEFAULT_PROTECTED} & set(names)
    else:
        for index, env in enumerate(settings.protected):
            if env not in names:
                raise first.error_at(("pipeline", "protected", index),
                                     f"'{env}' is not an environment of this blueprint (environments: "
                                     f"{', '.join(names)})")
        protected = set(settings.protected)
    return Resolved(tuple(declared_order(source, names)), frozenset(protected), settings.out)
