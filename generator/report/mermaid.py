"""The diagram as a Mermaid ``flowchart`` (GitHub renders it in Markdown), deterministic to the byte.

Tiers are subgraphs from left to right (internet, public, private, isolated), zones are subgraphs inside a tier
holding their subnet and zonal boxes (NAT gateways); boxes that span zones sit in the tier. Shapes say the kind:
balancers ``[[ ]]``, databases ``[( )]``, NAT gateways ``{{ }}``, endpoints ``([ ])``, the internet ``(( ))``.
Proven edges are solid, unknown ones dashed and marked ``?``. Traffic out to the internet (from NAT gateways, or
from a public IP) ends at a second internet node on the right, so the layout reads left to right.
"""
from __future__ import annotations

import re

from generator.reach import YES
from generator.report.diagram import TIER_TITLES, Box, Diagram

OUTBOUND = "n_internet_outbound"
_SHAPES = {"internet": ("((", "))"), "balancer": ("[[", "]]"), "database": ("[(", ")]"), "nat": ("{{", "}}"),
           "endpoint": ("([", "])"), "subnet": ("[/", "/]"),
           "source": ("(", ")"), "endpoint-service": ("([", "])")}


def _text(value: str) -> str:
    """Mermaid label text: quotes and angle brackets as entity codes (labels are quoted strings)."""
    return value.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _ids(diagram: Diagram) -> dict[str, str]:
    """Stable Mermaid ids from the node ids: letters, digits and underscores, unique."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for box in sorted(diagram.boxes, key=lambda b: b.id):
        base = "n_" + re.sub(r"[^A-Za-z0-9]+", "_", box.id).strip("_")
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        ids[box.id] = name
    return ids


def _node(box: Box, ids: dict[str, str]) -> str:
    start, end = _SHAPES.get(box.kind, ("[", "]"))
    label = _text(box.name) + (f"<br/>{_text(box.detail)}" if box.detail else "")
    return f'{ids[box.id]}{start}"{label}"{end}'


def render_mermaid(diagram: Diagram) -> str:
    """The ``flowchart LR`` source, without the Markdown fence."""
    ids = _ids(diagram)
    lines = ["flowchart LR"]
    for tier in diagram.tiers():
        if tier == "internet":
            lines.extend(f"  {_node(box, ids)}" for box in diagram.in_tier(tier))
            continue
        lines.append(f'  subgraph tier_{tier}["{_text(TIER_TITLES[tier])}"]')
        lines.append("    direction TB")
        lines.extend(f"    {_node(box, ids)}" for box in diagram.in_tier(tier, ""))
        for zone in diagram.zones(tier):
            title = f"zone {zone}" if zone.isdigit() else zone
            zone_id = re.sub(r"[^A-Za-z0-9]+", "_", f"{tier}_zone_{zone}")
            lines.append(f'    subgraph {zone_id}["{_text(title)}"]')
            lines.extend(f"      {_node(box, ids)}" for box in diagram.in_tier(tier, zone))
            lines.append("    end")
        lines.append("  end")
    outbound = [link for link in diagram.links if link.target == "internet"]
    if outbound:  # a second internet node for traffic out, so the layout reads left to right without loops back
        lines.append(f'  {OUTBOUND}(("internet"))')
    for link in diagram.links:
        arrow = "-->" if link.verdict == YES else "-.->"
        label = link.label if link.verdict == YES else f"? {link.label}"
        target = OUTBOUND if link.target == "internet" else ids[link.target]
        lines.append(f'  {ids[link.source]} {arrow}|"{_text(label)}"| {target}')
    return "\n".join(lines) + "\n"
