"""DATA002: an RDS instance reachable from the internet."""
from generator.audit.resolve import literal_bool
from generator.audit.rules.base import PropertyCheck


class RdsPubliclyAccessible(PropertyCheck):
    id = "DATA002"
    severity = "high"
    title = "RDS instance publicly accessible"
    rationale = ("A publicly accessible database gets a public DNS address; its security group is then the only "
                 "thing between the internet and the data.")
    fix = "Set PubliclyAccessible: false and place the instance in isolated subnets."
    resource_types = ("AWS::RDS::DBInstance",)

    def judge(self, props, ctx, logical_id):
        if literal_bool(props.get("PubliclyAccessible")) is True:
            yield ("Properties", "PubliclyAccessible"), "database instance is publicly accessible"
