"""ELB008: an internet-facing application load balancer no AWS WAF web ACL is associated with."""
from generator.audit.balancers import V2, internet_facing_by_default, lb_type
from generator.audit.resolve import UNKNOWN, default_note
from generator.audit.rules.base import PropertyCheck

ASSOCIATION = "AWS::WAFv2::WebACLAssociation"


def associated_balancers(template) -> set:
    """Logical ids of the balancers of ``template`` a web ACL association points at."""
    found = set()
    for _association_id, props in template.of_type(ASSOCIATION):
        ref = template.reference(props.get("ResourceArn"))
        if ref is not UNKNOWN and ref.attribute in (None, "LoadBalancerArn"):
            found.add(ref.logical_id)
    return found


class InternetFacingWithoutWaf(PropertyCheck):
    id = "ELB008"
    severity = "medium"
    title = "Internet-facing load balancer without a WAF web ACL"
    rationale = ("Security groups let anyone on the internet reach the listener; only a web ACL inspects what they "
                 "send (injection, known exploit patterns such as Log4Shell, request floods from one address) before "
                 "it reaches the application (AWS Security Hub ELB.16 / WAF.10, cdk-nag ALBWAFEnabled).")
    fix = ("Add an AWS::WAFv2::WebACL (Scope REGIONAL, AWS managed rule groups, a rate-based rule) and an "
           "AWS::WAFv2::WebACLAssociation whose ResourceArn is the balancer, in the same template.")
    resource_types = (V2,)

    def judge(self, props, ctx, logical_id):
        if lb_type(props) != "application":
            return
        facing, assumed = internet_facing_by_default(ctx.template, props)
        if facing is not True or logical_id in associated_balancers(ctx.template):
            return
        yield (), "internet-facing application load balancer has no AWS WAF web ACL association" + \
            default_note(assumed)
