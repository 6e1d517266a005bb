"""Sources outside the VPC for the diagram: the chosen sources a balancer admits and PrivateLink consumers.

Read from the same verdicts the flow matrix reports (:mod:`generator.reach`), never from the blueprint:

* an internet path through a balancer that is not proven (its subnets are parameters) is a dashed ``internet`` arrow;
* an internet-facing balancer whose every proven internet path is limited to chosen sources (``allow_from``) is
  drawn reached from those sources, one box each, instead of from ``internet``;
* an internal balancer's ranges outside the VPC (a corporate network, ``Caller.external``) are boxes outside the VPC
  with an arrow to the balancer, and the balancer's arrow on to its workload;
* PrivateLink paths are drawn ``consumer range → endpoint service → balancer → workload``, with the allowed
  principals as boxes reaching the endpoint service.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.reach import YES, Reach

_PRIVATELINK = re.compile(r"^PrivateLink \((?P<who>.*)\) from (?P<source>.+)$")


@dataclass
class Outside:
    """Boxes (id -> (kind, name, detail)) and links (source, target, label, verdict) to add to the diagram, and the
    balancers whose ``internet`` arrow the chosen sources replace."""

    boxes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    links: set[tuple[str, str, str, str]] = field(default_factory=set)
    restricted: set[str] = field(default_factory=set)
    #: endpoint service box id -> the balancer node id it publishes (its box sits in the balancer's tier)
    services: dict[str, str] = field(default_factory=dict)


def _lb(segment: str) -> tuple[str, str]:
    """``Balancer:443`` -> (label, port)."""
    label, _, port = segment.rpartition(":")
    return label, port


def _principal(arn: str) -> str:
    """``arn:aws:iam::111122223333:role/x`` -> ``111122223333:role/x`` (the account and who, short enough to read)."""
    parts = arn.split(":", 4)
    return parts[4] if len(parts) == 5 and parts[0] == "arn" and parts[4] else arn


def _source(outside: Outside, text: str, detail: str) -> str:
    box_id = f"outside:{text}"
    kind, name, known = outside.boxes.get(box_id, ("source", text, ""))
    details = sorted((set(known.split(", ")) | {detail}) - {""})
    outside.boxes[box_id] = (kind, name, ", ".join(details))
    return box_id


def read_outside(reach: Reach, balancer_ids: dict[str, str], target_ids: dict[tuple[str, str], str]) -> Outside:
    """What reaches the balancers from outside the VPC. ``balancer_ids`` maps a balancer's label to its node id,
    ``target_ids`` a verdict's (stack, logical id) to its node id."""
    outside = Outside()
    open_to_all: set[str] = set()
    chosen: dict[str, list[tuple[str, str]]] = {}
    for verdict in sorted(reach.verdicts, key=lambda v: v.key):
        target = target_ids.get(verdict.key)
        for path in verdict.internet_paths:
            parts = path.text.split(" → ")
            if len(parts) < 4 or _lb(parts[3])[0] not in balancer_ids:
                continue
            lb = balancer_ids[_lb(parts[3])[0]]
            if path.verdict != YES:  # e.g. subnets given by parameter: the graph has no hop to fold, still drawn
                outside.links.add(("internet", lb, f"tcp/{_lb(parts[3])[1]}", path.verdict))
            elif path.only_from:
                chosen.setdefault(lb, []).extend((s, f"tcp/{_lb(parts[3])[1]}") for s in path.only_from)
            else:
                open_to_all.add(lb)
        privatelink = set()
        for path in verdict.privatelink_paths:
            parts = path.text.split(" → ")
            match = _PRIVATELINK.match(parts[0])
            if not match or len(parts) < 5 or _lb(parts[2])[0] not in balancer_ids or target is None:
                continue
            lb, port = balancer_ids[_lb(parts[2])[0]], f"tcp/{_lb(parts[2])[1]}"
            service = f"endpoint-service:{lb}:{parts[1]}"
            outside.boxes[service] = ("endpoint-service", parts[1], "endpoint service (PrivateLink)")
            outside.services[service] = lb
            source = _source(outside, match["source"], "PrivateLink consumer")
            privatelink.add((match["source"], lb))
            outside.links.add((source, service, port, path.verdict))
            outside.links.add((service, lb, port, path.verdict))
            outside.links.add((lb, target, parts[-1].rsplit(" ", 1)[-1], path.verdict))
            for who in match["who"].split(", "):
                principal = _source(outside, _principal(who), "allowed principal")
                outside.links.add((principal, service, "PrivateLink", YES))
        for caller in verdict.callers:
            label, port = _lb(caller.via)
            if not caller.external or label not in balancer_ids or target is None \
                    or (caller.source, balancer_ids[label]) in privatelink:
                continue
            lb = balancer_ids[label]
            source = _source(outside, caller.source, "outside the VPC")
            outside.links.add((source, lb, f"tcp/{port}", caller.verdict))
            outside.links.add((lb, target, caller.ports, caller.verdict))
    for lb, sources in sorted(chosen.items()):
        if lb in open_to_all:
            continue
        outside.restricted.add(lb)
        for text, port in sorted(set(sources)):
            outside.links.add((_source(outside, text, "allowed source"), lb, port, YES))
    return outside
