"""The environment's diagram as data: boxes placed by subnet tier and zone, and links labelled by port.

Built from the reachability model (:mod:`generator.reach`), never from the blueprint: boxes are the placements the
analysis read (services, databases, balancers, NAT gateways, VPC endpoints, subnets), links are its proven edges with
the hops a reader does not need (internet gateway, subnet routes, target groups) folded away:

* ``internet → IGW → subnet → balancer`` and ``balancer → target group`` become ``internet → balancer tcp/443``;
* ``balancer → target group → service tcp/8080`` becomes ``balancer → service tcp/8080``;
* ``internet → IGW → subnet → workload (public IP)`` becomes ``internet → workload public IP …``;
* everything else (service → service, → internal balancer, → NAT gateway → internet, → endpoint, → database) is
  kept as proven. Unknown edges stay, marked unknown (drawn dashed): unknown is never drawn as safe.

:mod:`generator.report.mermaid` and :mod:`generator.report.svg` draw the same diagram.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from generator.reach import YES, Reach
from generator.report.existing import existing_tiers
from generator.report.outside import Outside, read_outside
from generator.report.resources import Resources

TIERS = ("internet", "public", "private", "isolated", "other")
TIER_TITLES = {"internet": "internet", "public": "public subnets", "private": "private subnets",
               "isolated": "isolated subnets", "other": "no subnet (gateway endpoints) or placement unknown"}
_ROUTE_TIERS = {"igw": "public", "nat": "private", "other": "private", "unknown": "private", "none": "isolated"}
_KIND_ORDER = {"internet": 0, "balancer": 1, "service": 2, "instance": 3, "database": 4, "endpoint": 5, "nat": 6,
               "subnet": 7, "source": 1, "endpoint-service": 1}
_FOLDED = ("gateway", "subnet", "target-group")


@dataclass(frozen=True, order=True)
class Box:
    tier: str
    zone: str  # "" when the box spans zones (or its zone is unknown)
    order: int
    name: str
    id: str  # the reachability node id
    kind: str
    detail: str


@dataclass(frozen=True, order=True)
class Link:
    source: str
    target: str
    label: str
    verdict: str  # yes | unknown


@dataclass
class Diagram:
    boxes: list[Box]
    links: list[Link]

    def tiers(self) -> list[str]:
        """The tiers that hold a box, in drawing order."""
        used = {box.tier for box in self.boxes}
        return [tier for tier in TIERS if tier in used]

    def zones(self, tier: str) -> list[str]:
        return sorted({box.zone for box in self.boxes if box.tier == tier and box.zone}, key=_zone_key)

    def in_tier(self, tier: str, zone: str | None = None) -> list[Box]:
        return sorted(box for box in self.boxes if box.tier == tier and (zone is None or box.zone == zone))

    def names(self, kind: str) -> list[str]:
        return sorted(box.name for box in self.boxes if box.kind == kind)


def _zone_key(zone: str):
    return (0, int(zone), "") if zone.isdigit() else (1, 0, zone)


def subnet_tier(label: str, route: str) -> str:
    """public/private/isolated: the word in the subnet's name when it has one, else from its default route
    (internet gateway: public; NAT or another gateway: private; no default route: isolated)."""
    lowered = label.lower()
    for tier in ("public", "private", "isolated"):
        if tier in lowered:
            return tier
    return _ROUTE_TIERS.get(route, "private")


def _details(resources: Resources) -> dict[str, str]:
    details = {}
    for s in resources.services:
        count = f"{s.desired} task{'s' if s.desired != 1 else ''}" if s.desired is not None else "tasks: ?"
        if s.minimum is not None and s.maximum is not None:
            count += f" ({s.minimum}..{s.maximum})"
        size = f"{s.vcpu:g} vCPU, {s.memory_gb:g} GB" if s.vcpu is not None and s.memory_gb is not None else ""
        details[s.id] = " · ".join(p for p in (count, size) if p)
    for d in resources.databases:
        deployment = "Multi-AZ" if d.multi_az else ("Aurora" if d.aurora else "single-AZ")
        details[d.id] = " · ".join(p for p in (d.engine, d.instance_class, deployment) if p)
    for b in resources.balancers:
        kind = {"application": "ALB", "network": "NLB"}.get(b.kind, b.kind)
        details[b.id] = f"{kind}, {'internet-facing' if b.internet_facing else 'internal'}"
    return details


def _boxes(reach: Reach, resources: Resources, stacks: list) -> list[Box]:
    subnets = {s.id: s for s in reach.subnets}
    tiers = {s.id: subnet_tier(s.label, s.route) for s in reach.subnets}
    details = _details(resources)
    boxes = [Box("internet", "", 0, "internet", "internet", "internet", "")]
    for s in reach.subnets:
        boxes.append(Box(tiers[s.id], s.zone, _KIND_ORDER["subnet"], s.label, s.id, "subnet", s.cidr))
    existing, parameters = existing_tiers(stacks, reach.placements)
    for e in parameters:
        detail = f"existing VPC subnet{'s' if e.many else ''} (parameter)"
        boxes.append(Box(e.tier, "", _KIND_ORDER["subnet"], e.parameter, e.id, "subnet", detail))
    for p in reach.placements:
        placed = [tiers[i] for i in p.subnets if i in tiers]
        tier = min(Counter(placed).most_common(), key=lambda tc: (-tc[1], TIERS.index(tc[0])))[0] \
            if placed else existing.get(p.id, "other")
        zones = {subnets[i].zone for i in p.subnets if i in subnets}
        zone = next(iter(zones)) if len(zones) == 1 else ""
        detail = details.get(p.id) or {"nat": "NAT gateway", "endpoint": f"endpoint {p.detail}",
                                       "balancer": f"balancer, {p.detail}"}.get(p.kind, p.kind)
        boxes.append(Box(tier, zone, _KIND_ORDER.get(p.kind, 9), p.label, p.id, p.kind, detail))
    return sorted(boxes)


def _links(reach: Reach, shown: set[str], outside: Outside) -> list[Link]:
    kinds = {n.id: n.kind for n in reach.nodes}
    kinds["internet"] = "internet"
    merged: dict[tuple[str, str], dict[str, set]] = {}

    def add(source: str, target: str, label: str, verdict: str) -> None:
        if source in shown and target in shown:
            entry = merged.setdefault((source, target), {"labels": set(), "verdicts": set()})
            entry["labels"].add(label)
            entry["verdicts"].add(verdict)

    into_group: dict[str, list] = {}
    for e in reach.edges:
        if kinds.get(e.source) == "target-group":
            into_group.setdefault(e.source, []).append(e)
    facing = {e.target: e.verdict for e in reach.edges if kinds.get(e.source) == "subnet"
              and kinds.get(e.target) == "balancer"}
    for e in reach.edges:
        source_kind, target_kind = kinds.get(e.source), kinds.get(e.target)
        if source_kind == "balancer" and target_kind == "target-group":
            port = e.label.replace("listener ", "tcp/")
            if e.source in facing and e.source not in outside.restricted:
                add("internet", e.source, port, _weakest(e.verdict, facing[e.source]))
            for onward in into_group.get(e.target, []):
                add(e.source, onward.target, onward.label, _weakest(e.verdict, onward.verdict))
        elif source_kind == "subnet" and target_kind != "balancer" and e.label.startswith("public IP"):
            add("internet", e.target, e.label, e.verdict)
        elif source_kind not in _FOLDED and target_kind not in _FOLDED:
            add(e.source, e.target, e.label, e.verdict)
    for source, target, label, verdict in sorted(outside.links):
        add(source, target, label, verdict)
    links = []
    for (source, target), entry in merged.items():
        labels = sorted(entry["labels"], key=_port_key)
        verdict = YES if YES in entry["verdicts"] else sorted(entry["verdicts"])[0]
        links.append(Link(source, target, ", ".join(labels), verdict))
    return sorted(links)


def _port_key(label: str):
    digits = "".join(c for c in label.split("/")[-1] if c.isdigit())
    return (label.split("/")[0], int(digits) if digits else 0, label)


def _weakest(*verdicts: str) -> str:
    return YES if all(v == YES for v in verdicts) else next(v for v in verdicts if v != YES)


def build_diagram(reach: Reach, resources: Resources, stacks: list | None = None) -> Diagram:
    """The diagram of the environment analysed into ``reach``; ``stacks`` (the templates analysed) place what sits
    in an existing VPC's subnets given by parameter (:mod:`generator.report.existing`)."""
    boxes = _boxes(reach, resources, stacks or [])
    balancers = {box.name: box.id for box in boxes if box.kind == "balancer"}
    targets = {(v.stack, v.logical_id): f"{v.stack}/{v.logical_id}" for v in reach.verdicts}
    outside = read_outside(reach, balancers, targets)
    boxes = sorted(boxes + _outside_boxes(outside, {box.id: box for box in boxes}))
    return Diagram(boxes, _links(reach, {box.id for box in boxes}, outside))


def _outside_boxes(outside: Outside, placed: dict[str, Box]) -> list[Box]:
    """Sources outside the VPC sit with the internet; an endpoint service sits in its balancer's tier."""
    boxes = []
    for box_id, (kind, name, detail) in sorted(outside.boxes.items()):
        balancer = placed.get(outside.services.get(box_id, ""))
        tier = balancer.tier if balancer else "internet"
        boxes.append(Box(tier, "", _KIND_ORDER.get(kind, 9), name, box_id, kind, detail))
    return boxes
