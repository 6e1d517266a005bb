"""pydantic validation errors turned into the one-line messages users get.

pydantic says *what* failed in its own words and where in the data; this module rewrites each error in the
project's form (``key.path: what is wrong (what would be valid)``), adds a did-you-mean for unknown keys and puts
each at its line and column through the overlay :class:`~generator.model.overlay.Locator`.
"""
from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.errors import InputError
from generator.model.overlay import Locator


def describe(value: Any) -> str:
    """How a wrong value is shown in a message: strings quoted, containers by kind."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and Optional so the walk sees the model, dict or list underneath."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation


def _branch(annotation: Any, part: Any) -> Any:
    """In a union of a keyword and a list (``allow_from``), the list branch when the walk goes into an item."""
    if isinstance(part, int) and typing.get_origin(annotation) in (typing.Union, types.UnionType):
        lists = [a for a in map(_unwrap, typing.get_args(annotation)) if typing.get_origin(a) is list]
        return lists[0] if len(lists) == 1 else annotation
    return annotation


def untagged(loc: tuple) -> tuple:
    """``loc`` without the ``<tag>`` parts pydantic adds inside discriminated unions (they are no blueprint keys)."""
    return tuple(p for p in loc if not (isinstance(p, str) and p.startswith("<") and p.endswith(">")))


def model_at(root: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class that holds the mapping at ``loc`` (None if ``loc`` is not a model's mapping)."""
    current: Any = root
    for part in loc:
        current = _branch(_unwrap(current), part)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for name, f in current.model_fields.items() if (f.alias or name) == part), None)
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        elif typing.get_origin(current) is list:
            current = typing.get_args(current)[0]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def field_names(model: type[BaseModel]) -> list[str]:
    """The keys a model accepts, as users write them."""
    return [field.alias or name for name, field in model.model_fields.items()]


def did_you_mean(word: str, choices: list[str]) -> str:
    """``(did you mean 'port'?)`` when a choice is close, else ``(valid: a, b, c)``."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"(did you mean '{close[0]}'?)"
    return f"(valid: {', '.join(sorted(choices))})"


def _example(model: type[BaseModel] | None, key: str) -> str:
    if model is None:
        return ""
    field = next((f for name, f in model.model_fields.items() if (f.alias or name) == key), None)
    if field is None or not field.examples:
        return ""
    example = field.examples[0]
    if isinstance(example, (dict, list)):
        return ""
    return f" (e.g. {key}: {example})"


_WANTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _message(error: dict, root: type[BaseModel]) -> tuple[tuple, str, bool]:
    """(key path, message, point at the key?) for one pydantic error."""
    loc = untagged(tuple(error["loc"]))
    kind = error["type"]
    value = error.get("input")
    if loc and loc[-1] == "[key]":
        return loc[:-1], _context_message(error), True
    if kind == "extra_forbidden":
        model = model_at(root, loc[:-1])
        choices = field_names(model) if model else []
        return loc, f"unknown key {did_you_mean(str(loc[-1]), choices)}", True
    if kind == "missing":
        parent = loc[:-1]
        return parent, f"missing required key '{loc[-1]}'{_example(model_at(root, parent), str(loc[-1]))}", True
    if kind == "literal_error":
        valid = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        close = difflib.get_close_matches(value, valid, n=1, cutoff=0.6) if isinstance(value, str) else []
        mean = f"did you mean '{close[0]}'?; " if close else ""
        return loc, f"{describe(value)} is not valid ({mean}valid: {', '.join(valid)})", False
    if kind in _WANTED:
        return loc, f"expected {_WANTED[kind]}, got {describe(value)}", False
    if kind == "too_short":
        minimum = error.get("ctx", {}).get("min_length", 1)
        return loc, f"must have at least {minimum} item{'s' if minimum != 1 else ''}", False
    return loc, _context_message(error), False


def _context_message(error: dict) -> str:
    """The message of a ValueError raised by our own validators (without pydantic's 'Value error, ' prefix)."""
    ctx = error.get("ctx") or {}
    if "error" in ctx:
        return str(ctx["error"])
    return error["msg"][0].lower() + error["msg"][1:]


def translate(exc: ValidationError, root: type[BaseModel], locator: Locator) -> list[InputError]:
    """Every pydantic error as a positioned :class:`InputError`."""
    out = []
    for error in exc.errors(include_url=False):
        keypath, message, at_key = _message(error, root)
        out.append(locator.error(keypath, message, key=at_key))
    return out
