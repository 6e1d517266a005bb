"""SG009: a security-group rule without a description."""
from generator.audit.resolve import UNKNOWN
from generator.audit.rules.base import SgRuleCheck


class RuleWithoutDescription(SgRuleCheck):
    id = "SG009"
    severity = "low"
    title = "Security-group rule without a Description"
    rationale = ("A rule's description is the only place that says why the hole exists; without it reviewers "
                 "cannot tell a needed rule from a forgotten one.")
    fix = "Add a Description saying who needs the rule and why (e.g. 'web tasks from the public load balancer')."
    judges_peer = False  # a missing description is missing whatever the peer resolves to

    def judge(self, rule, policy):
        if rule.description is UNKNOWN:
            return None
        if rule.description is None or not rule.description.strip():
            peer = rule.describe_peer() if not rule.assumed else f"parameter {', '.join(rule.assumed)}"
            return f"{rule.direction} rule {rule.describe_ports()} ({peer}) has no Description"
        return None
