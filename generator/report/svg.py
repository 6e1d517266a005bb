"""The diagram as inline SVG drawn by our own code: no JavaScript library and no network needed to view it.

A simple layered layout, deterministic to the byte: one column per tier (internet | public | private | isolated),
in each column the boxes that span zones first, then one panel per zone with its subnet and zonal boxes. Links are
straight arrows between columns (a curve on the right for two boxes of one column), labelled by port; unknown links
are dashed. Every text is XML-escaped.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from generator.reach import YES
from generator.report.diagram import TIER_TITLES, Box, Diagram

MARGIN, GAP, PAD = 20, 150, 10
BOX_H, ROW_GAP, TITLE_H, ZONE_TITLE_H = 44, 12, 26, 20
CHAR_W, LABEL_CHAR_W = 7.2, 6.2
_FILL = {"internet": "#e8eefc", "balancer": "#fff4d6", "service": "#e3f4e1", "instance": "#e3f4e1",
         "database": "#f6e3f4", "endpoint": "#e6f2f8", "nat": "#fde8dc", "subnet": "#f4f4f4",
         "source": "#e8eefc", "endpoint-service": "#e6f2f8"}
_TIER_FILL = {"public": "#fbfbf3", "private": "#f6fbf6", "isolated": "#fbf6fb", "other": "#f7f7f7"}


@dataclass(frozen=True)
class _Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def mid_y(self) -> float:
        return self.y + self.h / 2


def _n(value: float) -> str:
    """Coordinates as short, stable text."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _box_width(diagram: Diagram) -> float:
    longest = max([len(b.name) + 2 for b in diagram.boxes] + [len(b.detail) for b in diagram.boxes] + [18])
    return max(150.0, min(300.0, longest * CHAR_W * 0.9 + 2 * PAD))


def _layout(diagram: Diagram, box_w: float):
    """Positions of tier panels, zone panels and boxes."""
    col_w = box_w + 4 * PAD
    boxes: dict[str, _Rect] = {}
    tiers: dict[str, _Rect] = {}
    zones: list[tuple[str, _Rect]] = []
    heights = []
    for column, tier in enumerate(diagram.tiers()):
        x = MARGIN + column * (col_w + GAP)
        y = MARGIN + TITLE_H
        for box in diagram.in_tier(tier, ""):
            boxes[box.id] = _Rect(x + 2 * PAD, y, box_w, BOX_H)
            y += BOX_H + ROW_GAP
        for zone in diagram.zones(tier):
            top = y
            y += ZONE_TITLE_H
            for box in diagram.in_tier(tier, zone):
                boxes[box.id] = _Rect(x + 2 * PAD, y, box_w, BOX_H)
                y += BOX_H + ROW_GAP
            zones.append((f"zone {zone}" if zone.isdigit() else zone, _Rect(x + PAD, top, col_w - 2 * PAD,
                                                                            y - top - ROW_GAP + PAD)))
            y += PAD + ROW_GAP
        tiers[tier] = _Rect(x, MARGIN, col_w, y - MARGIN)
        heights.append(y)
    height = max(heights) + MARGIN
    if "internet" in tiers:  # the internet box sits in the middle of its column
        rect = boxes["internet"]
        boxes["internet"] = _Rect(rect.x, max(rect.y, (height - BOX_H) / 2), rect.w, rect.h)
    width = MARGIN + len(tiers) * (col_w + GAP) - GAP + MARGIN
    return boxes, tiers, zones, width, height


def _box(box: Box, rect: _Rect) -> list[str]:
    rx = {"internet": 22, "endpoint": 18, "database": 12}.get(box.kind, 4)
    cx = rect.x + rect.w / 2
    name_y = rect.y + (18 if box.detail else rect.h / 2 + 5)
    lines = [f'<g class="box" data-kind="{escape(box.kind)}">',
             f'<rect x="{_n(rect.x)}" y="{_n(rect.y)}" width="{_n(rect.w)}" height="{_n(rect.h)}" rx="{rx}" '
             f'fill="{_FILL.get(box.kind, "#ffffff")}" stroke="#555"/>',
             f'<text x="{_n(cx)}" y="{_n(name_y)}" text-anchor="middle" font-weight="bold" '
             f'font-size="13">{escape(box.name)}</text>']
    if box.detail:
        lines.append(f'<text x="{_n(cx)}" y="{_n(rect.y + 35)}" text-anchor="middle" font-size="11" '
                     f'fill="#444">{escape(box.detail)}</text>')
    lines.append("</g>")
    return lines


def _link(index: int, source: _Rect, target: _Rect, label: str, verdict: str) -> list[str]:
    if abs(source.x - target.x) < 1:  # same column: a curve on the right side
        x1, x2 = source.x + source.w, target.x + target.w
        y1, y2 = source.mid_y, target.mid_y
        bulge = x1 + 40 + (index % 3) * 18
        path = f"M{_n(x1)},{_n(y1)} C{_n(bulge)},{_n(y1)} {_n(bulge)},{_n(y2)} {_n(x2)},{_n(y2)}"
        lx, ly = bulge - 6, (y1 + y2) / 2
    else:
        forward = target.x > source.x
        x1 = source.x + source.w if forward else source.x
        x2 = target.x if forward else target.x + target.w
        y1, y2 = source.mid_y, target.mid_y
        path = f"M{_n(x1)},{_n(y1)} L{_n(x2)},{_n(y2)}"
        t = (0.3, 0.5, 0.7)[index % 3]
        lx, ly = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
    dash = "" if verdict == YES else ' stroke-dasharray="5,4"'
    text = label if verdict == YES else f"? {label}"
    w = len(text) * LABEL_CHAR_W + 8
    return [f'<g class="link" data-verdict="{escape(verdict)}">',
            f'<path d="{path}" fill="none" stroke="#336" stroke-width="1.3"{dash} marker-end="url(#arrow)"/>',
            f'<rect x="{_n(lx - w / 2)}" y="{_n(ly - 8)}" width="{_n(w)}" height="15" rx="3" fill="#fff" '
            f'fill-opacity="0.85"/>',
            f'<text x="{_n(lx)}" y="{_n(ly + 4)}" text-anchor="middle" font-size="11">{escape(text)}</text>',
            "</g>"]


def render_svg(diagram: Diagram, title: str) -> str:
    """One ``<svg>`` element (no XML declaration), ready to inline in HTML or save as a file."""
    box_w = _box_width(diagram)
    boxes, tiers, zones, width, height = _layout(diagram, box_w)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" id="diagram" width="{_n(width)}" height="{_n(height)}" '
           f'viewBox="0 0 {_n(width)} {_n(height)}" font-family="Helvetica, Arial, sans-serif" role="img">',
           f"<title>{escape(title)}</title>",
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#336"/></marker></defs>']
    for tier, rect in tiers.items():
        if tier != "internet":
            out.append(f'<rect class="tier" x="{_n(rect.x)}" y="{_n(rect.y)}" width="{_n(rect.w)}" '
                       f'height="{_n(rect.h)}" rx="8" fill="{_TIER_FILL.get(tier, "#fafafa")}" stroke="#999"/>')
        out.append(f'<text x="{_n(rect.x + rect.w / 2)}" y="{_n(rect.y + 17)}" text-anchor="middle" font-size="14" '
                   f'fill="#333">{escape(TIER_TITLES[tier])}</text>')
    for name, rect in zones:
        out.append(f'<rect class="zone" x="{_n(rect.x)}" y="{_n(rect.y)}" width="{_n(rect.w)}" height="{_n(rect.h)}" '
                   f'rx="6" fill="none" stroke="#bbb" stroke-dasharray="3,3"/>')
        out.append(f'<text x="{_n(rect.x + 8)}" y="{_n(rect.y + 14)}" font-size="11" fill="#666">'
                   f"{escape(name)}</text>")
    for index, link in enumerate(diagram.links):
        out.extend(_link(index, boxes[link.source], boxes[link.target], link.label, link.verdict))
    for box in sorted(diagram.boxes):
        out.extend(_box(box, boxes[box.id]))
    out.append("</svg>")
    return "\n".join(out) + "\n"
