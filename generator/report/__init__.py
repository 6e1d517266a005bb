"""The environment report (issue 10, part 3): a diagram drawn from the reachability model and a fixed monthly cost
estimate from a shipped, dated price table, as README sections (Markdown + Mermaid) or one self-contained HTML page
(inline SVG drawn by our own code).

Public API (used by ``stackprint report`` and by the build's environment README)::

    from generator.report import load_report, report_from_texts, readme_sections, render_html, render_markdown
    report = load_report("out/web-api/prod")          # or report_from_texts(title, {file name: template text})
    render_html(report); render_markdown(report); readme_sections(report)
"""
from generator.report.environment import Report, load_report, report_from_texts
from generator.report.html import render_html
from generator.report.markdown import readme_sections, render_markdown

__all__ = ["Report", "load_report", "report_from_texts", "readme_sections", "render_html", "render_markdown"]
