"""ECS001: an ECS service whose tasks get public IPs."""
from generator.audit.resolve import default_note
from generator.audit.rules.base import PropertyCheck

_PATH = ("Properties", "NetworkConfiguration", "AwsvpcConfiguration", "AssignPublicIp")


class ServicePublicIp(PropertyCheck):
    id = "ECS001"
    severity = "high"
    title = "ECS service with AssignPublicIp ENABLED"
    rationale = ("A task with a public IP is directly addressable from the internet, outside the load balancer; "
                 "its security group becomes the only barrier.")
    fix = ("Run tasks in private subnets with AssignPublicIp DISABLED; reach ECR and CloudWatch through a NAT "
           "gateway or VPC endpoints.")
    resource_types = ("AWS::ECS::Service",)

    def judge(self, props, ctx, logical_id):
        value = props
        for key in _PATH[1:]:
            value = value.get(key) if isinstance(value, dict) else None
        assumed: tuple = ()
        if value is not None and not isinstance(value, str):
            value, assumed = ctx.template.defaults.value(value)  # !Ref / !If: the deployed-by-default case
        if isinstance(value, str) and value.upper() == "ENABLED":
            yield _PATH, ("service assigns public IPs to its tasks (AssignPublicIp ENABLED)"
                          + default_note(assumed))
