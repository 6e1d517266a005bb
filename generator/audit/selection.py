"""Which rules run: ``--select`` / ``--ignore`` prefixes, resolved the way ruff resolves them.

For each rule the longest matching select prefix and the longest matching ignore prefix are compared: the more
specific one wins, and at equal length ignore wins (``--select SG --ignore SG`` runs no SG rule, ``--select SG009
--ignore SG`` runs SG009 only).
"""
from __future__ import annotations

from generator.errors import InputError


def _normalise(prefixes, known, option: str) -> list[str]:
    out = []
    for prefix in prefixes:
        for part in str(prefix).split(","):
            part = part.strip().upper()
            if not part:
                continue
            if part != "ALL" and not any(rule_id.startswith(part) for rule_id in known):
                families = sorted({"".join(c for c in r if c.isalpha()) for r in known})
                raise InputError(f"{option} {part}: no rule has this id or prefix "
                                 f"(valid prefixes: {', '.join(families)}, or a rule id such as SG001)")
            out.append("" if part == "ALL" else part)
    return out


def _longest(rule_id: str, prefixes) -> int:
    return max((len(p) for p in prefixes if rule_id.startswith(p)), default=-1)


def enabled_rules(known, select=(), ignore=()) -> list[str]:
    """The ids of ``known`` that run, sorted; raises :class:`InputError` for a prefix matching no rule."""
    chosen = _normalise(select, known, "--select") or [""]
    dropped = _normalise(ignore, known, "--ignore")
    out = []
    for rule_id in sorted(known):
        selected, ignored = _longest(rule_id, chosen), _longest(rule_id, dropped)
        if selected >= 0 and selected > ignored:
            out.append(rule_id)
    return out
