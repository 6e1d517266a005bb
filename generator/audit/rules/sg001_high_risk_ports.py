"""SG001: a high-risk port reachable from a public address."""
from generator.audit.attachments import LOAD_BALANCER_TYPES
from generator.audit.rules.base import Hit, SgRuleCheck
from generator.audit.sgrules import ALL_PORTS


class HighRiskPortsFromPublic(SgRuleCheck):
    id = "SG001"
    severity = "critical"
    title = "High-risk port open to a non-private source"
    rationale = ("SSH, RDP, SMB, NetBIOS, NFS, mail, databases and admin consoles are the services attackers scan "
                 "for; reachable from a public address they are one leaked password or unpatched CVE from a breach.")
    fix = ("Allow the port only from a security group or a private CIDR (10/8, 172.16/12, 192.168/16, fc00::/7); "
           "reach hosts through SSM Session Manager or a VPN instead of the internet.")

    def check(self, ctx):
        for rule in ctx.groups.rules:
            message = self.judge(rule, ctx.policy)
            if message and not _only_balancer_listeners(ctx, rule):
                yield Hit(rule.resource, rule.keypath, message + rule.default_note())

    def judge(self, rule, policy):
        if rule.direction != "ingress" or not rule.public_source:
            return None
        ports = rule.port_set_overlap(policy.high_risk_ports)
        if not ports:
            return None
        shown = ", ".join(str(p) for p in ports[:8]) + (", …" if len(ports) > 8 else "")
        return (f"ingress {rule.describe_ports()} from {rule.describe_peer()} opens high-risk port"
                f"{'s' if len(ports) > 1 else ''} {shown} to a non-private source")


def _only_balancer_listeners(ctx, rule) -> bool:
    """An all-ports rule (IpProtocol -1, or 0-65535) on a group that only load balancers certainly wear opens no
    high-risk port: a load balancer answers only on its listener ports. SG002 (high) still reports the all-protocols
    rule, so the finding is folded there instead of claiming SSH or RDP is reachable (docs/audit.md#sg001)."""
    if rule.ports != ALL_PORTS or not isinstance(rule.group, str) or ctx.groups.has_unknown_standalone:
        return False
    return ctx.attachments.only_worn_by(rule.group, LOAD_BALANCER_TYPES)
