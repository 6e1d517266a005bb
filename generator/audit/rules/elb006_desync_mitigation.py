"""ELB006: an ALB that forwards requests HTTP desync mitigation would have refused."""
from generator.audit.balancers import V2, attribute_text, lb_type
from generator.audit.resolve import UNKNOWN
from generator.audit.rules.base import PropertyCheck

KEY = "routing.http.desync_mitigation_mode"
SAFE_MODES = ("defensive", "strictest")


class WeakDesyncMitigation(PropertyCheck):
    id = "ELB006"
    severity = "low"
    title = "ALB with desync mitigation mode monitor"
    rationale = ("In monitor mode the load balancer forwards ambiguous and malformed requests that enable HTTP "
                 "desync (request smuggling) against its targets; defensive (the default) or strictest refuse "
                 "them (AWS Security Hub ELB.12).")
    fix = f"Set LoadBalancerAttributes {KEY} to defensive or strictest, or leave it out (defensive)."
    resource_types = (V2,)

    def judge(self, props, ctx, logical_id):
        if lb_type(props) != "application":
            return
        value = attribute_text(props, KEY)
        if value is None or value is UNKNOWN or str(value).lower() in SAFE_MODES:
            return
        yield ("Properties", "LoadBalancerAttributes"), f"{KEY} is {value} (use defensive or strictest)"
