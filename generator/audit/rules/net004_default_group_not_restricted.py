"""NET004: a VPC whose default security group keeps its default rules."""
from generator.audit.rules.base import Hit, Rule

CUSTOM_TYPES = ("AWS::CloudFormation::CustomResource",)


def _names_default_group(value, vpc: str) -> bool:
    """Whether ``value`` contains ``!GetAtt <vpc>.DefaultSecurityGroup`` (list, dotted or ``${...}`` form)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            target = item.get("Fn::GetAtt") if len(item) == 1 else None
            if target in ([vpc, "DefaultSecurityGroup"], f"{vpc}.DefaultSecurityGroup"):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and f"${{{vpc}.DefaultSecurityGroup}}" in item:
            return True
    return False


class DefaultGroupNotRestricted(Rule):
    id = "NET004"
    severity = "medium"
    title = "VPC default security group not restricted"
    rationale = ("Every VPC's default group admits all traffic between its members and allows all egress; anything "
                 "launched without an explicit group (a task, an ENI, a Lambda) silently gets it. AWS Security Hub "
                 "EC2.2 and CIS AWS Foundations 5.4 require it to have no rules.")
    fix = ("Add a custom resource whose function revokes the default group's rules, passing it "
           "!GetAtt <Vpc>.DefaultSecurityGroup (what the AWS CDK's restrictDefaultSecurityGroup does; stackprint "
           "emits it by default).")

    def check(self, ctx):
        template = ctx.template
        custom = [template.properties(logical_id) for logical_id, resource in template.resources.items()
                  if resource["Type"].startswith("Custom::") or resource["Type"] in CUSTOM_TYPES]
        for vpc_id in template.by_type.get("AWS::EC2::VPC", ()):
            if not any(_names_default_group(props, vpc_id) for props in custom):
                yield Hit(vpc_id, ("Resources", vpc_id),
                          "no custom resource revokes the rules of the VPC's default security group "
                          "(GetAtt DefaultSecurityGroup)")
