"""NET003: internet-open ingress on a group attached to something other than a load balancer."""
from generator.audit.attachments import LOAD_BALANCER_TYPES, PRIVATE_ONLY_TYPES
from generator.audit.resolve import UNKNOWN
from generator.audit.rules.base import Hit, Rule


class InternetOpenNonLoadBalancer(Rule):
    id = "NET003"
    severity = "high"
    title = "Internet-open ingress on a group attached to a non-load-balancer"
    rationale = ("Only load balancers should face the internet; an instance, task or database reachable from "
                 "0.0.0.0/0 bypasses the load balancer's TLS, WAF and health checks.")
    fix = ("Put the workload in a private subnet behind a load balancer and allow ingress only from the load "
           "balancer's security group.")

    def check(self, ctx):
        attachments = ctx.attachments
        for rule in ctx.groups.rules:
            if rule.direction != "ingress" or not rule.internet or not isinstance(rule.group, str) \
                    or rule.protocol is UNKNOWN:
                continue
            exposed = sorted(attachments.attached_types(rule.group) - LOAD_BALANCER_TYPES - PRIVATE_ONLY_TYPES)
            if exposed:
                yield Hit(rule.resource, rule.keypath,
                          f"ingress {rule.describe_ports()} from {rule.network} reaches group {rule.group}, "
                          f"attached to {', '.join(exposed)}{rule.default_note()}")
