"""Limits on what any input file may ask of the tool (blueprints, templates, task definitions, policy files).

Every input is read by :mod:`generator.load`, which refuses a document beyond these limits with one positioned
``file:line:col: what (limit)`` error (exit 2) before anything downstream sees it. The limits are far above any
real file (the largest CloudFormation template AWS accepts is 1 MB, real nesting stays under 20 levels) and low
enough that no later stage can recurse past Python's stack or spend seconds on one file.
"""
from __future__ import annotations

#: Characters in one document (CloudFormation itself accepts 1 MB templates from S3).
MAX_CHARS = 8 * 1024 * 1024
#: Nesting of mappings and sequences, aliases included (each level costs the later stages a few stack frames).
MAX_DEPTH = 64
#: Values in the document once every alias is expanded: a "billion laughs" document is refused here.
MAX_NODES = 500_000
#: Digits of an integer written in the file (Python refuses to format ints over 4,300 digits; nothing real needs 19).
MAX_INT_DIGITS = 32


def int_digits(text: str) -> int:
    """How many digits a YAML/JSON integer literal has (sign, underscores, base prefixes and ``:`` not counted)."""
    text = text.lstrip("+-").replace("_", "").replace(":", "")
    if len(text) > 2 and text[0] == "0" and text[1] in "xXbBoO":
        text = text[2:]
    return len(text)


def depth_of(data) -> int:
    """The nesting depth of plain data (dicts and lists), walked with an explicit stack (never recursion)."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest
