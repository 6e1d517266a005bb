"""SG010: ECS tasks wear a security group whose rules are not in the templates (a parameter or a literal id)."""
from generator.audit.resolve import is_intrinsic
from generator.audit.rules.base import PropertyCheck

_PATH = ("Properties", "NetworkConfiguration", "AwsvpcConfiguration", "SecurityGroups")


class ExternalGroup(PropertyCheck):
    id = "SG010"
    severity = "low"
    title = "ECS tasks wear a security group defined outside the templates"
    rationale = ("Security groups only ever add allowed traffic: a group given as a parameter or a fixed id (a "
                 "Firewall Manager common group, a shared scanner group) can admit anything, and its rules are "
                 "neither in these templates nor in their flow matrix. The tasks' reach is then known only up to "
                 "that group's rules, and a reviewer must look them up where they are managed.")
    fix = ("Keep the group when it is centrally managed on purpose and accept the finding with the reason (a "
           "stackprint blueprint does this from `security_groups: [{parameter, reason}]`); otherwise create the "
           "group and its rules in the templates.")
    resource_types = ("AWS::ECS::Service",)

    def judge(self, props, ctx, logical_id):
        value = props
        for key in _PATH[1:]:
            value = value.get(key) if isinstance(value, dict) else None
        if not isinstance(value, list):
            return
        parameters = ctx.template.doc.data.get("Parameters") or {}
        for index, item in enumerate(value):
            described = _external(item, parameters)
            if described:
                yield _PATH + (index,), (f"tasks wear {described}, whose rules are not in the templates (managed "
                                         "elsewhere: the flow matrix does not include what it admits)")


def _external(item, parameters: dict) -> str | None:
    """How the message names ``item`` when it is a group from outside the templates, else None."""
    if isinstance(item, str):
        return f"security group {item}" if item.startswith("sg-") else None
    if is_intrinsic(item) and isinstance(item, dict) and set(item) == {"Ref"}:
        name = item["Ref"]
        definition = parameters.get(name) if isinstance(name, str) else None
        if isinstance(definition, dict):
            kind = definition.get("Type", "String")
            return f"the security group of parameter {name} ({kind})"
    return None
