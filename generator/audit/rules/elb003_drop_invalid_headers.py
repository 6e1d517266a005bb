"""ELB003: an ALB that forwards invalid HTTP headers."""
from generator.audit.balancers import V2, flag_not_true, lb_type
from generator.audit.rules.base import PropertyCheck

KEY = "routing.http.drop_invalid_header_fields.enabled"


class InvalidHeadersForwarded(PropertyCheck):
    id = "ELB003"
    severity = "low"
    title = "ALB without routing.http.drop_invalid_header_fields.enabled"
    rationale = ("Forwarding malformed header names enables HTTP desync and request-smuggling attacks against "
                 "the targets behind the load balancer.")
    fix = f"Add LoadBalancerAttributes: [{{Key: {KEY}, Value: 'true'}}]."
    resource_types = (V2,)

    def judge(self, props, ctx, logical_id):
        if lb_type(props) != "application":
            return
        where = flag_not_true(props, KEY)
        if where is not None:
            yield where, f"application load balancer does not set {KEY} to true"
