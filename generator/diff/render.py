"""The report as text (colored on a TTY), markdown for a pull-request comment, or JSON.

All three read the same :class:`Report`; text lines are reused inside the markdown's ``diff`` blocks, so a reviewer
sees the same words in the terminal and in the pull request. Order: per environment, what the internet can reach
first, then firewall flows, broken exports, then each stack's resources (sorted by logical id), parameters, outputs.
"""
from __future__ import annotations

import json

from generator.console import style
from generator.diff.report import EnvironmentDiff, ItemChange, PropertyChange, Report, ResourceChange, StackDiff
from generator.diff.values import show

FORMATS = ("text", "markdown", "json")
_MARK = {"add": "+", "remove": "-", "modify": "~", "replace": "~"}
_STYLE = {"add": "ok", "remove": "error", "modify": "warning", "replace": "warning"}


def _counts(counts: dict[str, int]) -> str:
    parts = [f"{counts[k]} {label}" for k, label in (("add", "added"), ("modify", "modified"),
                                                     ("replace", "replaced"), ("remove", "removed")) if counts[k]]
    return ", ".join(parts) or "no resource changes"


def _property(change: PropertyChange) -> str:
    text = f"{change.where}: {show(change.old)} → {show(change.new)}"
    if change.cause:
        text = f"{change.where}: {show(change.new)} ({change.cause})"
    return text + (" (replace)" if change.replaces and not change.cause else "")


def _resource(change: ResourceChange, paint) -> list[str]:
    mark = _MARK[change.action]
    head = f"{mark} {change.logical_id} {change.type}"
    if change.action == "replace":
        head += " replace"
    if change.danger:
        head += " DANGER" + (f" ({change.retained})" if change.retained else "")
    lines = [paint(head, "error" if change.danger else _STYLE[change.action])]
    lines += [f"    {_property(p)}" for p in change.properties]
    return lines


def _items(label: str, items: list[ItemChange], paint) -> list[str]:
    lines = []
    for item in items:
        lines.append(paint(f"{_MARK[item.action]} {label} {item.name}", _STYLE[item.action]))
        lines += [f"    {_property(p)}" for p in item.properties]
    return lines


def stack_lines(stack: StackDiff, paint=lambda text, kind: text) -> list[str]:
    """The body of one stack: resources, then parameters, outputs and other sections."""
    lines = []
    for resource in stack.resources:
        lines += _resource(resource, paint)
    lines += _items("parameter", stack.parameters, paint)
    lines += _items("output", stack.outputs, paint)
    lines += [f"~ {_property(s)}" for s in stack.sections]
    return lines


def _stack_title(stack: StackDiff) -> str:
    danger = len(stack.danger)
    return f"{stack.path} ({stack.status}: {_counts(stack.counts())}" + (f", {danger} danger)" if danger else ")")


def environment_head(environment: EnvironmentDiff, paint=lambda text, kind: text) -> list[str]:
    """Internet exposure, firewall and export errors of one environment, most important first."""
    lines = []
    if environment.internet_added or environment.internet_removed:
        lines.append(paint("internet-reachable targets changed:", "high"))
        lines += [paint(f"  + {t}", "error") for t in environment.internet_added]
        lines += [paint(f"  - {t}", "ok") for t in environment.internet_removed]
    if environment.flows_added or environment.flows_removed:
        lines.append("firewall:")
        lines += [paint(f"  + {f}", "ok") for f in environment.flows_added]
        lines += [paint(f"  - {f}", "error") for f in environment.flows_removed]
    lines += [paint(f"error: {e}", "error") for e in environment.errors]
    lines += [paint(f"note: {n}", "warning") for n in environment.notes]
    return lines


def summary(report: Report) -> str:
    counts = report.counts()
    stacks = report.stacks
    text = f"{len(stacks)} stack{'s' if len(stacks) != 1 else ''} changed"
    for status in ("added", "modified", "removed"):
        number = sum(1 for s in stacks if s.status == status)
        if number:
            text += f", {number} {status}"
    return (f"{text}; resources: {_counts(counts)}; {counts['danger']} danger; "
            f"{counts['errors']} error{'s' if counts['errors'] != 1 else ''}")


def text(report: Report, stream=None) -> str:
    """Plain lines, colored when ``stream`` is a terminal."""
    paint = (lambda line, kind: style(line, kind, stream)) if stream is not None else (lambda line, kind: line)
    lines = [f"stackprint diff: {report.old} → {report.new}"]
    if not report.environments:
        return "\n".join(lines + ["no changes"]) + "\n"
    for environment in report.environments:
        lines.append(environment.directory or ".")
        lines += [f"  {line}" for line in environment_head(environment, paint)]
        for stack in environment.stacks:
            lines.append(f"  {_stack_title(stack)}")
            lines += [f"    {line}" for line in stack_lines(stack, paint)]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def markdown(report: Report) -> str:
    """A pull-request comment: summary and dangers first; per environment its flows and errors, then one
    collapsible ``<details>`` per stack."""
    lines = [f"### stackprint diff: `{report.old}` → `{report.new}`", ""]
    if not report.environments:
        return "\n".join(lines + ["No changes."]) + "\n"
    lines += [f"**{summary(report)}**", ""]
    if report.danger:
        lines += ["**Danger**: these replacements or removals lose state (data, addresses or identity):", ""]
        lines += [f"- `{s.path}`: `{r.logical_id}` ({r.type}) {'replaced' if r.action == 'replace' else 'removed'}"
                  + (f", {r.retained}" if r.retained else "") for s, r in report.danger]
        lines.append("")
    for environment in report.environments:
        lines += [f"#### {environment.directory or '.'}", ""]
        flows = []
        if environment.internet_added or environment.internet_removed:
            flows += ["# internet-reachable targets changed"]
            flows += [f"+ {t}" for t in environment.internet_added] + [f"- {t}" for t in environment.internet_removed]
        if environment.flows_added or environment.flows_removed:
            flows += ["# firewall"]
            flows += [f"+ {f}" for f in environment.flows_added] + [f"- {f}" for f in environment.flows_removed]
        if flows:
            lines += ["```diff", *flows, "```", ""]
        if environment.errors or environment.notes:
            lines += [f"- **error**: {e}" for e in environment.errors]
            lines += [f"- note: {n}" for n in environment.notes] + [""]
        for stack in environment.stacks:
            lines += [f"<details><summary><code>{stack.path}</code>: {stack.status} ({_counts(stack.counts())})"
                      + (f", <b>{len(stack.danger)} danger</b>" if stack.danger else "") + "</summary>", "",
                      "```diff", *stack_lines(stack), "```", "", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def render(report: Report, fmt: str = "text", stream=None) -> str:
    """The report in ``fmt`` (text, markdown or json); text is colored only when ``stream`` is a terminal."""
    if fmt == "json":
        return json.dumps(report.to_json(), indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    if fmt == "markdown":
        return markdown(report)
    return text(report, stream)
