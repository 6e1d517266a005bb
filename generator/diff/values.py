"""Template values as short, stable text for a diff line: intrinsics in their short form, long values cut."""
from __future__ import annotations

import json


class _Missing:
    """A key absent on one side (distinct from an explicit null)."""

    def __repr__(self) -> str:
        return "(none)"


MISSING = _Missing()


class Item(str):
    """A list element matched by its ``Name``/``Key`` (shown ``[Name=API_PORT]``); create-only ``*`` matches it."""
LIMIT = 72


def is_intrinsic(value) -> bool:
    """A one-key mapping ``Ref`` / ``Fn::*`` / ``Condition``: compared and shown as one value."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = str(next(iter(value)))
    return key in ("Ref", "Condition") or key.startswith("Fn::")


def _cut(text: str) -> str:
    return text if len(text) <= LIMIT else text[: LIMIT - 1] + "…"


def show(value) -> str:
    """One line for ``value``: ``!Ref Vpc``, ``!GetAtt Db.Endpoint.Address``, ``8080``, ``[...]`` (cut at 72)."""
    if value is MISSING:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        if "\n" in value.strip("\n"):
            return f"<{len(value.splitlines())} lines>"
        return _cut(value)
    if is_intrinsic(value):
        (key, inner), = value.items()
        short = key.replace("Fn::", "")
        if key == "Fn::GetAtt" and isinstance(inner, list) and all(isinstance(p, str) for p in inner):
            return f"!GetAtt {'.'.join(inner)}"
        if isinstance(inner, str):
            return _cut(f"!{short} {inner}")
        return _cut(f"!{short} " + json.dumps(inner, sort_keys=True, separators=(",", ":"), default=str))
    return _cut(json.dumps(value, sort_keys=True, separators=(",", ":"), default=str))


def plain(value):
    """``value`` for JSON output: MISSING becomes null, everything else as parsed."""
    return None if value is MISSING else value


def references(value) -> set[str]:
    """Logical ids a value points at with Ref, GetAtt or a ${Name} in Sub."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                target = inner[0] if isinstance(inner, list) and inner else inner
                if isinstance(target, str):
                    found.add(target.split(".")[0])
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) and inner else inner
                if isinstance(text, str):
                    found |= {part.split("}")[0].split(".")[0] for part in text.split("${")[1:]}
                found |= references(inner[1] if isinstance(inner, list) and len(inner) > 1 else None)
            else:
                found |= references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= references(inner)
    return found
