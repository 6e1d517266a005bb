"""SG003: a TCP/UDP rule opening a wide range of ports."""
from generator.audit.resolve import UNKNOWN
from generator.audit.rules.base import SgRuleCheck


class WidePortRange(SgRuleCheck):
    id = "SG003"
    severity = "medium"
    title = "Port range wider than the policy allows"
    rationale = ("A wide range opens ports no service listens on today but some process may tomorrow; rules should "
                 "name the ports in use.")
    fix = ("Open only the ports the service uses (one rule per port or a narrow range), or raise "
           "max_port_range in the policy if a range is truly needed.")

    def judge(self, rule, policy):
        # All-protocol rules span every port too, but SG002 (ingress) and SG006 (egress) judge those.
        if rule.protocol not in ("tcp", "udp") or rule.ports is UNKNOWN or rule.ports is None:
            return None
        low, high = rule.ports
        width = high - low + 1
        if width <= policy.max_port_range:
            return None
        return (f"{rule.direction} {rule.describe_ports()} spans {width} ports "
                f"(at most {policy.max_port_range} allowed)")
