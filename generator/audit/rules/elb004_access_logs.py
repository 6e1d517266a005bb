"""ELB004: a load balancer without access logs."""
from generator.audit.balancers import V2, attribute, listener_protocols
from generator.audit.resolve import UNKNOWN, default_note, is_intrinsic, literal_bool
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
        assumed: tuple = ()
        if ctx.template.type_of(logical_id) == CLASSIC:
            policy = props.get("AccessLoggingPolicy")
            if policy is None:
                value = None
            elif isinstance(policy, dict) and not is_intrinsic(policy):
                value = literal_bool(policy.get("Enabled"))
            else:
                value = UNKNOWN  # a policy chosen by Fn::If (or any function) may well enable the logs
            where = ("Properties", "AccessLoggingPolicy") if policy is not None else ()
        else:
            can_log, assumed = _can_log(ctx.template, props, logical_id)
            if not can_log:
                return
            value = attribute(props, "access_logs.s3.enabled")
            where = ("Properties", "LoadBalancerAttributes") if "LoadBalancerAttributes" in props else ()
        if value is UNKNOWN or value is True:
            return
        yield where, "load balancer does not write access logs" + default_note(assumed)


def _can_log(template, props, logical_id) -> tuple:
    """``(whether access logs could record anything, parameters assumed)``: a Network Load Balancer writes them
    only for TLS listeners, so one whose listeners are all TCP/UDP (or unknown, or outside the template) is not
    asked for them; a gateway load balancer has none at all. A ``Type`` given by a parameter is read at its
    default (and named); any other function leaves the type unknown: not judged."""
    kind, assumed = template.defaults.value(props.get("Type", "application"))
    kind = kind.lower() if isinstance(kind, str) else UNKNOWN
    if kind == "application":
        return True, assumed
    if kind == "network":
        return "TLS" in listener_protocols(template, logical_id), assumed
    return False, ()
