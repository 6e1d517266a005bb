"""ELB004: a load balancer without access logs."""
from generator.audit.balancers import V2, attribute
from generator.audit.resolve import UNKNOWN, literal_bool
from generator.audit.rules.base import PropertyCheck

CLASSIC = "AWS::ElasticLoadBalancing::LoadBalancer"


class NoAccessLogs(PropertyCheck):
    id = "ELB004"
    severity = "low"
    title = "Load balancer without access logs"
    rationale = ("Access logs record every request the internet made; without them abuse and incidents cannot be "
                 "traced.")
    fix = ("v2: LoadBalancerAttributes access_logs.s3.enabled 'true' with access_logs.s3.bucket; classic: "
           "AccessLoggingPolicy {Enabled: true, S3BucketName: …}.")
    resource_types = (V2, CLASSIC)

    def judge(self, props, ctx, logical_id):
        if ctx.template.type_of(logical_id) == CLASSIC:
            policy = props.get("AccessLoggingPolicy")
            value = literal_bool(policy.get("Enabled")) if isinstance(policy, dict) else (
                None if policy is None else UNKNOWN)
            where = ("Properties", "AccessLoggingPolicy") if policy is not None else ()
        else:
            value = attribute(props, "access_logs.s3.enabled")
            where = ("Properties", "LoadBalancerAttributes") if "LoadBalancerAttributes" in props else ()
        if value is UNKNOWN or value is True:
            return
        yield where, "load balancer does not write access logs"
