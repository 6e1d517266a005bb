"""SG001: a high-risk port reachable from a public address."""
from generator.audit.rules.base import SgRuleCheck


class HighRiskPortsFromPublic(SgRuleCheck):
    id = "SG001"
    severity = "critical"
    title = "High-risk port open to a non-private source"
    rationale = ("SSH, RDP, SMB, NetBIOS, NFS, mail, databases and admin consoles are the services attackers scan "
                 "for; reachable from a public address they are one leaked password or unpatched CVE from a breach.")
    fix = ("Allow the port only from a security group or a private CIDR (10/8, 172.16/12, 192.168/16, fc00::/7); "
           "reach hosts through SSM Session Manager or a VPN instead of the internet.")

    def judge(self, rule, policy):
        if rule.direction != "ingress" or not rule.public_source:
            return None
        ports = rule.port_set_overlap(policy.high_risk_ports)
        if not ports:
            return None
        shown = ", ".join(str(p) for p in ports[:8]) + (", …" if len(ports) > 8 else "")
        return (f"ingress {rule.describe_ports()} from {rule.describe_peer()} opens high-risk port"
                f"{'s' if len(ports) > 1 else ''} {shown} to a non-private source")
