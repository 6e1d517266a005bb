"""ELB002: an HTTPS/TLS listener that accepts TLS older than 1.2."""
import re

from generator.audit.resolve import UNKNOWN, literal
from generator.audit.rules.base import PropertyCheck

# ELB security policies whose minimum version is TLS 1.2 or 1.3 (TLS13-1-2…, TLS13-1-3…, TLS-1-2…, FS-1-2…).
MODERN_POLICY = re.compile(r"^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)(-|$)")


class WeakTlsPolicy(PropertyCheck):
    id = "ELB002"
    severity = "medium"
    title = "HTTPS/TLS listener without a TLS 1.2+ SslPolicy"
    rationale = ("Without an explicit policy the listener uses ELBSecurityPolicy-2016-08, which still accepts "
                 "TLS 1.0 and 1.1 and their weak ciphers.")
    fix = "Set SslPolicy to a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06."
    resource_types = ("AWS::ElasticLoadBalancingV2::Listener",)

    def judge(self, props, ctx, logical_id):
        if literal(props.get("Protocol")) not in ("HTTPS", "TLS"):
            return
        policy = props.get("SslPolicy")
        if policy is None:
            yield ("Properties",), ("listener has no SslPolicy, so it defaults to ELBSecurityPolicy-2016-08 "
                                    "(TLS 1.0+)")
            return
        policy = literal(policy)
        if policy is UNKNOWN or MODERN_POLICY.match(str(policy)):
            return
        yield ("Properties", "SslPolicy"), f"SslPolicy {policy} accepts TLS versions older than 1.2"
