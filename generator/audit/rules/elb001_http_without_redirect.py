"""ELB001: an internet-facing HTTP listener that serves instead of redirecting to HTTPS."""
from generator.audit.balancers import internet_facing_by_default, listener_balancer
from generator.audit.resolve import UNKNOWN, default_note, literal
from generator.audit.rules.base import PropertyCheck


def _redirects_to_https(actions) -> object:
    """True if the first (default) action redirects to HTTPS; UNKNOWN if it cannot be read."""
    if not isinstance(actions, list) or not actions:
        return UNKNOWN
    ordered = sorted((a for a in actions if isinstance(a, dict)),
                     key=lambda a: a.get("Order") if isinstance(a.get("Order"), int) else 50001)
    if not ordered:
        return UNKNOWN
    action = ordered[0]
    kind = literal(action.get("Type"))
    if kind is UNKNOWN:
        return UNKNOWN
    if str(kind).lower() != "redirect":
        return False
    config = action.get("RedirectConfig")
    protocol = literal(config.get("Protocol")) if isinstance(config, dict) else None
    if protocol is UNKNOWN:
        return UNKNOWN
    return protocol == "HTTPS"


class HttpListenerWithoutRedirect(PropertyCheck):
    id = "ELB001"
    severity = "high"
    title = "Internet-facing HTTP listener that does not redirect to HTTPS"
    rationale = ("Plain HTTP from the internet exposes cookies, tokens and content to anyone on the path; "
                 "HTTP should only send clients to HTTPS.")
    fix = ("Make the HTTP listener's default action a redirect (Type redirect, RedirectConfig Protocol HTTPS, "
           "Port 443, StatusCode HTTP_301) and serve from an HTTPS listener.")
    resource_types = ("AWS::ElasticLoadBalancingV2::Listener",)

    def judge(self, props, ctx, logical_id):
        if literal(props.get("Protocol")) != "HTTP":
            return
        balancer = listener_balancer(ctx.template, props)
        if balancer is UNKNOWN:
            return
        facing, assumed = internet_facing_by_default(ctx.template, balancer)
        if facing is not True:
            return
        if _redirects_to_https(props.get("DefaultActions")) is False:
            yield ("Properties", "DefaultActions"), ("internet-facing HTTP listener's default action is not a "
                                                     "redirect to HTTPS" + default_note(assumed))
