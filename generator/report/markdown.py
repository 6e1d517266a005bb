"""The report as Markdown: the sections each environment README carries, and ``stackprint report --format markdown``.

The diagram is a fenced ``mermaid`` block (GitHub renders it); the cost is a table whose every number is labelled an
estimate, with the price table's date and sources.
"""
from __future__ import annotations

from generator.report.cost import Estimate, money
from generator.report.environment import Report
from generator.report.mermaid import render_mermaid
from generator.report.prices import PRICE_FILE


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def nat_line(cost: Estimate) -> str:
    """per-az vs single vs none in one line, the current layout marked."""
    parts = []
    for option in cost.nat_options:
        gateways = f"{option.gateways} gateway{'s' if option.gateways != 1 else ''}"
        mark = " (this environment)" if option.current else ""
        parts.append(f"`{option.mode}` ({gateways}) {money(option.monthly)}{mark}")
    return " · ".join(parts)


def cost_section(report: Report, heading: str = "##") -> str:
    cost, prices = report.estimate, report.estimate.prices
    lines = [f"{heading} Estimated monthly cost (fixed part)", "",
             f"**Estimate**, not a quote: AWS list prices for {prices.region} as of {prices.taken} (shipped price "
             f"table `{PRICE_FILE}`), {prices.hours} hours a month, at the counts the templates declare. Usage "
             "(data processed, requests, log volume) is not included.", "",
             "| Item | How | Per month (estimate) |", "|------|-----|---------------------:|"]
    for line in cost.lines:
        amount = money(line.monthly) if line.monthly is not None else "not priced"
        lines.append(f"| {_cell(line.item)} | {_cell(line.detail)} | {amount} |")
    at_max = f"; with autoscaled services at their maximum: {money(cost.total_max)}" \
        if abs(cost.total_max - cost.total) > 0.005 else ""
    lines.append(f"| **Total (estimate)** | fixed part{at_max} | **{money(cost.total)}** |")
    lines += ["", f"NAT gateways for this environment (each with its public IPv4 address): {nat_line(cost)}. "
                  "`single` sends every zone through one gateway (cross-zone data charges, one zone's outage cuts "
                  "the others' internet); `none` leaves private tasks without internet (AWS APIs then need VPC "
                  f"endpoints, {money(prices.usd('interface_endpoint_az_hour') * prices.hours)} per endpoint and "
                  "zone).", ""]
    if cost.unpriced:
        lines += [f"Not priced (left out of the total): {', '.join(cost.unpriced)}.", ""]
    lines += ["Not included (usage-based): " + "; ".join(cost.excluded) + ".", "",
              "Price sources: " + ", ".join(f"[{name}]({url})" for name, url in prices.sources.items()) + "."]
    return "\n".join(lines) + "\n"


def diagram_section(report: Report, heading: str = "##") -> str:
    return "\n".join([
        f"{heading} Diagram", "",
        "Drawn from the reachability model (`stackprint reach`, proven from the templates): arrows are connections "
        "that can be opened, labelled by port; dashed arrows marked `?` depend on values known only at deploy time. "
        "Boxes sit in their subnet tier and, when they live in one zone, in that zone.", "",
        "```mermaid", render_mermaid(report.diagram).rstrip("\n"), "```", ""])


def readme_sections(report: Report) -> str:
    """The sections of the environment README: diagram, then cost."""
    return diagram_section(report) + "\n" + cost_section(report)


def render_markdown(report: Report) -> str:
    """The whole report as one Markdown document."""
    return f"# {report.title}: environment report\n\n" + readme_sections(report)
