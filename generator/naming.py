"""Name rules shared by the model (which refuses what they cannot express) and the plan (which applies them).

They live below both stages so each rule has one home: how a blueprint name becomes a logical-id fragment, which
characters a security-group rule description may hold, and the variables a caller receives for each flow target.
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


def endpoint_variables(target: str) -> tuple[str, str]:
    """The variables a caller receives for each flow target: ``api`` -> (``API_HOST``, ``API_PORT``).

    Defined here, below model and plan, because the model must refuse user variables that would collide with them
    and the plan fills them.
    """
    prefix = re.sub(r"[^A-Za-z0-9]", "_", target).upper()
    return f"{prefix}_HOST", f"{prefix}_PORT"


def database_variables(target: str) -> tuple[str, str, str, str, str]:
    """The variables a caller receives for a database flow: ``orders`` -> ``ORDERS_HOST``, ``ORDERS_PORT``,
    ``ORDERS_NAME`` (environment) and ``ORDERS_USERNAME``, ``ORDERS_PASSWORD`` (secrets from the RDS-managed
    secret)."""
    host, port = endpoint_variables(target)
    prefix = host.removesuffix("_HOST")
    return host, port, f"{prefix}_NAME", f"{prefix}_USERNAME", f"{prefix}_PASSWORD"
