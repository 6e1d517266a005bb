"""Name rules shared by the model (which refuses what they cannot express) and the plan (which applies them).

They live below both stages so each rule has one home: how a blueprint name becomes a logical-id fragment, and
which characters a security-group rule description may hold.
"""
from __future__ import annotations

import re

#: Characters EC2 accepts in security-group rule and group descriptions, and their most.
RULE_DESCRIPTION_CHARS = re.compile(r"^[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]*$")
RULE_DESCRIPTION_HINT = "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"
RULE_DESCRIPTION_MAX = 200


def pascal(name: str) -> str:
    """``web-api`` -> ``WebApi``: a blueprint name as a CloudFormation logical-id fragment."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)
