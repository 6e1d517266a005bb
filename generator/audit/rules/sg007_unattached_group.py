"""SG007: a security group attached to nothing."""
from generator.audit.rules.base import Hit, Rule


class UnattachedGroup(Rule):
    id = "SG007"
    severity = "low"
    title = "Security group attached to nothing"
    rationale = ("An unused group is dead firewall policy: reviewers must still read it, and someone will attach "
                 "it later without rereading its rules. Being the source of another group's rule is not use.")
    fix = "Delete the group, or attach it to the resource it was meant for."

    def check(self, ctx):
        attachments = ctx.attachments
        if attachments.template_is_open():
            return
        for group_id in ctx.template.by_type.get("AWS::EC2::SecurityGroup", ()):
            if not attachments.used_anywhere(group_id):
                yield Hit(group_id, ("Resources", group_id),
                          "security group is not attached to any resource of the template and its id is not "
                          "exported or passed on")
