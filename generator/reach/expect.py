"""Proving a blueprint's ``expect:`` from the templates the build just rendered (not from the blueprint).

The compiler calls :func:`prove` for each environment right after rendering it; a false or unprovable assertion is
a positioned error at the ``expect`` entry (the overlay's line when an overlay set it) naming the offending path,
and the build writes nothing (exit 2, like every other error the blueprint must fix).
"""
from __future__ import annotations

from generator.errors import InputError, InputErrors
from generator.plan.names import data_stack, service_stack
from generator.reach.analysis import Reach, Verdict, analyse
from generator.reach.firewall import NO, UNKNOWN, YES
from generator.reach.sources import from_texts


def workload_keys(layout) -> dict[str, tuple[str, str]]:
    """Blueprint service and database names -> ``(stack, logical id)`` of their resource in the rendered output."""
    keys = {s.name: (service_stack(layout.name, layout.env, s.name), "Service") for s in layout.services}
    keys.update({db.name: (data_stack(layout.name, layout.env), db.resource) for db in layout.databases})
    return keys


def prove(layout, files: dict[str, bytes]) -> None:
    """Raise the errors of every ``expect`` entry of the blueprint (``layout.expect``, positioned through
    ``layout.error_at``) the rendered ``files`` do not prove."""
    if not layout.expect:
        return
    reach = analyse(from_texts({name: data.decode("utf-8") for name, data in files.items()
                                if name.endswith(".template.yaml")}))
    errors = list(failures(layout, reach, workload_keys(layout)))
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)


def failures(bp, reach: Reach, keys: dict[str, tuple[str, str]]):
    names = {key: name for name, key in keys.items()}
    for name, expectation in bp.expect.items():
        verdict = reach.find(*keys[name]) if name in keys else None
        where = ("expect", name)
        if verdict is None:
            yield bp.error_at(where, f"'{name}' is not in the rendered templates (expected {keys.get(name)})")
            continue
        if expectation.internet is not None:
            yield from _internet(bp, where + ("internet",), expectation.internet, verdict)
        if expectation.reachable_from is not None:
            yield from _callers(bp, where + ("reachable_from",), expectation.reachable_from, verdict, names)
        if expectation.outbound is not None and verdict.outbound != expectation.outbound:
            shown = "; ".join(p.text for p in verdict.outbound_paths) or "no path out"
            yield bp.error_at(where + ("outbound",), f"expected {expectation.outbound}, the rendered templates "
                                                     f"give {verdict.outbound}: {shown}")


def _internet(bp, where: tuple, expected: str, verdict: Verdict):
    if verdict.internet == UNKNOWN:
        reasons = "; ".join(f"{p.text} ({p.reason})" for p in verdict.internet_paths if p.verdict == UNKNOWN)
        yield bp.error_at(where, f"expected {expected}, but the rendered templates leave it unknown: {reasons}")
    elif expected == "unreachable" and verdict.internet == YES:
        paths = "; ".join(p.text + (f" (only from {', '.join(p.only_from)})" if p.only_from else "")
                          for p in verdict.internet_paths if p.verdict == YES)
        yield bp.error_at(where, f"expected unreachable, but the rendered templates give a path from the "
                                 f"internet: {paths}")
    elif expected in ("reachable", "restricted") and verdict.internet == NO:
        yield bp.error_at(where, f"expected {expected}, but the rendered templates give no path from the internet "
                                 "(route it through an internet-facing load balancer)")
    elif expected == "restricted" and not verdict.restricted:
        paths = "; ".join(p.text for p in verdict.internet_paths if p.verdict == YES and not p.only_from)
        yield bp.error_at(where, f"expected restricted, but the rendered templates open a path to the whole "
                                 f"internet: {paths} (list the sources under the balancer's allow_from)")


def _callers(bp, where: tuple, expected: list[str], verdict: Verdict, names: dict):
    def name_of(caller):
        return names.get((caller.source_stack, caller.source_id), caller.source)

    callers = [c for c in verdict.callers if not c.external]  # ranges outside the VPC are not services
    unknown = [c for c in callers if c.verdict == UNKNOWN]
    actual = {name_of(c) for c in callers if c.verdict == YES}
    extra = [c for c in callers if c.verdict == YES and name_of(c) not in expected]
    missing = sorted(set(expected) - actual)
    if unknown:
        yield bp.error_at(where, "the rendered templates leave these callers unknown: "
                                 + "; ".join(f"{c} ({c.reason})" for c in unknown))
    if extra or missing:
        said = f"[{', '.join(sorted(expected))}]"
        parts = []
        if extra:
            parts.append("also reachable from " + "; ".join(str(c) for c in extra))
        if missing:
            parts.append(f"not reachable from {', '.join(missing)}")
        yield bp.error_at(where, f"expected exactly {said}, but the rendered templates say: {' and '.join(parts)}")
