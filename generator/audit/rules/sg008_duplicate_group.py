"""SG008: two security groups with identical rules in the same VPC.

A group whose id is exported is left out: other stacks may write standalone rules on it (a stack of security-group
shells, whose rules live with what each group protects), so its rule set is not known from this template.
"""
import json

from generator.audit.resolve import UNKNOWN
from generator.audit.rules.base import Hit, Rule

_IMPLICIT_EGRESS = ("egress", "implicit allow-all")


class DuplicateGroup(Rule):
    id = "SG008"
    severity = "low"
    title = "Security group identical to another in the same VPC"
    rationale = ("Redundant groups double the rules to review and drift apart silently when only one copy is "
                 "changed.")
    fix = "Keep one group and attach it where the copy was used (or make the groups differ as intended)."

    def check(self, ctx):
        groups = ctx.groups
        if groups.has_unknown_standalone:
            return  # a rule might belong to any group: sets are not known
        first_seen: dict = {}
        for group_id in ctx.template.by_type.get("AWS::EC2::SecurityGroup", ()):
            if ctx.attachments.exported(group_id):
                continue  # its rules may be written in the stacks that import it
            props = ctx.template.properties(group_id)
            egress = groups.inline_egress(group_id)
            ingress = props.get("SecurityGroupIngress", [])
            if egress is UNKNOWN or not isinstance(ingress, list):
                continue  # a rule list built by a function: the set is not known
            rules = {rule.signature(group_id) for rule in groups.by_group[group_id]}
            if not egress:
                rules.add(_IMPLICIT_EGRESS)
            key = (json.dumps(props.get("VpcId"), sort_keys=True, default=str), frozenset(rules))
            if key in first_seen:
                yield Hit(group_id, ("Resources", group_id),
                          f"has the same ingress and egress rules as {first_seen[key]} in the same VPC")
            else:
                first_seen[key] = group_id
