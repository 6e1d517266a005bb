"""The report as one self-contained HTML page: inline SVG diagram, cost table, no external resource at all.

The small inline script is ours and needs no network: after the page is laid out it measures the diagram (its
bounding box, and how many ``<text>`` elements read exactly each service's name) and writes the result into the
``data-diagram`` attribute of ``<body>``, so a headless browser's ``--dump-dom`` shows whether the SVG rendered.
"""
from __future__ import annotations

import json
from html import escape

from generator.report.cost import money
from generator.report.environment import Report
from generator.report.markdown import nat_line
from generator.report.prices import PRICE_FILE
from generator.report.svg import render_svg

_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
td.amount, th.amount { text-align: right; white-space: nowrap; }
.diagram { overflow-x: auto; border: 1px solid #ddd; padding: 8px; }
.diagram svg { max-width: 100%; height: auto; min-width: 900px; }
.note { color: #555; font-size: 0.9em; }
"""

_PROBE = """
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var svg = document.getElementById("diagram");
  var result = {width: 0, height: 0, texts: 0, services: {}};
  if (svg) {
    var box = svg.getBBox();
    var texts = Array.prototype.map.call(svg.querySelectorAll("text"), function (t) { return t.textContent; });
    result.width = box.width;
    result.height = box.height;
    result.texts = texts.length;
    data.services.forEach(function (name) {
      result.services[name] = texts.filter(function (t) { return t === name; }).length;
    });
  }
  document.body.setAttribute("data-diagram", JSON.stringify(result));
})();
"""


def _json_for_script(data) -> str:
    """JSON that cannot end its <script> element early."""
    return json.dumps(data, sort_keys=True, ensure_ascii=True).replace("</", "<\\/").replace("<!--", "<\\!--")


def _cost(report: Report) -> list[str]:
    cost, prices = report.estimate, report.estimate.prices
    out = ["<h2>Estimated monthly cost (fixed part)</h2>",
           f"<p><strong>Estimate</strong>, not a quote: AWS list prices for {escape(prices.region)} as of "
           f"{escape(prices.taken)} (shipped price table <code>{escape(PRICE_FILE)}</code>), {prices.hours} hours "
           "a month, at the counts the templates declare. Usage (data processed, requests, log volume) is not "
           "included.</p>",
           '<table id="cost"><thead><tr><th>Item</th><th>How</th><th class="amount">Per month (estimate)</th></tr>'
           "</thead><tbody>"]
    for line in cost.lines:
        amount = money(line.monthly) if line.monthly is not None else "not priced"
        out.append(f'<tr><td>{escape(line.item)}</td><td>{escape(line.detail)}</td>'
                   f'<td class="amount">{escape(amount)}</td></tr>')
    at_max = f"; with autoscaled services at their maximum: {money(cost.total_max)}" \
        if abs(cost.total_max - cost.total) > 0.005 else ""
    out.append(f'<tr><th>Total (estimate)</th><td>fixed part{escape(at_max)}</td>'
               f'<th class="amount">{escape(money(cost.total))}</th></tr></tbody></table>')
    out.append(f"<p>NAT gateways for this environment (each with its public IPv4 address): "
               f"{escape(nat_line(cost).replace('`', ''))}.</p>")
    if cost.unpriced:
        out.append(f"<p>Not priced (left out of the total): {escape(', '.join(cost.unpriced))}"
                   ".</p>")
    out.append(f'<p class="note">Not included (usage-based): {escape("; ".join(cost.excluded))}.</p>')
    links = ", ".join(f'<a href="{escape(url)}">{escape(name)}</a>' for name, url in prices.sources.items())
    out.append(f'<p class="note">Price sources: {links}.</p>')
    return out


def render_html(report: Report) -> str:
    """The page, deterministic to the byte."""
    title = f"{report.title}: environment report"
    data = {"services": report.services}
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f"<title>{escape(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
             f"<h1>{escape(title)}</h1>",
             "<h2>Diagram</h2>",
             '<p class="note">Drawn from the reachability model (<code>stackprint reach</code>, proven from the '
             "templates): arrows are connections that can be opened, labelled by port; dashed arrows marked ? "
             "depend on values known only at deploy time.</p>",
             '<div class="diagram">', render_svg(report.diagram, title).rstrip("\n"), "</div>"]
    parts += _cost(report)
    parts += [f'<script id="report-data" type="application/json">{_json_for_script(data)}</script>',
              f"<script>{_PROBE}</script>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"
