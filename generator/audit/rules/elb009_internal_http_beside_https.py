"""ELB009: an internal balancer that has a certificate and still listens on plain HTTP."""
from generator.audit.balancers import internet_facing, listener_balancer, listener_protocols
from generator.audit.resolve import UNKNOWN, literal
from generator.audit.rules.base import PropertyCheck


class InternalHttpBesideHttps(PropertyCheck):
    id = "ELB009"
    severity = "low"
    title = "Internal load balancer with HTTPS that also listens on HTTP"
    rationale = ("An internal balancer that holds a certificate can encrypt every hop inside the VPC; a plain HTTP "
                 "listener next to it (even one that only redirects) invites clients to send the first request, "
                 "with its headers and tokens, in clear text, and usually goes with plain HTTP to the targets "
                 "(end-to-end TLS: HIPAA 164.312(e)(1), PCI DSS 4.1 inside the cardholder network).")
    fix = ("Remove the HTTP listener and forward to the targets over HTTPS (target group Protocol HTTPS, "
           "containers serving TLS on their port).")
    resource_types = ("AWS::ElasticLoadBalancingV2::Listener",)

    def judge(self, props, ctx, logical_id):
        if literal(props.get("Protocol")) != "HTTP":
            return
        balancer = listener_balancer(ctx.template, props)
        if balancer is UNKNOWN or internet_facing(balancer) is not False:
            return
        ref = ctx.template.reference(props.get("LoadBalancerArn"))
        if "HTTPS" in listener_protocols(ctx.template, ref.logical_id):
            yield ("Properties", "Protocol"), "internal load balancer with an HTTPS listener also listens on HTTP"
