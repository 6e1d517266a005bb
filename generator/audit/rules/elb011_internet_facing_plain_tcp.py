"""ELB011: an internet-facing network load balancer with a plain TCP listener."""
from generator.audit.balancers import internet_facing_by_default, listener_balancer, lb_type
from generator.audit.resolve import UNKNOWN, default_note, literal
from generator.audit.rules.base import PropertyCheck


class InternetFacingPlainTcp(PropertyCheck):
    id = "ELB011"
    severity = "medium"
    title = "Internet-facing network load balancer with a plain TCP listener"
    rationale = ("A TCP listener forwards whatever the client sends without encryption at the balancer; on the "
                 "internet that is only safe when the service itself speaks TLS (or the protocol has no secrets), "
                 "which the template cannot show. AWS WAF does not attach to network balancers, so nothing else "
                 "inspects this traffic either.")
    fix = ("Use Protocol TLS with a certificate and a TLS 1.2+ SslPolicy (ELBSecurityPolicy-TLS13-1-2-2021-06), or "
           "suppress this finding with the reason plain TCP is safe (e.g. the service terminates TLS itself).")
    resource_types = ("AWS::ElasticLoadBalancingV2::Listener",)

    def judge(self, props, ctx, logical_id):
        protocol = literal(props.get("Protocol"))
        if not isinstance(protocol, str) or protocol.upper() not in ("TCP", "TCP_UDP"):
            return
        balancer = listener_balancer(ctx.template, props)
        if balancer is UNKNOWN or lb_type(balancer) != "network":
            return
        facing, assumed = internet_facing_by_default(ctx.template, balancer)
        if facing is True:
            yield ("Properties", "Protocol"), ("internet-facing network load balancer listener is plain "
                                               f"{protocol.upper()} (not TLS)" + default_note(assumed))
