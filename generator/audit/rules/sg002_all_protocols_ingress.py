"""SG002: an ingress rule allowing every protocol and port."""
from generator.audit.rules.base import SgRuleCheck


class AllProtocolsIngress(SgRuleCheck):
    id = "SG002"
    severity = "high"
    title = "Ingress rule allows all protocols (IpProtocol -1)"
    rationale = ("An all-protocols rule admits every port, including ones nobody meant to expose, and hides what "
                 "the service actually needs; checkov does not flag it.")
    fix = "Replace it with one rule per protocol and port the service listens on (e.g. tcp 8080)."

    def judge(self, rule, policy):
        if rule.direction == "ingress" and rule.is_all_protocols:
            return f"ingress from {rule.describe_peer()} allows all protocols and ports (IpProtocol -1)"
        return None
