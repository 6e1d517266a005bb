"""``load_blueprint``: a blueprint file in, one validated :class:`Blueprint` per environment out.

Stages: read with positions (:mod:`generator.load`), split base and ``environments:``, merge each overlay
(:mod:`generator.model.overlay`), validate the merged data (pydantic), run the semantic checks, resolve derived
defaults. Errors from every environment are collected, de-duplicated (an error in the base shows once, not once per
environment) and reported together in file order.
"""
from __future__ import annotations


from pydantic import ValidationError

from generator.errors import InputError, InputErrors
from generator.load import Document, load_file, load_text
from generator.model import errors as pyerrors
from generator.model import defaults, semantics
from generator.model.base import ENV_PATTERN, name_problem
from generator.model.blueprint import Blueprint
from generator.model.errors import describe, did_you_mean
from generator.model.overlay import Locator, merge

DEFAULT_ENV = "default"
#: Keys an overlay may not change: the name is part of every stack name, overlays do not nest, one pipeline per file.
_FIXED_KEYS = ("name", "environments", "pipeline")
#: Named collections whose members an overlay may change but not invent.
#: Named collections an overlay may change but never add to (a typo would otherwise silently create a service, a
#: balancer or a database), with what one member is called in messages.
_COLLECTIONS = {"services": "service", "load_balancers": "load balancer", "databases": "database"}
_NEVER_ADDS = "an overlay changes what the base declares and never adds: declare it at the top of the file"


def load_blueprint(path: str) -> dict[str, Blueprint]:
    """Environment name -> validated, merged blueprint, sorted by name. Raises InputError / InputErrors."""
    return blueprints_from(load_file(path))


def load_blueprint_text(text: str, path: str) -> dict[str, Blueprint]:
    """Like :func:`load_blueprint` for text already in memory (tests, editors)."""
    return blueprints_from(load_text(text, path))


def blueprints_from(doc: Document) -> dict[str, Blueprint]:
    """Validate every environment of a loaded document."""
    if not isinstance(doc.data, dict):
        raise doc.error((), f"a blueprint is a mapping with name, network and services, got "
                            f"{'an empty file' if doc.data is None else describe(doc.data)}")
    base = {k: v for k, v in doc.data.items() if k != "environments"}
    overlays, problems = _overlays(doc, base)
    result: dict[str, Blueprint] = {}
    for env in sorted(overlays):
        merged, origin = merge(base, overlays[env], ("environments", env))
        locator = Locator(doc, origin)
        try:
            blueprint = _validate(merged, env, locator)
        except InputErrors as exc:
            problems.extend(exc.errors)
            continue
        result[env] = blueprint
    if problems:
        raise _collect(problems)
    return result


def _overlays(doc: Document, base: dict) -> tuple[dict[str, dict], list[InputError]]:
    """The overlay of each environment (``{}`` for 'default'), and the problems of the ``environments:`` block."""
    if "environments" not in doc.data:
        return {DEFAULT_ENV: {}}, []
    envs = doc.data["environments"]
    if isinstance(envs, dict) and not envs:
        return {DEFAULT_ENV: {}}, [doc.error(("environments",), "declares no environment (add one, e.g. dev: {}, "
                                                              "or remove the key for a single 'default')")]
    if not isinstance(envs, dict):
        return {DEFAULT_ENV: {}}, [doc.error(("environments",), f"expected a mapping of environment name to "
                                                              f"overlay (e.g. dev: {{}}), got {describe(envs)}")]
    problems: list[InputError] = []
    out: dict[str, dict] = {}
    for env, overlay in envs.items():
        where = ("environments", env)
        problem = name_problem(env, ENV_PATTERN, "environment name", "prod")
        if problem:
            problems.append(doc.error(where, problem, key=True))
            continue
        if overlay is None:
            overlay = {}
        if not isinstance(overlay, dict):
            problems.append(doc.error(where, f"expected a mapping of keys to override (or {{}}), got "
                                             f"{describe(overlay)}"))
            continue
        problems.extend(_overlay_problems(doc, base, overlay, where))
        out[env] = _without_reported(base, overlay)
    return out, problems


def _overlay_problems(doc: Document, base: dict, overlay: dict, where: tuple) -> list[InputError]:
    """Overlays may not rename the blueprint, nest environments, or add services, load balancers or databases."""
    problems = []
    for key in _FIXED_KEYS:
        if key in overlay:
            problems.append(doc.error(where + (key,), f"'{key}' cannot change per environment (set it once at the "
                                                      "top of the file)", key=True))
    for collection, kind in _COLLECTIONS.items():
        members = overlay.get(collection)
        known = base.get(collection, {})
        if not isinstance(members, dict) or not isinstance(known, dict):
            continue
        for member in members:
            if member not in known:
                hint = did_you_mean(member, list(known))[:-1] if known else "(the base declares none"
                message = f"unknown {kind} '{member}' {hint}"
                if collection == "databases":  # says why: a database added per environment is a new data store
                    message += f"; {_NEVER_ADDS})"
                else:
                    message += ")"
                problems.append(doc.error(where + (collection, member), message, key=True))
    return problems


def _without_reported(base: dict, overlay: dict) -> dict:
    """The overlay minus what :func:`_overlay_problems` reported, so validating the rest adds no echo of it
    (an invented service would also be 'missing image')."""
    cleaned = {k: v for k, v in overlay.items() if k not in _FIXED_KEYS}
    for collection in _COLLECTIONS:
        members, known = cleaned.get(collection), base.get(collection, {})
        if isinstance(members, dict) and isinstance(known, dict):
            cleaned[collection] = {k: v for k, v in members.items() if k in known}
    return cleaned


def _validate(data: dict, env: str, locator: Locator) -> Blueprint:
    """One environment's merged data -> Blueprint, or InputErrors with every problem found."""
    try:
        blueprint = Blueprint.model_validate(data)
    except ValidationError as exc:
        raise InputErrors(pyerrors.translate(exc, Blueprint, locator)) from None
    issues = semantics.check(blueprint, locator.has)
    if issues:
        raise InputErrors([locator.error(i.keypath, i.message, key=i.at_key) for i in issues])
    defaults.resolve(blueprint)
    blueprint._env = env
    blueprint._locator = locator
    return blueprint


def _collect(problems: list[InputError]) -> InputError:
    """De-duplicated, in file order; a single problem is raised as itself."""
    unique: dict[str, InputError] = {}
    for problem in problems:
        unique.setdefault(str(problem), problem)
    ordered = sorted(unique.values(), key=lambda e: ((e.position.line, e.position.col) if e.position else (0, 0),
                                                     str(e)))
    return ordered[0] if len(ordered) == 1 else InputErrors(ordered)
