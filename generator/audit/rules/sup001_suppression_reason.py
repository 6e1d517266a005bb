"""SUP001: a suppression that does not say why.

The suppressions themselves are read by :mod:`generator.audit.suppressions`; this rule reports the ones that are not
valid, because an unexplained exception is exactly what a security review must be able to question.
"""
from generator.audit.rules.base import Hit, Rule
from generator.audit.suppressions import suppressions


class SuppressionWithoutReason(Rule):
    id = "SUP001"
    severity = "medium"
    title = "Suppression without a reason"
    rationale = ("A suppression hides a finding from every later review; without a reason nobody can tell an "
                 "accepted risk from a silenced one. Such a suppression does not suppress anything.")
    fix = ("Give each entry of Metadata.stackprint.ignore both a rule id and a non-empty reason, e.g. "
           "{rule: SG006, reason: 'egress to the payment API on 443 is restricted by the proxy'}.")

    def check(self, ctx):
        for logical_id in ctx.template.resources:
            for entry in suppressions(ctx.template, logical_id):
                if entry.problem:
                    yield Hit(logical_id, entry.keypath, entry.problem)
