"""SG005: the whole internet allowed on a port outside the authorized public ports."""
from generator.audit.rules.base import SgRuleCheck


class InternetUnauthorizedPort(SgRuleCheck):
    id = "SG005"
    severity = "high"
    title = "Internet ingress on a port outside the authorized public ports"
    rationale = ("Only the ports a public service is meant to offer (by default 80 and 443) should face "
                 "0.0.0.0/0 or ::/0; anything else is an unintended public endpoint.")
    fix = ("Restrict the source to known CIDRs or security groups, or add the port to authorized_public_ports in "
           "the policy if it really is a public service.")

    def judge(self, rule, policy):
        if rule.direction != "ingress" or not rule.internet:
            return None
        if not rule.ports_outside(policy.authorized_public_ports):
            return None
        allowed = ", ".join(str(p) for p in sorted(policy.authorized_public_ports)) or "none"
        return (f"ingress {rule.describe_ports()} from {rule.network} is open to the internet on a port outside "
                f"the authorized public ports ({allowed})")
