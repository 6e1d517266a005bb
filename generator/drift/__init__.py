"""Drift of a deployed environment from its committed templates (issue 14, part 1): ``stackprint drift``.

Public API (used by :mod:`generator.commands.drift`)::

    from generator.drift import Options, detect, render_json, render_sarif, render_text
    report = detect(load_environment("out/web-api/dev"), Clients(Target(region="eu-west-1")), Options())
    report.findings   # Finding per difference (rule added / missing, default group, foreign group, ...)
    report.notes      # what could not be checked, and why (CloudTrail denied, drift detection timed out, ...)

Modules, each named for what it holds: :mod:`.rules` (one rule, comparable on both sides), :mod:`.expected` (the
layout the templates declare, as deployed), :mod:`.aws` (reading stacks, groups, rules, interfaces),
:mod:`.compare` (layout against account), :mod:`.stackdrift` (CloudFormation's drift detection), :mod:`.trail`
(who and when, from CloudTrail), :mod:`.findings` and :mod:`.render`.
"""
from __future__ import annotations

from generator.drift.findings import KINDS, Finding, Report
from generator.drift.render import render_json, render_sarif, render_text, summary_line
from generator.drift.run import Options, detect

__all__ = ["detect", "Options", "Report", "Finding", "KINDS", "render_text", "render_json", "render_sarif",
           "summary_line"]
