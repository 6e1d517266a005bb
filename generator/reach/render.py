"""Text and JSON views of a :class:`~generator.reach.analysis.Reach`, deterministic to the byte."""
from __future__ import annotations

import json
from dataclasses import asdict

from generator.reach.analysis import Reach, Verdict
from generator.reach.firewall import NO, UNKNOWN, YES

_INTERNET = {YES: "reachable", NO: "unreachable", UNKNOWN: "unknown"}
_OUTBOUND = {"internet": "internet", "endpoints": "VPC endpoints only", "none": "none", UNKNOWN: "unknown"}


def _lines(verdict: Verdict) -> list[str]:
    internet = f"restricted (only from {', '.join(verdict.internet_only_from)})" if verdict.restricted else \
        _INTERNET[verdict.internet]
    lines = [f"{verdict.kind} {verdict.name}  ({verdict.stack}/{verdict.logical_id})", f"  internet: {internet}"]
    for path in verdict.internet_paths:
        lines.append(f"    {'maybe: ' if path.verdict == UNKNOWN else ''}{path.text}"
                     + (f"  [only from {', '.join(path.only_from)}]" if path.only_from else "")
                     + (f"  [unknown: {path.reason}]" if path.reason else ""))
    lines.append("  from: " + ("" if verdict.callers else "nothing inside the VPC"))
    for caller in verdict.callers:
        via = f" via {caller.via}" if caller.via else ""
        via += " (outside the VPC)" if caller.external else ""
        lines.append(f"    {'maybe ' if caller.verdict == UNKNOWN else ''}{caller.source} {caller.ports}{via}"
                     + (f"  [unknown: {caller.reason}]" if caller.reason else ""))
    if verdict.privatelink_paths:  # only where a VPC endpoint service publishes the workload
        lines.append("  privatelink:")
        for path in verdict.privatelink_paths:
            lines.append(f"    {'maybe: ' if path.verdict == UNKNOWN else ''}{path.text}"
                         + (f"  [unknown: {path.reason}]" if path.reason else ""))
    all_traffic = ", all traffic allowed out" if verdict.all_outbound else ""
    lines.append(f"  outbound: {_OUTBOUND[verdict.outbound]}{all_traffic}")
    for path in verdict.outbound_paths:
        lines.append(f"    {'maybe: ' if path.verdict == UNKNOWN else ''}{path.text}"
                     + (f"  [unknown: {path.reason}]" if path.reason else ""))
    return lines


def render_text(reach: Reach) -> str:
    lines: list[str] = []
    for verdict in reach.verdicts:
        lines.extend(_lines(verdict))
    if not reach.verdicts:
        lines.append("no services, databases or instances in these templates")
    for caveat in reach.caveats:
        lines.append(f"caveat: {caveat}")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _workload(verdict: Verdict) -> dict:
    """A workload's JSON; ``privatelink_paths`` only where a VPC endpoint service publishes it."""
    data = {**asdict(verdict), "callers": [asdict(c) for c in verdict.callers]}
    if not verdict.privatelink_paths:
        del data["privatelink_paths"]
    return data


def render_json(reach: Reach) -> str:
    data = {
        "workloads": [_workload(v) for v in reach.verdicts],
        "nodes": [asdict(n) for n in reach.nodes],
        "edges": [asdict(e) for e in reach.edges],
        "caveats": reach.caveats,
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
