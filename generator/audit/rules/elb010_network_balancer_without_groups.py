"""ELB010: a network load balancer created without security groups (it can never get one later)."""
from generator.audit.balancers import V2, lb_type
from generator.audit.rules.base import PropertyCheck


class NetworkBalancerWithoutGroups(PropertyCheck):
    id = "ELB010"
    severity = "medium"
    title = "Network load balancer without security groups"
    rationale = ("A network load balancer without security groups lets every client that can route to it reach "
                 "every listener, and its targets must then admit the clients' addresses instead of the balancer's "
                 "group. Groups can only be associated when the balancer is created (Elastic Load Balancing user "
                 "guide, 'Security groups for your Network Load Balancer'), so a balancer created without one is "
                 "stuck that way until it is replaced.")
    fix = ("Give the balancer SecurityGroups (a group admitting its clients on the listener ports only) when it is "
           "created; set EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'on' if it serves PrivateLink.")
    resource_types = (V2,)

    def judge(self, props, ctx, logical_id):
        if lb_type(props) != "network" or props.get("SecurityGroups"):
            return
        yield (), "network load balancer has no SecurityGroups (they can only be added at creation)"
