"""SG004: ingress from a CIDR wider than the policy's minimum prefix length."""
from generator.audit.rules.base import SgRuleCheck


class WideCidrIngress(SgRuleCheck):
    id = "SG004"
    severity = "medium"
    title = "Ingress from a CIDR wider than /16 (IPv4) or /48 (IPv6)"
    rationale = ("A very wide source range admits far more hosts than any real client set; it usually means "
                 "'anyone' written more politely, and grows with every network added to it.")
    fix = "Allow the narrowest CIDR that covers the clients, or better the clients' security group."

    def judge(self, rule, policy):
        if rule.direction != "ingress" or rule.peer_kind != "cidr" or not rule.network or rule.internet:
            return None
        minimum = policy.min_ipv4_prefix if rule.network.version == 4 else policy.min_ipv6_prefix
        if rule.network.prefixlen >= minimum:
            return None
        return (f"ingress {rule.describe_ports()} from {rule.network} is wider than /{minimum} "
                f"(use a prefix of /{minimum} or longer)")
