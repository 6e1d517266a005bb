"""ELB007: an internal load balancer whose security group admits a public CIDR."""
from generator.audit.balancers import V2, internet_facing
from generator.audit.resolve import references_in
from generator.audit.rules.base import Hit, Rule


class InternalBalancerFromPublic(Rule):
    id = "ELB007"
    severity = "high"
    title = "Internal load balancer reachable from a public CIDR"
    rationale = ("An internal balancer exists so that only the callers of the flow matrix reach the services behind "
                 "it; a rule admitting a public address range (0.0.0.0/0 or any non-private CIDR) lets everything "
                 "routed into the VPC from that range (peering, VPN, Direct Connect, a later scheme change) bypass "
                 "that design, and scanners that only look at port 80 redirects do not notice.")
    fix = ("Admit only the security groups of the callers (SourceSecurityGroupId), or private CIDRs (10/8, "
           "172.16/12, 192.168/16, fc00::/7) when the callers are outside the VPC.")

    def check(self, ctx):
        internal: dict[str, list[str]] = {}
        groups = set(ctx.template.by_type.get("AWS::EC2::SecurityGroup", ()))
        for logical_id, props in ctx.template.of_type(V2):
            if internet_facing(props) is False:
                for group in sorted(references_in(props.get("SecurityGroups")) & groups):
                    internal.setdefault(group, []).append(logical_id)
        for rule in ctx.groups.rules:
            if rule.direction != "ingress" or not rule.public_source or rule.group not in internal:
                continue
            balancers = ", ".join(sorted(internal[rule.group]))
            yield Hit(rule.resource, rule.keypath,
                      f"ingress {rule.describe_ports()} from {rule.describe_peer()} reaches internal load balancer "
                      f"{balancers} through group {rule.group}")
