"""The blueprint's stated audit exceptions, written into the emitted templates before they are rendered.

`build` gates on every audit finding. A blueprint may accept a finding only by naming the rule and giving a reason
(``audit: {ignore: [...]}`` at the top for every stack, or under a service for its own stack). Rather than filtering
findings inside the build, each accepted finding is marked on its resource as ``Metadata.stackprint.ignore`` — the
audit's own suppression format — so the exception and its reason are visible in ``out/``, and ``stackprint audit
out/`` run by anyone later reaches the same verdict as the build did.
"""
from __future__ import annotations

from troposphere import Template

from generator.audit import audit_document
from generator.emit.scanner_metadata import add_suppressions
from generator.load import load_text


def apply_suppressions(layout, stack_templates: dict[str, Template]) -> list[str]:
    """Mark every finding the blueprint accepts; return one warning per exception that matched nothing.

    Rule ids were checked by the model (``validate`` refuses an unknown one), so every exception names a rule.
    """
    scopes = _scopes(layout)
    used: set[tuple] = set()
    for stack_name, exceptions in scopes.items():
        if exceptions:
            used |= _mark_stack(stack_templates[stack_name], stack_name, exceptions)
    return [str(layout.error_at(keypath + ("rule",), f"{exception.rule} matches no finding in environment "
                                                    f"'{layout.env}' (remove the exception, or limit it to the "
                                                    f"environments that need it)"))
            for keypath, exception in (item for items in scopes.values() for item in items) if keypath not in used]


def _scopes(layout) -> dict[str, list[tuple[tuple, object]]]:
    """Stack name -> the exceptions that apply to it, each with its key path in the blueprint."""
    return {stack.name: [(e.keypath, e) for e in layout.audit_exceptions if stack.name in e.stacks]
            for stack in layout.stacks}



def _mark_stack(template: Template, stack_name: str, exceptions: list[tuple[tuple, object]]) -> set[tuple]:
    """Audit one emitted template and mark the findings its exceptions cover; return the key paths used."""
    used = set()
    for finding in audit_document(load_text(template.to_yaml(), stack_name, cfn=True)):
        for keypath, exception in exceptions:
            if exception.rule == finding.rule and (not exception.resources or finding.resource in
                                                   exception.resources):
                _mark(template.resources[finding.resource], exception.rule, exception.reason)
                used.add(keypath)
    return used


def _mark(resource, rule: str, reason: str) -> None:
    """Add ``{rule, reason}`` to the resource's ``Metadata.stackprint.ignore`` (once), keeping other metadata."""
    add_suppressions(resource, stackprint=((rule, reason),))


__all__ = ["apply_suppressions"]
