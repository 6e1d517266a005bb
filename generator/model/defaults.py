"""Defaults derived after a blueprint's checks passed (route priorities), filled in once.

:mod:`generator.model.semantics` checks; this module decides what a blueprint left unsaid.

A default listener-rule priority is a function of one route alone (its host, its path patterns and its service's
name), never of the other services: adding or removing a service cannot renumber an existing rule. That matters
beyond a quiet diff: every service is its own stack, so a new service's rule may be created before an old one is
updated (ALB refuses a duplicate priority with PriorityInUse), and CloudFormation cannot swap two rules' priorities
in one update. Evaluation order comes from *bands*: the priority space is cut into bands by specificity, and a route
lands in its band at a position hashed from its service name. Two routes of one balancer that hash to the same number
are an error the user settles with an explicit ``route.priority`` (see :func:`default_priority` for why there is no
probing to the next free number).
"""
from __future__ import annotations

import hashlib

from generator.model.blueprint import BlueprintSpec

#: ALB listener-rule priorities run from 1 to 50000, lower evaluated first.
MAX_PRIORITY = 50000
#: The host-less catch-all '/*' (at most one per balancer: a second would repeat its path) is evaluated last.
CATCH_ALL_PRIORITY = MAX_PRIORITY
#: Literal characters counted for specificity; longer patterns share the most specific band.
MAX_LITERAL = 32
#: Path levels: 1..MAX_LITERAL literal characters, each with or without a '*' wildcard.
PATH_LEVELS = 2 * MAX_LITERAL
#: Host tiers: with a host, without.
HOST_TIERS = 2
BANDS = HOST_TIERS * PATH_LEVELS
#: Numbers per band, below the catch-all: 49999 // 128 = 390.
BAND_SIZE = (CATCH_ALL_PRIORITY - 1) // BANDS


def path_level(pattern: str) -> int:
    """How specific one path pattern is, 0 (most) to PATH_LEVELS - 1 (least).

    Every path a pattern matches has at least as many characters as the pattern has non-'*' characters (literals
    and '?'), so a pattern matching a subset of another's paths never has fewer; at equal count a pattern without
    '*' (one length only, e.g. '/api/') comes before one with it (e.g. '/api/*')."""
    literal = min(sum(1 for c in pattern if c != "*"), MAX_LITERAL)
    return 2 * (MAX_LITERAL - literal) + (1 if "*" in pattern else 0)


def is_catch_all(route) -> bool:
    """A route without host that matches every path: evaluated after every other rule of its balancer."""
    return route.host is None and "/*" in route.paths


def band(route) -> int:
    """Band index, 0 first: routes with a host before routes without, then by the *broadest* of the route's path
    patterns (a rule is as broad as its broadest pattern, which is what could shadow another rule)."""
    return (0 if route.host is not None else 1) * PATH_LEVELS + max(path_level(p) for p in route.paths)


def name_offset(name: str) -> int:
    """Stable position of a service inside a band: SHA-256 of its name (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % BAND_SIZE


def default_priority(name: str, route) -> int:
    """The priority a route without ``priority:`` gets: its band's start plus the hash of its service's name.

    Only the route and its service's name go in, so no other service can move it. A collision of two routes on one
    balancer is reported (:mod:`generator.model.semantics`), not probed past: any probe must decide which of the two
    keeps the number, and whichever rule it picks, the blueprint that holds only the other one gave that one the
    number, so adding a service would move an existing rule. Which came first is history the blueprint does not
    hold; only the user can break the tie (an explicit ``priority:`` on either)."""
    if is_catch_all(route):
        return CATCH_ALL_PRIORITY
    return 1 + band(route) * BAND_SIZE + name_offset(name)


def default_priorities(bp: BlueprintSpec) -> dict[str, int]:
    """Service name -> listener rule priority for every routed service: explicit ones as written, the others
    :func:`default_priority`."""
    return {name: s.route.priority if s.route.priority is not None else default_priority(name, s.route)
            for name, s in bp.services.items() if s.route is not None}


def resolve(bp: BlueprintSpec) -> None:
    """Fill in derived defaults (route priorities) on a blueprint that passed :func:`check`.

    The model is frozen for every later stage; this runs once, on objects created by this validation only.
    """
    for name, priority in default_priorities(bp).items():
        object.__setattr__(bp.services[name].route, "priority", priority)
